"""Demo data at scale: a million responses, to try Voces (and measure it) at a national programme's size.

The responses are spread over hundreds of sites, four waves of interviews and both languages, and
written a chunk at a time in a few bulk statements. Their testimonies are the demo texts: the analysis
runs once per distinct text and every copy stores what the analysis of that text stores on the
normal path. The rows are the normal path's rows, written faster.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from sqlalchemy import Connection, delete, func, select

from survey.extensions import db
from survey.models import (
    Answer,
    Channel,
    ConsentScope,
    JointCount,
    Response,
    Site,
    SummaryCount,
    SurveyVersion,
    Testimonial,
    ThemeTag,
)
from survey.models.base import table_of, utcnow
from survey.models.tag_rule import LIST_ORDER_COLUMNS, counts, list_orders
from survey.services.bulk_load_settings import (
    reference_checks_skippable,
    search_indexed_by_chunk,
    skip_reference_checks,
    sqlite_load_settings,
)
from survey.services.bulk_rows import BulkTable, reserve_ids
from survey.services.demo import LIKERT_SPREAD, MOOD_CENTRE, SITES_FILE, TESTIMONIES_FILE, DemoResult, load_demo_setup
from survey.services.engine import current_engine
from survey.services.joint_tally import JOINT_COLUMNS, JointTally
from survey.services.planner import refresh_planner_statistics
from survey.services.raw_counts import NUMBER_TYPES, by_question_names
from survey.services.rollups import Cell, TagFacts, month_key
from survey.services.sites import SiteFields, get_site, read_sites_file, save_site
from survey.services.submissions import new_receipt_code
from survey.services.summary_tally import SUMMARY_COLUMNS, SummaryTally, TestimonyCounts, testimony_counts
from survey.services.surveys import definition_of
from survey.services.testimonies import analysis_values, machine_tag_values

CHUNK = 40_000  # responses per transaction: fewer commits rewrite the random-key index pages fewer times
RESPONSES_PER_SECTOR = 10_000  # each demo site gets one more sector per this many responses...
MAX_SECTORS = 70  # ...up to this many: 420 sites at a million responses
SECTOR_SKEW = 1.2  # sector k of a site gets a share of 1/k**SECTOR_SKEW: the last are small places...
NEW_SECTORS = 3  # ...and its last sectors, just added to the programme, a response or two at a million,
NEW_SECTOR_SHARE = 1e-5  # which the summary must leave out
WAVES_DAYS_AGO = (330, 240, 150, 60)  # when each wave of interviews began
WAVE_DAYS = 35  # how long a wave lasted
RESPONSE_COLUMNS = (  # the rest stay empty, as for a response from the web form
    "id",
    "uuid",
    "receipt_code",
    "survey_version_id",
    "site_id",
    "channel",
    "language",
    "consent_scope",
    "started_at",
    "submitted_at",
    "received_at",
)
SITE_COLUMN = RESPONSE_COLUMNS.index("site_id")
ANSWERED = (  # in the form's order, as the normal path stores them
    "site",
    "age_band",
    "safe_at_night",
    "dealing_seen",
    "trust_police",
    "support_access",
    "prevention_involvement",
    "consent",
)
AGE_BANDS = ("18-24", "25-39", "40-59", "60+", "no_answer")
CONSENTS = ("quote", "quote", "quote_anonymous", "internal")
ANALYSED = (  # the testimony's columns its analysis fills
    "redacted_text",
    "redactions",
    "language",
    "polarity",
    "subjectivity",
    "sentiment_note",
    "sentences",
    "analyser_version",
    "codebook_version",
    *LIST_ORDER_COLUMNS,  # its places in the list's orders by its tags
)
LIKERT = ("1", "2", "3", "4", "5")
TAG_COLUMNS = ("theme", "source", "confidence", "polarity", "evidence", "counts")


@dataclass(frozen=True)
class DemoText:
    """A distinct demo testimony with, converted for the database, what its analysis stores."""

    text: str
    site: str
    mood: str
    analysed: tuple[Any, ...]  # the values of ANALYSED, with the list's orders by its tags
    tags: tuple[tuple[Any, ...], ...]  # each machine tag's values of TAG_COLUMNS, with whether it counts
    counts: TestimonyCounts  # what a copy adds to the summary's counts


class ChunkRows(NamedTuple):
    """A chunk's rows of each table, their values converted for the database, in the columns' order."""

    responses: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]
    testimonies: list[tuple[Any, ...]]
    tags: list[tuple[Any, ...]]


@dataclass
class ScaleLoad:
    """A demo load at scale, prepared: the accounts, and the responses still to write."""

    result: DemoResult
    version: SurveyVersion
    seed: int
    writer: ChunkWriter | None = None  # once the responses are being written: what it has tallied

    def chunks(self) -> Iterator[int]:
        """Write the responses a chunk at a time; after each, yield how many are written: commit there."""
        if not self.result.responses:
            return
        self.writer = writer = ChunkWriter(self.version, random.Random(self.seed))
        written = 0
        while written < self.result.responses:
            count = min(CHUNK, self.result.responses - written)
            with sqlite_load_settings(db.session.connection()):
                writer.write(count)
            written += count
            yield written


def prepare_demo_at_scale(responses: int, seed: int = 2026) -> ScaleLoad:
    """Load the demo's sites, survey and accounts, and the sectors the responses spread over; the
    responses are written by ScaleLoad.chunks (none if the survey has some already)."""
    version, accounts = load_demo_setup()
    existing = db.session.scalar(
        select(func.count(Response.id)).join(SurveyVersion).where(SurveyVersion.survey_id == version.survey_id)
    )
    count = 0 if existing else responses
    if count:
        _add_sectors(min(MAX_SECTORS, max(1, count // RESPONSES_PER_SECTOR)))
    return ScaleLoad(DemoResult(accounts, count), version, seed)


def refresh_after_bulk_load(load: ScaleLoad) -> None:
    """Bring up to date what is derived from the rows a bulk load wrote: the summary's counts and the
    joint counts it tallied, then the query planner's statistics. The tags' `counts` and the
    testimonies' places in the list's orders were written with the rows."""
    if load.writer is not None:
        load.writer.write_counts(db.session.connection())
    refresh_planner_statistics()


def sector_slug(site: str, number: int) -> str:
    """The slug of a demo site's sector: the first is the site itself."""
    return site if number == 1 else f"{site}-{number:02d}"


