"""The comparison of two periods of a survey."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from survey.services.comparisons import Period, compare_periods
from survey.services.engine import codebook
from survey.services.sites import list_sites, sites_chosen
from survey.services.surveys import current_version, definition_of, get_survey
from survey.web.evaluate import bp
from survey.web.evaluate.forms import CompareForm, region_choices

PERIOD_FIELDS = ("a_from", "a_to", "b_from", "b_to")  # a region alone, from the summary's link, is no comparison yet


@bp.get("/<slug>/compare")
def compare(slug: str) -> ResponseReturnValue:
    """Two periods side by side, each change with its confidence interval."""
    survey = get_survey(slug)
    version = current_version(survey) if survey else None
    if survey is None or version is None:
        abort(404)
    form = CompareForm(request.args)
    form.region.choices = region_choices(list_sites())
    definition = definition_of(version)
    result = None
    if any(request.args.get(name) for name in PERIOD_FIELDS) and form.validate():
        a, b = form.periods()
        result = compare_periods(
            survey,
            definition,
            Period(*a),
            Period(*b),
            min_group=current_app.config["MIN_GROUP_SIZE"],
            block=current_app.config["MIN_PERIOD_RESPONSES"],
            sites=sites_chosen(None, form.region_chosen()),
        )
    return render_template(
        "evaluate/compare.html", survey=survey, definition=definition, form=form, result=result, codebook=codebook()
    )
