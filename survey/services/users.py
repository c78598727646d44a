"""Accounts: create them, check passwords, change roles and end sessions."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from survey.extensions import db
from survey.models import Role, User
from survey.models.base import utcnow
from survey.models.user import hash_password
from survey.services.audit import record_event

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account that cannot be created as asked."""


class DuplicateAccountError(AccountError):
    """An address that already has an account."""


def normalise_email(email: str) -> str:
    """Check an address and return it in lower case."""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(str(error)) from None


def check_password_length(password: str) -> None:
    """Refuse a password shorter than the minimum."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def create_user(email: str, password: str, role: Role | str) -> User:
    """Create an account with a hashed password."""
    address = normalise_email(email)
    if find_user(address) is not None:
        raise DuplicateAccountError(f"an account for {address} already exists")
    check_password_length(password)
    user = User(email=address, role=parse_role(role))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def parse_role(role: Role | str) -> Role:
    """The role named, or an AccountError listing the roles."""
    try:
        return Role(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r}: use {', '.join(r.value for r in Role)}") from None


def find_user(email: str) -> User | None:
    """The account with this address, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def find_by_session_token(token: str) -> User | None:
    """The account whose current session token this is; an old token finds nobody."""
    return db.session.scalar(select(User).where(User.session_token == token)) if token else None


class AccountLockedError(AccountError):
    """Too many failed logins in a row: the account is locked until a time, or until an administrator unlocks it."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


@cache
def _unknown_account_hash(method: str) -> str:
    """A hash of nobody's password, made like the real ones, to check when no account matches."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(email: str, password: str, *, max_failures: int, lockout: timedelta) -> User | None:
    """The active account whose password matches, or None; failures in a row lock the account.

    The password is checked against a hash even when no active account has the address, so that an
    unknown address takes as long to refuse as a wrong password and does not reveal who has an account.
    """
    user = find_user(email)
    method = current_app.config["PASSWORD_HASH_METHOD"]
    matches = check_password_hash(user.password_hash if user is not None else _unknown_account_hash(method), password)
    if user is None or not user.active:
        return None
    now = utcnow()
    if user.locked_until is not None and user.is_locked(now):
        raise AccountLockedError(f"{user.email} is locked until {user.locked_until}", user.locked_until)
    if not matches:
        _count_failure(user, now, max_failures, lockout)
        return None
    user.failed_logins = 0
    user.last_login_at = now
    return user


def _count_failure(user: User, now: datetime, max_failures: int, lockout: timedelta) -> None:
    """Count a failed login; failures further apart than the lock-out start the count again."""
    if user.last_failed_login_at is None or now - user.last_failed_login_at > lockout:
        user.failed_logins = 0
    user.failed_logins += 1
    user.last_failed_login_at = now
    if user.failed_logins >= max_failures:
        user.locked_until = now + lockout
        record_event("account_locked", target_type="user", target_id=user.id, failures=user.failed_logins)


def unlock_user(user: User, *, by: User | None) -> None:
    """Lift a lock-out now and start the failure count again, here and in the per-account rate limit."""
    user.locked_until = None
    user.failed_logins = 0
    user.unlocked_at = utcnow()
    record_event("unlock_user", actor=by, target_type="user", target_id=user.id)


def login_limit_key(email: str) -> str:
    """The per-account rate limit's key: the address as typed, and when its lock-out was last lifted."""
    address = email.strip().lower()[:254]
    user = find_user(address) if address else None
    lifted = user.unlocked_at.isoformat() if user is not None and user.unlocked_at else ""
    return f"account:{address}:{lifted}"


def list_users() -> list[User]:
    """Every account, by address."""
    return list(db.session.scalars(select(User).order_by(User.email)))


class LastAdminError(AccountError):
    """A change that would leave no active administrator to manage accounts."""


def _keep_an_admin(user: User) -> None:
    """Refuse to take away the last active administrator."""
    if not (user.active and user.role == Role.ADMIN):
        return
    others = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active, User.id != user.id)
    )
    if not others:
        raise LastAdminError(f"{user.email} is the last active administrator: make another one first")


def change_role(user: User, role: Role | str, *, by: User | None) -> None:
    """Give the account another role and end its sessions, so no cookie keeps the old role's pages open."""
    new_role = parse_role(role)
    if new_role == user.role:
        return
    if new_role != Role.ADMIN:
        _keep_an_admin(user)
    old_role, user.role = user.role, new_role
    user.end_sessions()
    record_event("change_role", actor=by, target_type="user", target_id=user.id, old=old_role.value, new=new_role.value)


def deactivate_user(user: User, *, by: User | None) -> None:
    """Stop the account from logging in and end its sessions; its records stay."""
    if not user.active:
        return
    _keep_an_admin(user)
    user.active = False
    user.end_sessions()
    record_event("deactivate_user", actor=by, target_type="user", target_id=user.id)


def reactivate_user(user: User, *, by: User | None) -> None:
    """Let a deactivated account log in again (its old cookies stay dead)."""
    if user.active:
        return
    user.active = True
    record_event("reactivate_user", actor=by, target_type="user", target_id=user.id)


def temporary_password() -> str:
    """A random password to hand over once; the person replaces it at their first login."""
    return secrets.token_urlsafe(12)


def invite_user(email: str, role: Role | str, *, by: User | None) -> tuple[User, str]:
    """Create an account with a temporary password to hand over; return both."""
    password = temporary_password()
    user = create_user(email, password, role)
    user.must_change_password = True
    record_event("create_user", actor=by, target_type="user", target_id=user.id, role=user.role.value)
    return user, password


def set_password(user: User, password: str, *, by: User | None, temporary: bool = False) -> None:
    """Give the account a new password and end its sessions; a temporary one must be replaced at login."""
    check_password_length(password)
    user.set_password(password)
    user.must_change_password = temporary
    action = "change_password" if by is not None and by.id == user.id else "set_password"
    record_event(action, actor=by, target_type="user", target_id=user.id, temporary=temporary)


def reset_password(user: User, *, by: User | None) -> str:
    """Replace the password with a temporary one to hand over, ending the account's sessions."""
    password = temporary_password()
    set_password(user, password, by=by, temporary=True)
    return password
