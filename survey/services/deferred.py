"""Work asked for inside a transaction and done once it commits: by a Celery worker when a broker
is configured, else in this process right after the commit (survey/tasks sends or runs it).

Services only flush, so they cannot send a task themselves: a worker could look for the rows before
they are committed. They name the task here instead; nothing is sent if the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from survey.extensions import db

ANALYSE_TESTIMONIES = "voces.analyse_testimonies"
RUN_JOB_CHUNK = "voces.run_job_chunk"
ANALYSIS_BATCH = 200  # testimonies per task: submissions arriving together are analysed together

_ASKED = "voces_after_commit"  # in Session.info: tasks asked for in the open transaction
_COMMITTED = "voces_committed"  # tasks whose transaction has committed, to send once it has ended

Task = tuple[str, tuple[Any, ...]]


def after_commit(task: str, *args: Any) -> None:
    """Send a task (by name, with JSON arguments) once the current transaction commits."""
    db.session.info.setdefault(_ASKED, []).append((task, args))


def analyse_later(testimony_ids: Iterable[int]) -> None:
    """Analyse these testimonies once the transaction that stored them commits."""
    ids = list(testimony_ids)
    for start in range(0, len(ids), ANALYSIS_BATCH):
        after_commit(ANALYSE_TESTIMONIES, ids[start : start + ANALYSIS_BATCH])


def committed(session: Session) -> None:
    """The session committed: what it asked for may now be sent."""
    asked = session.info.pop(_ASKED, [])
    session.info.setdefault(_COMMITTED, []).extend(asked)


def take_committed(session: Session) -> list[Task]:
    """At the end of the session's transaction: the tasks it committed, handed over once; those of
    a transaction rolled back are forgotten with the rows they were about."""
    session.info.pop(_ASKED, None)
    tasks: list[Task] = session.info.pop(_COMMITTED, [])
    return tasks
