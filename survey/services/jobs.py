"""Jobs: a rerun of the analysis cut into chunks of testimony ids that any worker may take, and
learning a codebook from the corrections (a job of one chunk).

A chunk is read, analysed outside any transaction, then stored: its results, its being done and the
job's progress in one transaction that first claims the chunk. A chunk that another worker claimed
meanwhile is left as it was, so a chunk done twice changes nothing, and a worker that stops
half-way leaves its chunk to be done again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, delete, func, insert, inspect, select, update

from survey.analysis import Analysis
from survey.analysis.learned import CodedExample, LearnedCodebook, train_codebook
from survey.analysis.pipeline import Engine
from survey.extensions import db
from survey.models import ImportRecord, Job, JobChunk, JobKind, JobStatus, Response, Testimonial, User
from survey.models.base import utcnow
from survey.services.deferred import RUN_JOB_CHUNK, after_commit
from survey.services.engine import current_engine
from survey.services.learning import (
    CORRECTIONS,
    corrections_to_learn,
    still_stored,
    store_learned,
    with_current_scores,
)
from survey.services.testimonies import StoredText, analyse_texts, in_survey, load_for_analysis, stale, store_analyses

CHUNK_SIZE = 200  # testimonies a worker reads, analyses and commits at once
UNSYNCHRONISED = {"synchronize_session": False}  # counters are updated in SQL; the session reloads them


def start_rerun(
    *, everything: bool = False, survey_slug: str | None = None, by: User | None = None, chunk_size: int = CHUNK_SIZE
) -> Job:
    """Plan a rerun as a job: the testimonies to analyse again, in chunks of consecutive ids."""
    query = select(Testimonial.id).join(Response, Response.id == Testimonial.response_id)
    if not everything:
        query = query.where(stale())
    ids = list(db.session.scalars(in_survey(query, survey_slug).order_by(Testimonial.id)))
    job = Job(
        kind=JobKind.RERUN_ALL if everything else JobKind.RERUN,
        status=JobStatus.QUEUED if ids else JobStatus.DONE,
        params={"survey": survey_slug} if survey_slug else {},
        total_chunks=-(-len(ids) // chunk_size),
        total_items=len(ids),
        created_by=by,
        finished_at=None if ids else utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    chunks = [
        {"job_id": job.id, "number": n, "first_id": part[0], "last_id": part[-1], "items": len(part)}
        for n, part in enumerate(ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size))
    ]
    if chunks:
        db.session.execute(insert(JobChunk), chunks)
    return job


def pending_chunks(job: Job) -> list[int]:
    """The ids of the job's chunks not done yet, in order."""
    query = select(JobChunk.id).where(JobChunk.job_id == job.id, JobChunk.done_at.is_(None))
    return list(db.session.scalars(query.order_by(JobChunk.number)))


def enqueue_job(job: Job) -> None:
    """Send each chunk not done yet to the workers once the transaction commits; an export's last
    chunk, which joins the parts the others write, waits until it is the only one left."""
    pending = pending_chunks(job)
    if job.kind == JobKind.EXPORT and len(pending) > 1:
        pending = pending[:-1]  # the worker that writes the last part sends it
    for chunk_id in pending:
        after_commit(RUN_JOB_CHUNK, chunk_id)


def resume_job(job: Job) -> None:
    """Take up a failed or stalled job again (then enqueue_job sends its chunks not done yet)."""
    if job.status == JobStatus.DONE:
        return
    job.status = JobStatus.RUNNING if job.done_chunks else JobStatus.QUEUED
    job.error = None
    job.finished_at = None
    db.session.flush()


@dataclass(frozen=True)
class ChunkWork:
    """A chunk as read: its testimonies, and the engine to analyse them with."""

    chunk_id: int
    job_id: int
    planned: int  # the testimonies counted for it when the job was planned
    items: list[StoredText]
    engine: Engine

    def analyse(self) -> list[Analysis]:
        """Run the engine on the chunk's testimonies; touches no database."""
        return analyse_texts(self.items, self.engine)


