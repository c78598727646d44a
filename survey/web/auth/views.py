"""Login and logout views."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user

from survey.extensions import limiter
from survey.models import Role
from survey.services.audit import record_event
from survey.services.users import AccountLockedError, authenticate, find_user, login_limit_key, set_password
from survey.web.auth import bp
from survey.web.auth.forms import ChangePasswordForm, LoginForm, LogoutForm
from survey.web.limits import minutes_until, minutes_until_reset, refusal


def _failure_limit() -> str:
    return f"{current_app.config['LOGIN_FAILURES_PER_MINUTE']} per minute"


def _account_limit() -> str:
    config = current_app.config
    return f"{config['LOGIN_FAILURES_PER_ACCOUNT']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes"


def _account_key() -> str:
    return login_limit_key(request.form.get("email", ""))


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _account_refusal(minutes: int) -> Response:
    """The login page again, e-mail kept, saying the same whether or not the address has an account."""
    message = ngettext(
        "Too many attempts for this account; try again in %(num)d minute or ask an administrator to unlock it.",
        "Too many attempts for this account; try again in %(num)d minutes or ask an administrator to unlock it.",
        minutes,
    )
    return refusal("auth/login.html", form=LoginForm(), refusal=message)


def _account_limit_reached(limit: RequestLimit) -> Response:
    return _account_refusal(minutes_until_reset(limit))


def _address_limit_reached(limit: RequestLimit) -> Response:
    minutes = minutes_until_reset(limit)
    message = ngettext(
        "Too many attempts from this connection; try again in %(num)d minute.",
        "Too many attempts from this connection; try again in %(num)d minutes.",
        minutes,
    )
    return refusal("auth/login.html", form=LoginForm(), refusal=message)


def _landing_page() -> str:
    if current_user.must_change_password:
        return url_for("auth.change_password")
    if current_user.role == Role.FIELD_WORKER:
        return url_for("field.home")
    if current_user.role == Role.ADMIN:
        return url_for("admin.index")
    return url_for("evaluate.index")


def _safe_next(target: str | None) -> str | None:
    """Only follow a ?next= that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_failure_limit, methods=["POST"], deduct_when=_failed, on_breach=_address_limit_reached)
@limiter.limit(
    _account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed, on_breach=_account_limit_reached
)
def login() -> ResponseReturnValue:
    """Check the e-mail and password; failures are rate-limited per network address and per account."""
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = authenticate(
                form.email.data,
                form.password.data,
                max_failures=config["LOGIN_FAILURES_PER_ACCOUNT"],
                lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
            )
        except AccountLockedError as locked:
            return _account_refusal(minutes_until(locked.until))  # as the rate limit answers for any address
        if user is not None:
            login_user(user, remember=form.remember.data)
            record_event("login", actor=user, target_type="user", target_id=user.id)
            return redirect(_safe_next(request.args.get("next")) or _landing_page())
        record_event("login_failed", target_type="user", email=form.email.data.lower())
        flash(_("That e-mail address and password do not match an account."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session, and every copy of its cookies: the session token they carry is replaced."""
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        record_event("logout", actor=current_user, target_type="user", target_id=current_user.id)
        current_user.end_sessions()
        logout_user()
    return redirect(url_for("public.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Choose a new password; other browsers are logged out, this one stays in."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = find_user(current_user.email)  # the account itself: login_user needs it, not the proxy
        if user is not None and user.check_password(form.current.data):
            set_password(user, form.new.data, by=user)
            login_user(user)
            flash(_("Your password has been changed; other browsers and devices have been logged out."), "info")
            return redirect(_landing_page())
        form.current.errors.append(_("That is not your current password."))
    return render_template("auth/password.html", form=form, required=current_user.must_change_password)
