"""Exports prepared in the background: asked for from the list, followed and downloaded on a page of their own."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import Job
from survey.services.export_jobs import (
    delete_expired_exports,
    expiry,
    list_exports,
    may_download,
    prepared_file,
    record_download,
    start_export,
)
from survey.services.exports import ExportWithheld, prepare_export, sees_start_locations
from survey.services.jobs import enqueue_job, resume_job
from survey.web.evaluate import bp
from survey.web.evaluate.explore_views import filter_args, limits, survey_or_404, viewer_filters
from survey.web.evaluate.forms import PrepareExportForm


@bp.post("/<slug>/exports")
def prepare_export_job(slug: str) -> ResponseReturnValue:
    """Ask for the list's export to be prepared by the workers, under the filters of the query string."""
    survey, _version = survey_or_404(slug)
    form = PrepareExportForm()
    back = redirect(url_for("evaluate.testimonies", slug=slug, **filter_args()))
    if not form.validate_on_submit():
        flash(_("Choose the workbook or the CSV files to prepare."), "error")
        return back
    try:
        located = sees_start_locations(current_user)
        export = prepare_export(
            survey, viewer_filters(survey), publication=form.publication.data, located=located, **limits()
        )
    except ExportWithheld:
        flash(_("Fewer responses than the minimum group match these filters: nothing to export."), "error")
        return back
    delete_expired_exports()  # the files past their keeping time go as new ones are asked for
    job = start_export(export, form.file_format.data, by=current_user)
    enqueue_job(job)
    flash(_("Export %(id)s is being prepared: %(n)s responses.", id=job.id, n=job.total_items), "info")
    return redirect(url_for("evaluate.exports"))


@bp.get("/exports")
def exports() -> ResponseReturnValue:
    """The exports this person asked for (an administrator: everyone's), with their progress and files."""
    jobs = list_exports(current_user)
    running = any(not job.finished for job in jobs)
    return render_template("evaluate/exports.html", jobs=jobs, running=running, resume=FlaskForm(), expiry=expiry)


def _export_or_404(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if not may_download(job, current_user):
        abort(404)  # nobody learns of another person's exports
    return job


@bp.get("/exports/<int:job_id>/<name>")
def download_export(job_id: int, name: str) -> ResponseReturnValue:
    """One file of a prepared export, for the person who asked for it or an administrator."""
    job = _export_or_404(job_id)
    path = prepared_file(job, name)
    if path is None:
        abort(404)
    record_download(job, name, current_user)
    return send_file(path, as_attachment=True, download_name=name)


@bp.post("/exports/<int:job_id>/resume")
def resume_export(job_id: int) -> ResponseReturnValue:
    """Send a failed or stalled export's chunks not done yet to the workers again."""
    job = _export_or_404(job_id)
    if FlaskForm().validate_on_submit():
        resume_job(job)
        enqueue_job(job)
        flash(_("Export %(id)s resumed.", id=job.id), "info")
    return redirect(url_for("evaluate.exports"))