def read_chunk(chunk_id: int) -> ChunkWork | None:
    """What a chunk analyses, or None when it is done already (or gone with its job)."""
    row = db.session.execute(
        select(
            JobChunk.job_id, JobChunk.first_id, JobChunk.last_id, JobChunk.items, JobChunk.done_at, Job.kind, Job.params
        )
        .add_columns(Job.status)
        .join(Job, Job.id == JobChunk.job_id)
        .where(JobChunk.id == chunk_id)
    ).one_or_none()
    if row is None or row.done_at is not None:
        return None
    where: ColumnElement[bool] = Testimonial.id.between(row.first_id, row.last_id)
    if row.kind == JobKind.RERUN:
        where = and_(where, stale())  # a testimony analysed since the job was planned is not done again
    items = load_for_analysis(where, row.params.get("survey"))
    if row.status == JobStatus.QUEUED:
        mark_running(row.job_id)
    return ChunkWork(chunk_id, row.job_id, row.items, items, current_engine())


def mark_running(job_id: int) -> None:
    """A queued job is running from its first chunk read on (its start time kept if it had one)."""
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=func.coalesce(Job.started_at, utcnow()))
        .execution_options(**UNSYNCHRONISED)
    )


def store_chunk(work: ChunkWork, analyses: list[Analysis], worker: str) -> bool:
    """Claim the chunk and store its results and the job's progress; False if it was done meanwhile.

    The caller commits when this returns True and rolls back when it returns False.
    """
    if not claim_chunk(work.chunk_id, worker):
        return False
    store_analyses(work.items, analyses)
    count_chunk(work.job_id, work.planned)
    return True


def finish_chunk(chunk_id: int, job_id: int, planned: int, worker: str) -> bool:
    """Mark a chunk done and count it in its job, unless another worker did first (then False)."""
    if not claim_chunk(chunk_id, worker):
        return False
    count_chunk(job_id, planned)
    return True


def claim_chunk(chunk_id: int, worker: str) -> bool:
    """Mark a chunk done, unless another worker did first (then False). Its job's count is left to
    count_chunk, called last: the job's row is shared by every chunk, and a transaction that updated
    it would hold every other chunk of the job waiting until it commits."""
    claimed = db.session.execute(
        update(JobChunk)
        .where(JobChunk.id == chunk_id, JobChunk.done_at.is_(None))
        .values(done_at=utcnow(), done_by=worker[:200])
        .execution_options(**UNSYNCHRONISED)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def count_chunk(job_id: int, planned: int) -> None:
    """Count a claimed chunk in its job's progress; the job is done with its last chunk."""
    now = utcnow()
    last = Job.done_chunks + 1 >= Job.total_chunks
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            done_chunks=Job.done_chunks + 1,
            done_items=Job.done_items + planned,
            status=case(
                (last, JobStatus.DONE.value),
                (Job.status == JobStatus.FAILED, Job.status),  # another chunk failed: the job waits for a resume
                else_=JobStatus.RUNNING.value,
            ),
            started_at=func.coalesce(Job.started_at, now),
            finished_at=case((last, now), else_=Job.finished_at),
        )
        .execution_options(**UNSYNCHRONISED)
    )


def start_retrain(by: User | None = None) -> Job:
    """Plan learning a codebook from evaluators' corrections as a job of one chunk."""
    job = Job(kind=JobKind.RETRAIN, total_chunks=1, total_items=1, created_by=by)
    db.session.add(job)
    db.session.flush()
    db.session.execute(insert(JobChunk), [{"job_id": job.id, "number": 0, "first_id": 0, "last_id": 0, "items": 1}])
    return job


def chunk_kind(chunk_id: int) -> JobKind | None:
    """What kind of job a chunk belongs to; None when it is done already or gone."""
    query = select(Job.kind).join(JobChunk, JobChunk.job_id == Job.id)
    return db.session.scalar(query.where(JobChunk.id == chunk_id, JobChunk.done_at.is_(None)))


@dataclass(frozen=True)
class RetrainWork:
    """The coded testimonies a retraining learns from."""

    chunk_id: int
    job_id: int
    examples: list[CodedExample]
    testimony_ids: list[int]

    def train(self) -> LearnedCodebook:
        """Learn the codebook, and score the tagging it would replace on the same texts; writes nothing."""
        return with_current_scores(train_codebook(self.examples), self.examples)


def read_retrain(chunk_id: int) -> RetrainWork:
    """The corrections to learn from, for the retraining chunk."""
    job_id = db.session.scalar(select(JobChunk.job_id).where(JobChunk.id == chunk_id))
    assert job_id is not None
    return RetrainWork(chunk_id, job_id, *corrections_to_learn())


