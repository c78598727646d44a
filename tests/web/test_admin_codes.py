"""Administrators add, rename, describe and retire the team's codes; every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Code, Role
from survey.services.coding import code_choices
from tests.conftest import count, csrf_token

NEW = {
    "key": "street_lighting",
    "label_en": "Street lighting",
    "label_es": "Alumbrado público",
    "definition_en": "Lights <em>on</em> streets",
    "parent_theme": "safety",
}


def test_an_admin_adds_renames_describes_and_retires_a_code(client, make_user, login, db, example_survey):
    login(make_user(Role.ADMIN))
    assert client.post("/admin/codes", data=NEW).status_code == 302
    code = db.session.scalars(select(Code)).one()
    assert (code.key, code.parent_theme, code.label_es) == ("street_lighting", "safety", "Alumbrado público")
    assert "street_lighting" in [c.key for c in code_choices("en")]
    page = client.get("/admin/codes").get_data(as_text=True)
    assert "Lights &lt;em&gt;on&lt;/em&gt; streets" in page and "<em>on</em>" not in page

    renamed = {**NEW, "label_en": "Public lighting", "when_not_en": "Private lamps", "retired": "y"}
    assert client.post(f"/admin/codes/{code.id}/edit", data=renamed).status_code == 302
    db.session.expire_all()
    assert (code.label_en, code.when_not_en, code.retired) == ("Public lighting", "Private lamps", True)
    assert "street_lighting" not in [c.key for c in code_choices("en")]  # retired: no longer offered
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "code")).all()
    assert [e.action for e in events] == ["add_code", "update_code"]
    assert events[1].detail["changed"]["label_en"] == ["Street lighting", "Public lighting"]


def test_a_key_a_theme_or_code_has_is_refused(client, make_user, login, db, example_survey):
    login(make_user(Role.ADMIN))
    page = client.post("/admin/codes", data={**NEW, "key": "safety"}).get_data(as_text=True)
    assert "already has this key" in page
    assert client.post("/admin/codes", data={**NEW, "key": "Bad Key"}).status_code == 200
    assert count(Code) == 0


def test_only_admins_manage_codes_and_only_with_the_csrf_token(client, make_user, login, app, monkeypatch):
    login(make_user(Role.EVALUATOR))
    assert client.post("/admin/codes", data=NEW).status_code == 403
    client.post("/auth/logout")
    login(make_user(Role.ADMIN))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.post("/admin/codes", data=NEW)
    assert count(Code) == 0
    token = csrf_token(client.get("/admin/codes?lang=es").get_data(as_text=True))
    assert client.post("/admin/codes", data={**NEW, "csrf_token": token}).status_code == 302
    assert count(Code) == 1
