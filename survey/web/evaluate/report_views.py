"""The printable report of a survey, and pinning testimonies to its themes."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey.services.engine import codebook
from survey.services.report import PinError, build_report, pin_quote, unpin_quote
from survey.services.surveys import current_version, definition_of, get_survey
from survey.web.evaluate import bp
from survey.web.evaluate.report_forms import PinForm, ReportFilterForm
from survey.web.evaluate.views import offer_filters, testimonial_of


@bp.get("/<slug>/report")
def report(slug: str) -> ResponseReturnValue:
    """A survey's report for donors, to print or save as PDF, under the summary's filters."""
    survey = get_survey(slug)
    version = current_version(survey) if survey else None
    if survey is None or version is None:
        abort(404)
    form = ReportFilterForm(request.args)
    definition = definition_of(version)
    offer_filters(form, definition)
    config = current_app.config
    result = build_report(
        survey,
        definition,
        form.summary_filters(),
        min_group=config["MIN_GROUP_SIZE"],
        block=config["MIN_PERIOD_RESPONSES"],
    )
    return render_template(
        "evaluate/report.html",
        survey=survey,
        definition=definition,
        form=form,
        report=result,
        summary=result.summary,
        paper=form.paper_size(),
        codebook=codebook(),
    )


def _posted_theme(prefix: str = "") -> str | None:
    form = PinForm(prefix=prefix)
    theme = request.form.get(form.theme.name, "")
    form.theme.choices = [SelectChoice(theme, theme)]  # the service checks it is one of the testimony's themes
    return theme if form.validate_on_submit() else None


@bp.post("/<slug>/testimonials/<int:testimonial_id>/pins")
def pin(slug: str, testimonial_id: int) -> ResponseReturnValue:
    """Pin a testimony to one of its themes in the report."""
    item = testimonial_of(slug, testimonial_id)
    try:
        pin_quote(item, _posted_theme("pin") or "", current_user)  # "" is none of the testimony's themes
        flash(_("The testimony is pinned to the report."), "info")
    except PinError:
        flash(_("This testimony cannot be pinned to that theme."), "error")
    return redirect(url_for("evaluate.testimonial", slug=slug, testimonial_id=item.id) + "#report-pins")


@bp.post("/<slug>/testimonials/<int:testimonial_id>/pins/delete")
def unpin(slug: str, testimonial_id: int) -> ResponseReturnValue:
    """Take a testimony off a theme of the report."""
    item = testimonial_of(slug, testimonial_id)
    theme = _posted_theme()
    if theme is not None and unpin_quote(item, theme, current_user):
        flash(_("The testimony is no longer pinned to that theme."), "info")
    return redirect(url_for("evaluate.testimonial", slug=slug, testimonial_id=item.id) + "#report-pins")