def store_retrain(work: RetrainWork, model: LearnedCodebook, worker: str) -> bool:
    """Keep the learned codebook, not yet in use, with the scores of the tagging it would replace, and
    finish the job; False if another worker did first. An administrator accepts it or not.

    A resident may withdraw a response while the codebook learns: then nothing is kept (the codebook
    holds words of the withdrawn text) and WithdrawnMeanwhile asks for the job to fail, to be resumed."""
    if not still_stored(work.testimony_ids):
        raise WithdrawnMeanwhile("a testimony was withdrawn while the codebook learned; resume the job to learn again")
    if not finish_chunk(work.chunk_id, work.job_id, 1, worker):
        return False
    store_learned(model, CORRECTIONS, activate=False, trained_on=work.testimony_ids)
    return True


class WithdrawnMeanwhile(RuntimeError):
    """A testimony a codebook learned from was withdrawn before the codebook was kept."""


def fail_job(chunk_id: int, error: str) -> None:
    """Mark the job of a chunk failed, with why; its chunks not done yet wait for a resume."""
    job_id = select(JobChunk.job_id).where(JobChunk.id == chunk_id).scalar_subquery()
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status != JobStatus.DONE)
        .values(status=JobStatus.FAILED, error=error[:2000], finished_at=utcnow())
        .execution_options(**UNSYNCHRONISED)
    )


def get_job(job_id: int) -> Job | None:
    """A job as the database holds it now."""
    return db.session.get(Job, job_id, populate_existing=True)


def list_jobs(limit: int = 50) -> list[Job]:
    """The latest jobs, newest first."""
    return list(db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def last_progress(jobs: Sequence[Job]) -> dict[int, datetime]:
    """When each job last moved: its newest chunk done, else when it started, else when it was planned."""
    ids = [job.id for job in jobs]
    chunk_done = select(JobChunk.job_id, func.max(JobChunk.done_at)).where(JobChunk.job_id.in_(ids))
    newest: dict[int, datetime | None] = {
        job_id: done for job_id, done in db.session.execute(chunk_done.group_by(JobChunk.job_id))
    }
    return {job.id: newest.get(job.id) or job.started_at or job.created_at for job in jobs}


def resumable(jobs: Sequence[Job], stalled_after: timedelta, now: datetime | None = None) -> set[int]:
    """The jobs worth resuming: failed ones, and unfinished ones that have not moved for stalled_after.

    A job still moving has its chunks queued or in a worker's hands: resuming it would only send them twice.
    """
    now = now or utcnow()
    unfinished = last_progress([job for job in jobs if not job.finished])
    failed = {job.id for job in jobs if job.status == JobStatus.FAILED}
    return failed | {job_id for job_id, moved in unfinished.items() if now - moved >= stalled_after}


def _old_finished_jobs(cutoff: datetime) -> ColumnElement[bool]:
    """Jobs other than exports (which keep their own days and files) that finished before the cutoff:
    done, or failed without a queue file's record still waiting to be stored."""
    waiting = select(ImportRecord.id).where(ImportRecord.job_id == Job.id, ImportRecord.record.is_not(None))
    return and_(
        Job.kind != JobKind.EXPORT,
        Job.finished_at.is_not(None),
        Job.finished_at <= cutoff,
        (Job.status == JobStatus.DONE) | ((Job.status == JobStatus.FAILED) & ~waiting.exists()),
    )


def delete_old_jobs() -> int:
    """Delete the reruns, retrainings and imports that finished over JOB_KEEP_DAYS ago, with their
    chunks and an import's results per record (uuids, reasons and receipt codes, which nobody needs
    once the import is read); how many. A failed import still holding records not stored is kept to
    be resumed, so that no resident's answers are lost."""
    cutoff = utcnow() - timedelta(days=current_app.config["JOB_KEEP_DAYS"])
    ids = list(db.session.scalars(select(Job.id).where(_old_finished_jobs(cutoff))))
    if ids:
        gone = set(ids)
        for job in [obj for obj in db.session.identity_map.values() if isinstance(obj, Job)]:
            if (inspect(job).identity or (None,))[0] in gone:  # read without loading: it may be expired
                db.session.expunge(job)
        db.session.execute(delete(ImportRecord).where(ImportRecord.job_id.in_(ids)))
        db.session.execute(delete(JobChunk).where(JobChunk.job_id.in_(ids)))
        db.session.execute(delete(Job).where(Job.id.in_(ids)).execution_options(**UNSYNCHRONISED))
    return len(ids)
