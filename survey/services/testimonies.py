"""Run the analysis engine on testimonies and store what it found."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, insert, or_, select, update

from survey.analysis import Analysis
from survey.analysis.pipeline import ThemeResult, analyse_in_this_process, use_in_this_process
from survey.extensions import db
from survey.models import Answer, Response, Survey, SurveyVersion, TagSource, Testimonial, ThemeTag
from survey.models.base import table_of, utcnow
from survey.services.engine import current_engine
from survey.services.surveys import definition_of

NOT_ANALYSED = ""  # the analyser version of a testimony stored before its analysis: out of date for any rerun


def add_testimonial(response: Response, question: str, text: str, *, names: Iterable[str] = ()) -> Testimonial:
    """Store a testimony with its redacted text, language, sentiment and machine tags."""
    testimonial = Testimonial(response=response, question=question, raw_text=text)
    apply_analysis(testimonial, current_engine().analyse(text, language_hint=response.language, names=names))
    db.session.add(testimonial)
    return testimonial


def analysed_fields(analysis: Analysis) -> dict[str, Any]:
    """What an analysis sets on a testimony, by column."""
    reason = analysis.sentiment.reason
    return {
        "redacted_text": analysis.redaction.text,
        "redactions": [{"kind": s.kind, "start": s.new_start, "end": s.new_end} for s in analysis.redaction.spans],
        "language": analysis.language.code,
        "polarity": analysis.sentiment.polarity,
        "subjectivity": analysis.sentiment.subjectivity,
        "sentiment_note": reason.code if reason is not None else None,
        "sentences": [{"start": s.start, "end": s.end, "polarity": s.sentiment.polarity} for s in analysis.sentences],
        "analyser_version": analysis.analyser_version,
        "codebook_version": analysis.codebook_version,
    }


def machine_tag_fields(result: ThemeResult) -> dict[str, Any]:
    """What a theme the machine found sets on its tag, by column."""
    return {
        "confidence": result.match.confidence,
        "polarity": result.polarity,
        "evidence": [{"start": e.start, "end": e.end, "text": e.text, "term": e.term} for e in result.match.evidence],
    }


def apply_analysis(testimonial: Testimonial, analysis: Analysis) -> None:
    """Replace a testimony's machine results with a new analysis; people's tags stay."""
    for name, value in analysed_fields(analysis).items():
        setattr(testimonial, name, value)
    # Update the machine's tags in place: deleting and re-inserting the same theme in one flush
    # would meet the unique constraint before the delete.
    previous = {t.theme: t for t in testimonial.tags if t.source == TagSource.MACHINE}
    for result in analysis.themes:
        tag = previous.pop(result.match.theme, None)
        if tag is None:
            tag = ThemeTag(theme=result.match.theme, source=TagSource.MACHINE)
            testimonial.tags.append(tag)
        for name, value in machine_tag_fields(result).items():
            setattr(tag, name, value)
    for stale in previous.values():
        testimonial.tags.remove(stale)


def analyse_stored_testimonies(ids: Sequence[int]) -> None:
    """Analyse stored testimonies in one pass of the engine; store the results and the machine's tags in bulk.

    The submissions' path calls this once a batch, after storing the testimonies, in the same
    transaction. It reads what it needs by id and replaces any machine results already there, so
    running it twice on the same testimonies leaves the same results.
    """
    if not ids:
        return
    rows = db.session.execute(
        select(
            Testimonial.id, Testimonial.raw_text, Testimonial.response_id, Response.language, Response.survey_version_id
        )
        .join(Response, Testimonial.response_id == Response.id)
        .where(Testimonial.id.in_(ids))
        .order_by(Testimonial.id)
    ).all()
    names = _names_given({(row.response_id, row.survey_version_id) for row in rows})
    analyses = current_engine().analyse_batch(
        [row.raw_text for row in rows],
        language_hints=[row.language for row in rows],
        names=[names.get(row.response_id, []) for row in rows],
    )
    now = utcnow()
    testimonies = table_of(Testimonial)
    db.session.execute(
        update(testimonies).where(testimonies.c.id == bindparam("testimony_id")),
        [
            {"testimony_id": row.id, "analysed_at": now, **analysed_fields(a)}
            for row, a in zip(rows, analyses, strict=True)
        ],
    )
    analysed = [row.id for row in rows]
    db.session.execute(
        delete(ThemeTag)
        .where(ThemeTag.testimonial_id.in_(analysed), ThemeTag.source == TagSource.MACHINE)
        .execution_options(synchronize_session=False)
    )
    tags = [
        {"testimonial_id": row.id, "theme": t.match.theme, "source": TagSource.MACHINE, "created_at": now}
        | machine_tag_fields(t)
        for row, a in zip(rows, analyses, strict=True)
        for t in a.themes
    ]
    if tags:
        db.session.execute(insert(table_of(ThemeTag)), tags)


def _names_given(responses: set[tuple[int, int]]) -> dict[int, list[str]]:
    """The answers to personal questions (names, contacts) of each response, in question order: the
    words redaction removes from its testimonies."""
    personal: dict[int, list[str]] = {}
    for version_id in {version_id for _, version_id in responses}:
        version = db.session.get_one(SurveyVersion, version_id)  # the batch read it: no query
        personal[version_id] = [q.name for q in definition_of(version).questions if q.personal]
    asked = {name for names in personal.values() for name in names}
    if not asked:
        return {}
    rows = db.session.execute(
        select(Answer.response_id, Answer.question, Answer.value_text).where(
            Answer.response_id.in_([response_id for response_id, _ in responses]), Answer.question.in_(asked)
        )
    ).all()
    given = {(row.response_id, row.question): row.value_text for row in rows if row.value_text}
    return {
        response_id: [given[response_id, q] for q in personal[version_id] if (response_id, q) in given]
        for response_id, version_id in responses
    }


def current_versions() -> tuple[str, str]:
    """The analyser and codebook versions a fresh analysis would carry."""
    engine = current_engine()
    return engine.analyser_version, engine.codebook_version


def _stale() -> ColumnElement[bool]:
    analyser, book = current_versions()
    return or_(Testimonial.analyser_version != analyser, Testimonial.codebook_version != book)


def _in_survey(query: Select[Any], survey_slug: str | None) -> Select[Any]:
    if survey_slug is None:
        return query
    return query.join(Response).join(SurveyVersion).join(Survey).where(Survey.slug == survey_slug)


def out_of_date(survey_slug: str | None = None, after_id: int = 0, limit: int = 200) -> list[Testimonial]:
    """Testimonies analysed by another analyser or codebook version, in id order after `after_id`."""
    query = _in_survey(select(Testimonial).where(Testimonial.id > after_id, _stale()), survey_slug)
    return list(db.session.scalars(query.order_by(Testimonial.id).limit(limit)))


def count_out_of_date(survey_slug: str | None = None) -> int:
    """How many testimonies a rerun would analyse again."""
    query = _in_survey(select(func.count(Testimonial.id)).where(_stale()), survey_slug)
    return int(db.session.scalar(query) or 0)


Inputs = tuple[list[str], list[str | None], list[list[str]]]  # texts, language hints, names to redact


def _inputs(testimonials: list[Testimonial]) -> Inputs:
    """What the engine needs of stored testimonies: each text, its form's language and the names given."""
    personal_questions: dict[int, set[str]] = {}
    names = []
    for t in testimonials:
        version = t.response.survey_version
        if version.id not in personal_questions:
            personal_questions[version.id] = {q.name for q in definition_of(version).questions if q.personal}
        personal = personal_questions[version.id]
        names.append([a.value_text or "" for a in t.response.answers if a.question in personal])
    return [t.raw_text for t in testimonials], [t.response.language for t in testimonials], names


