"""Changing roles and deactivating accounts: audited, and never the last administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Role
from survey.services.users import LastAdminError, change_role, deactivate_user, reactivate_user


def actions(db) -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_role_change_is_audited_and_rotates_the_token(make_user, db):
    admin, user = make_user(Role.ADMIN), make_user(Role.EVALUATOR)
    token = user.session_token
    change_role(user, "field_worker", by=admin)
    assert user.role == Role.FIELD_WORKER and user.session_token != token
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.detail) == (
        "change_role",
        admin.id,
        {"old": "evaluator", "new": "field_worker"},
    )


def test_the_last_admin_cannot_be_demoted_or_deactivated(make_user, db):
    admin = make_user(Role.ADMIN)
    with pytest.raises(LastAdminError):
        change_role(admin, Role.EVALUATOR, by=admin)
    with pytest.raises(LastAdminError):
        deactivate_user(admin, by=admin)
    assert admin.role == Role.ADMIN and admin.active and actions(db) == []


def test_an_admin_can_step_down_when_another_remains(make_user, db):
    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    deactivate_user(first, by=first)
    assert not first.active
    with pytest.raises(LastAdminError):
        change_role(second, Role.EVALUATOR, by=second)
    reactivate_user(first, by=second)
    assert first.active and actions(db) == ["deactivate_user", "reactivate_user"]