def _add_sectors(per_site: int) -> None:
    for site in read_sites_file(SITES_FILE):
        for number in range(2, per_site + 1):
            slug = sector_slug(site.slug, number)
            if get_site(slug) is None:
                save_site(SiteFields(slug, f"{site.name} - sector {number}", site.region, site.country))


class ChunkWriter:
    """Makes demo responses as load_demo does, and writes them a chunk at a time."""

    def __init__(self, version: SurveyVersion, rng: random.Random) -> None:
        self.version_id = version.id
        self.rng = rng
        self.questions = {q.name: q for q in definition_of(version).questions}
        dialect = db.session.connection().dialect
        self.responses = BulkTable(dialect, table_of(Response), RESPONSE_COLUMNS)
        self.answers = BulkTable(dialect, table_of(Answer), ["response_id", "question", "value_text", "value_number"])
        columns = ["id", "response_id", "question", "raw_text", *ANALYSED, "analysed_at"]
        self.testimonies = BulkTable(dialect, table_of(Testimonial), columns)
        self.tags = BulkTable(dialect, table_of(ThemeTag), ["testimonial_id", *TAG_COLUMNS, "created_at"])
        self.tables = (self.responses, self.answers, self.testimonies, self.tags)  # in ChunkRows' order
        self.texts = analysed_texts(self.testimonies, self.tags)
        self.sectors = _sectors_by_site()
        channel = self.responses.processor("channel")
        self.channels = [channel(Channel.WEB), channel(Channel.FIELD)]
        consent = self.responses.processor("consent_scope")
        self.consents = {c: consent(ConsentScope(c)) for c in CONSENTS}
        self.answer_values: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.likert: dict[float, list[float]] = {}
        self.codes = set(db.session.scalars(select(Response.receipt_code)))
        definition = definition_of(version)
        choices = [q.name for q in definition.questions if q.choices]
        self.joint = JointTally(by_question_names(definition.questions), choices)
        self.summary = SummaryTally(choices, [q.name for q in definition.questions if q.type in NUMBER_TYPES])
        loaded = [table_of(model) for model in (Response, Answer, Testimonial, ThemeTag, SummaryCount, JointCount)]
        self.checks_skipped = reference_checks_skippable(db.session.connection(), loaded)

    def write(self, count: int) -> None:
        """Make `count` responses and insert them with their answers, testimonies and tags."""
        connection = db.session.connection()
        rows = self.make(connection, count)
        if self.checks_skipped:
            skip_reference_checks(connection, {row[SITE_COLUMN] for row in rows.responses}, self.version_id)
        with search_indexed_by_chunk(connection, [row[0] for row in rows.testimonies]):
            self.store(connection, rows)

    def write_counts(self, connection: Connection) -> None:
        """Replace the version's summary and joint counts by those tallied as the responses were made."""
        # Without checks, the DELETEs below would also skip cascades: no table refers to the count tables.
        if self.checks_skipped:  # their references: the version and the sites of the cells counted
            skip_reference_checks(connection, {site for _, site, _ in self.summary.responses}, self.version_id)
        for model, columns, rows in (
            (SummaryCount, SUMMARY_COLUMNS, self.summary.rows()),
            (JointCount, JOINT_COLUMNS, self.joint.rows()),
        ):
            table = table_of(model)
            connection.execute(delete(table).where(table.c.survey_version_id == self.version_id))
            BulkTable(connection.dialect, table, columns).write(connection, rows)

    def store(self, connection: Connection, rows: ChunkRows) -> None:
        """Insert a chunk's rows, parents first."""
        for table, table_rows in zip(self.tables, rows, strict=True):
            table.write(connection, table_rows)

    def make(self, connection: Connection, count: int) -> ChunkRows:
        """Make `count` responses with their answers, testimonies and tags, their ids reserved."""
        draw = self.rng.random  # an index from one draw: random.choice costs several times more
        now = utcnow()
        stamp = self.responses.processor("submitted_at")
        received = stamp(now)
        analysed_at = self.testimonies.processor("analysed_at")(now)
        responses: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        stories: list[tuple[int, str, DemoText]] = []
        cells: list[Cell] = []
        answered: list[tuple[str, ...]] = []
        for response_id in reserve_ids(connection, table_of(Response), count):
            language = "es" if draw() < 0.55 else "en"
            stories_, wishes = self.texts["change"][language], self.texts["help"][language]
            story = stories_[int(draw() * len(stories_))]
            wish = wishes[int(draw() * len(wishes))] if draw() < 0.7 else None
            site, site_id = self._site(story.site)
            centre = MOOD_CENTRE[story.mood]
            consent = CONSENTS[int(draw() * len(CONSENTS))]
            given = (
                site,
                AGE_BANDS[int(draw() * len(AGE_BANDS))],
                self._likert(centre),
                self._likert(6 - centre),
                self._likert(centre - 0.5),
                self._likert(centre),
                self._likert(centre),
                consent,
            )
            answers.extend((response_id, *self._answer(q, v)) for q, v in zip(ANSWERED, given, strict=True))
            answered.append(given)
            stories.append((response_id, "change_story", story))
            if wish is not None:
                stories.append((response_id, "what_would_help", wish))
            began = WAVES_DAYS_AGO[int(draw() * len(WAVES_DAYS_AGO))]
            submitted = now - timedelta(days=began - draw() * WAVE_DAYS)
            cells.append((self.version_id, site_id, month_key(submitted)))
            started = submitted - timedelta(minutes=3 + int(draw() * 23))
            uuid_ = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            channel = self.channels[int(draw() * 2)]
            code = self._receipt_code()
            consent_scope = self.consents[consent]
            responses.append(
                (response_id, uuid_, code, self.version_id, site_id, channel, language, consent_scope)
                + (stamp(started), stamp(submitted), received)
            )
        self.joint.add(cells, dict(zip(ANSWERED, zip(*answered, strict=True), strict=True)))
        by_id = dict(zip((row[0] for row in responses), cells, strict=True))
        self.summary.add(by_id, answers, [(response, story.counts) for response, _, story in stories])
        testimony_ids = reserve_ids(connection, table_of(Testimonial), len(stories))
        pairs = list(zip(testimony_ids, stories, strict=True))
        testimonies = [(t, r, q, s.text, *s.analysed, analysed_at) for t, (r, q, s) in pairs]
        tags = [(t, *tag, analysed_at) for t, (_, _, s) in pairs for tag in s.tags]
        return ChunkRows(responses, answers, testimonies, tags)

    def _answer(self, question: str, value: str) -> tuple[Any, ...]:
        """The (question, value_text, value_number) of an answer, converted for the database once."""
        key = (question, value)
        found = self.answer_values.get(key)
        if found is None:
            asked = self.questions[question]
            number = asked.kind.stored_number(asked, value)
            row = {"question": question, "value_text": value, "value_number": number}
            found = self.answer_values[key] = _prepared(self.answers, row, ("question", "value_text", "value_number"))
        return found

    def _likert(self, centre: float) -> str:
        """A five-point answer as demo.likert_answer gives, drawn from its distribution at once."""
        cumulative = self.likert.get(centre)
        if cumulative is None:
            cumulative = self.likert[centre] = _likert_distribution(centre)
        return LIKERT[bisect.bisect(cumulative, self.rng.random())]

    def _site(self, slug: str) -> tuple[str, int]:
        sectors, weights = self.sectors.get(slug) or self.sectors[self.rng.choice(sorted(self.sectors))]
        return sectors[bisect.bisect(weights, self.rng.random() * weights[-1])]

    def _receipt_code(self) -> str:
        code = new_receipt_code()
        while code in self.codes:  # among a million codes of 31**8, a few meet another
            code = new_receipt_code()
        self.codes.add(code)
        return code


