"""The list of testimonies behind the summary, each testimony with its place in the list."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import IO, Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from survey.extensions import db
from survey.models import Survey, SurveyVersion
from survey.questionnaire import Definition
from survey.services.blindness import blindfold_of
from survey.services.engine import codebook
from survey.services.explore import ExploreFilters, list_testimonies
from survey.services.export_files import csv_lines, record_export, write_xlsx
from survey.services.exports import (
    Export,
    ExportWithheld,
    prepare_export,
    repeat_rows,
    response_rows,
    sees_start_locations,
    tag_rows,
)
from survey.services.sites import list_sites
from survey.services.surveys import current_version, definition_of, get_survey
from survey.web.evaluate import bp
from survey.web.evaluate.explore_forms import FILTER_NAMES, ExploreFilterForm
from survey.web.evaluate.forms import PrepareExportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def viewer_filters(survey: Survey) -> ExploreFilters:
    """The list's filters as the person looking applies them: tags they may not see neither filter nor sort."""
    return replace(filter_form(survey).filters(), blindfold=blindfold_of(current_user))


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
    filters = replace(form.filters(), blindfold=blindfold_of(current_user))
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
        blindfold=blindfold_of(current_user),
        export_form=PrepareExportForm(formdata=None),
    )


@bp.get("/<slug>/review")
def review(slug: str) -> ResponseReturnValue:
    """The review queue: the testimonies the filters select, those whose tags are least certain first."""
    survey, version = survey_or_404(slug)
    form = filter_form(survey)
    filters = replace(form.filters(), sort="least_certain", blindfold=blindfold_of(current_user))
    page = list_testimonies(survey, filters, page=request.args.get("page", 1, type=int), **limits())
    return render_template(
        "evaluate/review.html",
        survey=survey,
        definition=definition_of(version),
        result=page,
        args=filter_args() | {"sort": "least_certain"},
        codebook=codebook(),
        blindfold=blindfold_of(current_user),
    )


def requested_export(slug: str) -> Export | None:
    """The export the query string asks for; None when the small-group rule withholds it."""
    survey, _version = survey_or_404(slug)
    filters = viewer_filters(survey)
    try:
        publication = request.args.get("for") == "publication"
        located = sees_start_locations(current_user)
        return prepare_export(survey, filters, publication=publication, located=located, **limits())
    except ExportWithheld:
        return None


@bp.get("/<slug>/export.csv")
def export_csv(slug: str) -> ResponseReturnValue:
    """The responses (or, with ?table=tags, the tags) the filters select, as CSV streamed as it is read."""
    export = requested_export(slug)
    if export is None:
        return redirect(url_for("evaluate.testimonies", slug=slug, **filter_args()))
    table = request.args.get("table", "")
    table = table if table in ("tags", "repeats") else "responses"
    record_export(export, "csv" if table == "responses" else f"csv-{table}", current_user)
    read = {"tags": tag_rows, "repeats": repeat_rows}.get(table, response_rows)
    name = f"{slug}-{table}.csv"
    return Response(
        stream_with_context(csv_lines(read_after_commit(read, export))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def read_after_commit(read: Callable[[Export], Iterator[Any]], export: Export) -> Iterator[Any]:
    """The rows read(export) gives, read while the response streams.

    The request commits before its body is sent, and a streamed body is read in a new application
    context, whose session does not hold the survey loaded before: it is loaded again there.
    """
    survey_id = export.survey.id

    def rows() -> Iterator[Any]:
        yield from read(replace(export, survey=db.get_or_404(Survey, survey_id)))

    return rows()


@bp.get("/<slug>/export.xlsx")
def export_xlsx(slug: str) -> ResponseReturnValue:
    """The responses and the tags the filters select, as a workbook of two sheets."""
    export = requested_export(slug)
    if export is None:
        return redirect(url_for("evaluate.testimonies", slug=slug, **filter_args()))
    record_export(export, "xlsx", current_user)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (chunks_of closes it once sent)
    write_xlsx(export, spool)
    spool.seek(0)
    return Response(
        chunks_of(spool),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{slug}-responses.xlsx"'},
    )


def chunks_of(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """A file's bytes a chunk at a time, closing it once read."""
    with file:
        while chunk := file.read(size):
            yield chunk
