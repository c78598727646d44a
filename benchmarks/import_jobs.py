"""A queue file imported as a job of chunks, next to the one-request import of the same records.

VOCES_BENCH_IMPORT_RECORDS records (3,000 by default, as a tablet offline for some weeks or a team's
files joined would hold) made as benchmarks/sync.py makes them, imported on a file SQLite database in
a temporary folder, once in one transaction (as the import page did) and once as a job whose chunks
run one after the other in this process (as without a broker; workers share them otherwise). Both
hold back the analysis the records ask for, as a broker would take it. The job's time runs from
reading the file to its last chunk committed.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.sync import _prepare, _records

RECORDS = int(os.environ.get("VOCES_BENCH_IMPORT_RECORDS", 3000))


def _imported(url: str, as_job: bool) -> tuple[int, float]:
    """Records stored and the seconds it took, on a fresh database."""
    from unittest import mock

    import survey.tasks
    from survey import create_app
    from survey.extensions import db
    from survey.services.import_jobs import import_counts, start_import
    from survey.services.jobs import pending_chunks
    from survey.services.queue_files import import_queue_file

    version, _token = _prepare(url)
    data = json.dumps({"records": _records(version, RECORDS, random.Random(7))}).encode()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    held: list[Any] = []
    with app.app_context(), mock.patch.object(survey.tasks, "send", held.extend):
        start = time.perf_counter()
        if as_job:
            job = start_import(data)
            db.session.commit()
            chunks = pending_chunks(job)
            db.session.rollback()  # end the read: on SQLite it holds the write lock the chunks need
            for chunk_id in chunks:
                survey.tasks.run_job_chunk.apply(args=[chunk_id])
            stored = import_counts(job)["created"]
        else:
            stored = sum(r.status == "created" for r in import_queue_file(data))
            db.session.commit()
        seconds = time.perf_counter() - start
        db.engine.dispose()
    return stored, seconds


def run() -> None:
    """Print records/s of an import job and of the one-request import."""
    from survey.services.import_jobs import IMPORT_CHUNK

    print("== queue file import ==")
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, as_job in (("one_request", False), ("job", True)):
            stored, seconds = _imported(f"sqlite:///{Path(folder) / f'{name}.db'}", as_job)
            figures[name] = stored / seconds
            how = f"a job of chunks of {IMPORT_CHUNK}, run here" if as_job else "one request, one transaction"
            print(f"{how:<40} {stored / seconds:6.0f} records/s ({stored} records, {seconds:.1f} s)")
    print(
        json.dumps(
            {
                "records": RECORDS,
                "one_request_records_per_s": round(figures["one_request"], 1),
                "job_records_per_s": round(figures["job"], 1),
            }
        )
    )


if __name__ == "__main__":
    run()