def _likert_distribution(centre: float) -> list[float]:
    """The chances of answering at most 1, 2, 3 and 4 when a normal draw about the centre is rounded
    and kept within 1 to 5, as demo.likert_answer does."""
    return [0.5 * (1 + math.erf((k + 0.5 - centre) / (LIKERT_SPREAD * math.sqrt(2)))) for k in range(1, 5)]


def analysed_texts(testimonies: BulkTable, tags: BulkTable) -> dict[str, dict[str, list[DemoText]]]:
    """The demo texts by part ("change", "help") and language, each analysed once by the current engine."""
    corpus: dict[str, Any] = yaml.safe_load(Path(TESTIMONIES_FILE).read_text(encoding="utf-8"))
    engine = current_engine()
    found: dict[str, dict[str, list[DemoText]]] = {}
    for part, by_language in corpus.items():
        for language, entries in by_language.items():
            texts = [str(entry["text"]).strip() for entry in entries]
            # The demo's answers give no name or contact to redact, so none is given here either.
            analyses = engine.analyse_batch(texts, language_hints=[language] * len(texts))
            found.setdefault(part, {})[language] = [
                _demo_text(testimonies, tags, text, entry, analysis)
                for text, entry, analysis in zip(texts, entries, analyses, strict=True)
            ]
    return found


