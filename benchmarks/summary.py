"""The evaluator's summary at 10k and 100k testimonies (1M with BENCH_LARGE=1; 1M and 10M on
PostgreSQL with BENCH_HUGE=1), next to a bare grouped scan of the same rows (testimonies per site and
month) and a bare count(*) measured in the same run, and their ratios; the same summary with every
question cross-tabbed by a five-point question; and what one web-form submission costs once a site's
month holds that many.

Data is generated and written in bulk (COPY on PostgreSQL) straight into the tables (analysed
testimonies, five-point answers, machine tags and a few corrections) over a few sites and a year, then
the summary's counts are rebuilt and the planner's statistics refreshed, as a bulk loader does. Runs
on a file SQLite database in a temporary folder, then on PostgreSQL when BENCH_DATABASE_URL (or
TEST_DATABASE_URL) names a scratch database: its tables are dropped and rebuilt."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# As `demo load` spreads them: a few sites, a year. The disclosure control's work (in Python, after the
# counts) grows with sites x months x parts, not with testimonies: BENCH_SITES sets more sites.
SITES = int(os.environ.get("BENCH_SITES", "6"))
MONTHS = 12
CHUNK = 5_000
THEMES = ("safety", "services", "drugs", "employment", "youth", "police")
LIKERT = ("safe_at_night", "dealing_seen", "trust_police", "support_access", "prevention_involvement")
REPEATS = 5
ANSWERS = {
    "age_band": "25-39",
    "safe_at_night": "2",
    "dealing_seen": "4",
    "trust_police": "2",
    "support_access": "1",
    "prevention_involvement": "3",
    "change_story": "There are more shootings at night and the clinic closed.",
    "what_would_help": "A rehab centre for young people.",
    "consent": "quote",
}


def _sizes(dialect: str) -> list[int]:
    huge = os.environ.get("BENCH_HUGE") == "1" and dialect == "postgresql"
    large = huge or os.environ.get("BENCH_LARGE") == "1"
    return [10_000, 100_000, *([1_000_000] if large else []), *([10_000_000] if huge else [])]


def _median(action: Callable[[], object], repeats: int = REPEATS) -> float:
    action()  # warm the caches: every figure is of a warm database, the baseline's too
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _rows(
    first: int, count: int, version_id: int, site_ids: list[int], rng: random.Random
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]:
    """Responses, answers, testimonies and tags in chunks; ids are given so that rows can refer to each other."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for chunk_start in range(first, first + count, CHUNK):
        responses, answers, testimonies, tags = [], [], [], []
        for n in range(chunk_start, min(first + count, chunk_start + CHUNK)):
            submitted = start + timedelta(days=rng.uniform(0, MONTHS * 30.4))
            responses.append(
                {
                    "id": n,
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "receipt_code": f"B{n:015d}",
                    "survey_version_id": version_id,
                    "site_id": rng.choice(site_ids),
                    "channel": "web",
                    "language": "en",
                    "consent_scope": "quote",
                    "submitted_at": submitted,
                    "received_at": submitted,
                }
            )
            answers += [
                {"response_id": n, "question": q, "value_text": str(v), "value_number": float(v)}
                for q in LIKERT
                if (v := rng.randint(0, 5))  # 0: not answered
            ]
            scored = rng.random() < 0.8
            testimonies.append(
                {
                    "id": n,
                    "response_id": n,
                    "question": "change_story",
                    "raw_text": "text",
                    "redacted_text": "text",
                    "redactions": [],
                    "language": "en" if scored else "es",
                    "polarity": rng.uniform(-1, 1) if scored else None,
                    "sentiment_note": None if scored else "language_not_scored:es",
                    "sentences": [],
                    "analyser_version": "bench",
                    "codebook_version": "bench",
                    "analysed_at": submitted,
                }
            )
            for theme in rng.sample(THEMES, rng.randint(0, 3)):
                tags.append(_tag(n, theme, "machine", 0.8, rng.uniform(-1, 1), submitted))
                if rng.random() < 0.02:  # an evaluator set it aside
                    tags.append(_tag(n, theme, "human", 0.0, None, submitted))
        yield responses, answers, testimonies, tags


def _tag(testimony: int, theme: str, source: str, confidence: float, polarity: float | None, at: datetime) -> dict:
    return {
        "testimonial_id": testimony,
        "theme": theme,
        "source": source,
        "confidence": confidence,
        "polarity": polarity,
        "evidence": [],
        "created_at": at,
    }


