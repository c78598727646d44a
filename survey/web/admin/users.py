"""Administrator views for accounts: invite, change role, deactivate, reset a password."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import User
from survey.models.base import utcnow
from survey.services.users import (
    DuplicateAccountError,
    LastAdminError,
    change_role,
    deactivate_user,
    invite_user,
    list_users,
    reactivate_user,
    reset_password,
    unlock_user,
)
from survey.web.admin import bp
from survey.web.admin.user_forms import ROLE_CHOICES, InviteForm, RoleForm, role_label


def _last_admin() -> str:
    return _("Voces needs an active administrator: make someone else an administrator first.")


def _page(form: InviteForm) -> str:
    return render_template(
        "admin/users.html", form=form, users=list_users(), actions=FlaskForm(), roles=ROLE_CHOICES, now=utcnow()
    )


def _once(user: User, password: str) -> ResponseReturnValue:
    """The temporary password, on a page that is not kept; it is shown nowhere else."""
    page = render_template("admin/users_password.html", user=user, password=password)
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/users", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    """Every account, and the form to invite someone with a temporary password."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user, password = invite_user(form.email.data, form.role.data, by=current_user)
        except DuplicateAccountError:
            form.email.errors.append(_("That address already has an account."))
        else:
            return _once(user, password)
    return _page(form)


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int) -> ResponseReturnValue:
    """Give an account another role; its sessions end."""
    user, form = db.get_or_404(User, user_id), RoleForm()
    if form.validate_on_submit():
        try:
            change_role(user, form.role.data, by=current_user)
            flash(_("%(email)s is now: %(role)s.", email=user.email, role=role_label(user.role)), "info")
        except LastAdminError:
            flash(_last_admin(), "error")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int) -> ResponseReturnValue:
    """Stop an account from logging in; its sessions end and its records stay."""
    user = db.get_or_404(User, user_id)
    if FlaskForm().validate_on_submit():
        try:
            deactivate_user(user, by=current_user)
            flash(_("%(email)s can no longer log in.", email=user.email), "info")
        except LastAdminError:
            flash(_last_admin(), "error")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int) -> ResponseReturnValue:
    """Let a deactivated account log in again."""
    user = db.get_or_404(User, user_id)
    if FlaskForm().validate_on_submit():
        reactivate_user(user, by=current_user)
        flash(_("%(email)s can log in again.", email=user.email), "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
def reset(user_id: int) -> ResponseReturnValue:
    """Replace a password with a temporary one, shown once; the person chooses their own at login."""
    user = db.get_or_404(User, user_id)
    if FlaskForm().validate_on_submit():
        return _once(user, reset_password(user, by=current_user))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock")
def unlock(user_id: int) -> ResponseReturnValue:
    """Lift a lock-out after too many failed logins."""
    user = db.get_or_404(User, user_id)
    if FlaskForm().validate_on_submit():
        unlock_user(user, by=current_user)
        flash(_("%(email)s can try to log in again.", email=user.email), "info")
    return redirect(url_for("admin.users"))
