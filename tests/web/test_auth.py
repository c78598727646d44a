"""Logging in and out, and the limit on failed logins."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Role
from tests.conftest import PASSWORD


def test_login_page_renders(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page


def test_evaluator_lands_on_summaries(client, make_user):
    user = make_user(Role.EVALUATOR)
    response = client.post("/auth/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/evaluate/")


def test_field_worker_lands_on_field_page(client, make_user):
    user = make_user(Role.FIELD_WORKER)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/field/")


def test_next_is_followed_only_on_this_site(client, make_user):
    user = make_user(Role.ADMIN)
    inside = client.post("/auth/login?next=/admin/", data={"email": user.email, "password": PASSWORD})
    assert inside.headers["Location"] == "/admin/"
    client.post("/auth/logout")
    outside = client.post("/auth/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert "evil.example" not in outside.headers["Location"]


def test_wrong_password_is_refused_and_logged(client, make_user, db):
    user = make_user(Role.EVALUATOR)
    page = client.post("/auth/login", data={"email": user.email, "password": "wrong"}).get_data(as_text=True)
    assert "do not match an account" in page
    assert client.get("/evaluate/").status_code == 302
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions == ["login_failed"]


def test_invalid_email_shows_message_and_keeps_it(client):
    page = client.post("/auth/login", data={"email": "not-an-address", "password": "x"}).get_data(as_text=True)
    assert "Enter an address like name@example.org." in page
    assert 'value="not-an-address"' in page


def test_login_failures_are_rate_limited(client, make_user, app):
    user = make_user(Role.EVALUATOR)
    limit = app.config["LOGIN_FAILURES_PER_MINUTE"]
    codes = [
        client.post("/auth/login", data={"email": user.email, "password": "wrong"}).status_code
        for _ in range(limit + 1)
    ]
    assert codes[:limit] == [200] * limit
    assert codes[limit] == 429
    assert "Too many attempts" in client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).get_data(
        as_text=True
    )


def test_successful_logins_do_not_count_towards_the_limit(client, make_user, app):
    user = make_user(Role.EVALUATOR)
    for _ in range(app.config["LOGIN_FAILURES_PER_MINUTE"] + 2):
        assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        client.post("/auth/logout")


def test_logout_needs_a_post(client, make_user, login):
    login(make_user(Role.EVALUATOR))
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/evaluate/").status_code == 302


def test_inactive_account_cannot_log_in(client, make_user, db):
    user = make_user(Role.EVALUATOR)
    user.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_changing_ones_password_keeps_this_browser_and_ends_the_others(app, client, make_user, login):
    user = make_user(Role.EVALUATOR)
    login(user)
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    new = {"current": PASSWORD, "new": "a different password", "confirm": "a different password"}
    assert client.post("/auth/password", data=new).status_code == 302
    assert client.get("/evaluate/").status_code == 200
    assert other.get("/evaluate/").status_code == 302
    assert user.check_password("a different password")


def test_a_wrong_current_password_or_a_short_one_changes_nothing(client, make_user, login):
    user = make_user(Role.EVALUATOR)
    login(user)
    wrong = {"current": "not it at all", "new": "a different password", "confirm": "a different password"}
    assert "That is not your current password." in client.post("/auth/password", data=wrong).get_data(as_text=True)
    short = {"current": PASSWORD, "new": "short", "confirm": "short"}
    assert "at least 10 characters" in client.post("/auth/password", data=short).get_data(as_text=True)
    assert user.check_password(PASSWORD)


def test_admin_lands_on_administration(client, make_user):
    user = make_user(Role.ADMIN)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/")


def test_the_guessed_login_address_leads_to_the_login_page_keeping_next(client, make_user):
    response = client.get("/login?next=/admin/audit&lang=es")
    assert response.status_code == 301
    assert response.headers["Location"] == "/auth/login?next=/admin/audit&lang=es"
    user = make_user(Role.ADMIN)
    logged_in = client.post(response.headers["Location"], data={"email": user.email, "password": PASSWORD})
    assert logged_in.headers["Location"] == "/admin/audit"
