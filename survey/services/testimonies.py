"""Run the analysis engine on testimonies and store what it found."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from survey.analysis import Analysis
from survey.analysis.pipeline import analyse_in_this_process, use_in_this_process
from survey.extensions import db
from survey.models import Response, Survey, SurveyVersion, TagSource, Testimonial, ThemeTag
from survey.services.engine import current_engine
from survey.services.surveys import definition_of


def add_testimonial(response: Response, question: str, text: str, *, names: Iterable[str] = ()) -> Testimonial:
    """Store a testimony with its redacted text, language, sentiment and machine tags."""
    testimonial = Testimonial(response=response, question=question, raw_text=text)
    apply_analysis(testimonial, current_engine().analyse(text, language_hint=response.language, names=names))
    db.session.add(testimonial)
    return testimonial


def apply_analysis(testimonial: Testimonial, analysis: Analysis) -> None:
    """Replace a testimony's machine results with a new analysis; people's tags stay."""
    testimonial.redacted_text = analysis.redaction.text
    testimonial.redactions = [
        {"kind": s.kind, "start": s.new_start, "end": s.new_end} for s in analysis.redaction.spans
    ]
    testimonial.language = analysis.language.code
    testimonial.polarity = analysis.sentiment.polarity
    testimonial.subjectivity = analysis.sentiment.subjectivity
    reason = analysis.sentiment.reason
    testimonial.sentiment_note = reason.code if reason is not None else None
    testimonial.sentences = [
        {"start": s.start, "end": s.end, "polarity": s.sentiment.polarity} for s in analysis.sentences
    ]
    testimonial.analyser_version = analysis.analyser_version
    testimonial.codebook_version = analysis.codebook_version
    # Update the machine's tags in place: deleting and re-inserting the same theme in one flush
    # would meet the unique constraint before the delete.
    previous = {t.theme: t for t in testimonial.tags if t.source == TagSource.MACHINE}
    for result in analysis.themes:
        tag = previous.pop(result.match.theme, None)
        if tag is None:
            tag = ThemeTag(theme=result.match.theme, source=TagSource.MACHINE)
            testimonial.tags.append(tag)
        tag.confidence = result.match.confidence
        tag.polarity = result.polarity
        tag.evidence = [{"start": e.start, "end": e.end, "text": e.text, "term": e.term} for e in result.match.evidence]
    for stale in previous.values():
        testimonial.tags.remove(stale)


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
