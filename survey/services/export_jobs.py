"""Exports prepared in the background: a job whose chunks are ranges of response ids, each written by
any worker as part files, and a last chunk that joins the parts into the files people download.

A part is written to a temporary name and renamed into place, so a chunk done twice rewrites the
same bytes and a worker that stops half-way leaves no half part. The last chunk is sent once every
part is done (by the worker that finished the last part), and writes the CSV files by copying the
parts after their header, or the workbook from the parts a row at a time (write-only). The files
live in EXPORT_FOLDER, which every worker must share, until EXPORT_KEEP_DAYS have passed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from flask import current_app
from openpyxl import Workbook
from sqlalchemy import delete, insert, select

from survey.extensions import db
from survey.models import Job, JobChunk, JobKind, JobStatus, Response, Role, User
from survey.models.base import utcnow
from survey.services.audit import record_event
from survey.services.blindness import blindfold_of
from survey.services.deferred import RUN_JOB_CHUNK, after_commit
from survey.services.explore import ExploreFilters
from survey.services.export_files import append_row, csv_lines
from survey.services.exports import (
    Export,
    ExportWithheld,
    Row,
    prepare_export,
    repeat_rows,
    response_rows,
    sees_start_locations,
    tag_rows,
)
from survey.services.jobs import UNSYNCHRONISED, finish_chunk, mark_running
from survey.services.surveys import get_survey

EXPORT_CHUNK = 2000  # responses a worker writes as one part
FORMATS = ("csv", "xlsx")
TABLES: dict[str, Callable[[Export], Iterator[Row]]] = {
    "responses": response_rows,
    "tags": tag_rows,
    "repeats": repeat_rows,
}


class ExportChanged(RuntimeError):
    """The export can no longer be written as it was asked for."""


def export_folder() -> Path:
    """Where prepared exports are kept: EXPORT_FOLDER, else the instance folder's exports/."""
    return Path(current_app.config.get("EXPORT_FOLDER") or os.path.join(current_app.instance_path, "exports"))


def job_folder(job: Job) -> Path:
    """The folder of one export job's parts and files."""
    return export_folder() / str(job.params["folder"])


def filters_as_params(filters: ExploreFilters) -> dict[str, Any]:
    """The filters as JSON (the blindfold is the asker's, found again when a chunk is written)."""
    return {k: v for k, v in asdict(filters).items() if k != "blindfold"}


def filters_from_params(params: dict[str, Any]) -> ExploreFilters:
    """The filters stored with a job, pairs back as tuples."""
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    return ExploreFilters(**values)


def file_names(slug: str, file_format: str, tables: list[str]) -> dict[str, str]:
    """Per table, the file it ends in: one CSV per table, as the direct downloads name them, or one workbook."""
    if file_format == "xlsx":
        return {"xlsx": f"{slug}-responses.xlsx"}
    return {table: f"{slug}-{table}.csv" for table in tables}


def start_export(export: Export, file_format: str, *, by: User | None, chunk_size: int = EXPORT_CHUNK) -> Job:
    """Plan an export as a job: its responses in chunks of consecutive ids, then a chunk that joins them."""
    if file_format not in FORMATS:
        raise ValueError(f"the format must be one of {', '.join(FORMATS)}, not {file_format!r}")
    ids = list(db.session.scalars(export.query))
    tables = ["responses", "tags"] + (["repeats"] if export.repeated else [])
    parts = [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]
    job = Job(
        kind=JobKind.EXPORT,
        status=JobStatus.QUEUED,
        params={
            "survey": export.survey.slug,
            "format": file_format,
            "publication": export.publication,
            "filters": filters_as_params(export.filters),
            "headers": {table: next(TABLES[table](export)) for table in tables},
            "files": file_names(export.survey.slug, file_format, tables),
            "folder": secrets.token_hex(12),  # unguessable, and new even where job ids are used again
        },
        total_chunks=len(parts) + 1,
        total_items=len(ids),
        created_by=by,
    )
    db.session.add(job)
    db.session.flush()
    job.params = {**job.params, "folder": f"{job.id}-{job.params['folder']}"}
    chunks = [
        {"job_id": job.id, "number": n, "first_id": part[0], "last_id": part[-1], "items": len(part)}
        for n, part in enumerate(parts)
    ]
    chunks.append({"job_id": job.id, "number": len(parts), "first_id": 0, "last_id": 0, "items": 0})
    db.session.execute(insert(JobChunk), chunks)
    db.session.flush()
    return job


@dataclass(frozen=True)
class ExportChunk:
    """A chunk of an export job as read: a part to write, or (the last chunk) the parts to join."""

    chunk_id: int
    job_id: int
    number: int
    first_id: int
    last_id: int
    items: int
    parts: int  # how many part chunks the job has
    params: dict[str, Any]
    asked_by: int | None

    @property
    def joins(self) -> bool:
        """Whether this is the last chunk, which joins the parts."""
        return self.number == self.parts

    @property
    def folder(self) -> Path:
        return export_folder() / str(self.params["folder"])


