"""The per-account login limit, the lock-out an administrator lifts, and refusals that reveal no account."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from limits import parse
from sqlalchemy import select

from survey.models import AuditEvent, Role
from survey.models.base import utcnow
from survey.services import users as users_service
from survey.web.limits import minutes_until_reset
from tests.conftest import PASSWORD


def attempt(client, email: str, password: str, address: str) -> int:
    data = {"email": email, "password": password}
    return client.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code


def guess_from_many_addresses(client, email: str, guesses: int) -> list[int]:
    """Two guesses from each of several addresses, as a botnet would, staying under the per-address limit."""
    return [attempt(client, email, f"guess {n}", f"10.0.{n // 2}.1") for n in range(guesses)]


def test_guesses_from_many_addresses_lock_the_account(app, client, make_user, db):
    user = make_user(Role.EVALUATOR)
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    codes = guess_from_many_addresses(client, user.email, limit + 2)
    assert codes == [200] * limit + [429, 429]
    assert attempt(client, user.email, PASSWORD, "192.0.2.99") == 429
    assert user.is_locked(utcnow())
    assert "account_locked" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_an_unknown_address_is_answered_the_same_way(app, client, make_user):
    user = make_user(Role.EVALUATOR)
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    known = guess_from_many_addresses(client, user.email, limit + 2)
    unknown = guess_from_many_addresses(client, "nobody@voces.example", limit + 2)
    assert known == unknown


def test_an_admin_lifts_the_lock_on_admin_users(app, client, make_user, login, db):
    user = make_user(Role.EVALUATOR)
    guess_from_many_addresses(client, user.email, app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    assert "locked until" in login(make_user(Role.ADMIN)).get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 302
    client.post("/auth/logout")
    assert attempt(client, user.email, PASSWORD, "192.0.2.7") == 302
    assert "unlock_user" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_the_cli_lifts_the_lock(app, client, runner, make_user, db):
    user = make_user(Role.EVALUATOR)
    guess_from_many_addresses(client, user.email, app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    result = runner.invoke(args=["users", "unlock", user.email])
    assert result.exit_code == 0 and "Unlocked" in result.output
    assert attempt(client, user.email, PASSWORD, "192.0.2.8") == 302


def test_the_lock_ends_by_itself(client, make_user, db):
    user = make_user(Role.EVALUATOR)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert attempt(client, user.email, PASSWORD, "192.0.2.9") == 302


def test_failures_far_apart_do_not_add_up(make_user, db):
    user = make_user(Role.EVALUATOR)
    user.failed_logins, user.last_failed_login_at = 9, utcnow() - timedelta(hours=1)
    assert users_service.authenticate(user.email, "wrong", max_failures=10, lockout=timedelta(minutes=15)) is None
    assert user.failed_logins == 1 and user.locked_until is None


def test_a_successful_login_clears_the_count(client, make_user):
    user = make_user(Role.EVALUATOR)
    attempt(client, user.email, "wrong", "192.0.2.10")
    assert user.failed_logins == 1
    assert attempt(client, user.email, PASSWORD, "192.0.2.10") == 302
    assert user.failed_logins == 0


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """The hashes the login checks a password against."""
    checked: list[str] = []
    real = users_service.check_password_hash

    def record(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(users_service, "check_password_hash", record)
    return checked


def test_an_unknown_address_costs_a_password_check_like_a_wrong_password(client, make_user, db, hash_checks):
    user = make_user(Role.EVALUATOR)
    inactive = make_user(Role.EVALUATOR)
    inactive.active = False
    db.session.commit()
    for email in (user.email, "nobody@voces.example", inactive.email):
        attempt(client, email, "wrong", "192.0.2.11")
    assert len(hash_checks) == 3
    method = user.password_hash.split("$")[0]
    assert [pwhash.split("$")[0] for pwhash in hash_checks] == [method] * 3
    assert hash_checks[1] not in (user.password_hash, inactive.password_hash)


def refusal_of(page: str) -> str:
    """The reason a refused login page gives."""
    match = re.search(r'<div class="flash flash-error" role="alert">([^<]+)</div>', page)
    assert match, "no refusal on the page"
    return match.group(1)


def test_a_locked_account_gets_the_login_page_back_with_the_reason(app, client, make_user):
    user = make_user(Role.EVALUATOR)
    guess_from_many_addresses(client, user.email, app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    refused = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    minutes = app.config["LOGIN_LOCKOUT_MINUTES"]
    assert refusal_of(page) == (
        f"Too many attempts for this account; try again in {minutes} minutes or ask an administrator to unlock it."
    )
    assert f'value="{user.email}"' in page and 'name="password"' in page


def test_an_unknown_address_gets_the_same_reason(app, client, make_user):
    user = make_user(Role.EVALUATOR)
    pages = []
    for email in (user.email, "nobody@voces.example"):
        guess_from_many_addresses(client, email, app.config["LOGIN_FAILURES_PER_ACCOUNT"])
        pages.append(client.post("/auth/login", data={"email": email, "password": "guess"}))
    assert [p.status_code for p in pages] == [429, 429]
    # the same words; the minutes left may differ by one when the two lock-outs straddle a minute
    reasons = [re.sub(r"\d+ minutes", "N minutes", refusal_of(p.get_data(as_text=True))) for p in pages]
    assert reasons[0] == reasons[1] and "N minutes" in reasons[0]
    assert 'value="nobody@voces.example"' in pages[1].get_data(as_text=True)


def test_a_lock_that_outlasts_the_rate_limit_gives_the_same_reason(client, make_user, db):
    user = make_user(Role.EVALUATOR)
    user.locked_until = utcnow() + timedelta(minutes=6, seconds=30)
    db.session.commit()
    refused = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many attempts for this account; try again in 7 minutes" in refusal_of(refused.get_data(as_text=True))


def test_the_reason_is_given_in_spanish(app, client, make_user):
    user = make_user(Role.EVALUATOR)
    client.get("/auth/login?lang=es")
    guess_from_many_addresses(client, user.email, app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    page = client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
    assert "Demasiados intentos para esta cuenta" in refusal_of(page)


def test_a_fresh_lock_out_reads_its_own_window_not_the_second_the_limiter_rounds_up():
    window = parse("5 per 15 minutes")
    rounded_up = SimpleNamespace(reset_at=time.time() + window.get_expiry() + 0.9, limit=window)
    assert minutes_until_reset(rounded_up) == 15  # type: ignore[arg-type]
