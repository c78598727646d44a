"""Store testimonies, and run the analysis engine on stored testimonies in bulk.

A testimony is stored redacted and marked PENDING; its analysis follows once the submission has
committed (survey/services/deferred.py). Analysis reads what it needs of many testimonies in one
SELECT and writes its results in three statements, whatever their number.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select, update

from survey.analysis import Analysis, Redaction
from survey.analysis.pipeline import Engine, redact_testimony
from survey.extensions import db
from survey.models import Answer, Response, Site, Survey, SurveyVersion, TagSource, Testimonial, ThemeTag
from survey.models.base import utcnow
from survey.models.tag_rule import ListOrders, list_orders
from survey.models.testimonial import PENDING
from survey.services.deferred import ANALYSIS_BATCH
from survey.services.engine import current_engine
from survey.services.rollup_deltas import (
    Before,
    count_analysis,
    defer_changes,
    machine_tag_counts,
    new_changes,
    read_before,
)
from survey.services.rollups import TagFacts
from survey.services.surveys import definition_of

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def pending_testimony_row(
    response_id: int, question: str, text: str, names: Iterable[str] = (), places: Iterable[str] = ()
) -> dict[str, Any]:
    """A testimony's row for a bulk insert, redacted now (no page ever shows text that redaction has not
    been through, analysed or not), its analysis to follow once the transaction commits; `places` are
    its site's name and region, which redaction keeps."""
    redaction = redact_testimony(text, names, places)
    _redacted_here.keep(text, names, places, redaction)
    return {
        "response_id": response_id,
        "question": question,
        "raw_text": text,
        "redacted_text": redaction.text,
        "redactions": _spans(redaction),
        "sentences": [],
        "analyser_version": PENDING,
        "codebook_version": PENDING,
    }


class _Redactions:
    """Redactions made in this process for testimonies stored and not yet analysed, so that their
    analysis, when it follows in this process (no broker), does not redact them a second time.

    Found by what redaction reads (the text, the names, the places), never by a testimony's id: a
    redaction handed over is the one redact_testimony would give. Bounded, the oldest pushed out
    first: a testimony not found is simply redacted again.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.kept: dict[tuple[str, frozenset[str], frozenset[str]], Redaction] = {}
        self.lock = threading.Lock()  # the requests of a threaded server share it

    @staticmethod
    def _key(text: str, names: Iterable[str], places: Iterable[str]) -> tuple[str, frozenset[str], frozenset[str]]:
        # Redaction reads names and places as sets, and skips a blank name
        return text, frozenset(n for n in names if n.strip()), frozenset(places)

    def keep(self, text: str, names: Iterable[str], places: Iterable[str], redaction: Redaction) -> None:
        key = self._key(text, names, places)
        with self.lock:
            if len(self.kept) >= self.size:
                del self.kept[next(iter(self.kept))]  # the oldest
            self.kept[key] = redaction

    def find(self, text: str, names: Iterable[str], places: Iterable[str]) -> Redaction | None:
        key = self._key(text, names, places)
        with self.lock:
            return self.kept.get(key)  # kept for the others of the batch that say the same


_redacted_here = _Redactions(size=4 * ANALYSIS_BATCH)


def _spans(redaction: Redaction) -> list[dict[str, Any]]:
    return [{"kind": s.kind, "start": s.new_start, "end": s.new_end} for s in redaction.spans]


def current_versions() -> tuple[str, str]:
    """The analyser and codebook versions a fresh analysis would carry."""
    engine = current_engine()
    return engine.analyser_version, engine.codebook_version


def stale() -> ColumnElement[bool]:
    """Testimonies not analysed by the current engine: older versions, or not analysed yet."""
    analyser, book = current_versions()
    return or_(Testimonial.analyser_version != analyser, Testimonial.codebook_version != book)


def in_survey(query: SelectT, survey_slug: str | None) -> SelectT:
    """Narrow a query on testimonies to one survey's (all when survey_slug is None)."""
    if survey_slug is None:
        return query
    return (
        query.join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .join(Survey)
        .where(Survey.slug == survey_slug)
    )


def count_out_of_date(survey_slug: str | None = None) -> int:
    """How many testimonies a rerun would analyse again."""
    query = select(func.count(Testimonial.id)).join(Response, Response.id == Testimonial.response_id)
    return int(db.session.scalar(in_survey(query.where(stale()), survey_slug)) or 0)


@dataclass(slots=True)
class StoredText:
    """What the engine needs of a stored testimony: its text, its form's language, the names given,
    and its site's name and region (places that redaction keeps)."""

    id: int
    text: str
    language: str | None
    names: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def _personal_questions(where: ColumnElement[bool]) -> dict[int, frozenset[str]]:
    """The personal questions (names to redact) of the survey versions these testimonies answer."""
    used = select(Response.survey_version_id).join(Testimonial, Testimonial.response_id == Response.id).where(where)
    versions = db.session.scalars(select(SurveyVersion).where(SurveyVersion.id.in_(used)))
    return {v.id: frozenset(q.name for q in definition_of(v).questions if q.personal) for v in versions}


