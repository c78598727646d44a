"""/admin/audit names people by e-mail and role, and actions and records, in the reader's language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import survey
from survey.models import Role
from survey.web.admin.audit_labels import ACTIONS, RECORDS


def row_of(page: str, action: str) -> str:
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S) if f"<td>{action}</td>" in row]
    assert rows, f"no {action} row"
    return rows[0]


def test_the_log_names_who_acted_and_on_whom_by_email_and_role(client, make_user, login):
    admin = make_user(Role.ADMIN, email="boss@voces.example")
    worker = make_user(Role.FIELD_WORKER, email="worker@voces.example")
    login(admin)
    client.post(f"/admin/users/{worker.id}/role", data={"role": "evaluator"})
    page = client.get("/admin/audit?lang=es").get_data(as_text=True)
    row = row_of(page, "Rol cambiado")
    assert "boss@voces.example (Administrador(a))" in row
    assert "worker@voces.example (Evaluador(a))" in row
    assert f"user {worker.id}" not in row and f"<td>{admin.id}</td>" not in row


def test_an_action_without_an_account_shows_a_dash(client, make_user, login):
    client.post("/auth/login", data={"email": "nobody@voces.example", "password": "wrong"})
    login(make_user(Role.ADMIN))
    assert "<td>-</td>" in row_of(client.get("/admin/audit").get_data(as_text=True), "Failed login")


def test_actions_and_records_read_in_spanish_and_an_unknown_code_as_stored(client, make_user, login, db):
    from survey.services.audit import record_event

    admin = make_user(Role.ADMIN)
    record_event("pin_quote", actor=admin, target_type="testimonial", target_id=7)
    record_event("something_new", actor=admin, target_type="gadget", target_id=8)
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit?lang=es").get_data(as_text=True)
    assert "testimonio 7" in row_of(page, "Cita fijada en el informe")
    assert "gadget 8" in row_of(page, "something_new")  # shown as stored rather than hidden
    assert "<td>pin_quote</td>" not in page


def _recorded() -> tuple[set[str], set[str]]:
    """Every action and record kind the package writes to the log, read from its source."""
    actions: set[str] = set()
    records: set[str] = set()
    for path in Path(survey.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                not isinstance(node, ast.Call)
                or getattr(node.func, "id", getattr(node.func, "attr", "")) != "record_event"
            ):
                continue
            for part in ast.walk(node.args[0]) if node.args else ():
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    actions.add(part.value)
            for keyword in node.keywords:
                if keyword.arg == "target_type" and isinstance(keyword.value, ast.Constant):
                    records.add(keyword.value.value)
    return actions, records


def test_every_action_and_record_the_package_logs_has_a_wording():
    actions, records = _recorded()
    assert len(actions) > 40 and len(records) > 10  # the reading found the calls
    assert actions - set(ACTIONS) == set()
    assert records - set(RECORDS) == set()
