"""Administrator views."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.extensions import db
from survey.models import Testimonial
from survey.services.audit import recent_events, record_event
from survey.services.surveys import list_surveys
from survey.services.users import list_users
from survey.web.admin import bp


@bp.get("/")
def index() -> ResponseReturnValue:
    """Accounts and surveys at a glance."""
    return render_template("admin/index.html", users=list_users(), surveys=list_surveys())


@bp.get("/testimonials/<int:testimonial_id>/raw")
def raw_testimonial(testimonial_id: int) -> ResponseReturnValue:
    """The unredacted text, for administrators alone; every read is logged."""
    item = db.get_or_404(Testimonial, testimonial_id)
    record_event("read_raw_text", actor=current_user, target_type="testimonial", target_id=item.id)
    db.session.commit()
    return render_template("admin/raw_testimonial.html", item=item)


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    """The latest audit events."""
    return render_template("admin/audit.html", events=recent_events())
