"""Queue files saved on tablets, imported as jobs: the upload checked at once, the records stored by the workers."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import Job, JobKind
from survey.services.audit import record_event
from survey.services.import_jobs import import_counts, invalid_records, start_import
from survey.services.jobs import delete_old_jobs, enqueue_job, resumable
from survey.services.queue_files import QueueFileError
from survey.services.sync import open_conflicts
from survey.services.wording import worded
from survey.web.admin import bp
from survey.web.admin.forms import QueueFileForm
from survey.web.admin.jobs import stalled_after


@bp.route("/submissions/import", methods=["GET", "POST"])
def import_submissions() -> ResponseReturnValue:
    """Take a queue file saved on a tablet and store its records as a job, by the sync API's rules."""
    form = QueueFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            job = start_import(
                upload.read(), language=str(get_locale() or "en"), by=current_user, name=upload.filename or ""
            )
        except QueueFileError as error:
            form.file.errors.append(worded(error.message))
        else:
            delete_old_jobs()  # the imports past their keeping time go as new ones come
            enqueue_job(job)
            record_event(
                "import_queue_file", actor=current_user, target_type="job", target_id=job.id, records=job.total_items
            )
            return redirect(url_for("admin.import_job", job_id=job.id))
    return render_template("admin/import.html", form=form, conflicts=open_conflicts())


@bp.get("/submissions/import/<int:job_id>")
def import_job(job_id: int) -> ResponseReturnValue:
    """An import's progress, then what became of its records: counts, and each invalid one with why."""
    job = db.get_or_404(Job, job_id)
    if job.kind != JobKind.IMPORT:
        abort(404)
    return render_template(
        "admin/import_job.html",
        job=job,
        counts=import_counts(job),
        invalid=invalid_records(job),
        conflicts=open_conflicts(),
        resume=FlaskForm(),
        can_resume=job.id in resumable([job], stalled_after()),
    )
