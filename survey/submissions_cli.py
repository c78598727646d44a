"""flask submissions import FILE: a tablet's queue file stored as a job, on the workers or here."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from survey.cli import work_on_job
from survey.extensions import db
from survey.models import JobKind
from survey.services.import_jobs import IMPORT_CHUNK, import_counts, invalid_records, start_import
from survey.services.jobs import delete_old_jobs, get_job, resume_job
from survey.services.queue_files import QueueFileError

submissions_cli = AppGroup("submissions", help="Records from tablets.")


@submissions_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--chunk", default=IMPORT_CHUNK, show_default=True, help="Records per chunk (at most 500).")
@click.option("--resume", "resume_id", type=int, help="Take up import job N again: its chunks not done yet.")
def import_submissions_command(path: str | None, chunk: int, resume_id: int | None) -> None:
    """Import a queue file saved on a tablet; records already received are not stored twice.

    The records are stored as a job of chunks: by the workers when CELERY_BROKER_URL names a broker,
    else here; either way the command follows it and then sums up what became of each record."""
    if resume_id is not None:
        job = get_job(resume_id)
        if job is None or job.kind != JobKind.IMPORT:
            raise click.ClickException(f"no import job {resume_id}")
        resume_job(job)
    elif path is None:
        raise click.UsageError("give the queue file to import, or --resume N")
    else:
        try:
            job = start_import(Path(path).read_bytes(), name=Path(path).name, chunk_size=chunk)
        except QueueFileError as error:
            raise click.ClickException(f"{path}: {error}") from None
        delete_old_jobs()  # the imports past their keeping time go as new ones come
    db.session.commit()
    if not job.finished:
        work_on_job(job, items="records", resume="flask --app survey submissions import")
    counts = import_counts(job)
    click.echo(", ".join(f"{n} {status}" for status, n in counts.items()))
    for result in invalid_records(job):
        click.echo(
            f"  invalid {result.uuid or '(no uuid)'}: " + "; ".join(f"{k}: {v}" for k, v in result.errors.items())
        )
