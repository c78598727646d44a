"""Coding passages of a testimony: apply codes to a passage, take a code off."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from survey.extensions import db
from survey.models import CodedPassage, Testimonial
from survey.services.coding import CodingError, code_passage, may_remove, remove_passage
from survey.web.evaluate import bp
from survey.web.evaluate.explore_views import filter_args
from survey.web.evaluate.forms import RemovePassageForm
from survey.web.evaluate.views import coding_form, testimonial_of, testimonial_page


def _back(slug: str, item: Testimonial) -> ResponseReturnValue:
    return redirect(url_for("evaluate.testimonial", slug=slug, testimonial_id=item.id, **filter_args()) + "#coding")


@bp.post("/<slug>/testimonials/<int:testimonial_id>/passages")
def code(slug: str, testimonial_id: int) -> ResponseReturnValue:
    """Apply a person's codes to a passage of a testimony, or to all of it."""
    item = testimonial_of(slug, testimonial_id)
    form = coding_form()
    if form.validate_on_submit():
        start, end = (0, len(item.redacted_text)) if form.whole.data else (form.start.data or 0, form.end.data or 0)
        try:
            code_passage(item, form.codes.data or [], start, end, current_user)
        except CodingError:
            form.end.errors = [_("That passage is not within the testimony: select it again.")]
        else:
            flash(_("The passage is coded."), "info")
            return _back(slug, item)
    return testimonial_page(slug, item, coding=form), 400


@bp.post("/<slug>/testimonials/<int:testimonial_id>/passages/<int:passage_id>/delete")
def uncode(slug: str, testimonial_id: int, passage_id: int) -> ResponseReturnValue:
    """Take a code off a passage: its coder or an administrator."""
    item = testimonial_of(slug, testimonial_id)
    passage = db.get_or_404(CodedPassage, passage_id)
    if passage.testimonial_id != item.id:
        abort(404)
    if not may_remove(passage, current_user):
        abort(403)
    if RemovePassageForm().validate_on_submit():
        remove_passage(item, passage, current_user)
        flash(_("The code is taken off the passage."), "info")
    return _back(slug, item)
