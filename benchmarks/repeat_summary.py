"""The evaluator's summary of a household roster at 10k households (100k with BENCH_LARGE=1): with the
charts of the questions asked for each member and each child, counted from the raw rows, next to the
same survey's summary without them (its definition less the repeat: the same rows and rollup), and a
bare grouped scan of the answers in repeats per site and month measured in the same run; then the
comparison of the year's two halves, whose repeat questions are read household by household.

Households have one to six members and members up to three children, so 10k households hold about 35k
members, 26k children and 220k answers in repeats (a multiple-choice question's among them). Data is
generated with Core bulk inserts straight into the tables over a few sites and a year, then the
summary's counts are rebuilt and the planner's statistics refreshed, as a bulk loader does. Runs on a
file SQLite database in a temporary folder, then on PostgreSQL when BENCH_DATABASE_URL (or
TEST_DATABASE_URL) names a scratch database: its tables are dropped and rebuilt."""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.summary import CHUNK, MONTHS, SITES, _median

SEX = ("f", "m", "x")
HELP = ("food", "health", "school_fees", "housing")
ROSTER: dict[str, Any] = {
    "form_id": "roster",
    "title": "Households",
    "questions": [
        {"name": "site", "type": "site", "label": "Community"},
        {"name": "tenure", "type": "select_one", "choices": "tenure", "label": "Tenure"},
        {
            "name": "member",
            "type": "repeat",
            "label": "Household member",
            "questions": [
                {"name": "member_name", "type": "text", "label": "Name"},
                {"name": "member_sex", "type": "select_one", "choices": "sex", "label": "Sex"},
                {"name": "member_age", "type": "integer", "label": "Age"},
                {
                    "name": "member_safe",
                    "type": "select_one",
                    "appearance": "likert",
                    "choices": "safety5",
                    "label": "Feels safe",
                },
                {"name": "member_help", "type": "select_multiple", "choices": "help", "label": "Help received"},
                {
                    "name": "child",
                    "type": "repeat",
                    "label": "Child",
                    "questions": [
                        {"name": "child_school", "type": "select_one", "choices": "yes_no", "label": "At school"}
                    ],
                },
            ],
        },
    ],
    "choices": {
        "tenure": [{"name": "own", "label": "Own"}, {"name": "rent", "label": "Rent"}],
        "sex": [{"name": s, "label": s} for s in SEX],
        "yes_no": [{"name": "yes", "label": "Yes"}, {"name": "no", "label": "No"}],
        "safety5": [{"name": str(n), "label": str(n)} for n in range(1, 6)],
        "help": [{"name": h, "label": h} for h in HELP],
    },
}


def _sizes() -> list[int]:
    return [10_000, 100_000] if os.environ.get("BENCH_LARGE") == "1" else [10_000]


def _answer(response: int, question: str, value: object, instance: int, parent: str = "") -> dict[str, Any]:
    number = float(value) if isinstance(value, int) else None
    return {
        "response_id": response,
        "question": question,
        "instance": instance,
        "parent_instance": parent,
        "value_text": str(value),
        "value_number": number,
    }


