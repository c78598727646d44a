"""Evaluator views."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from survey.extensions import db
from survey.models import Testimonial
from survey.services.definition import parse_definition
from survey.services.sites import list_sites
from survey.services.summaries import SummaryFilters, summarise_survey
from survey.services.surveys import current_version, get_survey, list_surveys
from survey.services.testimonies import codebook
from survey.web.evaluate import bp
from survey.web.evaluate.forms import SummaryFilterForm


@bp.get("/")
def index() -> ResponseReturnValue:
    """The surveys an evaluator can summarise."""
    return render_template("evaluate/index.html", surveys=list_surveys())


@bp.get("/<slug>")
def summary(slug: str) -> ResponseReturnValue:
    """A survey's summary, narrowed by site and dates."""
    survey = get_survey(slug)
    version = current_version(survey) if survey else None
    if survey is None or version is None:
        abort(404)
    form = SummaryFilterForm(request.args)
    form.set_sites(list_sites())
    filters = SummaryFilters()
    if form.validate():
        filters = SummaryFilters(
            site_id=int(form.site.data) if form.site.data else None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    definition = parse_definition(version.definition)
    result = summarise_survey(survey, definition, filters, min_group=current_app.config["MIN_GROUP_SIZE"])
    return render_template(
        "evaluate/summary.html", survey=survey, definition=definition, form=form, summary=result, codebook=codebook()
    )


@bp.get("/<slug>/testimonials/<int:testimonial_id>")
def testimonial(slug: str, testimonial_id: int) -> ResponseReturnValue:
    """One redacted testimony with each tag's evidence highlighted."""
    item = db.get_or_404(Testimonial, testimonial_id)
    if item.response.survey_version.survey.slug != slug:
        abort(404)
    definition = parse_definition(item.response.survey_version.definition)
    return render_template(
        "evaluate/testimonial.html", item=item, definition=definition, codebook=codebook(), slug=slug
    )
