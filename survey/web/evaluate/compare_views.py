"""The comparison of two periods of a survey."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from survey.services.comparisons import Period, compare_periods
from survey.services.engine import codebook
from survey.services.surveys import current_version, definition_of, get_survey
from survey.web.evaluate import bp
from survey.web.evaluate.forms import CompareForm


@bp.get("/<slug>/compare")
def compare(slug: str) -> ResponseReturnValue:
    """Two periods side by side, each change with its confidence interval."""
    survey = get_survey(slug)
    version = current_version(survey) if survey else None
    if survey is None or version is None:
        abort(404)
    form = CompareForm(request.args)
    definition = definition_of(version)
    result = None
    if request.args and form.validate():
        a, b = form.periods()
        result = compare_periods(
            survey,
            definition,
            Period(*a),
            Period(*b),
            min_group=current_app.config["MIN_GROUP_SIZE"],
            block=current_app.config["MIN_PERIOD_RESPONSES"],
        )
    return render_template(
        "evaluate/compare.html", survey=survey, definition=definition, form=form, result=result, codebook=codebook()
    )
