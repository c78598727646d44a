"""Analysis after the commit, and reruns as jobs of chunks: idempotent, resumable, counted once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey.analysis import ANALYSER_VERSION
from survey.models import Job, JobChunk, JobKind, JobStatus, Testimonial, ThemeTag
from survey.models.base import utcnow
from survey.models.testimonial import PENDING
from survey.services import jobs
from survey.services.jobs import read_chunk, resumable, start_rerun, store_chunk
from survey.services.submissions import record_submission
from survey.tasks import run_job_chunk

PHONE = "Call me on 310 555 1234."


def snapshot(db) -> dict[str, object]:
    """Everything a rerun writes: testimonies (with when), tags, chunks and the job's counters."""
    db.session.expire_all()
    testimonies = [
        (t.id, t.redacted_text, t.language, t.polarity, t.sentences, t.analyser_version, t.analysed_at)
        for t in db.session.scalars(select(Testimonial).order_by(Testimonial.id))
    ]
    tags = [
        (g.id, g.testimonial_id, g.theme, g.source.value, g.confidence, g.evidence)
        for g in db.session.scalars(select(ThemeTag).order_by(ThemeTag.id))
    ]
    chunks = [(c.id, c.done_at, c.done_by) for c in db.session.scalars(select(JobChunk).order_by(JobChunk.id))]
    counters = [(j.id, j.status, j.done_chunks, j.done_items, j.finished_at) for j in db.session.scalars(select(Job))]
    return {"testimonies": testimonies, "tags": tags, "chunks": chunks, "jobs": counters}


def make_stale(db) -> None:
    db.session.execute(update(Testimonial).values(analyser_version="old"))
    db.session.commit()


def run_all(job: Job) -> None:
    for chunk_id in jobs.pending_chunks(job):
        run_job_chunk.apply(args=[chunk_id])


def test_a_submission_is_stored_redacted_and_analysed_once_it_commits(make_response, db):
    response = make_response(change_story=f"The clinic closed and they shoot at night. {PHONE}")
    told = db.session.scalars(select(Testimonial).where(Testimonial.response_id == response.id)).all()
    assert told and all(t.analysed and t.analyser_version == ANALYSER_VERSION for t in told)
    assert any(t.tags for t in told)


def test_before_the_commit_a_testimony_is_pending_and_already_redacted(example_survey, db, monkeypatch):
    from tests.services.test_submissions import submission  # the builder of a submission

    analysed: list[list[int]] = []
    monkeypatch.setattr("survey.tasks.analyse_pending", analysed.append)
    response = record_submission(submission(example_survey, answers={"change_story": f"Nothing changed. {PHONE}"}))
    waiting = db.session.scalars(select(Testimonial).where(Testimonial.response_id == response.id)).all()
    assert waiting and all(t.analyser_version == PENDING and not t.analysed and not t.tags for t in waiting)
    assert all("310 555 1234" not in t.redacted_text for t in waiting)
    db.session.rollback()  # what the rolled-back transaction asked for is forgotten
    db.session.commit()
    assert analysed == []
    record_submission(submission(example_survey))
    db.session.commit()
    assert len(analysed) == 1 and len(analysed[0]) == 2


