"""flask export SLUG: a survey's responses and tags written to files, as /evaluate/<slug>/export.* sends them."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import current_app

from survey.cli import work_on_job
from survey.extensions import db
from survey.models import Job, JobKind, JobStatus
from survey.services.audit import record_event
from survey.services.explore import ExploreFilters
from survey.services.export_files import csv_lines, record_export, write_xlsx
from survey.services.export_jobs import (
    EXPORT_CHUNK,
    FORMATS,
    delete_expired_exports,
    prepared_file,
    record_download,
    start_export,
)
from survey.services.exports import ExportWithheld, prepare_export, repeat_rows, response_rows, tag_rows
from survey.services.jobs import delete_old_jobs, get_job, resume_job
from survey.services.refi_export import write_qdc, write_qdpx
from survey.services.surveys import get_survey


@click.command("export")
@click.argument("slug")
@click.option(
    "--format", "file_format", type=click.Choice(["csv", "xlsx", "qdpx", "qdc"]), default="xlsx", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option(
    "--for-publication",
    is_flag=True,
    help="Leave out the words of internal-only testimonies, interviewers and tablets.",
)
@click.option("--machine-tags", is_flag=True, help="qdpx: add the machine's tags as coded selections.")
@click.option("--language", type=click.Choice(["en", "es"]), default="en", help="qdpx, qdc: the codes' language.")
@click.option(
    "--background", is_flag=True, help="csv, xlsx: prepare it as a job of chunks the workers share, following it."
)
@click.option("--chunk", default=EXPORT_CHUNK, show_default=True, help="--background: responses per chunk.")
@click.option("--resume", "resume_id", type=int, help="--background: take up export job N again, then write it.")
def export_command(
    slug: str,
    file_format: str,
    output: str,
    for_publication: bool,
    machine_tags: bool,
    language: str,
    background: bool,
    chunk: int,
    resume_id: int | None,
) -> None:
    """Write every response of a survey from groups large enough to show; CSV writes the tags beside it.

    qdpx writes a REFI-QDA project (the redacted testimonies, people's coded passages and memos) for
    NVivo, ATLAS.ti, MAXQDA or QualCoder; qdc writes the codebook alone. With --background, csv and
    xlsx are written by the workers when CELERY_BROKER_URL names a broker (else here), chunk by chunk.
    """
    if background or resume_id is not None:
        _export_in_background(slug, file_format, Path(output), for_publication, chunk, resume_id)
        return
    survey = get_survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey '{slug}'")
    path = Path(output)
    if file_format == "qdc":
        with path.open("wb") as target:
            codes = write_qdc(language, target)
        record_event("export", target_type="survey", target_id=slug, format="qdc")
        db.session.commit()
        click.echo(f"Wrote {path} ({codes} codes).")
        return
    limits = {"min_group": current_app.config["MIN_GROUP_SIZE"], "block": current_app.config["MIN_PERIOD_RESPONSES"]}
    try:
        export = prepare_export(survey, ExploreFilters(), publication=for_publication, located=True, **limits)
    except ExportWithheld:
        raise click.ClickException("fewer responses than the minimum group size: nothing written") from None
    if file_format == "qdpx":
        with path.open("wb") as target:
            counts = write_qdpx(export, target, language=language, machine_tags=machine_tags)
        record_export(export, file_format, None, machine_tags=machine_tags)
        db.session.commit()
        click.echo(
            f"Wrote {path} ({counts.sources} testimonies, {counts.selections} selections, {counts.notes} memos)."
        )
        return
    written = [path]
    if file_format == "xlsx":
        with path.open("wb") as target:
            write_xlsx(export, target)
    else:
        tags = path.with_name(f"{path.stem}-tags{path.suffix or '.csv'}")
        tables = [(response_rows(export), path), (tag_rows(export), tags)]
        if export.repeated:  # as Kobo exports a repeat: one row per instance, joined by _response_id
            tables.append((repeat_rows(export), path.with_name(f"{path.stem}-repeats{path.suffix or '.csv'}")))
        for rows, file in tables:
            with file.open("w", encoding="utf-8", newline="") as target:
                target.writelines(csv_lines(rows))
        written += [file for _rows, file in tables[1:]]
    record_export(export, file_format, None)
    db.session.commit()
    click.echo("Wrote " + " and ".join(str(p) for p in written) + ".")


def _export_in_background(
    slug: str, file_format: str, path: Path, for_publication: bool, chunk: int, resume_id: int | None
) -> None:
    if resume_id is not None:
        job = get_job(resume_id)
        if job is None or job.kind != JobKind.EXPORT or job.params.get("survey") != slug:
            raise click.ClickException(f"no export job {resume_id} of survey '{slug}'")
        resume_job(job)
    else:
        if file_format not in FORMATS:
            raise click.ClickException(f"--background prepares {' or '.join(FORMATS)}, not {file_format}")
        survey = get_survey(slug)
        if survey is None:
            raise click.ClickException(f"no survey '{slug}'")
        limits = {
            "min_group": current_app.config["MIN_GROUP_SIZE"],
            "block": current_app.config["MIN_PERIOD_RESPONSES"],
        }
        try:
            export = prepare_export(survey, ExploreFilters(), publication=for_publication, located=True, **limits)
        except ExportWithheld:
            raise click.ClickException("fewer responses than the minimum group size: nothing written") from None
        job = start_export(export, file_format, by=None, chunk_size=max(1, chunk))
    db.session.commit()
    work_on_job(job, items="responses", resume=f"flask --app survey export {slug} -o {path}")
    finished = get_job(job.id)
    if finished is None or finished.status != JobStatus.DONE:
        raise click.ClickException(f"export job {job.id} did not finish: resume it with --resume {job.id}")
    click.echo("Wrote " + " and ".join(str(p) for p in _copy_prepared(finished, path)) + ".")
    db.session.commit()


def _copy_prepared(job: Job, path: Path) -> list[Path]:
    """Copy a prepared export's files where the direct export writes them; the first is the one asked for."""
    written = []
    for table, name in job.params["files"].items():
        source = prepared_file(job, name)
        if source is None:
            raise click.ClickException(f"the file {name} of job {job.id} is gone from EXPORT_FOLDER")
        target = (
            path if table in ("responses", "xlsx") else path.with_name(f"{path.stem}-{table}{path.suffix or '.csv'}")
        )
        shutil.copyfile(source, target)
        written.append(target)
    record_download(job, job.params["files"].get("responses") or job.params["files"]["xlsx"], None)
    return written


@click.command("delete-old-exports")
def delete_old_exports_command() -> None:
    """Delete the exports prepared in the background more than EXPORT_KEEP_DAYS ago, with their files."""
    count = delete_expired_exports()
    db.session.commit()
    click.echo(f"Deleted {count} prepared exports older than {current_app.config['EXPORT_KEEP_DAYS']} days.")


@click.command("delete-old-jobs")
def delete_old_jobs_command() -> None:
    """Delete the reruns, retrainings and imports that finished more than JOB_KEEP_DAYS ago."""
    count = delete_old_jobs()
    db.session.commit()
    click.echo(f"Deleted {count} finished jobs older than {current_app.config['JOB_KEEP_DAYS']} days.")
