"""flask users deactivate|reactivate|set-role|set-password: audited, and never the last administrator."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Role
from tests.conftest import PASSWORD


def actions(db) -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_deactivate_and_reactivate(runner, make_user, db):
    make_user(Role.ADMIN)
    user = make_user(Role.EVALUATOR)
    token = user.session_token
    result = runner.invoke(args=["users", "deactivate", user.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert not user.active and user.session_token != token
    assert runner.invoke(args=["users", "reactivate", user.email]).exit_code == 0
    db.session.refresh(user)
    assert user.active and actions(db) == ["deactivate_user", "reactivate_user"]


def test_set_role(runner, make_user, db):
    make_user(Role.ADMIN)
    user = make_user(Role.EVALUATOR)
    result = runner.invoke(args=["users", "set-role", user.email, "admin"])
    assert result.exit_code == 0 and "is now admin" in result.output
    db.session.refresh(user)
    assert user.role == Role.ADMIN and actions(db) == ["change_role"]


def test_unknown_account_and_role_are_refused(runner, make_user):
    assert "no account for" in runner.invoke(args=["users", "deactivate", "nobody@voces.example"]).output
    user = make_user(Role.EVALUATOR)
    assert runner.invoke(args=["users", "set-role", user.email, "king"]).exit_code != 0


def test_the_last_admin_stays(runner, make_user, db):
    admin = make_user(Role.ADMIN)
    result = runner.invoke(args=["users", "set-role", admin.email, "evaluator"])
    assert result.exit_code != 0 and "last active administrator" in result.output
    assert runner.invoke(args=["users", "deactivate", admin.email]).exit_code != 0
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active and actions(db) == []


def test_set_password_from_the_environment_or_asked_twice(runner, make_user, db, monkeypatch):
    user = make_user(Role.EVALUATOR)
    monkeypatch.setenv("VOCES_PASSWORD", "a brand new password")
    assert runner.invoke(args=["users", "set-password", user.email]).exit_code == 0
    db.session.refresh(user)
    assert user.check_password("a brand new password") and not user.check_password(PASSWORD)
    monkeypatch.delenv("VOCES_PASSWORD")
    typed = "another new password\nanother new password\n"
    result = runner.invoke(args=["users", "set-password", "--temporary", user.email], input=typed)
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.check_password("another new password") and user.must_change_password
    assert actions(db) == ["set_password", "set_password"]


def test_a_short_password_is_refused(runner, make_user, monkeypatch):
    user = make_user(Role.EVALUATOR)
    monkeypatch.setenv("VOCES_PASSWORD", "short")
    result = runner.invoke(args=["users", "set-password", user.email])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
