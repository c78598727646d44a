"""Administrator views for surveys: upload, preview, publish, close."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import SurveyVersion
from survey.questionnaire.xlsform.kinds import README_ANCHOR, README_SECTION
from survey.services.audit import record_event
from survey.services.sites import list_sites
from survey.services.surveys import (
    SurveyImportError,
    close_survey,
    definition_of,
    describe_import_error,
    import_uploaded_survey,
    list_surveys,
    publish_version,
)
from survey.web.admin import bp
from survey.web.admin.forms import SurveyUploadForm
from survey.web.filters import notice_text
from survey.web.public.forms import answers_from, build_form
from survey.web.public.layout import form_items
from survey.web.public.repeats import changed_instances, changes_instances
from survey.web.public.review import review_rows


class ReadmeSection(NamedTuple):
    """A section of the README: its title, and its address when the README is online."""

    title: str
    url: str


@bp.route("/surveys", methods=["GET", "POST"])
def surveys() -> ResponseReturnValue:
    """Every survey and its versions, and the form to import a new one."""
    form = SurveyUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        lists = {Path((f.filename or "").replace("\\", "/")).name: f.read() for f in form.choice_files.data or ()}
        try:
            version, warnings = import_uploaded_survey(
                upload.filename or "", upload.read(), publish=form.publish.data, choice_files=lists
            )
        except SurveyImportError as error:
            form.file.errors.append(describe_import_error(error))
        else:
            record_event("import_survey", actor=current_user, target_type="survey_version", target_id=version.id)
            flash(_("Imported %(slug)s version %(v)s.", slug=version.survey.slug, v=version.version), "info")
            for warning in warnings:
                flash(notice_text(warning), "warning")
            return redirect(url_for("admin.surveys"))
    return render_template(
        "admin/surveys.html", form=form, surveys=list_surveys(), actions=FlaskForm(), readme=readme_section()
    )


def readme_section() -> ReadmeSection:
    """The README section a refusal points to, with its address when DOCS_URL says where the README is."""
    docs = str(current_app.config.get("DOCS_URL") or "")
    return ReadmeSection(README_SECTION, f"{docs.split('#')[0]}#{README_ANCHOR}" if docs else "")


def _version(slug: str, version_id: int) -> SurveyVersion:
    version = db.get_or_404(SurveyVersion, version_id)
    if version.survey.slug != slug:
        abort(404)
    return version


@bp.route("/surveys/<slug>/versions/<int:version_id>/preview", methods=["GET", "POST"])
def preview(slug: str, version_id: int) -> ResponseReturnValue:
    """A version's form as residents would see it; trying it checks the answers and stores nothing."""
    definition = definition_of(_version(slug, version_id))
    language = str(get_locale())
    step = request.form.get("step", "")
    if changes_instances(step):  # a repeat's instance added or removed without JavaScript: nothing is checked
        form = build_form(definition, language, list_sites(), changed_instances(definition, request.form, step))
    else:
        form = build_form(definition, language, list_sites())
    valid = not changes_instances(step) and form.validate_on_submit()
    return render_template(
        "public/survey.html",
        form=form,
        definition=definition,
        items=form_items(form, definition, language),
        preview=True,
        rows=review_rows(form, definition, answers_from(form, definition), language) if valid else None,
    )


@bp.post("/surveys/<slug>/versions/<int:version_id>/publish")
def publish(slug: str, version_id: int) -> ResponseReturnValue:
    """Make a version the one residents answer (and reopen a closed survey)."""
    version = _version(slug, version_id)
    if FlaskForm().validate_on_submit():
        publish_version(version)
        record_event("publish_survey", actor=current_user, target_type="survey_version", target_id=version.id)
        flash(_("Residents now answer version %(v)s.", v=version.version), "info")
    return redirect(url_for("admin.surveys"))


@bp.post("/surveys/<slug>/versions/<int:version_id>/close")
def close(slug: str, version_id: int) -> ResponseReturnValue:
    """Close a survey: residents can no longer answer it."""
    version = _version(slug, version_id)
    if FlaskForm().validate_on_submit():
        close_survey(version.survey)
        record_event("close_survey", actor=current_user, target_type="survey", target_id=version.survey.id)
        flash(_("%(slug)s is closed.", slug=slug), "info")
    return redirect(url_for("admin.surveys"))
