"""Who may see what: the login loader and the role check on every protected view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from survey.models import Role, User
from survey.services.users import find_by_session_token

View = TypeVar("View", bound=Callable[..., Any])


def load_user(session_token: str) -> User | None:
    """Flask-Login's loader: the active account whose current session token the cookie carries."""
    user = find_by_session_token(session_token)
    return user if user is not None and user.active else None


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Send anonymous people to the login page, holders of a temporary password to choose their own,
    and refuse other roles with 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.must_change_password:
                return redirect(url_for("auth.change_password"))
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def protect_blueprint(blueprint: Any, *roles: Role) -> None:
    """Check the roles before every view of a blueprint, so no view can forget."""

    @blueprint.before_request
    @roles_required(*roles)
    def check() -> None:
        return None
