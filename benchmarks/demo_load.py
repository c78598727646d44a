"""`demo load --responses N` in bulk: responses and testimonies written per second by the loader (its
setup and the analysis of the demo texts included), next to a bare executemany of the same rows into
the same tables in the same run. On a file SQLite database in a temporary folder, then on PostgreSQL
when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a scratch database: its tables are dropped and
rebuilt."""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

RESPONSES = 20_000
LOADED = ("theme_tag", "testimonial", "answer", "response")  # children first, to empty them


def _prepare(url: str) -> Any:
    """An app on an empty database with the schema of the migrations."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Base

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


def _counts() -> dict[str, int]:
    from sqlalchemy import text

    from survey.extensions import db

    return {name: int(db.session.scalar(text(f"SELECT count(*) FROM {name}")) or 0) for name in LOADED}  # noqa: S608


def _bare_executemany(connection: Any, tables: Any, rows: Any) -> None:
    """The same rows through the driver's executemany: one INSERT per table, nothing else."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.driver_connection.cursor()
    for table, table_rows in zip(tables, rows, strict=True):
        names = ", ".join(c.name for c in table.columns)
        marks = ", ".join(mark for _ in table.columns)
        cursor.executemany(f"INSERT INTO {table.columns[0].table.name} ({names}) VALUES ({marks})", table_rows)  # noqa: S608
    cursor.close()


def _measure(url: str) -> dict[str, Any]:
    """Load the demo at scale, then write the same rows again by a bare executemany; the figures."""
    from sqlalchemy import text

    from survey.extensions import db
    from survey.services.demo_load import CHUNK, ChunkWriter, prepare_demo_at_scale, refresh_after_bulk_load

    app = _prepare(url)
    with app.app_context():
        start, cpu = time.perf_counter(), time.process_time()
        load = prepare_demo_at_scale(RESPONSES)
        db.session.commit()
        for _ in load.chunks():
            db.session.commit()
        refresh_after_bulk_load(load)
        db.session.commit()
        loader, loader_cpu = time.perf_counter() - start, time.process_time() - cpu
        counts = _counts()
        for name in LOADED:
            db.session.execute(text(f"DELETE FROM {name}"))  # noqa: S608
        db.session.commit()
        writer = ChunkWriter(load.version, random.Random(load.seed))
        bare = 0.0
        for done in range(0, RESPONSES, CHUNK):
            connection = db.session.connection()
            rows = writer.make(connection, min(CHUNK, RESPONSES - done))  # made outside the clock
            start = time.perf_counter()
            _bare_executemany(connection, writer.tables, rows)
            db.session.commit()
            bare += time.perf_counter() - start
        again = _counts()
        db.engine.dispose()
    return {"loader_s": loader, "loader_cpu_s": loader_cpu, "bare_s": bare, "rows": counts, "rows_again": again}


def _print(name: str, run: dict[str, Any]) -> None:
    rows = sum(run["rows"].values())
    responses, testimonies = run["rows"]["response"], run["rows"]["testimonial"]
    loader, bare = run["loader_s"], run["bare_s"]
    print(
        f"{name:<11} demo load --responses {responses:,}: {loader:5.1f} s, {responses / loader:7,.0f} responses/s, "
        f"{testimonies / loader:7,.0f} testimonies/s ({rows:,} rows; {run['loader_cpu_s']:.1f} s CPU in this process)"
    )
    print(
        f"{'':<11} bare executemany of the same rows: {bare:5.1f} s, {rows / bare:9,.0f} rows/s "
        f"(the loader, setup and analysis included: {rows / loader:9,.0f} rows/s, "
        f"{loader / bare:.1f} x the bare time)"
    )
    print(f"{'':<11} at the loader's rate a million responses take {1_000_000 / (responses / loader) / 60:.1f} min")
    print(
        json.dumps(
            {
                "database": name,
                "responses": responses,
                "loader_responses_per_s": round(responses / loader, 1),
                "loader_testimonies_per_s": round(testimonies / loader, 1),
                "loader_rows_per_s": round(rows / loader, 1),
                "loader_cpu_s": round(run["loader_cpu_s"], 2),
                "bare_executemany_rows_per_s": round(rows / bare, 1),
                "same_rows": run["rows"] == run["rows_again"],
            }
        )
    )


def run() -> None:
    """Print the demo loader's figures on SQLite, and on PostgreSQL when a scratch database is named."""
    print("== demo load at scale ==")
    with tempfile.TemporaryDirectory() as folder:
        _print("SQLite", _measure(f"sqlite:///{Path(folder) / 'bench.db'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        _print("PostgreSQL", _measure(postgres))


if __name__ == "__main__":
    run()
