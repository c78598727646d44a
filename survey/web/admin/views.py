"""Administrator views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import Device, LearnedModel, Testimonial
from survey.services.audit import people_named_in, recent_events, record_event
from survey.services.devices import list_devices, revoke_device
from survey.services.learning import activate_learned, list_learned
from survey.services.surveys import list_surveys
from survey.services.users import list_users
from survey.services.withdrawals import pending_requests
from survey.web.admin import bp


@bp.get("/")
def index() -> ResponseReturnValue:
    """Accounts, surveys and withdrawal requests at a glance."""
    return render_template(
        "admin/index.html",
        users=list_users(),
        surveys=list_surveys(),
        learned=list_learned(),
        activate=FlaskForm(),
        pending_withdrawals=len(pending_requests()),
    )


@bp.post("/learned/<int:model_id>/activate")
def activate_learned_model(model_id: int) -> ResponseReturnValue:
    """Use a learned codebook for new testimonies, once an administrator has compared its scores."""
    model = db.get_or_404(LearnedModel, model_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    activate_learned(model, by=current_user)
    flash(
        _(
            "New testimonies are now tagged with the learned codebook %(version)s. "
            "Analyse the stored ones again on the jobs page.",
            version=model.version,
        ),
        "info",
    )
    return redirect(url_for("admin.index"))


@bp.get("/testimonials/<int:testimonial_id>/raw")
def raw_testimonial(testimonial_id: int) -> ResponseReturnValue:
    """The unredacted text, for administrators alone; every read is logged."""
    item = db.get_or_404(Testimonial, testimonial_id)
    record_event("read_raw_text", actor=current_user, target_type="testimonial", target_id=item.id)
    return render_template("admin/raw_testimonial.html", item=item)


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    """The latest audit events, naming people by e-mail and role."""
    events = recent_events()
    return render_template("admin/audit.html", events=events, people=people_named_in(events))


@bp.get("/devices")
def devices() -> ResponseReturnValue:
    """Field devices, with a button to revoke each."""
    return render_template("admin/devices.html", devices=list_devices(), form=FlaskForm())


@bp.post("/devices/<int:device_id>/revoke")
def revoke(device_id: int) -> ResponseReturnValue:
    """Stop a device's token from working."""
    device = db.get_or_404(Device, device_id)
    if FlaskForm().validate_on_submit():
        revoke_device(device, current_user)
        flash(_("The device can no longer send records, and its user must log in again everywhere."), "info")
    return redirect(url_for("admin.devices"))
