"""Celery: the app `celery --app survey.tasks worker` runs, its tasks, and how they are sent.

A worker reads CELERY_BROKER_URL and CELERY_QUEUE from the environment, makes the Flask app once per
process (from the same environment as the web processes: VOCES_ENV, DATABASE_URL, SECRET_KEY...)
and runs each task in an app context of its own. A web process or command sends the tasks its
services asked for once their transaction has committed; with no broker configured it runs them
itself, there and then, through Celery's Task.apply.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from celery import Celery, Task
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from survey.config.settings import Config
from survey.extensions import db
from survey.models import JobKind
from survey.services import deferred
from survey.services.export_jobs import join_parts, read_export_chunk, remove_parts, store_export_chunk, write_part
from survey.services.import_jobs import read_import_chunk, store_import_chunk
from survey.services.jobs import chunk_kind, fail_job, read_chunk, read_retrain, store_chunk, store_retrain
from survey.services.testimonies import analyse_pending
from survey.sqlite import reading_only

log = logging.getLogger(__name__)


class FlaskTask(Task):  # type: ignore[misc]
    """A task run inside an app context of its own, so with a database session of its own."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        app = current_app if has_app_context() else worker_app()
        with app.app_context():
            return self.run(*args, **kwargs)


celery_app = Celery("survey", task_cls=FlaskTask)
celery_app.conf.update(
    broker_url=Config.CELERY_BROKER_URL or None,
    task_default_queue=Config.CELERY_QUEUE,
    task_ignore_result=True,  # progress lives in the database
    task_acks_late=True,  # a chunk whose worker dies half-way goes to another worker
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # a worker takes one chunk at a time, so chunks spread over workers
    broker_connection_retry_on_startup=True,
)

_worker_flask: list[Flask] = []


def worker_app() -> Flask:
    """The Flask app of this worker process, made for its first task, with the models loaded."""
    if not _worker_flask:
        from survey import create_app
        from survey.app import settle_process

        app = create_app()
        settle_process(app, analyse=True)
        _worker_flask.append(app)
    return _worker_flask[0]


def worker_name(task: Task) -> str:
    """Who is doing a task: the Celery worker's name, or this process."""
    return str(task.request.hostname or f"{os.getpid()}@{socket.gethostname()}")


@celery_app.task(name=deferred.ANALYSE_TESTIMONIES)
def analyse_testimonies(testimony_ids: list[int]) -> int:
    """Analyse newly stored testimonies (those not analysed meanwhile)."""
    count = analyse_pending(testimony_ids)
    db.session.commit()
    return count


@celery_app.task(name=deferred.RUN_JOB_CHUNK, bind=True)
def run_job_chunk(self: Task, chunk_id: int) -> bool:
    """Do one chunk of a job unless it is done; a failure marks the job failed, to be resumed."""
    try:
        kind = chunk_kind(chunk_id)
        if kind == JobKind.RETRAIN:
            return _retrain(chunk_id, worker_name(self))
        if kind == JobKind.EXPORT:
            return _export(chunk_id, worker_name(self))
        if kind == JobKind.IMPORT:
            return _import(chunk_id, worker_name(self))
        work = read_chunk(chunk_id)
        db.session.commit()  # analyse outside any transaction: other workers store theirs meanwhile
        if work is None:
            return False
        analyses = work.analyse()
        if not store_chunk(work, analyses, worker_name(self)):
            db.session.rollback()  # another worker did it first: what it stored stays
            return False
        db.session.commit()
        return True
    except Exception as error:
        db.session.rollback()
        fail_job(chunk_id, f"{type(error).__name__}: {error}")
        db.session.commit()
        raise


def _retrain(chunk_id: int, worker: str) -> bool:
    work = read_retrain(chunk_id)
    db.session.commit()  # learn outside any transaction
    model = work.train()
    if not store_retrain(work, model, worker):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _import(chunk_id: int, worker: str) -> bool:
    work = read_import_chunk(chunk_id)
    db.session.commit()  # the job shows as running while its first chunk is stored
    if work is None:
        return False
    if not store_import_chunk(work, worker):
        db.session.rollback()  # another worker stored it first: its results stay
        return False
    db.session.commit()
    return True


def _export(chunk_id: int, worker: str) -> bool:
    work = read_export_chunk(chunk_id)
    db.session.commit()
    if work is None:
        return False
    with reading_only():  # on SQLite, beside the other workers' writes
        if work.joins:
            join_parts(work)
        else:
            write_part(work)
        db.session.rollback()  # end the reading, begun without the write lock
    if not store_export_chunk(work, worker):
        db.session.rollback()  # another worker did it first: it wrote the same bytes
        return False
    db.session.commit()
    if work.joins:
        remove_parts(work)
    return True


def broker_client(app: Flask) -> Celery:
    """A Celery app that sends tasks to this Flask app's broker (one per Flask app and broker)."""
    client: Celery | None = app.extensions.get("voces_celery")
    if client is None:
        client = Celery("survey", broker=app.config["CELERY_BROKER_URL"], set_as_current=False)
        client.conf.update(task_default_queue=app.config["CELERY_QUEUE"], broker_connection_retry_on_startup=True)
        app.extensions["voces_celery"] = client
    return client


def send(tasks: list[deferred.Task]) -> None:
    """Send tasks to the broker, or run them here without one; a task lost is logged, never raised:
    what asked for it has committed, and `flask analysis rerun` finds testimonies left unanalysed."""
    broker = current_app.config["CELERY_BROKER_URL"]
    for name, args in tasks:
        try:
            if broker:
                broker_client(current_app).send_task(name, args=list(args), queue=current_app.config["CELERY_QUEUE"])
                continue
            result = celery_app.tasks[name].apply(args=args)
            if result.failed():
                log.error("task %s%r failed:\n%s", name, args, result.traceback)
        except Exception:
            log.exception("task %s%r could not be sent", name, args)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint released is not yet a commit
        deferred.committed(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Once the outermost transaction has ended its connection is back in the pool: a task run
    # here may use the database (through a session of its own).
    if transaction.parent is None and (tasks := deferred.take_committed(session)):
        send(tasks)
