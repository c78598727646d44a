"""/admin/users: invite, change a role, deactivate, reactivate and reset a password, all audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import AuditEvent, Role, User
from survey.services.users import find_user
from tests.conftest import PASSWORD


def shown_password(html: str) -> str:
    match = re.search(r'<code class="secret">([^<]+)</code>', html)
    assert match, "no temporary password on the page"
    return match.group(1)


def audited(db) -> list[tuple[str, str | None]]:
    return [(e.action, e.target_id) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_list_shows_role_and_status(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    gone = make_user(Role.FIELD_WORKER, email="gone@voces.example")
    gone.active = False
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "gone@voces.example" in page and "deactivated" in page


def test_invite_shows_a_temporary_password_once_and_forces_a_new_one(app, client, make_user, login, db):
    login(make_user(Role.ADMIN))
    response = client.post("/admin/users", data={"email": "New.Person@voces.example", "role": "evaluator"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = shown_password(response.get_data(as_text=True))
    user = find_user("new.person@voces.example")
    assert user.role == Role.EVALUATOR and user.must_change_password and user.check_password(password)
    assert ("create_user", str(user.id)) in audited(db)
    assert password not in client.get("/admin/users").get_data(as_text=True)

    newcomer = app.test_client()
    landing = newcomer.post("/auth/login", data={"email": user.email, "password": password})
    assert landing.headers["Location"].endswith("/auth/password")
    assert newcomer.get("/evaluate/").headers["Location"].endswith("/auth/password")
    changed = newcomer.post(
        "/auth/password", data={"current": password, "new": "my own long password", "confirm": "my own long password"}
    )
    assert changed.headers["Location"].endswith("/evaluate/")
    assert newcomer.get("/evaluate/").status_code == 200
    assert not user.must_change_password


def test_inviting_an_existing_address_says_so(client, make_user, login, db):
    admin = make_user(Role.ADMIN)
    login(admin)
    page = client.post("/admin/users", data={"email": admin.email, "role": "evaluator"}).get_data(as_text=True)
    assert "That address already has an account." in page
    assert len(db.session.scalars(select(User)).all()) == 1


def test_role_change_and_deactivation(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    user = make_user(Role.EVALUATOR)
    assert client.post(f"/admin/users/{user.id}/role", data={"role": "field_worker"}).status_code == 302
    assert user.role == Role.FIELD_WORKER
    client.post(f"/admin/users/{user.id}/deactivate")
    assert not user.active
    client.post(f"/admin/users/{user.id}/reactivate")
    assert user.active
    assert [a for a, _ in audited(db) if a != "login"] == ["change_role", "deactivate_user", "reactivate_user"]


def test_the_last_admin_cannot_demote_or_deactivate_themselves(client, make_user, login, db):
    admin = make_user(Role.ADMIN)
    login(admin)
    client.post(f"/admin/users/{admin.id}/role", data={"role": "evaluator"})
    page = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert "Voces needs an active administrator" in page
    assert admin.role == Role.ADMIN and admin.active


def test_reset_password_ends_sessions_and_shows_the_new_one(app, client, make_user, login, db):
    login(make_user(Role.ADMIN))
    user = make_user(Role.EVALUATOR)
    theirs = app.test_client()
    theirs.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert theirs.get("/evaluate/").status_code == 200
    password = shown_password(client.post(f"/admin/users/{user.id}/password").get_data(as_text=True))
    assert user.check_password(password) and not user.check_password(PASSWORD) and user.must_change_password
    assert theirs.get("/evaluate/").status_code == 302
    assert ("set_password", str(user.id)) in audited(db)


def test_the_forms_need_a_csrf_token(app, client, make_user, login, monkeypatch):
    login(make_user(Role.ADMIN))
    user = make_user(Role.EVALUATOR)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 400
    assert client.post("/admin/users", data={"email": "x@voces.example", "role": "admin"}).status_code == 400
    assert user.active and find_user("x@voces.example") is None


def test_admin_pages_exist_in_spanish(client, make_user, login):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/users?lang=es").get_data(as_text=True)
    assert "Cuentas" in page and "Desactivar" in page
