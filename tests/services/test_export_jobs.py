"""Exports prepared as jobs: parts written by chunks, joined into the bytes the direct export sends."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from survey.models import Job, JobChunk, JobStatus, Role
from survey.models.base import utcnow
from survey.services import deferred
from survey.services.explore import ExploreFilters
from survey.services.export_files import csv_lines, write_xlsx
from survey.services.export_jobs import (
    ORPHAN_AGE_S,
    delete_expired_exports,
    export_folder,
    job_folder,
    list_exports,
    part_path,
    prepared_file,
    read_export_chunk,
    start_export,
    store_export_chunk,
    write_part,
)
from survey.services.exports import prepare_export, repeat_rows, response_rows, sees_start_locations, tag_rows
from survey.services.jobs import enqueue_job, pending_chunks, resume_job
from survey.services.surveys import get_survey, import_survey
from survey.services.withdrawals import preview_withdrawal, withdraw_response
from survey.tasks import run_job_chunk
from tests.web.test_repeats import HOUSEHOLD, post

LIMITS = {"min_group": 5, "block": 0}


def stories(make_response, count: int = 13) -> None:
    for n in range(count):
        consent = "internal" if n % 3 == 0 else "quote"
        story = f"Shootings at night, street {n}." if n % 2 else f"The clinic closed, ward {n}."
        helps = f"=1+{n}" if n % 2 else f"Lights on street {n}."  # a formula, which a spreadsheet must not run
        make_response(change_story=story, what_would_help=helps, consent=consent)


def export_of(slug: str, filters: ExploreFilters | None = None, *, publication: bool = False):
    return prepare_export(get_survey(slug), filters or ExploreFilters(), publication=publication, **LIMITS)


def direct_csv(export) -> dict[str, bytes]:
    tables = {"responses": response_rows, "tags": tag_rows} | ({"repeats": repeat_rows} if export.repeated else {})
    return {table: "".join(csv_lines(rows(export))).encode("utf-8") for table, rows in tables.items()}


def run_all(job: Job) -> None:
    for chunk_id in pending_chunks(job):
        run_job_chunk.apply(args=[chunk_id])


def prepared(db, job: Job) -> dict[str, bytes]:
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.percent == 100
    return {table: prepared_file(job, name).read_bytes() for table, name in job.params["files"].items()}


def workbook_members(data: bytes) -> dict[str, bytes]:
    """A workbook's files but its properties, which hold when it was written."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize(
    ("filters", "publication"),
    [(ExploreFilters(), False), (ExploreFilters(theme="safety"), False), (ExploreFilters(), True)],
    ids=["everything", "a theme", "for publication"],
)
def test_a_csv_export_in_chunks_is_the_direct_export_byte_for_byte(make_response, make_user, db, filters, publication):
    stories(make_response)
    export = export_of("community-safety", filters, publication=publication)
    job = start_export(export, "csv", by=make_user(), chunk_size=3)
    db.session.commit()
    assert job.total_chunks == -(-job.total_items // 3) + 1 and job.total_items >= 5
    run_all(job)
    files = prepared(db, job)
    assert files == direct_csv(export_of("community-safety", filters, publication=publication))
    assert set(files) == {"responses", "tags"} and b"'=1+" in files["responses"]
    assert not (job_folder(job) / "parts").exists()  # the parts go once joined


def test_a_workbook_in_chunks_holds_the_direct_workbooks_sheets_byte_for_byte(make_response, db):
    stories(make_response)
    job = start_export(export_of("community-safety"), "xlsx", by=None, chunk_size=4)
    db.session.commit()
    run_all(job)
    direct = io.BytesIO()
    write_xlsx(export_of("community-safety"), direct)
    assert workbook_members(prepared(db, job)["xlsx"]) == workbook_members(direct.getvalue())


def test_repeats_are_prepared_as_a_third_table(client, db):
    import_survey(HOUSEHOLD, publish=True)
    db.session.commit()
    for n in range(7):
        fields = {
            "q_member_name.1": f"Ana {n}",
            "q_member_age.1": "40",
            "q_member_name.2": "Luis",
            "q_member_age.2": "9",
        }
        assert post(client, q_village=f"Village {n}", r_member="2", **fields).status_code == 302
    for file_format in ("csv", "xlsx"):
        job = start_export(export_of("household"), file_format, by=None, chunk_size=2)
        db.session.commit()
        run_all(job)
        files = prepared(db, job)
        if file_format == "csv":
            assert files == direct_csv(export_of("household")) and set(files) == {"responses", "tags", "repeats"}
        else:
            direct = io.BytesIO()
            write_xlsx(export_of("household"), direct)
            assert workbook_members(files["xlsx"]) == workbook_members(direct.getvalue())


def test_a_part_written_twice_changes_nothing_and_is_counted_once(make_response, db):
    stories(make_response)
    job = start_export(export_of("community-safety"), "csv", by=None, chunk_size=5)
    db.session.commit()
    first = pending_chunks(job)[0]
    work = read_export_chunk(first)
    db.session.commit()
    write_part(work)
    written = part_path(work, 0, "responses").read_bytes()
    assert store_export_chunk(work, "one")
    db.session.commit()
    write_part(work)  # a second worker took the same chunk
    assert part_path(work, 0, "responses").read_bytes() == written
    assert not store_export_chunk(work, "two")
    db.session.rollback()
    assert read_export_chunk(first) is None  # done: the task does nothing
    db.session.expire_all()
    assert db.session.get(Job, job.id).done_chunks == 1
    assert db.session.get(JobChunk, first).done_by == "one"


def test_the_join_waits_for_the_last_part(make_response, db, monkeypatch):
    stories(make_response)
    job = start_export(export_of("community-safety"), "csv", by=None, chunk_size=5)
    sent: list[tuple[str, tuple[object, ...]]] = []
    monkeypatch.setattr("survey.tasks.send", sent.extend)
    enqueue_job(job)
    db.session.commit()
    chunks = pending_chunks(job)
    assert [args[0] for _name, args in sent] == chunks[:-1]  # every part, not the join
    join = read_export_chunk(chunks[-1])
    assert join is None  # asked for early, the join does nothing: the last part sends it
    db.session.commit()
    for chunk_id in chunks[:-1]:
        run_job_chunk.apply(args=[chunk_id])
    assert sent[-1] == (deferred.RUN_JOB_CHUNK, (chunks[-1],))  # sent by the last part, once
    assert [args[0] for _name, args in sent].count(chunks[-1]) == 1
    db.session.expire_all()
    joining = db.session.get(Job, job.id)
    assert (joining.status, joining.done_items, joining.percent) == (JobStatus.RUNNING, joining.total_items, 99)
    monkeypatch.undo()
    run_all(job)
    assert prepared(db, job)["responses"] == direct_csv(export_of("community-safety"))["responses"]


def test_a_failed_chunk_fails_the_export_and_a_resume_finishes_it(make_response, db, monkeypatch):
    stories(make_response)
    job = start_export(export_of("community-safety"), "csv", by=None, chunk_size=4)
    db.session.commit()
    calls = {"n": 0}
    real = write_part

    def broken_once(work):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real(work)

    monkeypatch.setattr("survey.tasks.write_part", broken_once)
    run_all(job)
    db.session.expire_all()
    failed = db.session.get(Job, job.id)
    assert failed.status == JobStatus.FAILED and "disk full" in failed.error
    resume_job(failed)
    enqueue_job(failed)
    db.session.commit()  # without a broker the chunks not done run here, the join after them
    assert prepared(db, job) == direct_csv(export_of("community-safety"))


def test_an_export_no_longer_allowed_fails_with_why(make_response, db):
    stories(make_response, 6)
    job = start_export(export_of("community-safety"), "csv", by=None, chunk_size=10)
    db.session.commit()
    # as if a version published meanwhile had changed the columns the first parts were written with
    job.params = {**job.params, "headers": {**job.params["headers"], "responses": ["another", "header"]}}
    db.session.commit()
    run_all(job)
    db.session.expire_all()
    failed = db.session.get(Job, job.id)
    assert failed.status == JobStatus.FAILED and "columns changed" in failed.error


def test_exports_older_than_the_days_kept_are_deleted_with_their_files(make_response, app, db, monkeypatch):
    stories(make_response, 6)
    old = start_export(export_of("community-safety"), "csv", by=None)
    new = start_export(export_of("community-safety"), "csv", by=None)
    db.session.commit()
    run_all(old)
    run_all(new)
    old_folder: Path = job_folder(old)
    assert old_folder.is_dir()
    monkeypatch.setitem(app.config, "EXPORT_KEEP_DAYS", 3)
    db.session.execute(update(Job).where(Job.id == old.id).values(finished_at=utcnow() - timedelta(days=4)))
    db.session.commit()
    assert delete_expired_exports() == 1
    db.session.commit()
    assert not old_folder.exists() and job_folder(new).is_dir()
    assert db.session.scalars(select(Job.id)).all() == [new.id]
    assert db.session.scalars(select(JobChunk.job_id).distinct()).all() == [new.id]


def test_a_stalled_export_is_kept_for_a_resume_however_old(make_response, app, db, monkeypatch):
    stories(make_response, 6)
    stalled = start_export(export_of("community-safety"), "csv", by=None)
    db.session.commit()
    run_job_chunk.apply(args=[pending_chunks(stalled)[0]])  # one part written, then the worker stopped
    monkeypatch.setitem(app.config, "EXPORT_KEEP_DAYS", 3)
    db.session.execute(update(Job).where(Job.id == stalled.id).values(created_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    assert delete_expired_exports() == 0
    db.session.commit()
    resume_job(db.session.get(Job, stalled.id))
    run_all(stalled)
    assert prepared(db, stalled)["responses"] == direct_csv(export_of("community-safety"))["responses"]


def test_an_export_past_its_days_is_neither_listed_nor_downloaded_before_it_is_deleted(
    make_response, make_user, app, db, monkeypatch
):
    stories(make_response, 6)
    admin = make_user(Role.ADMIN)
    job = start_export(export_of("community-safety"), "csv", by=admin)
    db.session.commit()
    run_all(job)
    monkeypatch.setitem(app.config, "EXPORT_KEEP_DAYS", 3)
    assert list_exports(admin) == [job]
    db.session.execute(update(Job).where(Job.id == job.id).values(finished_at=utcnow() - timedelta(days=4)))
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert list_exports(admin) == []
    assert prepared_file(job, job.params["files"]["responses"]) is None
    assert job_folder(job).is_dir()  # deleted by delete-old-exports, not by reading


def test_folders_no_export_owns_are_deleted_once_no_worker_can_be_writing_in_them(app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_FOLDER", str(tmp_path))
    stale, fresh = export_folder() / "91-stale", export_folder() / "92-fresh"
    for folder in (stale, fresh):
        (folder / "parts").mkdir(parents=True)
        (folder / "parts" / "000000-responses.csv").write_text("a,b\n")
    old = utcnow().timestamp() - ORPHAN_AGE_S - 60
    os.utime(stale, (old, old))
    delete_expired_exports()
    assert not stale.exists() and fresh.is_dir()


def test_a_withdrawal_deletes_the_surveys_prepared_exports_with_their_files(make_response, db):
    stories(make_response, 6)
    withdrawn = make_response(change_story="My brother Tomás sold on the corner.", consent="quote")
    done = start_export(export_of("community-safety"), "csv", by=None)
    db.session.commit()
    run_all(done)
    running = start_export(export_of("community-safety"), "xlsx", by=None)
    db.session.commit()
    run_job_chunk.apply(args=[pending_chunks(running)[0]])
    folders = [job_folder(done), job_folder(running)]
    assert all(folder.is_dir() for folder in folders)
    assert b"corner" in prepared(db, done)["responses"]
    assert preview_withdrawal(withdrawn).exports == 2
    withdraw_response(db.session.get(type(withdrawn), withdrawn.id), by=None)
    db.session.commit()
    assert not any(folder.exists() for folder in folders)
    assert db.session.scalars(select(Job.id)).all() == []
    assert db.session.scalars(select(JobChunk.id)).all() == []


def test_nothing_is_sent_for_an_export_rolled_back(make_response, db):
    stories(make_response, 6)
    job = start_export(export_of("community-safety"), "csv", by=None)
    enqueue_job(job)
    db.session.rollback()
    assert deferred.take_committed(db.session) == []


def test_only_an_administrator_or_the_command_line_gets_where_interviews_began(make_user):
    assert sees_start_locations(None) and sees_start_locations(make_user(Role.ADMIN))
    assert not any(sees_start_locations(make_user(role)) for role in (Role.EVALUATOR, Role.LEAD_EVALUATOR))