def _measure(url: str) -> list[dict[str, Any]]:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Answer, Base, Response, Site, Testimonial, ThemeTag
    from survey.models.base import table_of
    from survey.questionnaire import parse_definition
    from survey.services.bulk_rows import BulkTable
    from survey.services.demo import EXAMPLE_SURVEY
    from survey.services.part_counts import month_of
    from survey.services.planner import refresh_planner_statistics
    from survey.services.rollups import rebuild_rollups
    from survey.services.submissions import Submission, record_submission
    from survey.services.summaries import SummaryFilters, summarise_survey
    from survey.services.surveys import import_survey, read_survey_file

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    figures = []
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        sites = [{"slug": f"site-{n}", "name": f"Site {n}", "region": "R", "country": "CO"} for n in range(SITES)]
        db.session.execute(insert(table_of(Site)), sites)
        version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
        db.session.commit()
        site_ids = list(db.session.scalars(select(Site.id)))
        definition = parse_definition(version.definition)
        rng = random.Random(2026)
        stored = 0
        dialect = db.session.connection().dialect
        for size in _sizes(dialect.name):
            started = time.perf_counter()
            # after the ids the submissions measured below took
            first = max(db.session.scalar(select(func.max(m.id))) or 0 for m in (Response, Testimonial)) + 1
            for responses, answers, testimonies, tags in _rows(first, size - stored, version.id, site_ids, rng):
                connection = db.session.connection()
                for model, rows in (
                    (Response, responses),
                    (Answer, answers),
                    (Testimonial, testimonies),
                    (ThemeTag, tags),
                ):
                    if rows:  # the columns _rows gives; those left out have the database's own defaults
                        BulkTable(dialect, table_of(model), tuple(rows[0])).write_dicts(connection, rows)
                db.session.commit()  # a transaction a chunk, as a loader writes
            if dialect.name == "postgresql":  # ids given explicitly leave the sequences behind
                for table in ("response", "testimonial"):
                    db.session.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
                    )
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            rebuild_rollups()
            refresh_planner_statistics()
            db.session.commit()
            rebuilt = time.perf_counter() - started
            stored = size
            month = month_of(Response.submitted_at).label("month_key")
            bare = (
                select(Response.site_id, month, func.count(Testimonial.id))
                .join(Response, Response.id == Testimonial.response_id)
                .group_by(Response.site_id, "month_key")
            )

            def scan(bare: Any = bare) -> None:
                db.session.execute(bare).all()
                db.session.rollback()

            def count() -> None:
                db.session.execute(select(func.count()).select_from(Testimonial)).scalar()
                db.session.rollback()

            def summary() -> None:
                summarise_survey(version.survey, definition, SummaryFilters(), min_group=5)
                db.session.rollback()

            def crosstab() -> None:
                filters = SummaryFilters(by_question="safe_at_night")
                summarise_survey(version.survey, definition, filters, min_group=5)
                db.session.rollback()

            def submit() -> None:  # through the web form's service, into a month and site the load filled
                answers = {**ANSWERS, "site": "site-0"}
                moment = datetime(2024, 6, 15, tzinfo=UTC)
                record_submission(Submission(str(uuid.uuid4()), version, definition, answers, "en", finished_at=moment))
                db.session.commit()  # and its analysis, run in this process once the commit is done

            figures.append(
                {
                    "size": size,
                    "load": loaded,
                    "rebuild": rebuilt,
                    "summary": _median(summary),
                    "crosstab": _median(crosstab),
                    "scan": _median(scan),
                    "count": _median(count),
                    "submit": _median(submit),
                }
            )
        db.session.remove()
        db.engine.dispose()
    return figures


def _print(name: str, figures: list[dict[str, Any]]) -> None:
    for f in figures:
        print(
            f"{name:<11} {f['size']:>9,} testimonies: summary {f['summary'] * 1000:8.1f} ms, "
            f"bare grouped scan {f['scan'] * 1000:8.1f} ms, ratio {f['summary'] / f['scan']:5.2f}x "
            f"(bulk load {f['load']:.1f} s, rollup rebuild and statistics {f['rebuild']:.1f} s)"
        )
        print(
            f"{'':<11} a bare SELECT count(*) of the testimonies {f['count'] * 1000:8.1f} ms: the summary is "
            f"{f['summary'] / f['count']:.0f}x it"
        )
        print(f"{'':<11} the summary with every question cross-tabbed by another: {f['crosstab'] * 1000:8.1f} ms")
        per_cell = f["size"] // (SITES * MONTHS)
        print(
            f"{'':<11} one web-form submission into a site and month of ~{per_cell:,} responses, analysis "
            f"included: {f['submit'] * 1000:.1f} ms"
        )


def _print_growth(name: str, figures: list[dict[str, Any]]) -> None:
    by_size = {f["size"]: f for f in figures}
    if 1_000_000 in by_size and 10_000_000 in by_size:
        growth = by_size[10_000_000]["summary"] / by_size[1_000_000]["summary"]
        scans = by_size[10_000_000]["scan"] / by_size[1_000_000]["scan"]
        print(f"{name:<11} the summary at 10M takes {growth:.2f}x its time at 1M (the bare scan: {scans:.1f}x)")


def run() -> None:
    """Print the summary's time next to a bare grouped scan, at each size, on each database."""
    print("== evaluator summary ==")
    with tempfile.TemporaryDirectory() as folder:
        _print("SQLite", _measure(f"sqlite:///{Path(folder) / 'bench.db'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        figures = _measure(postgres)
        _print("PostgreSQL", figures)
        _print_growth("PostgreSQL", figures)


if __name__ == "__main__":
    run()
