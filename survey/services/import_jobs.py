"""Queue files imported as jobs: the file is read and checked at once, its records kept in the
database that every worker shares, then stored in chunks by the sync API's batch path.

A chunk is claimed, its records stored and each record's result written in one transaction, so a
chunk is done once or not at all; and since a record stored already answers "duplicate", even a
chunk stored twice (a file imported again) stores nothing twice. Rows rather than a file in a
shared folder: the workers need the database anyway, and the results commit with what they describe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update

from survey.extensions import db
from survey.models import ImportRecord, Job, JobChunk, JobKind, JobStatus, User
from survey.models.base import utcnow
from survey.services.jobs import claim_chunk, count_chunk, mark_running
from survey.services.queue_files import read_queue_file
from survey.services.records import RecordResult, Status
from survey.services.sync import MAX_BATCH, ingest_batch

IMPORT_CHUNK = 250  # records a worker stores and commits at once: a few hundred, within one batch of the sync API
STATUSES = (Status.CREATED, Status.DUPLICATE, Status.CONFLICT, Status.INVALID)


def start_import(
    data: bytes, *, language: str = "en", by: User | None = None, name: str = "", chunk_size: int = IMPORT_CHUNK
) -> Job:
    """Read a queue file and plan storing its records as a job of chunks of consecutive records.

    Raises QueueFileError when the file is not a queue file; then nothing is kept.
    """
    records = read_queue_file(data)
    size = max(1, min(chunk_size, MAX_BATCH))
    job = Job(
        kind=JobKind.IMPORT,
        status=JobStatus.QUEUED if records else JobStatus.DONE,
        params={"language": language, "file": name[:200]},
        total_chunks=-(-len(records) // size),
        total_items=len(records),
        created_by=by,
        finished_at=None if records else utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    if not records:
        return job
    # ASCII JSON: a lone surrogate the file's escapes allow could not be stored as text
    rows = [{"job_id": job.id, "position": n, "record": json.dumps(r)} for n, r in enumerate(records)]
    db.session.execute(insert(ImportRecord), rows)
    total = len(records)
    chunks = [  # a chunk of an import is a range of positions in the file
        {"job_id": job.id, "number": n, "first_id": start, "last_id": end - 1, "items": end - start}
        for n, (start, end) in enumerate((start, min(start + size, total)) for start in range(0, total, size))
    ]
    db.session.execute(insert(JobChunk), chunks)
    return job


@dataclass(frozen=True)
class ImportChunk:
    """A chunk of an import job: a range of the file's records, and the importer's language."""

    chunk_id: int
    job_id: int
    first: int
    last: int
    items: int
    language: str


def read_import_chunk(chunk_id: int) -> ImportChunk | None:
    """Which records a chunk stores, or None when it is done already (or gone with its job)."""
    row = db.session.execute(
        select(JobChunk, Job.params, Job.status).join(Job, Job.id == JobChunk.job_id).where(JobChunk.id == chunk_id)
    ).one_or_none()
    if row is None or row.JobChunk.done_at is not None:
        return None
    chunk = row.JobChunk
    if row.status == JobStatus.QUEUED:
        mark_running(chunk.job_id)
    language = str(row.params.get("language") or "en")
    return ImportChunk(chunk.id, chunk.job_id, chunk.first_id, chunk.last_id, chunk.items, language)


def store_import_chunk(work: ImportChunk, worker: str) -> bool:
    """Claim the chunk, store its records as the sync API does and keep each one's result; False if
    another worker did it first. The caller commits on True and rolls back on False."""
    if not claim_chunk(work.chunk_id, worker):  # first: it waits for another worker's commit of the same chunk
        return False
    rows = db.session.execute(
        select(ImportRecord.id, ImportRecord.record)
        .where(ImportRecord.job_id == work.job_id, ImportRecord.position.between(work.first, work.last))
        .order_by(ImportRecord.position)
    ).all()
    records: list[Any] = [json.loads(row.record) for row in rows if row.record is not None]
    if len(records) != len(rows):
        raise RuntimeError(f"records {work.first} to {work.last} of import job {work.job_id} were cleared unstored")
    results = ingest_batch(records, user=None, device=None, source="file", language=work.language)
    db.session.execute(
        update(ImportRecord),
        [{"id": row.id, "record": None, **_result_columns(result)} for row, result in zip(rows, results, strict=True)],
    )
    count_chunk(work.job_id, work.items)  # last, so that the job's other chunks are stored meanwhile
    return True


def _result_columns(result: RecordResult) -> dict[str, Any]:
    return {"uuid": result.uuid, "status": result.status, "errors": result.errors, "receipt_code": result.receipt_code}


def import_results(job: Job) -> list[RecordResult]:
    """The result of each record stored so far, in the file's order."""
    query = select(ImportRecord).where(ImportRecord.job_id == job.id, ImportRecord.status.is_not(None))
    return [_result_of(row) for row in db.session.scalars(query.order_by(ImportRecord.position))]


def invalid_records(job: Job) -> list[RecordResult]:
    """The records refused so far, with their reasons, in the file's order."""
    query = select(ImportRecord).where(ImportRecord.job_id == job.id, ImportRecord.status == Status.INVALID)
    return [_result_of(row) for row in db.session.scalars(query.order_by(ImportRecord.position))]


def _result_of(row: ImportRecord) -> RecordResult:
    return RecordResult(row.uuid, str(row.status), dict(row.errors or {}), row.receipt_code)


def import_counts(job: Job) -> dict[str, int]:
    """How many records were stored, already received, kept aside as conflicts or refused so far."""
    query = select(ImportRecord.status, func.count()).where(ImportRecord.job_id == job.id)
    counted = {status: int(n) for status, n in db.session.execute(query.group_by(ImportRecord.status))}
    return {status: counted.get(status, 0) for status in STATUSES}
