"""One commit per request: a request that succeeds keeps its work, an error keeps none of it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import select

import survey
from survey.models import AuditEvent, Device, Role, TagSource, Testimonial, ThemeTag
from survey.services.corrections import correct_themes
from survey.services.devices import register_device
from survey.web.evaluate import views as evaluate_views

URL = "/evaluate/community-safety"
# the CLI commands, the tasks, the request's end, and OpenRosa refusals that must keep what they record
COMMITTERS = {
    "cli.py",
    "export_cli.py",
    "responses_cli.py",
    "submissions_cli.py",
    "tasks.py",
    "web/transactions.py",
    "web/openrosa/views.py",
}


def _people_tags(db):
    return db.session.scalars(select(ThemeTag).where(ThemeTag.source == TagSource.HUMAN)).all()


def _correct(make_user, login, make_response, db):
    make_response()
    testimonial = db.session.scalars(select(Testimonial)).first()
    client = login(make_user(Role.EVALUATOR))
    return client.post(f"{URL}/testimonials/{testimonial.id}/themes", data={"themes": ["stigma"]})


def test_a_request_that_succeeds_commits_its_work(client, make_user, login, make_response, db):
    assert _correct(make_user, login, make_response, db).status_code == 302
    db.session.rollback()  # only what was committed survives this
    assert [t.theme for t in _people_tags(db) if t.confidence > 0] == ["stigma"]


@pytest.mark.parametrize("propagate", [True, False])
def test_a_service_that_raises_after_flushing_leaves_nothing_stored(
    propagate, app, client, make_user, login, make_response, db, monkeypatch
):
    def flush_then_fail(*args, **kwargs):
        correct_themes(*args, **kwargs)
        raise RuntimeError("the service failed after flushing")

    monkeypatch.setattr(evaluate_views, "correct_themes", flush_then_fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", propagate)
    if propagate:
        with pytest.raises(RuntimeError):
            _correct(make_user, login, make_response, db)
    else:
        assert _correct(make_user, login, make_response, db).status_code == 500
    assert _people_tags(db) == []
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "correct_themes")).all()


def test_an_error_page_keeps_nothing_of_the_work_before_it(client, make_user, login, make_response, db, monkeypatch):
    def flush_then_refuse(*args, **kwargs):
        correct_themes(*args, **kwargs)
        abort(400)

    monkeypatch.setattr(evaluate_views, "correct_themes", flush_then_refuse)
    assert _correct(make_user, login, make_response, db).status_code == 400
    assert _people_tags(db) == []


def test_a_commit_that_fails_answers_500_not_the_redirect(
    app, client, make_user, login, make_response, db, monkeypatch
):
    def correct_then_break_a_constraint(testimonial, *args, **kwargs):
        correct_themes(testimonial, *args, **kwargs)
        machine = next(t for t in testimonial.tags if t.source == TagSource.MACHINE)
        db.session.add(ThemeTag(testimonial_id=testimonial.id, theme=machine.theme, source=TagSource.MACHINE))

    monkeypatch.setattr(evaluate_views, "correct_themes", correct_then_break_a_constraint)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert _correct(make_user, login, make_response, db).status_code == 500
    assert _people_tags(db) == []


def test_a_read_of_raw_text_is_logged_although_it_is_a_get(client, make_user, login, make_response, db):
    make_response()
    testimonial = db.session.scalars(select(Testimonial)).first()
    assert login(make_user(Role.ADMIN)).get(f"/admin/testimonials/{testimonial.id}/raw").status_code == 200
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read_raw_text")).one()


def test_a_failed_login_is_logged(client, make_user, db):
    user = make_user(Role.EVALUATOR)
    response = client.post("/auth/login", data={"email": user.email, "password": "not the password"})
    assert response.status_code == 200
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).one()


def test_a_refused_device_is_not_marked_as_seen(client, make_user, db):
    device, token = register_device(make_user(Role.EVALUATOR), "not a field tablet")
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert db.session.get(Device, device.id).last_seen_at is None


def test_only_the_request_boundary_and_the_cli_commit():
    package = Path(survey.__file__).parent
    committing = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                committing.add(path.relative_to(package).as_posix())
    assert committing == COMMITTERS