def read_export_chunk(chunk_id: int) -> ExportChunk | None:
    """What a chunk of an export writes; None when it is done (or gone), or joins parts not all written."""
    row = db.session.execute(
        select(JobChunk, Job.total_chunks, Job.done_chunks, Job.params, Job.created_by_id, Job.status)
        .join(Job, Job.id == JobChunk.job_id)
        .where(JobChunk.id == chunk_id)
    ).one_or_none()
    if row is None or row.JobChunk.done_at is not None:
        return None
    chunk = row.JobChunk
    work = ExportChunk(
        chunk.id, chunk.job_id, chunk.number, chunk.first_id, chunk.last_id, chunk.items,
        row.total_chunks - 1, row.params, row.created_by_id,
    )  # fmt: skip
    if work.joins and row.done_chunks < work.parts:
        return None  # the worker that writes the last part sends this chunk again
    if row.status == JobStatus.QUEUED:
        mark_running(chunk.job_id)
    return work


def export_of(work: ExportChunk) -> Export:
    """The export as it was asked for, checked again: the small-group rule, and the same columns."""
    params = work.params
    survey = get_survey(params["survey"])
    if survey is None:
        raise ExportChanged(f"the survey {params['survey']!r} is gone")
    asker = db.session.get(User, work.asked_by) if work.asked_by is not None else None
    filters = replace(filters_from_params(params["filters"]), blindfold=blindfold_of(asker))
    limits = {"min_group": current_app.config["MIN_GROUP_SIZE"], "block": current_app.config["MIN_PERIOD_RESPONSES"]}
    try:
        located = sees_start_locations(asker)
        export = prepare_export(survey, filters, publication=params["publication"], located=located, **limits)
    except ExportWithheld:
        raise ExportChanged("the filters now match fewer responses than the minimum group") from None
    for table, header in params["headers"].items():
        if next(TABLES[table](export)) != header:
            raise ExportChanged(f"the {table} columns changed (a new version of the survey?): ask for it again")
    return export


def part_path(work: ExportChunk, number: int, table: str) -> Path:
    """Where part `number` of a table is written."""
    suffix = "csv" if work.params["format"] == "csv" else "jsonl"
    return work.folder / "parts" / f"{number:06d}-{table}.{suffix}"


def write_part(work: ExportChunk) -> None:
    """Write the chunk's responses as part files, one per table, without headers; rewrites them if there."""
    export = export_of(work)
    export = replace(export, query=export.query.where(Response.id.between(work.first_id, work.last_id)))
    for table in work.params["headers"]:
        rows = TABLES[table](export)
        next(rows)  # the header, which the join writes once
        with written_in_place(part_path(work, work.number, table), "w") as target:
            if work.params["format"] == "csv":
                target.writelines(csv_lines(rows))
            else:  # JSON keeps numbers numbers, and so cells typed as the direct workbook's
                target.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@contextmanager
def written_in_place(path: Path, mode: str) -> Iterator[IO[Any]]:
    """A file written under a temporary name and renamed over `path` once complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        if "b" in mode:
            with temporary.open(mode) as binary:
                yield binary
        else:
            with temporary.open(mode, encoding="utf-8", newline="") as text:
                yield text
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def the_parts(work: ExportChunk, table: str) -> Iterator[Path]:
    """A table's part files in order; a missing one is an error naming the shared folder."""
    for number in range(work.parts):
        path = part_path(work, number, table)
        if not path.exists():
            raise ExportChanged(
                f"part {number} of {table} is missing from {work.folder}: the workers must share EXPORT_FOLDER"
            )
        yield path


def join_parts(work: ExportChunk) -> None:
    """Write the files people download from the parts: the CSV files, or the workbook."""
    headers: dict[str, Row] = work.params["headers"]
    files: dict[str, str] = work.params["files"]
    if work.params["format"] == "csv":
        for table, header in headers.items():
            with written_in_place(work.folder / files[table], "wb") as target:
                target.write("".join(csv_lines([header])).encode("utf-8"))
                for path in the_parts(work, table):
                    with path.open("rb") as part:
                        shutil.copyfileobj(part, target)
        return
    book = Workbook(write_only=True)
    for table, header in headers.items():
        sheet = book.create_sheet(table)
        append_row(sheet, header)
        for path in the_parts(work, table):
            with path.open(encoding="utf-8") as part:
                for line in part:
                    append_row(sheet, json.loads(line))
    with written_in_place(work.folder / files["xlsx"], "wb") as target:
        book.save(target)


