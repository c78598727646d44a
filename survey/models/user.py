"""People who log in: administrators, evaluators and field workers."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Enum, String, false
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from survey.models.base import Base, UTCDateTime, utcnow


def hash_password(password: str) -> str:
    """A salted hash of password, by the application's PASSWORD_HASH_METHOD."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class Role(enum.StrEnum):
    """What a person may do; residents need no account."""

    ADMIN = "admin"
    EVALUATOR = "evaluator"
    # An evaluator who also keeps the codebook and runs agreement rounds, without administering the rest.
    LEAD_EVALUATOR = "lead_evaluator"
    FIELD_WORKER = "field_worker"


def new_session_token() -> str:
    """A random, unguessable session token."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Base):
    """An account with a hashed password and one role."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the session and remember cookies name the person by, instead of the id: replacing it
    # makes every cookie issued before useless, which the id, fixed for life, cannot do.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, index=True, default=new_session_token)
    # Set when an administrator gives out a temporary password: the person chooses their own first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Failed logins in a row, the lock they lead to, and when an administrator last lifted one.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def get_id(self) -> str:
        """Flask-Login's identifier for the session and remember cookies: the session token."""
        return self.session_token

    def end_sessions(self) -> None:
        """Replace the session token, so that every session and remember cookie issued so far stops working."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password, and end the sessions opened with the old one."""
        self.password_hash = hash_password(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """Say whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def is_locked(self, now: datetime) -> bool:
        """Say whether too many failed logins keep the account locked at this time."""
        return self.locked_until is not None and self.locked_until > now

    def has_role(self, *roles: Role) -> bool:
        """Say whether the account holds one of the roles; a lead evaluator is an evaluator too."""
        return self.role in roles or (self.role is Role.LEAD_EVALUATOR and Role.EVALUATOR in roles)
