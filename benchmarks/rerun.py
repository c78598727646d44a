"""`analysis rerun --all` as jobs of chunks, next to the bare pipeline on the same texts in the same run.

The data: demo responses in a file SQLite database in a temporary folder. The bare pipeline is
Engine.analyse_batch in this process on the texts, language hints and names the rerun reads. The
rerun runs in this process (no broker), then on 1 and on 2 Celery worker processes
(`celery --app survey.tasks worker --pool solo`) when Redis answers, each warmed up by a rerun first.
Texts per second are the testimonies of the job divided by the time from its start to its end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from benchmarks import ROOT
from benchmarks.parallel import freeze

RESPONSES = int(os.environ.get("VOCES_BENCH_RERUN_RESPONSES", 3000))
REDIS = os.environ.get("VOCES_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
ROUNDS = 3


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _best(rounds: int, work: Callable[[], float]) -> float:
    """The shortest of a few rounds: the one least disturbed by a busy machine, as timeit advises."""
    return min(work() for _ in range(rounds))


def run() -> None:
    """Print the rerun figures."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import true

    from survey import create_app
    from survey.extensions import db
    from survey.services.demo import load_demo
    from survey.services.engine import current_engine
    from survey.services.jobs import pending_chunks, start_rerun
    from survey.services.testimonies import analyse_texts, load_for_analysis
    from survey.tasks import run_job_chunk

    print("== analysis rerun ==")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        queue = f"voces-bench-{uuid.uuid4().hex[:8]}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, CELERY_QUEUE=queue)
        with app.app_context():
            upgrade()
            logging.getLogger("alembic").setLevel(logging.WARNING)
            load_demo(RESPONSES)
            db.session.commit()  # the demo's testimonies are analysed here, once, after this commit
            items = load_for_analysis(true())
            engine = current_engine()
            db.session.rollback()
            freeze(engine)
            texts = len(items)

            def bare() -> float:
                start = time.perf_counter()
                analyse_texts(items, engine)
                return time.perf_counter() - start

            def in_process() -> float:
                job = start_rerun(everything=True)
                db.session.commit()
                chunks = pending_chunks(job)
                db.session.rollback()
                start = time.perf_counter()
                for chunk_id in chunks:
                    run_job_chunk.apply(args=[chunk_id])
                return time.perf_counter() - start

            rates = {"bare pipeline": texts / _best(ROUNDS, bare)}
            rates["rerun in this process"] = texts / _best(ROUNDS, in_process)
        if _redis_answers():
            rates.update(_on_workers(url, queue, texts))
        else:
            print("Redis does not answer at 127.0.0.1:6379: no figure on Celery workers")
    bare_rate = rates["bare pipeline"]
    print(f"{texts} testimonies from {RESPONSES} demo responses, SQLite, chunks of 200")
    for name, rate in rates.items():
        print(f"  {name:<28} {rate:7.0f} texts/s  ({rate / bare_rate:.2f} of the bare pipeline)")
    if "2 workers" in rates:
        print(f"  2 workers / 1 worker          {rates['2 workers'] / rates['1 worker']:.2f}x")
    print(json.dumps({"texts": texts, **{k.replace(" ", "_"): round(v, 1) for k, v in rates.items()}}))


def _on_workers(url: str, queue: str, texts: int) -> dict[str, float]:
    """Rerun on 1, then 2, Celery worker processes; texts per second of each."""
    from sqlalchemy import select

    from survey import create_app
    from survey.extensions import db
    from survey.models import JobChunk, JobStatus
    from survey.services.jobs import enqueue_job, get_job, start_rerun
    from survey.tasks import broker_client

    broker_app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, CELERY_BROKER_URL=REDIS, CELERY_QUEUE=queue)
    env = {**os.environ, "VOCES_ENV": "testing", "TEST_DATABASE_URL": url, "CELERY_BROKER_URL": REDIS}
    env["CELERY_QUEUE"] = queue
    workers: list[subprocess.Popen[bytes]] = []
    rates: dict[str, float] = {}

    def timed_rerun() -> float:
        with broker_app.app_context():
            job = start_rerun(everything=True)
            timed_rerun.job_id = job.id  # type: ignore[attr-defined]
            enqueue_job(job)
            start = time.perf_counter()
            db.session.commit()  # the chunks are sent now
            while True:
                status = get_job(job.id).status  # type: ignore[union-attr]
                db.session.rollback()
                if status in (JobStatus.DONE, JobStatus.FAILED):
                    return time.perf_counter() - start
                time.sleep(0.05)

    try:
        for count in (1, 2):
            while len(workers) < count:
                command = [sys.executable, "-m", "celery", "--app", "survey.tasks", "worker", "--pool", "solo"]
                command += ["--hostname", f"bench{len(workers) + 1}@%h", "--loglevel", "WARNING"]
                command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
                workers.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                )
            names = [f"bench{n + 1}" for n in range(count)]
            with broker_app.app_context():
                while len(broker_client(broker_app).control.ping(timeout=1.0)) < count:
                    pass  # the workers are still starting
                for _ in range(5):  # each worker loads the models on its first chunks
                    timed_rerun()
                    done_by = db.session.scalars(
                        select(JobChunk.done_by).where(JobChunk.job_id == timed_rerun.job_id)  # type: ignore[attr-defined]
                    )
                    if {name.split("@")[0] for name in done_by if name} >= set(names):
                        break
                db.session.rollback()
            seconds = _best(ROUNDS, timed_rerun)
            rates["1 worker" if count == 1 else "2 workers"] = texts / seconds
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.wait(timeout=30)
    return rates


if __name__ == "__main__":
    run()
