"""The list of testimonies and the exports at 10k and 100k testimonies, next to a bare count in the same run.

Rows are written straight into the tables (responses over a year at the demo sites, four answers,
one analysed testimony and one or two tags each) on a file SQLite database in a temporary folder,
then on PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a scratch database: its
tables are dropped and rebuilt; the rollup is counted again and ANALYZE runs after each load, as
after any bulk load. Times are the best of a few rounds (one for the exports); the peak resident
memory after each export shows whether it grows with the rows. VOCES_BENCH_EXPLORE_SIZES sets the
sizes ("10000,100000,1000000"); the exports are measured up to VOCES_BENCH_EXPORT_MAX testimonies
(100000 by default), since at a million they take longer than the rest together.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from benchmarks import ROOT

if TYPE_CHECKING:
    from survey.models import Survey

SIZES = [int(n) for n in os.environ.get("VOCES_BENCH_EXPLORE_SIZES", "10000,100000").split(",")]
EXPORT_MAX = int(os.environ.get("VOCES_BENCH_EXPORT_MAX", "100000"))
ROUNDS = 3
CHUNK = 5000


def _best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def fill_responses(count: int) -> None:
    """Write count responses, each with answers, one testimony and its tags, in chunks."""
    from sqlalchemy import func, insert, select

    from survey.extensions import db
    from survey.models import Answer, Response, Site, Testimonial, ThemeTag
    from survey.models.tag_rule import TagSource
    from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
    from survey.services.rollups import rebuild_rollups
    from survey.services.sites import upsert_sites_from_file
    from survey.services.surveys import import_survey, read_survey_file

    rng = random.Random(2026)
    upsert_sites_from_file(SITES_FILE)
    version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
    db.session.flush()
    sites = list(db.session.scalars(select(Site.id)))
    corpus = yaml.safe_load((ROOT / "config" / "demo" / "testimonies.yaml").read_text(encoding="utf-8"))
    stories = [s["text"] for language in ("en", "es") for s in corpus["change"][language]]
    themes = ["safety", "services", "trust", "livelihoods", "prevention", "recovery"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    for base in range(0, count, CHUNK):
        ids = range(first + base, first + min(count, base + CHUNK))
        db.session.execute(
            insert(Response),
            [
                {
                    "id": i,
                    "uuid": str(uuid.uuid4()),
                    "receipt_code": f"B{i:010d}",
                    "survey_version_id": version.id,
                    "site_id": rng.choice(sites),
                    "channel": "web",
                    "language": rng.choice(["en", "es"]),
                    "consent_scope": rng.choice(["quote", "quote_anonymous", "internal"]),
                    "submitted_at": start + timedelta(minutes=rng.uniform(0, 525_600)),
                    "received_at": start,
                }
                for i in ids
            ],
        )
        answers = [
            {"response_id": i, "question": q, "value_text": str(rng.randint(1, 5)), "value_number": None}
            for i in ids
            for q in ("safe_at_night", "dealing_seen", "trust_police", "support_access")
        ]
        db.session.execute(insert(Answer), answers)
        testimonies = []
        for i in ids:
            text = rng.choice(stories)
            testimonies.append(
                {
                    "id": i,
                    "response_id": i,
                    "question": "change_story",
                    "raw_text": text,
                    "redacted_text": text,
                    "redactions": [],
                    "language": rng.choice(["en", "es"]),
                    "polarity": rng.choice([None, rng.uniform(-1, 1)]),
                    "sentences": [],
                    "analyser_version": "bench",
                    "codebook_version": "bench",
                    "analysed_at": start,
                }
            )
        db.session.execute(insert(Testimonial), testimonies)
        tags = [
            {
                "testimonial_id": i,
                "theme": theme,
                "source": TagSource.MACHINE,
                "confidence": rng.random(),
                "polarity": None,
                "evidence": [{"start": 0, "end": 4, "text": "", "term": "bench"}],
                "created_at": start,
            }
            for i in ids
            for theme in rng.sample(themes, rng.choice([1, 2]))
        ]
        db.session.execute(insert(ThemeTag), tags)
    rebuild_rollups()  # what the list reads the published groups from
    db.session.commit()


def _figures(survey: Survey, limits: dict[str, int], exports: bool) -> tuple[dict[str, float], int, int]:
    """Seconds per measure, and the peak memory (MB) after the CSV and after the XLSX export."""
    from sqlalchemy import select, text

    from survey.extensions import db
    from survey.models import Site, Testimonial
    from survey.services.blindness import Blindfold
    from survey.services.explore import ExploreFilters, list_testimonies
    from survey.services.export_files import csv_lines, write_xlsx
    from survey.services.exports import prepare_export, response_rows

    def bare() -> object:
        return db.session.scalar(text("SELECT count(*) FROM testimonial"))

    def page(filters: ExploreFilters, number: int = 1) -> object:
        return list_testimonies(survey, filters, page=number, **limits)

    site = db.session.scalars(select(Site.id).order_by(Site.id)).first()
    # A coder in an agreement round of 50 testimonies, the machine's tags hidden from them.
    round_items = db.session.scalars(select(Testimonial.id).order_by(Testimonial.id.desc()).limit(50))
    blind = Blindfold(None, dict.fromkeys(round_items, True))
    themed = ExploreFilters(theme="safety", sentiment="negative", sort="confidence")
    figures = {
        "SELECT count(*)": _best(ROUNDS, bare),
        "list, first page": _best(ROUNDS, lambda: page(ExploreFilters())),
        "list, 40th page": _best(ROUNDS, lambda: page(ExploreFilters(), 40)),
        "list, one theme": _best(ROUNDS, lambda: page(ExploreFilters(theme="safety"))),
        "list, one site": _best(ROUNDS, lambda: page(ExploreFilters(site_id=site))),
        "list, an answer": _best(ROUNDS, lambda: page(ExploreFilters(answer=("safe_at_night", "1")))),
        "list, most negative first": _best(ROUNDS, lambda: page(ExploreFilters(sort="most_negative"))),
        "list, theme + sentiment, by confidence": _best(ROUNDS, lambda: page(themed)),
        "list, surest tags first": _best(ROUNDS, lambda: page(ExploreFilters(sort="confidence"))),
        "list, review queue (least certain first)": _best(ROUNDS, lambda: page(ExploreFilters(sort="least_certain"))),
        "list, surest tags first, coding blind": _best(
            ROUNDS, lambda: page(ExploreFilters(sort="confidence", blindfold=blind))
        ),
        "list, review queue, coding blind": _best(
            ROUNDS, lambda: page(ExploreFilters(sort="least_certain", blindfold=blind))
        ),
        "list, search": _best(ROUNDS, lambda: page(ExploreFilters(search="clinic"))),
    }
    db.session.rollback()
    if not exports:
        return figures, 0, 0
    export = prepare_export(
        survey, ExploreFilters(), publication=False, min_group=limits["min_group"], block=limits["block"]
    )
    figures["export CSV, every response"] = _best(1, lambda: sum(1 for _ in csv_lines(response_rows(export))))
    csv_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    with tempfile.TemporaryFile() as target:
        figures["export XLSX, both sheets"] = _best(1, lambda: write_xlsx(export, target))
    xlsx_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    db.session.rollback()
    return figures, csv_rss, xlsx_rss


def _measure(url: str, label: str) -> None:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Base, Survey

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        limits = {"min_group": app.config["MIN_GROUP_SIZE"], "block": app.config["MIN_PERIOD_RESPONSES"]}
        filled = 0
        for size in SIZES:
            fill_responses(size - filled)
            filled = size
            db.session.execute(text("ANALYZE"))  # statistics for the planner, as a database in use has them
            db.session.commit()
            survey = db.session.scalars(db.select(Survey)).one()
            figures, csv_rss, xlsx_rss = _figures(survey, limits, exports=size <= EXPORT_MAX)
            base = figures["SELECT count(*)"]
            print(f"{label}, {size} testimonies:")
            for name, seconds in figures.items():
                print(f"  {name:<42} {seconds * 1000:10.1f} ms  ({seconds / base:8.0f} x the count)")
            if size <= EXPORT_MAX:
                print(f"  peak memory of this process after the CSV {csv_rss} MB, after the XLSX {xlsx_rss} MB")
        Base.metadata.drop_all(db.engine)


def run() -> None:
    """Print the list and export figures."""
    print("== testimonies list and exports ==")
    with tempfile.TemporaryDirectory() as folder:
        _measure(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite")
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        _measure(postgres, "PostgreSQL")
    else:
        print("PostgreSQL: skipped (set BENCH_DATABASE_URL to a scratch database)")


if __name__ == "__main__":
    run()
