"""Logging out, a role change and deactivation end every copy of the session and remember cookies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.models import Role, User
from survey.services.users import change_role, deactivate_user, reactivate_user
from tests.conftest import PASSWORD

Cookies = dict[str, str]


def log_in(client: FlaskClient, user: User, remember: bool = False) -> Cookies:
    """Log in and return the cookies the browser now holds."""
    data = {"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/auth/login", data=data).status_code == 302
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def replay(app: Flask, cookies: Cookies, name: str) -> int:
    """Open /evaluate/ in a fresh browser holding only one copied cookie; return the status."""
    thief = app.test_client()
    thief.set_cookie(name, cookies[name])
    response = thief.get("/evaluate/")
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
    return response.status_code


@pytest.fixture
def evaluator(make_user: Callable[..., User]) -> User:
    make_user(Role.ADMIN)  # someone to keep administering
    return make_user(Role.EVALUATOR)


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_copied_cookies_work_until_logout(name, app, client, evaluator):
    cookies = log_in(client, evaluator, remember=True)
    assert replay(app, cookies, name) == 200
    client.post("/auth/logout")
    assert replay(app, cookies, name) == 302


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_a_role_change_ends_the_sessions(name, app, client, evaluator, db):
    cookies = log_in(client, evaluator, remember=True)
    change_role(evaluator, Role.FIELD_WORKER, by=None)
    db.session.commit()
    assert replay(app, cookies, name) == 302


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_deactivation_ends_the_sessions_for_good(name, app, client, evaluator, db):
    cookies = log_in(client, evaluator, remember=True)
    deactivate_user(evaluator, by=None)
    db.session.commit()
    assert replay(app, cookies, name) == 302
    reactivate_user(evaluator, by=None)
    db.session.commit()
    assert replay(app, cookies, name) == 302


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_a_new_password_ends_the_sessions(name, app, client, evaluator, db):
    cookies = log_in(client, evaluator, remember=True)
    evaluator.set_password("another long password")
    db.session.commit()
    assert replay(app, cookies, name) == 302


def test_cookies_name_the_session_token_not_the_id(client, evaluator):
    log_in(client, evaluator)
    with client.session_transaction() as session:
        assert session["_user_id"] == evaluator.session_token != str(evaluator.id)


def test_logging_in_again_after_logout_works(client, evaluator):
    log_in(client, evaluator)
    client.post("/auth/logout")
    log_in(client, evaluator)
    assert client.get("/evaluate/").status_code == 200
