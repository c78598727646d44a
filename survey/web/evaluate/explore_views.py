"""The list of testimonies behind the summary, each testimony with its place in the list."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from survey.models import Survey, SurveyVersion
from survey.questionnaire import Definition
from survey.services.engine import codebook
from survey.services.explore import list_testimonies
from survey.services.sites import list_sites
from survey.services.surveys import current_version, definition_of, get_survey
from survey.web.evaluate import bp
from survey.web.evaluate.explore_forms import FILTER_NAMES, ExploreFilterForm


def survey_or_404(slug: str) -> tuple[Survey, SurveyVersion]:
    """A survey with a current version, or 404."""
    survey = get_survey(slug)
    version = current_version(survey) if survey else None
    if survey is None or version is None:
        abort(404)
    return survey, version


def filter_form(survey: Survey) -> ExploreFilterForm:
    """The list's filters, read from the query string, with the choices this survey offers."""
    form = ExploreFilterForm(request.args)
    form.set_sites(list_sites())
    form.set_choices(codebook(), [definition_of(v) for v in survey.versions], str(get_locale() or "en"))
    return form


def filter_args() -> dict[str, Any]:
    """The filters of the current query string, to carry into links."""
    return {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}


def limits() -> dict[str, int]:
    """The small-group rule's settings, as the summary applies them."""
    return {"min_group": current_app.config["MIN_GROUP_SIZE"], "block": current_app.config["MIN_PERIOD_RESPONSES"]}


@bp.get("/<slug>/testimonies")
def testimonies(slug: str) -> ResponseReturnValue:
    """Every testimony the filters select, a page at a time, from groups large enough to show."""
    survey, version = survey_or_404(slug)
    form = filter_form(survey)
    filters = form.filters()
    page = list_testimonies(survey, filters, page=request.args.get("page", 1, type=int), **limits())
    definition: Definition = definition_of(version)
    return render_template(
        "evaluate/testimonies.html",
        survey=survey,
        definition=definition,
        form=form,
        result=page,
        search=filters.search,
        args=filter_args(),
        summary_args={k: v for k, v in filter_args().items() if k in ("site", "month_from", "month_to")},
        codebook=codebook(),
    )