def _rows(
    first: int, count: int, version_id: int, site_ids: list[int], rng: random.Random
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Households and their answers in chunks, every member's and child's in its own instance."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for chunk_start in range(first, first + count, CHUNK):
        responses, answers = [], []
        for n in range(chunk_start, min(first + count, chunk_start + CHUNK)):
            submitted = start + timedelta(days=rng.uniform(0, MONTHS * 30.4))
            responses.append(
                {
                    "id": n,
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "receipt_code": f"R{n:015d}",
                    "survey_version_id": version_id,
                    "site_id": rng.choice(site_ids),
                    "channel": "field",
                    "language": "es",
                    "consent_scope": "internal",
                    "submitted_at": submitted,
                    "received_at": submitted,
                }
            )
            answers.append(_answer(n, "tenure", rng.choice(("own", "rent")), 0))
            for m in range(1, rng.randint(1, 6) + 1):
                answers += [
                    _answer(n, "member_name", "Name", m),
                    _answer(n, "member_sex", rng.choice(SEX), m),
                    _answer(n, "member_age", rng.randint(0, 90), m),
                ]
                if rng.random() < 0.9:  # a few members leave it out
                    answers.append(_answer(n, "member_safe", str(rng.randint(1, 5)), m))
                if rng.random() < 0.8:
                    answers.append(_answer(n, "member_help", " ".join(rng.sample(HELP, rng.randint(1, 3))), m))
                answers += [
                    _answer(n, "child_school", rng.choice(("yes", "no")), c, str(m))
                    for c in range(1, rng.randint(0, 3) + 1)
                ]
        yield responses, answers


def _measure(url: str) -> list[dict[str, Any]]:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Answer, Base, Response, Site
    from survey.models.base import table_of
    from survey.questionnaire import parse_definition
    from survey.services.comparisons import Period, compare_periods
    from survey.services.part_counts import month_of
    from survey.services.planner import refresh_planner_statistics
    from survey.services.rollups import rebuild_rollups
    from survey.services.summaries import SummaryFilters, summarise_survey
    from survey.services.surveys import import_survey

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
        version = import_survey(ROSTER, publish=True)
        db.session.commit()
        site_ids = list(db.session.scalars(select(Site.id)))
        definition = parse_definition(version.definition)
        without = parse_definition({**ROSTER, "questions": ROSTER["questions"][:2]})
        rng = random.Random(2026)
        stored = 0
        for size in _sizes():
            started = time.perf_counter()
            first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
            for responses, answers in _rows(first, size - stored, version.id, site_ids, rng):
                db.session.execute(insert(table_of(Response)), responses)
                db.session.execute(insert(table_of(Answer)), answers)
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            rebuild_rollups()
            refresh_planner_statistics()
            db.session.commit()
            rebuilt = time.perf_counter() - started
            stored = size
            in_repeats = db.session.scalar(select(func.count(Answer.id)).where(Answer.instance > 0))
            month = month_of(Response.submitted_at).label("month_key")
            bare = (
                select(Response.site_id, month, func.count(Answer.id))
                .join(Response, Response.id == Answer.response_id)
                .where(Answer.instance > 0)
                .group_by(Response.site_id, "month_key")
            )

            def scan(bare: Any = bare) -> None:
                db.session.execute(bare).all()
                db.session.rollback()

            def summary(of: Any) -> None:
                summarise_survey(version.survey, of, SummaryFilters(), min_group=5)
                db.session.rollback()

            def one_site(of: Any) -> None:
                summarise_survey(version.survey, of, SummaryFilters(site_id=site_ids[0]), min_group=5)
                db.session.rollback()

            def halves(of: Any) -> None:
                first, second = Period("2024-01", "2024-06"), Period("2024-07", "2024-12")
                compare_periods(version.survey, of, first, second, min_group=5, block=20)
                db.session.rollback()

            figures.append(
                {
                    "size": size,
                    "answers": in_repeats,
                    "load": loaded,
                    "rebuild": rebuilt,
                    "with": _median(lambda: summary(definition)),
                    "without": _median(lambda: summary(without)),
                    "scan": _median(scan),
                    "site_with": _median(lambda: one_site(definition)),
                    "site_without": _median(lambda: one_site(without)),
                    "compare_with": _median(lambda: halves(definition)),
                    "compare_without": _median(lambda: halves(without)),
                }
            )
        db.session.remove()
        db.engine.dispose()
    return figures


def _print(name: str, figures: list[dict[str, Any]]) -> None:
    for f in figures:
        print(
            f"{name:<11} {f['size']:>9,} households ({f['answers']:,} answers in repeats): summary with the "
            f"repeats' charts {f['with'] * 1000:8.1f} ms, without {f['without'] * 1000:8.1f} ms "
            f"(bulk load {f['load']:.1f} s, rollup rebuild and statistics {f['rebuild']:.1f} s)"
        )
        print(
            f"{'':<11} a bare grouped scan of the answers in repeats per site and month {f['scan'] * 1000:8.1f} ms: "
            f"the summary with the repeats' charts is {f['with'] / f['scan']:.1f}x it"
        )
        print(
            f"{'':<11} one site of {SITES}: with {f['site_with'] * 1000:8.1f} ms, "
            f"without {f['site_without'] * 1000:8.1f} ms"
        )
        print(
            f"{'':<11} the year's two halves compared: with the repeat questions {f['compare_with'] * 1000:8.1f} ms, "
            f"without {f['compare_without'] * 1000:8.1f} ms"
        )


def run() -> None:
    """Print the summary's time with and without the repeats' charts, on each database."""
    print("== evaluator summary with repeats ==")
    with tempfile.TemporaryDirectory() as folder:
        _print("SQLite", _measure(f"sqlite:///{Path(folder) / 'bench.db'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        _print("PostgreSQL", _measure(postgres))


if __name__ == "__main__":
    run()
