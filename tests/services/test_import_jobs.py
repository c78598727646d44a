"""Queue files imported as jobs: chunks of records, stored once however often, with each record's result."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from survey.models import ImportRecord, Job, JobChunk, JobKind, JobStatus, Response, SubmissionConflict
from survey.models.base import utcnow
from survey.services import import_jobs
from survey.services.import_jobs import (
    import_counts,
    import_results,
    invalid_records,
    read_import_chunk,
    start_import,
    store_import_chunk,
)
from survey.services.jobs import delete_old_jobs, enqueue_job, pending_chunks, resume_job
from survey.services.queue_files import QueueFileError, TooDeepError, import_queue_file
from survey.tasks import run_job_chunk
from tests.services.test_sync import changed, ingest
from tests.web.test_api import record


def queue_file(records: list[object]) -> bytes:
    return json.dumps({"records": records}).encode()


def run_all(job: Job) -> None:
    for chunk_id in pending_chunks(job):
        run_job_chunk.apply(args=[chunk_id])


def responses(db) -> int:
    return int(db.session.scalar(select(func.count()).select_from(Response)) or 0)


def mixed_file(db, version: str) -> bytes:
    """A file of every kind of record: one stored already, one changed since, new ones, one sent twice
    in different chunks, and two invalid ones (an unknown version, a language Voces does not speak)."""
    stored, kept_aside = record(version=version), record(version=version)
    ingest([stored, kept_aside])
    db.session.commit()
    new = [record(version=version) for _ in range(6)]
    records = [stored, changed(kept_aside), *new[:3], record(version="1999.1"), *new[3:], new[0]]
    return queue_file([*records, record(version=version, language="fr")])


def test_a_queue_file_is_cut_into_chunks_of_records_that_the_workers_store(example_survey, db):
    records = [record(version=example_survey.version) for _ in range(7)]
    job = start_import(queue_file(records), chunk_size=3, name="tablet-3.json")
    db.session.commit()
    chunks = db.session.scalars(select(JobChunk).where(JobChunk.job_id == job.id).order_by(JobChunk.number)).all()
    assert [(c.first_id, c.last_id, c.items) for c in chunks] == [(0, 2, 3), (3, 5, 3), (6, 6, 1)]
    assert (job.kind, job.status, job.total_items, job.params) == (
        JobKind.IMPORT,
        JobStatus.QUEUED,
        7,
        {"language": "en", "file": "tablet-3.json"},
    )
    assert responses(db) == 0  # nothing is stored until the chunks run
    run_all(job)
    db.session.expire_all()
    assert (job.status, job.done_chunks, job.done_items, job.percent) == (JobStatus.DONE, 3, 7, 100)
    assert responses(db) == 7
    assert import_counts(job) == {"created": 7, "duplicate": 0, "conflict": 0, "invalid": 0}
    # once stored, a record's words are kept only in the response they became
    assert db.session.scalars(select(ImportRecord.record).where(ImportRecord.record.is_not(None))).all() == []


def test_a_chunk_stored_twice_stores_nothing_twice(example_survey, db):
    job = start_import(queue_file([record(version=example_survey.version) for _ in range(4)]), chunk_size=2)
    db.session.commit()
    first = pending_chunks(job)[0]
    work = read_import_chunk(first)
    db.session.commit()
    assert work is not None and store_import_chunk(work, "one")
    db.session.commit()
    assert not store_import_chunk(work, "two")  # a second worker took the same chunk
    db.session.rollback()
    assert read_import_chunk(first) is None  # done: the task does nothing
    assert run_job_chunk.apply(args=[first]).result is False
    db.session.expire_all()
    assert responses(db) == 2 and db.session.get(Job, job.id).done_chunks == 1
    assert db.session.get(JobChunk, first).done_by == "one"
    run_all(job)
    assert responses(db) == 4


def test_the_same_file_imported_again_stores_nothing_and_answers_duplicates(example_survey, db):
    data = queue_file([record(version=example_survey.version) for _ in range(5)])
    first = start_import(data, chunk_size=2)
    db.session.commit()
    run_all(first)
    again = start_import(data, chunk_size=2)
    db.session.commit()
    run_all(again)
    assert responses(db) == 5
    assert import_counts(again) == {"created": 0, "duplicate": 5, "conflict": 0, "invalid": 0}
    codes = [r.receipt_code for r in import_results(first)]
    assert [r.receipt_code for r in import_results(again)] == codes and all(codes)


def test_the_results_are_those_of_the_one_request_import(example_survey, db):
    direct = import_queue_file(mixed_file(db, example_survey.version))
    db.session.commit()
    job = start_import(mixed_file(db, example_survey.version), chunk_size=4)  # the same, of other records
    db.session.commit()
    run_all(job)
    chunked = import_results(job)

    def shape(results):  # UUIDs and receipt codes are drawn at random: compare who has one, and who shares one
        codes = [r.receipt_code for r in results]
        return [
            (bool(r.uuid), r.status, r.errors, codes.index(r.receipt_code) if r.receipt_code else None) for r in results
        ]

    assert shape(chunked) == shape(direct)
    assert [r.status for r in chunked] == [
        *["duplicate", "conflict", "created", "created", "created", "invalid"],
        *["created", "created", "created", "duplicate", "invalid"],
    ]
    assert db.session.scalars(select(SubmissionConflict.source)).all() == ["file", "file"]
    assert [list(r.errors) for r in invalid_records(job)] == [["version"], ["language"]]


def test_invalid_records_are_told_in_the_importers_language(example_survey, db):
    job = start_import(queue_file([record(version=example_survey.version, language="fr")]), language="es")
    db.session.commit()
    run_all(job)
    [refused] = invalid_records(job)
    assert refused.errors == {"language": "debe ser en o es"}


def test_a_file_that_is_not_a_queue_file_keeps_nothing(example_survey, db):
    for data, error in [
        (b"{oops", QueueFileError),
        (b'{"rows": []}', QueueFileError),
        (b'{"records": ' + b"[" * 40 + b"]" * 40 + b"}", TooDeepError),
    ]:
        with pytest.raises(error):
            start_import(data)
    assert db.session.scalars(select(Job)).all() == []


def test_an_empty_queue_file_is_a_job_done_at_once(db):
    job = start_import(queue_file([]))
    db.session.commit()
    assert (job.status, job.total_chunks, job.percent, job.finished_at is not None) == (JobStatus.DONE, 0, 100, True)
    assert import_counts(job) == {"created": 0, "duplicate": 0, "conflict": 0, "invalid": 0}


def test_a_failed_chunk_fails_the_import_and_a_resume_finishes_it(example_survey, db, monkeypatch):
    job = start_import(queue_file([record(version=example_survey.version) for _ in range(6)]), chunk_size=2)
    db.session.commit()
    from survey.services import import_jobs

    real, calls = import_jobs.ingest_batch, {"n": 0}

    def broken_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "ingest_batch", broken_once)
    run_all(job)
    db.session.expire_all()
    failed = db.session.get(Job, job.id)
    assert failed.status == JobStatus.FAILED and "disk full" in failed.error
    assert responses(db) == 4  # the chunks done are kept; the failed one stored nothing
    assert import_counts(failed)["created"] == 4
    resume_job(failed)
    enqueue_job(failed)
    db.session.commit()  # without a broker the chunks not done run here
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.DONE
    assert responses(db) == 6 and import_counts(failed)["created"] == 6


def test_a_withdrawal_clears_the_words_of_its_record_waiting_in_an_import(example_survey, db):
    """The tablet synced the interview, its queue file was imported too and waits; the resident withdraws."""
    from survey.services.withdrawals import withdraw_response

    sent = record(version=example_survey.version)
    sent["answers"]["change_story"] = "Since the clinic closed on Calle 9, my brother sleeps at the bus stop."
    [stored] = ingest([sent])
    db.session.commit()
    job = start_import(queue_file([sent, record(version=example_survey.version)]), chunk_size=1)
    db.session.commit()
    story = sent["answers"]["change_story"]
    assert any(story in (r or "") for r in db.session.scalars(select(ImportRecord.record)))
    withdraw_response(db.session.scalars(select(Response).where(Response.uuid == stored.uuid)).one(), by=None)
    db.session.commit()
    assert not any(story in (r or "") for r in db.session.scalars(select(ImportRecord.record)))
    run_all(job)
    db.session.expire_all()
    assert import_counts(job) == {"created": 1, "duplicate": 1, "conflict": 0, "invalid": 0}
    assert responses(db) == 1  # the other record; the withdrawn one is not stored again


def finished_days_ago(job: Job, days: int) -> None:
    job.finished_at = utcnow() - timedelta(days=days)


def test_finished_jobs_past_their_keeping_time_are_deleted_with_their_records(app, example_survey, db):
    old, recent = (start_import(queue_file([record(version=example_survey.version)])) for _ in range(2))
    db.session.commit()
    run_all(old)
    run_all(recent)
    rerun = Job(kind=JobKind.RERUN, status=JobStatus.FAILED, total_chunks=1)
    export = Job(kind=JobKind.EXPORT, status=JobStatus.DONE, params={"folder": "x"})
    db.session.add_all([rerun, export])
    db.session.flush()
    db.session.add(JobChunk(job_id=rerun.id, number=0, first_id=1, last_id=2, items=2))
    keep = app.config["JOB_KEEP_DAYS"]
    for job in (old, rerun, export):
        finished_days_ago(job, keep + 1)
    finished_days_ago(recent, keep - 1)
    db.session.commit()
    old_ids, kept = [old.id, rerun.id], {recent.id, export.id}

    assert delete_old_jobs() == 2
    db.session.commit()
    assert {job.id for job in db.session.scalars(select(Job))} == kept  # exports keep their own days and files
    assert {r.job_id for r in db.session.scalars(select(ImportRecord))} == {recent.id}
    assert db.session.scalars(select(JobChunk.job_id).where(JobChunk.job_id.in_(old_ids))).all() == []
    assert responses(db) == 2  # what the imports stored stays


def test_an_old_failed_import_still_holding_records_is_kept_for_a_resume(app, example_survey, db, monkeypatch):
    job = start_import(queue_file([record(version=example_survey.version) for _ in range(4)]), chunk_size=2)
    db.session.commit()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("survey.services.import_jobs.ingest_batch", broken)
    run_all(job)
    db.session.expire_all()
    failed = db.session.get(Job, job.id)
    assert failed.status == JobStatus.FAILED
    finished_days_ago(failed, app.config["JOB_KEEP_DAYS"] + 10)
    db.session.commit()
    assert delete_old_jobs() == 0
    assert db.session.scalar(select(func.count()).select_from(ImportRecord).where(ImportRecord.job_id == job.id)) == 4


def test_a_chunk_being_stored_leaves_its_job_free_for_the_other_chunks(example_survey, db, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's: SQLite lets one transaction write at a time whatever it touches")
    job = start_import(queue_file([record(version=example_survey.version) for _ in range(4)]), chunk_size=2)
    db.session.commit()
    job_id, real, free = job.id, import_jobs.ingest_batch, []

    def storing(*args, **kwargs):  # another worker, while this one stores its records, counts its own chunk
        with db.engine.connect() as other:
            try:
                other.execute(text("SELECT id FROM job WHERE id = :id FOR UPDATE NOWAIT"), {"id": job_id})
                free.append(True)
            except OperationalError:
                free.append(False)
            other.rollback()
        return real(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "ingest_batch", storing)
    first = read_import_chunk(pending_chunks(job)[0])
    db.session.commit()
    assert store_import_chunk(first, "worker-1")
    db.session.commit()
    assert free == [True]
    db.session.expire_all()
    assert (db.session.get(Job, job_id).done_chunks, import_counts(job)["created"]) == (1, 2)