def test_a_failed_analysis_loses_nothing_and_a_rerun_mends_it(make_response, runner, db, monkeypatch, caplog):
    def broken(ids):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr("survey.tasks.analyse_pending", broken)
    with caplog.at_level(logging.ERROR, logger="survey.tasks"):
        response = make_response(change_story=f"They shoot at night. {PHONE}")
    assert "the engine broke" in caplog.text
    waiting = db.session.scalars(select(Testimonial).where(Testimonial.response_id == response.id)).all()
    assert waiting and all(t.analyser_version == PENDING for t in waiting)
    assert all("310 555 1234" not in t.redacted_text for t in waiting)
    monkeypatch.undo()
    result = runner.invoke(args=["analysis", "rerun"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert all(t.analysed for t in db.session.scalars(select(Testimonial)))


def test_a_rerun_is_cut_in_chunks_and_reaches_100_percent(make_response, db):
    for _ in range(5):
        make_response()
    make_stale(db)
    job = start_rerun(chunk_size=3)
    db.session.commit()
    assert (job.kind, job.status, job.total_items, job.total_chunks, job.percent) == (
        JobKind.RERUN,
        JobStatus.QUEUED,
        10,
        4,
        0,
    )
    run_all(job)
    db.session.expire_all()
    assert (job.status, job.done_items, job.done_chunks, job.percent) == (JobStatus.DONE, 10, 4, 100)
    assert job.started_at is not None and job.finished_at is not None
    assert all(c.done_by for c in db.session.scalars(select(JobChunk)))
    assert {t.analyser_version for t in db.session.scalars(select(Testimonial))} == {ANALYSER_VERSION}


def test_a_chunk_done_twice_changes_nothing(make_response, db):
    for _ in range(3):
        make_response()
    make_stale(db)
    job = start_rerun(chunk_size=2)
    db.session.commit()
    first = jobs.pending_chunks(job)[0]
    run_all(job)
    before = snapshot(db)
    run_job_chunk.apply(args=[first])
    assert snapshot(db) == before


def test_two_workers_on_one_chunk_store_it_once(make_response, db):
    for _ in range(2):
        make_response()
    make_stale(db)
    job = start_rerun(chunk_size=10)
    db.session.commit()
    (chunk_id,) = jobs.pending_chunks(job)
    one, other = read_chunk(chunk_id), read_chunk(chunk_id)  # both read before either stored
    db.session.commit()
    assert one is not None and other is not None and len(one.items) == 4
    assert store_chunk(one, one.analyse(), "w1@here")
    db.session.commit()
    before = snapshot(db)
    assert not store_chunk(other, other.analyse(), "w2@here")
    db.session.rollback()
    assert snapshot(db) == before
    db.session.expire_all()
    assert (job.done_items, job.done_chunks, job.status) == (4, 1, JobStatus.DONE)


def test_a_rerun_takes_only_what_is_out_of_date_unless_all(make_response, db):
    for _ in range(3):
        make_response()
    assert start_rerun().total_items == 0
    stale_one = db.session.scalars(select(Testimonial).order_by(Testimonial.id)).first()
    stale_one.codebook_version = "old"
    db.session.commit()
    assert start_rerun().total_items == 1
    assert start_rerun(everything=True).total_items == 6
    assert start_rerun(everything=True, survey_slug="no-such-survey").total_items == 0
    assert start_rerun(everything=True, survey_slug="community-safety").kind == JobKind.RERUN_ALL


def test_a_failed_chunk_fails_the_job_and_a_resume_finishes_it(make_response, db, monkeypatch):
    for _ in range(3):
        make_response()
    make_stale(db)
    job = start_rerun(chunk_size=2)
    db.session.commit()
    chunk_ids = jobs.pending_chunks(job)
    real = jobs.store_analyses

    def broken_once(items, analyses):
        monkeypatch.setattr(jobs, "store_analyses", real)
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "store_analyses", broken_once)
    with pytest.raises(RuntimeError):
        run_job_chunk.apply(args=[chunk_ids[0]], throw=True)
    run_job_chunk.apply(args=[chunk_ids[1]])  # another worker's chunk: the job stays failed
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and "disk full" in job.error and job.done_chunks == 1
    jobs.resume_job(job)
    db.session.commit()
    assert job.status == JobStatus.RUNNING and job.error is None
    run_all(job)
    db.session.expire_all()
    assert (job.status, job.done_items, job.percent) == (JobStatus.DONE, 6, 100)


def test_a_job_is_resumable_when_failed_or_when_no_chunk_has_finished_for_a_while(make_response, db):
    for _ in range(3):
        make_response()
    moving, stalled, failed, done = (start_rerun(everything=True, chunk_size=2) for _ in range(4))
    now = utcnow()
    for job in (moving, stalled, failed, done):
        job.started_at = now - timedelta(minutes=30)
    moving.status = stalled.status = JobStatus.RUNNING
    failed.status, done.status = JobStatus.FAILED, JobStatus.DONE
    for job, minutes_ago in ((moving, 2), (stalled, 12)):
        db.session.scalars(select(JobChunk).where(JobChunk.job_id == job.id)).first().done_at = now - timedelta(
            minutes=minutes_ago
        )
    db.session.commit()
    jobs_now = [moving, stalled, failed, done]
    assert resumable(jobs_now, timedelta(minutes=10), now) == {stalled.id, failed.id}
    assert resumable(jobs_now, timedelta(minutes=1), now) == {moving.id, stalled.id, failed.id}
