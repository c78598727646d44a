"""Jobs: long work shared by the workers (reruns of the analysis, retraining, imports), with their progress."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import Job, JobKind
from survey.services.audit import record_event
from survey.services.jobs import enqueue_job, list_jobs, resumable, resume_job, start_rerun, start_retrain
from survey.services.surveys import list_surveys
from survey.web.admin import bp
from survey.web.admin.forms import RerunForm


def _rerun_form() -> RerunForm:
    form = RerunForm()
    form.survey.choices = [("", _("All surveys"))] + [(s.slug, s.slug) for s, _version in list_surveys()]
    return form


def stalled_after() -> timedelta:
    """How long an unfinished job may go without finishing a chunk before it may be resumed."""
    return timedelta(minutes=current_app.config["JOB_STALLED_MINUTES"])


def _page(form: RerunForm) -> ResponseReturnValue:
    jobs = list_jobs()
    return render_template(
        "admin/jobs.html",
        jobs=jobs,
        form=form,
        resume=FlaskForm(),
        resumable=resumable(jobs, stalled_after()),
        stalled_minutes=current_app.config["JOB_STALLED_MINUTES"],
        keep_days=current_app.config["JOB_KEEP_DAYS"],
        running=any(not j.finished for j in jobs),
    )


@bp.get("/jobs")
def jobs() -> ResponseReturnValue:
    """The latest jobs with their progress, and a form to start a rerun."""
    return _page(_rerun_form())


@bp.post("/jobs")
def start_job() -> ResponseReturnValue:
    """Start a rerun of the analysis; its chunks go to the workers once it is stored."""
    form = _rerun_form()
    if not form.validate_on_submit():
        return _page(form)
    job = start_rerun(everything=form.everything.data, survey_slug=form.survey.data or None, by=current_user)
    enqueue_job(job)
    record_event("start_job", actor=current_user, target_type="job", target_id=job.id, kind=job.kind.value)
    flash(_("Job %(id)s started: %(n)s testimonies to analyse.", id=job.id, n=job.total_items), "info")
    return redirect(url_for("admin.jobs"))


@bp.post("/jobs/retrain")
def start_retrain_job() -> ResponseReturnValue:
    """Learn a codebook from evaluators' corrections on a worker; it becomes active when learned."""
    if FlaskForm().validate_on_submit():
        job = start_retrain(by=current_user)
        enqueue_job(job)
        record_event("start_job", actor=current_user, target_type="job", target_id=job.id, kind=job.kind.value)
        flash(_("Job %(id)s started: learning a codebook from the corrections.", id=job.id), "info")
    return redirect(url_for("admin.jobs"))


@bp.post("/jobs/<int:job_id>/resume")
def resume(job_id: int) -> ResponseReturnValue:
    """Send a failed or stalled job's chunks not done yet to the workers again."""
    job = db.get_or_404(Job, job_id)
    if not FlaskForm().validate_on_submit():
        pass
    elif job.id not in resumable([job], stalled_after()):
        minutes = current_app.config["JOB_STALLED_MINUTES"]
        flash(
            _(
                "Job %(id)s is still moving: resume it if it fails or finishes no chunk for %(minutes)s minutes.",
                id=job.id,
                minutes=minutes,
            ),
            "info",
        )
    else:
        resume_job(job)
        enqueue_job(job)
        record_event("resume_job", actor=current_user, target_type="job", target_id=job.id)
        flash(_("Job %(id)s resumed.", id=job.id), "info")
    if job.kind == JobKind.IMPORT:  # back to the import's own page, where its results are
        return redirect(url_for("admin.import_job", job_id=job.id))
    return redirect(url_for("admin.jobs"))
