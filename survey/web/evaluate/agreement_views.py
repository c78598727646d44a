"""A coder's agreement assignments: the testimonies of their rounds, and marking one coded."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import AgreementRound, RoundItem
from survey.services.agreement import is_coder, is_done, mark_done, rounds_of
from survey.web.evaluate import bp


class MarkDoneForm(FlaskForm):
    """Mark a round's testimony coded: a button and its CSRF token."""


@bp.get("/assignments")
def assignments() -> ResponseReturnValue:
    """The rounds a person codes, each with its testimonies and whether they are coded."""
    rounds = rounds_of(current_user)
    form = MarkDoneForm(formdata=None)
    return render_template("evaluate/assignments.html", rounds=rounds, is_done=is_done, done_form=form)


@bp.post("/assignments/<int:round_id>/items/<int:item_id>/done")
def mark_item_done(round_id: int, item_id: int) -> ResponseReturnValue:
    """Count a testimony of an open round as coded by the person who codes it."""
    agreement = db.get_or_404(AgreementRound, round_id)
    item = db.get_or_404(RoundItem, item_id)
    if item.round_id != agreement.id:
        abort(404)
    if not is_coder(agreement, current_user) or not agreement.is_open:
        abort(403)
    if MarkDoneForm().validate_on_submit():
        mark_done(item, current_user)
        flash(_("The testimony counts as coded by you in the round %(name)s.", name=agreement.name), "info")
    return redirect(url_for("evaluate.assignments"))