def _apply_all(testimonials: list[Testimonial], analyses: list[Analysis]) -> None:
    for testimonial, analysis in zip(testimonials, analyses, strict=True):
        apply_analysis(testimonial, analysis)
    db.session.flush()


def reanalyse(testimonials: list[Testimonial]) -> None:
    """Analyse testimonies again with the current engine, codebook and learned codebook."""
    texts, hints, names = _inputs(testimonials)
    _apply_all(testimonials, current_engine().analyse_batch(texts, language_hints=hints, names=names))


def default_workers() -> int:
    """One worker process per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def reanalyse_out_of_date(survey_slug: str | None = None, *, batch: int = 200, workers: int = 1) -> Iterator[int]:
    """Analyse again every out-of-date testimony, batch by batch, in id order; yield each batch's
    size once its results are flushed, for the caller to commit.

    With several workers the analysis runs in a pool of processes, a few batches ahead of the
    database, while this process reads the testimonies and writes the results; committing each
    batch as it comes keeps a run resumable where it stopped.
    """
    after = 0
    workers = min(workers, -(-count_out_of_date(survey_slug) // batch))  # no more processes than batches
    if workers < 2:
        while items := out_of_date(survey_slug, after_id=after, limit=batch):
            reanalyse(items)
            after = items[-1].id
            yield len(items)
        return
    pending: deque[tuple[list[Testimonial], Future[list[Analysis]]]] = deque()
    # Spawned workers start clean: nothing of this process (its database connections) goes with them.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=use_in_this_process, initargs=(current_engine(),)
    ) as pool:
        while True:
            while len(pending) < 2 * workers and (items := out_of_date(survey_slug, after_id=after, limit=batch)):
                after = items[-1].id
                pending.append((items, pool.submit(analyse_in_this_process, *_inputs(items))))
            if not pending:
                return
            items, future = pending.popleft()
            _apply_all(items, future.result())
            yield len(items)
