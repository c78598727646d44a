"""/admin/audit names people by e-mail and role, in the reader's language."""

from __future__ import annotations

import re

from survey.models import Role


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
    row = row_of(page, "change_role")
    assert "boss@voces.example (Administrador(a))" in row
    assert "worker@voces.example (Evaluador(a))" in row
    assert f"user {worker.id}" not in row and f"<td>{admin.id}</td>" not in row


def test_an_action_without_an_account_shows_a_dash(client, make_user, login):
    client.post("/auth/login", data={"email": "nobody@voces.example", "password": "wrong"})
    login(make_user(Role.ADMIN))
    assert "<td>-</td>" in row_of(client.get("/admin/audit").get_data(as_text=True), "login_failed")