def _demo_text(testimonies: BulkTable, tags: BulkTable, text: str, entry: dict[str, Any], analysis: Any) -> DemoText:
    """A demo text with what its analysis stores, and what the rollups keep of its tags: whether each
    counts by the rule (survey.models.tag_rule) and the testimony's places in the list's orders."""
    machine = machine_tag_values(analysis)
    facts = [TagFacts(tag["theme"], tag["source"], tag["confidence"]) for tag in machine]
    tag_values = [tag | {"counts": counts(fact, facts)} for tag, fact in zip(machine, facts, strict=True)]
    analysed = analysis_values(analysis) | list_orders(facts)._asdict()
    return DemoText(
        text,
        str(entry["site"]),
        str(entry["mood"]),
        _prepared(testimonies, analysed, ANALYSED),
        tuple(_prepared(tags, tag, TAG_COLUMNS) for tag in tag_values),
        testimony_counts(analysed, tag_values),
    )


def _prepared(table: BulkTable, values: dict[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(table.processor(name)(values[name]) for name in names)


def _sectors_by_site() -> dict[str, tuple[list[tuple[str, int]], list[float]]]:
    """Each demo site's sectors (slug, id) with cumulative weights, by the site's slug."""
    ids = {s.slug: s.id for s in db.session.scalars(select(Site))}
    found: dict[str, tuple[list[tuple[str, int]], list[float]]] = {}
    for site in read_sites_file(SITES_FILE):
        sectors, number = [], 1
        while (slug := sector_slug(site.slug, number)) in ids:
            sectors.append((slug, ids[slug]))
            number += 1
        shares = [1 / k**SECTOR_SKEW for k in range(1, len(sectors) + 1)]
        if len(sectors) > NEW_SECTORS + 1:
            shares[-NEW_SECTORS:] = [sum(shares[:-NEW_SECTORS]) * NEW_SECTOR_SHARE] * NEW_SECTORS
        found[site.slug] = (sectors, list(itertools.accumulate(shares)))
    return found
