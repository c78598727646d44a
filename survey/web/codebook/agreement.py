"""Agreement rounds for the lead (an administrator): draw a sample, read the agreement, settle disagreements."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey.extensions import db
from survey.models import AgreementRound, RoundItem
from survey.services.agreement import RoundError, close_round, create_round, list_rounds, possible_coders
from survey.services.agreement_results import record_decision, round_results
from survey.services.coding import code_labels
from survey.services.surveys import get_survey, list_surveys
from survey.web.codebook import bp
from survey.web.codebook.agreement_forms import CloseRoundForm, DecisionForm, RoundForm


def _round_form() -> RoundForm:
    form = RoundForm()
    language = str(get_locale() or "en")
    form.survey.choices = [SelectChoice(s.slug, v.title(language) if v else s.slug) for s, v in list_surveys()]
    form.coders.choices = [SelectChoice(str(u.id), u.email) for u in possible_coders()]
    return form


def _draw(form: RoundForm) -> AgreementRound | None:
    """The round the form asks for, or None when its survey has no testimony."""
    survey = get_survey(str(form.survey.data))
    chosen = {int(i) for i in form.coders.data or []}
    coders = [u for u in possible_coders() if u.id in chosen]
    if survey is None:
        return None
    try:
        return create_round(
            survey, str(form.name.data), form.size.data or 0, coders, current_user, hide_machine=form.hide_machine.data
        )
    except RoundError:
        return None


@bp.route("/agreement", methods=["GET", "POST"])
def agreement_rounds() -> ResponseReturnValue:
    """The agreement rounds, and the form to draw a new one."""
    form = _round_form()
    if form.validate_on_submit():
        agreement = _draw(form)
        if agreement is not None:
            flash(_("Drew %(count)d testimonies for the round.", count=len(agreement.items)), "info")
            return redirect(url_for("codebook.agreement_round", round_id=agreement.id))
        form.survey.errors = [_("This survey has no testimony to sample.")]
    return render_template("admin/agreement_rounds.html", form=form, rounds=list_rounds())


@bp.get("/agreement/<int:round_id>")
def agreement_round(round_id: int) -> ResponseReturnValue:
    """A round's agreement per code and overall, each coder against the machine, and the disagreements."""
    agreement = db.get_or_404(AgreementRound, round_id)
    return render_template(
        "admin/agreement_round.html",
        agreement=agreement,
        results=round_results(agreement),
        code_labels=code_labels(str(get_locale() or "en")),
        decision_form=DecisionForm(formdata=None),
        close_form=CloseRoundForm(formdata=None),
    )


@bp.post("/agreement/<int:round_id>/decisions")
def decide_disagreement(round_id: int) -> ResponseReturnValue:
    """Record the agreed version of a code on one of the round's testimonies."""
    agreement = db.get_or_404(AgreementRound, round_id)
    form = DecisionForm()
    if form.validate_on_submit():
        item = db.session.get(RoundItem, int(form.item.data)) if str(form.item.data).isdigit() else None
        if item is None or item.round_id != agreement.id:
            abort(404)
        record_decision(item, str(form.code.data), form.present.data == "yes", current_user)
        flash(_("The agreed version is recorded."), "info")
    else:
        flash(_("Choose whether the code applies."), "error")
    return redirect(url_for("codebook.agreement_round", round_id=agreement.id) + "#disagreements")


@bp.post("/agreement/<int:round_id>/close")
def close_agreement_round(round_id: int) -> ResponseReturnValue:
    """Close a round: its coders see everyone's codes again."""
    agreement = db.get_or_404(AgreementRound, round_id)
    if CloseRoundForm().validate_on_submit():
        close_round(agreement, current_user)
        flash(_("The round is closed."), "info")
    return redirect(url_for("codebook.agreement_round", round_id=agreement.id))
