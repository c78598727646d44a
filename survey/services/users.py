"""Accounts: create them and check passwords."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Role, User
from survey.models.base import utcnow

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account that cannot be created as asked."""


def normalise_email(email: str) -> str:
    """Check an address and return it in lower case."""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(str(error)) from None


def create_user(email: str, password: str, role: Role | str) -> User:
    """Create an account with a hashed password."""
    address = normalise_email(email)
    if find_user(address) is not None:
        raise AccountError(f"an account for {address} already exists")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r}: use {', '.join(r.value for r in Role)}") from None
    user = User(email=address, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def find_user(email: str) -> User | None:
    """The account with this address, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active account whose password matches, or None."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def list_users() -> list[User]:
    """Every account, by address."""
    return list(db.session.scalars(select(User).order_by(User.email)))
