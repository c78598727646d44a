"""Demo data: sites, the example survey, accounts and testimonies that read like real ones."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from survey.config.settings import CONFIG_DIR
from survey.extensions import db
from survey.models import Channel, Response, Role, SurveyVersion
from survey.models.base import utcnow
from survey.services.indicator_files import read_indicator_file
from survey.services.indicators import import_indicator_rows, list_indicators
from survey.services.sites import list_sites, upsert_sites_from_file
from survey.services.submissions import Submission, record_submission
from survey.services.surveys import definition_of, import_survey, read_survey_file
from survey.services.teams import list_teams, save_team
from survey.services.users import create_user, find_user

DEMO_PASSWORD = "voces-demo-2026"
DEMO_ACCOUNTS = (
    ("admin@voces.example", Role.ADMIN),
    ("evaluator@voces.example", Role.EVALUATOR),
    ("lead@voces.example", Role.LEAD_EVALUATOR),
    ("field@voces.example", Role.FIELD_WORKER),
)
DEMO_TEAM = "Nariño"
EXAMPLE_SURVEY = CONFIG_DIR / "surveys" / "community-safety.yaml"
SITES_FILE = CONFIG_DIR / "sites.yaml"
TESTIMONIES_FILE = CONFIG_DIR / "demo" / "testimonies.yaml"
INDICATORS_FILE = CONFIG_DIR / "demo" / "indicators.csv"  # Spanish headers, decimal commas, as Excel saves them
# Mood moves the five-point answers: a resident who writes in despair rarely feels very safe.
MOOD_CENTRE = {"negative": 2.0, "mixed": 3.0, "positive": 4.0}
LIKERT_SPREAD = 0.9  # the standard deviation of a five-point answer about the mood's centre


@dataclass(frozen=True)
class DemoResult:
    """What the demo load created."""

    accounts: list[tuple[str, Role]]
    responses: int


def load_demo(responses: int = 300, seed: int = 2026) -> DemoResult:
    """Load sites, the example survey, demo accounts and demo responses; run twice, add nothing."""
    version, accounts = load_demo_setup()
    existing = db.session.scalar(
        select(func.count(Response.id)).join(SurveyVersion).where(SurveyVersion.survey_id == version.survey_id)
    )
    created = 0 if existing else _demo_responses(version, responses, random.Random(seed))
    return DemoResult(accounts, created)


def load_demo_setup() -> tuple[SurveyVersion, list[tuple[str, Role]]]:
    """Load the demo sites, their indicators, the example survey (published) and the demo accounts; return
    the version and the accounts."""
    upsert_sites_from_file(SITES_FILE)
    if not list_indicators():
        rows = read_indicator_file(INDICATORS_FILE.name, INDICATORS_FILE.read_bytes(), list_sites())
        import_indicator_rows(rows, source=INDICATORS_FILE.name)
    version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
    accounts = []
    for email, role in DEMO_ACCOUNTS:
        if find_user(email) is None:
            create_user(email, DEMO_PASSWORD, role)
        accounts.append((email, role))
    if not list_teams():  # a team to show; the example survey stays with every field worker
        collectors = [email for email, role in DEMO_ACCOUNTS if role is Role.FIELD_WORKER]
        save_team(DEMO_TEAM, [user.id for email in collectors if (user := find_user(email))], by=None)
    return version, accounts


def likert_answer(rng: random.Random, centre: float) -> str:
    """A five-point answer near the mood's centre."""
    return str(min(5, max(1, round(rng.gauss(centre, LIKERT_SPREAD)))))


def _demo_responses(version: SurveyVersion, count: int, rng: random.Random) -> int:
    definition = definition_of(version)
    corpus: dict[str, Any] = yaml.safe_load(Path(TESTIMONIES_FILE).read_text(encoding="utf-8"))
    sites = {s.slug: s for s in list_sites()}
    now = utcnow()
    for number in range(count):
        language = "es" if rng.random() < 0.55 else "en"
        story = rng.choice(corpus["change"][language])
        wish = rng.choice(corpus["help"][language]) if rng.random() < 0.7 else None
        site = story["site"] if story["site"] in sites else rng.choice(sorted(sites))
        centre = MOOD_CENTRE[story["mood"]]
        submitted = now - timedelta(days=rng.uniform(0, 180), minutes=number)
        answers = {
            "site": site,
            "age_band": rng.choice(["18-24", "25-39", "40-59", "60+", "no_answer"]),
            "safe_at_night": likert_answer(rng, centre),
            "dealing_seen": likert_answer(rng, 6 - centre),
            "trust_police": likert_answer(rng, centre - 0.5),
            "support_access": likert_answer(rng, centre),
            "prevention_involvement": likert_answer(rng, centre),
            "change_story": story["text"],
            "what_would_help": wish["text"] if wish else "",
            "consent": rng.choice(["quote", "quote", "quote_anonymous", "internal"]),
        }
        submission = Submission(
            uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            version=version,
            definition=definition,
            answers=answers,
            language=language,
            channel=rng.choice([Channel.WEB, Channel.FIELD]),
            started_at=submitted - timedelta(minutes=rng.randint(3, 25)),
            finished_at=submitted,
        )
        record_submission(submission)
    return count
