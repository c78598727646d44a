"""Exports prepared in the background on 1 and 2 Celery workers, next to the direct export in the same run.

The data: VOCES_BENCH_EXPORT_JOB_RESPONSES responses (100,000 by default) written straight into a
file SQLite database in a temporary folder, as benchmarks/explore.py writes them. The direct export
writes the responses and tags CSV files (and, unless VOCES_BENCH_EXPORT_JOB_XLSX=0, the workbook) in
this process; then the same export is asked for as a job, on 1 and on 2 worker processes
(`celery --app survey.tasks worker --pool solo`) when Redis answers, each warmed up by an export of
one site first. A job's time runs from its planning to its last file joined; the files are compared
with the direct export's (a workbook's sheets, not its properties, which hold when it was written).
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import ROOT
from benchmarks.explore import fill_responses

if TYPE_CHECKING:
    from flask import Flask

    from survey.services.explore import ExploreFilters
    from survey.services.exports import Export

RESPONSES = int(os.environ.get("VOCES_BENCH_EXPORT_JOB_RESPONSES", 100_000))
WITH_XLSX = os.environ.get("VOCES_BENCH_EXPORT_JOB_XLSX", "1") != "0"
REDIS = os.environ.get("VOCES_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CHUNK = int(os.environ.get("VOCES_BENCH_EXPORT_JOB_CHUNK", 5000))


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _sheets(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def run() -> None:
    """Print the direct and background export figures."""
    import logging

    from flask_migrate import upgrade

    from survey import create_app
    from survey.extensions import db

    print("== exports prepared in the background ==")
    if not _redis_answers():
        print("Redis does not answer at 127.0.0.1:6379: no figure on Celery workers")
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        exports = str(Path(folder) / "exports")
        queue = f"voces-bench-{uuid.uuid4().hex[:8]}"
        settings = {"SQLALCHEMY_DATABASE_URI": url, "CELERY_QUEUE": queue, "EXPORT_FOLDER": exports}
        app = create_app("testing", CELERY_BROKER_URL=REDIS, **settings)
        with app.app_context():
            upgrade()
            logging.getLogger("alembic").setLevel(logging.WARNING)
            fill_responses(RESPONSES)
            db.session.commit()
            formats = ["csv", "xlsx"] if WITH_XLSX else ["csv"]
            direct = {file_format: _direct(file_format) for file_format in formats}
        figures = {f"direct {f}": seconds for f, (seconds, _files) in direct.items()}
        env = {**os.environ, "VOCES_ENV": "testing", "TEST_DATABASE_URL": url, "CELERY_BROKER_URL": REDIS}
        env |= {"CELERY_QUEUE": queue, "EXPORT_FOLDER": exports}
        workers: list[subprocess.Popen[bytes]] = []
        try:
            for count in (1, 2):
                while len(workers) < count:
                    command = [sys.executable, "-m", "celery", "--app", "survey.tasks", "worker", "--pool", "solo"]
                    command += ["--hostname", f"bench{len(workers) + 1}@%h", "--loglevel", "INFO"]
                    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
                    log = (Path(folder) / f"worker{len(workers) + 1}.log").open("wb")
                    workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
                with app.app_context():
                    _warm_up(app, count)
                    for file_format in formats:
                        seconds, files, shares = _in_background(file_format)
                        same = files == direct[file_format][1]
                        if file_format == "xlsx":
                            same = _sheets(files["xlsx"]) == _sheets(direct[file_format][1]["xlsx"])
                        label = f"{file_format} on {count} worker{'s' if count > 1 else ''}"
                        figures[label] = seconds
                        print(f"  {label}: chunks done per worker {shares}; same bytes as the direct export: {same}")
        except Exception:
            for log_file in sorted(Path(folder).glob("worker*.log")):
                print(log_file.read_text(errors="replace")[-4000:])
            raise
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(timeout=30)
    print(f"{RESPONSES} responses, SQLite, chunks of {CHUNK}")
    for name, seconds in figures.items():
        print(f"  {name:<22} {seconds:8.1f} s")
    print(json.dumps({"responses": RESPONSES, **{k.replace(" ", "_"): round(v, 2) for k, v in figures.items()}}))


def _export(filters: ExploreFilters | None = None) -> Export:
    from survey.extensions import db
    from survey.models import Survey
    from survey.services.explore import ExploreFilters
    from survey.services.exports import prepare_export

    survey = db.session.scalars(db.select(Survey)).one()
    return prepare_export(survey, filters or ExploreFilters(), publication=False, min_group=5, block=20)


def _direct(file_format: str) -> tuple[float, dict[str, bytes]]:
    """The direct export, written to memory: seconds, and the bytes of each file."""
    from survey.services.export_files import csv_lines, write_xlsx
    from survey.services.exports import response_rows, tag_rows

    start = time.perf_counter()
    export = _export()
    if file_format == "csv":
        files = {
            t: "".join(csv_lines(rows(export))).encode()
            for t, rows in (("responses", response_rows), ("tags", tag_rows))
        }
    else:
        target = io.BytesIO()
        write_xlsx(export, target)
        files = {"xlsx": target.getvalue()}
    return time.perf_counter() - start, files


def _in_background(
    file_format: str, filters: ExploreFilters | None = None, chunk: int = CHUNK
) -> tuple[float, dict[str, bytes], dict[str, int]]:
    """An export as a job on the workers: seconds from its planning to its files, their bytes, chunks per worker."""
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import JobChunk, JobStatus
    from survey.services.export_jobs import prepared_file, start_export
    from survey.services.jobs import enqueue_job, get_job
    from survey.sqlite import reading_only

    start = time.perf_counter()
    job = start_export(_export(filters), file_format, by=None, chunk_size=chunk)
    enqueue_job(job)
    db.session.commit()  # the chunks are sent now
    while True:
        with reading_only():  # on SQLite, a look that takes no write lock from the workers
            done = get_job(job.id)
            assert done is not None
            status, error = done.status, done.error  # read before the look ends, not in a new transaction
            db.session.rollback()
        if status in (JobStatus.DONE, JobStatus.FAILED):
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if status == JobStatus.FAILED:
        raise RuntimeError(f"the export job failed: {error}")
    done = get_job(job.id)
    assert done is not None
    files = {table: Path(str(prepared_file(done, name))).read_bytes() for table, name in done.params["files"].items()}
    shares = db.session.execute(
        select(JobChunk.done_by, func.count())
        .where(JobChunk.job_id == job.id, JobChunk.items > 0)
        .group_by(JobChunk.done_by)
    )
    by_worker = {str(name).split("@")[0]: int(n) for name, n in shares}
    db.session.rollback()
    return seconds, files, by_worker


def _warm_up(app: Flask, count: int) -> None:
    """Export one site until every worker has done a chunk: each loads the app on its first."""
    from survey.extensions import db
    from survey.models import Site
    from survey.services.explore import ExploreFilters
    from survey.tasks import broker_client

    while len(broker_client(app).control.ping(timeout=1.0)) < count:
        pass  # the workers are still starting
    site = db.session.scalars(db.select(Site.id).order_by(Site.id)).first()
    for _ in range(10):
        _seconds, _files, shares = _in_background("csv", ExploreFilters(site_id=site), chunk=50)
        if len(shares) >= count:
            return


if __name__ == "__main__":
    run()