def load_for_analysis(where: ColumnElement[bool], survey_slug: str | None = None) -> list[StoredText]:
    """The testimonies `where` selects, in id order, with their answers to personal questions:
    one SELECT for all of them (and one for their survey versions), nothing loaded lazily."""
    with db.session.no_autoflush:
        personal = _personal_questions(where)
        names = sorted(set().union(*personal.values()))
        query = (
            select(
                Testimonial.id,
                Testimonial.raw_text,
                Response.language,
                Response.survey_version_id,
                Answer.question,
                Answer.value_text,
                Site.name.label("site_name"),
                Site.region.label("site_region"),
            )
            .join(Response, Response.id == Testimonial.response_id)
            .outerjoin(Site, Site.id == Response.site_id)
            .outerjoin(Answer, and_(Answer.response_id == Response.id, Answer.question.in_(names)))
            .where(where)
            .order_by(Testimonial.id, Answer.id)
        )
        found: dict[int, StoredText] = {}
        for row in db.session.execute(in_survey(query, survey_slug)):
            item = found.get(row.id)
            if item is None:
                places = [p for p in (row.site_name, row.site_region) if p]
                item = found[row.id] = StoredText(row.id, row.raw_text, row.language, places=places)
            if row.question is not None and row.question in personal.get(row.survey_version_id, ()):
                item.names.append(row.value_text or "")
    return list(found.values())


def analyse_texts(items: Sequence[StoredText], engine: Engine) -> list[Analysis]:
    """Run the engine on stored testimonies at once, each redacted once: those this process has just
    stored are not redacted again; touches no database."""
    return engine.analyse_batch(
        [i.text for i in items],
        language_hints=[i.language for i in items],
        names=[i.names for i in items],
        places=[i.places for i in items],
        redactions=[_redacted_here.find(i.text, i.names, i.places) for i in items],
    )


def analysis_values(analysis: Analysis) -> dict[str, Any]:
    """A testimony's columns that its analysis fills (all but its id and analysed_at)."""
    reason = analysis.sentiment.reason
    return {
        "redacted_text": analysis.redaction.text,
        "redactions": _spans(analysis.redaction),
        "language": analysis.language.code,
        "polarity": analysis.sentiment.polarity,
        "subjectivity": analysis.sentiment.subjectivity,
        "sentiment_note": reason.code if reason is not None else None,
        "sentences": [{"start": s.start, "end": s.end, "polarity": s.sentiment.polarity} for s in analysis.sentences],
        "analyser_version": analysis.analyser_version,
        "codebook_version": analysis.codebook_version,
    }


def machine_tag_values(analysis: Analysis) -> list[dict[str, Any]]:
    """The machine's theme tags an analysis gives (all their columns but the testimony and created_at)."""
    return [
        {
            "theme": result.match.theme,
            "source": TagSource.MACHINE,
            "confidence": result.match.confidence,
            "polarity": result.polarity,
            "evidence": [
                {"start": e.start, "end": e.end, "text": e.text, "term": e.term} for e in result.match.evidence
            ],
        }
        for result in analysis.themes
    ]


def store_analyses(items: Sequence[StoredText], analyses: Sequence[Analysis]) -> None:
    """Replace the machine's results on these testimonies in three statements; people's tags stay.

    The testimonies are read for the summary's counts first, locked (read_before): on PostgreSQL two
    workers storing the same testimony take turns instead of meeting on the tags' unique constraint,
    and the second moves the counts from what the first stored.
    """
    if not items:
        return
    now = utcnow()
    ids = [i.id for i in items]
    before = read_before(ids)  # their part of the summary's counts, which moves with their analysis
    changes = new_changes()
    rows: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    for item, analysis in zip(items, analyses, strict=True):
        rows.append({"id": item.id, **analysis_values(analysis), "analysed_at": now})
        first = len(tags)
        for tag in machine_tag_values(analysis):
            # a person may have set aside a theme the machine finds again
            counts = machine_tag_counts(before.get(item.id), tag["theme"], tag["confidence"])
            tags.append({"testimonial_id": item.id, **tag, "counts": counts, "created_at": now})
        found = [(tag["theme"], tag["polarity"], tag["counts"]) for tag in tags[first:]]
        rows[-1].update(_list_orders(before.get(item.id), tags[first:])._asdict())
        count_analysis(changes, before.get(item.id), rows[-1]["polarity"], rows[-1]["sentiment_note"], found)
    unsynchronised = {"synchronize_session": False}  # the session holds none of these rows: nothing to refresh
    db.session.execute(update(Testimonial), rows)
    db.session.execute(
        delete(ThemeTag)
        .where(ThemeTag.testimonial_id.in_(ids), ThemeTag.source == TagSource.MACHINE)
        .execution_options(**unsynchronised)
    )
    if tags:
        db.session.execute(insert(ThemeTag), tags)
    defer_changes(changes)


def _list_orders(before: Before | None, machine_tags: Sequence[dict[str, Any]]) -> ListOrders:
    """A testimony's places in the list's orders by tags once its new machine's tags join people's."""
    people = (
        [TagFacts(theme, source, confidence) for theme, source, confidence, _, _ in before.people] if before else []
    )
    machine = [TagFacts(tag["theme"], TagSource.MACHINE, tag["confidence"]) for tag in machine_tags]
    return list_orders([*people, *machine])


def analyse_pending(testimony_ids: Sequence[int]) -> int:
    """Analyse those of these testimonies the current engine has not analysed; return how many."""
    items = load_for_analysis(and_(Testimonial.id.in_(testimony_ids), stale()))
    store_analyses(items, analyse_texts(items, current_engine()))
    return len(items)