def store_export_chunk(work: ExportChunk, worker: str) -> bool:
    """Count the chunk done; after the last part, send the join. False if another worker did it first."""
    if not finish_chunk(work.chunk_id, work.job_id, work.items, worker):
        return False
    if not work.joins:
        done = db.session.scalar(select(Job.done_chunks).where(Job.id == work.job_id))
        if done == work.parts:  # counted after this chunk's own, under the job row's lock
            join = select(JobChunk.id).where(JobChunk.job_id == work.job_id, JobChunk.number == work.parts)
            after_commit(RUN_JOB_CHUNK, db.session.scalar(join))
    return True


def remove_parts(work: ExportChunk) -> None:
    """Delete the parts once the files joined from them are stored."""
    shutil.rmtree(work.folder / "parts", ignore_errors=True)


def may_download(job: Job, person: User) -> bool:
    """Whether a person may take a prepared export: the one who asked for it, or an administrator."""
    return job.kind == JobKind.EXPORT and (job.created_by_id == person.id or person.role == Role.ADMIN)


def prepared_file(job: Job, name: str) -> Path | None:
    """The path of one of a finished export's files, or None if it has no such file (yet, or any more)."""
    if job.status != JobStatus.DONE or name not in job.params.get("files", {}).values() or expired(job):
        return None
    path = job_folder(job) / name
    return path if path.is_file() else None


def record_download(job: Job, name: str, actor: User | None) -> None:
    """Write down the export as the direct download writes it down, with the job it was prepared by."""
    table = next(t for t, file in job.params["files"].items() if file == name)
    file_format = "xlsx" if table == "xlsx" else ("csv" if table == "responses" else f"csv-{table}")
    filters = {k: v for k, v in job.params["filters"].items() if v not in (None, "", "newest")}
    record_event(
        "export",
        actor=actor,
        target_type="survey",
        target_id=job.params["survey"],
        format=file_format,
        publication=job.params["publication"],
        filters=filters,
        job=job.id,
    )


def list_exports(person: User, limit: int = 50) -> list[Job]:
    """The exports a person asked for, newest first; an administrator sees everyone's."""
    query = select(Job).where(Job.kind == JobKind.EXPORT, ~_expired_clause())
    if person.role != Role.ADMIN:
        query = query.where(Job.created_by_id == person.id)
    return list(db.session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def expiry(job: Job) -> Any:
    """When a prepared export is deleted: EXPORT_KEEP_DAYS after it finished (an unfinished one is kept)."""
    return (job.finished_at or utcnow()) + timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])


def expired(job: Job) -> bool:
    """Whether a finished export is past its keeping time (and so no longer offered)."""
    return job.finished_at is not None and expiry(job) <= utcnow()


def _expired_clause() -> Any:
    cutoff = utcnow() - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    return Job.finished_at.is_not(None) & (Job.finished_at <= cutoff)


def delete_exports(jobs: list[Job]) -> None:
    """Delete export jobs, their chunks and their files."""
    for job in jobs:
        shutil.rmtree(job_folder(job), ignore_errors=True)
    if jobs:
        ids = [job.id for job in jobs]
        db.session.execute(delete(JobChunk).where(JobChunk.job_id.in_(ids)))
        db.session.execute(delete(Job).where(Job.id.in_(ids)).execution_options(**UNSYNCHRONISED))
        for job in jobs:
            db.session.expunge(job)


def delete_expired_exports() -> int:
    """Delete the exports that finished (or failed) more than EXPORT_KEEP_DAYS ago, their files with
    them, and folders no job owns any more (left by a worker that was writing when its job was
    deleted); how many exports. A running or stalled export is left to be resumed."""
    old = list(db.session.scalars(select(Job).where(Job.kind == JobKind.EXPORT, _expired_clause())))
    delete_exports(old)
    _delete_orphan_folders()
    return len(old)


ORPHAN_AGE_S = 3600  # a folder of a deleted job is left this long, in case a worker is still writing in it


def _delete_orphan_folders() -> None:
    folder = export_folder()
    if not folder.is_dir():
        return
    owned = {str(job.params.get("folder")) for job in db.session.scalars(select(Job).where(Job.kind == JobKind.EXPORT))}
    now = utcnow().timestamp()
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name not in owned and now - entry.stat().st_mtime > ORPHAN_AGE_S:
            shutil.rmtree(entry, ignore_errors=True)


def prepared_exports(survey_slug: str) -> list[Job]:
    """Every export of a survey asked for in the background and not deleted yet, whatever its state."""
    jobs = db.session.scalars(select(Job).where(Job.kind == JobKind.EXPORT))
    return [job for job in jobs if job.params.get("survey") == survey_slug]


def forget_prepared_exports(survey_slug: str) -> int:
    """Delete every prepared export of a survey (done, failed or running): after a respondent withdraws,
    no file made before may still hold their answers. How many."""
    jobs = prepared_exports(survey_slug)
    delete_exports(jobs)
    return len(jobs)
