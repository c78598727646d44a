"""The evaluator's summary of a survey: counts, themes, sentiment, distributions, quotes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Answer, Response, Site, Survey, SurveyVersion, Testimonial, ThemeTag
from survey.models.tag_rule import counted_clause
from survey.questionnaire import Definition, Question


@dataclass(frozen=True)
class SummaryFilters:
    """What the evaluator narrowed the summary to."""

    site_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ThemeRow:
    """One theme's share of testimonies and the mean sentiment of the sentences carrying it."""

    key: str
    count: int | None  # None: fewer than the minimum group size
    share: float | None
    mean_polarity: float | None
    scored: int


@dataclass(frozen=True)
class Distribution:
    """The answers to a five-point question: count per choice, in the order the form lists them."""

    question: Question
    counts: tuple[int | None, ...]  # None: fewer than the minimum group size
    total: int


@dataclass
class Summary:
    """Everything the summary page shows; counts under the minimum group size are withheld."""

    responses: int | None  # None when suppressed: even the total of a small group is not shown
    testimonials: int | None
    suppressed: bool
    by_site: list[tuple[Site, int | None]] = field(default_factory=list)
    by_week: list[tuple[date, int | None]] = field(default_factory=list)
    small_sites: set[int] = field(default_factory=set)  # their quotes are shown without the place
    themes: list[ThemeRow] = field(default_factory=list)
    sentiment_mean: float | None = None
    sentiment_scored: int = 0
    not_scored: list[tuple[str | None, int]] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    quotes: list[Testimonial] = field(default_factory=list)


def _conditions(survey: Survey, filters: SummaryFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Response.survey_version_id.in_(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))
    ]
    if filters.site_id is not None:
        conditions.append(Response.site_id == filters.site_id)
    if filters.date_from is not None:
        conditions.append(Response.submitted_at >= _start_of(filters.date_from))
    if filters.date_to is not None:
        conditions.append(Response.submitted_at < _start_of(filters.date_to + timedelta(days=1)))
    return conditions


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _scalar(query: Select[Any]) -> int:
    return int(db.session.scalar(query) or 0)


def summarise_survey(
    survey: Survey, definition: Definition, filters: SummaryFilters, *, min_group: int, quotes: int = 12
) -> Summary:
    """Summarise the responses to every version of a survey that match the filters."""
    where = and_(*_conditions(survey, filters))
    responses = _scalar(select(func.count(Response.id)).where(where))
    testimonials = _scalar(select(func.count(Testimonial.id)).join(Response).where(where))
    if responses < min_group:
        return Summary(None, None, suppressed=True)
    summary = Summary(responses, testimonials, suppressed=False)
    summary.by_site, summary.small_sites = _by_site(where, min_group)
    summary.by_week = [(week, _at_least(n, min_group)) for week, n in _by_week(where)]
    summary.themes = _themes(where, testimonials, min_group)
    _sentiment(summary, where)
    summary.distributions = _distributions(where, definition, min_group)
    summary.quotes = list(
        db.session.scalars(
            select(Testimonial)
            .join(Response)
            .where(where)
            .options(selectinload(Testimonial.tags), selectinload(Testimonial.response).selectinload(Response.site))
            .order_by(Response.submitted_at.desc(), Testimonial.id.desc())
            .limit(quotes)
        )
    )
    return summary


def _at_least(count: int, min_group: int) -> int | None:
    """A count, or None when it is so small (but not zero) that it could point at people."""
    return count if count >= min_group or count == 0 else None


def _by_site(where: ColumnElement[bool], min_group: int) -> tuple[list[tuple[Site, int | None]], set[int]]:
    """Responses per site; small sites are withheld, and a second one too when only one is, so that
    the total minus the others does not give the small one away."""
    rows = db.session.execute(
        select(Site, func.count(Response.id))
        .join(Response, Response.site_id == Site.id)
        .where(where)
        .group_by(Site.id)
        .order_by(func.count(Response.id).desc())
    ).all()
    small = {site.id for site, count in rows if count < min_group}
    if len(small) == 1 and len(rows) > 1:
        shown = [(count, site.id) for site, count in rows if site.id not in small]
        small_site = next(site.id for site, _ in rows if site.id in small)
        small |= {min(shown)[1]}
        return [(site, None if site.id in small else count) for site, count in rows], {small_site}
    return [(site, None if site.id in small else count) for site, count in rows], small


def _by_week(where: ColumnElement[bool]) -> list[tuple[date, int]]:
    day = func.date(Response.submitted_at)
    weeks: dict[date, int] = defaultdict(int)
    for value, count in db.session.execute(select(day, func.count(Response.id)).where(where).group_by(day)):
        as_date = value if isinstance(value, date) else date.fromisoformat(str(value))
        weeks[as_date - timedelta(days=as_date.weekday())] += count
    if not weeks:
        return []
    first, last = min(weeks), max(weeks)
    span = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    return [(week, weeks.get(week, 0)) for week in span]


def _themes(where: ColumnElement[bool], testimonials: int, min_group: int) -> list[ThemeRow]:
    rows = db.session.execute(
        select(
            ThemeTag.theme,
            func.count(func.distinct(ThemeTag.testimonial_id)),
            func.avg(ThemeTag.polarity),
            func.count(ThemeTag.polarity),
        )
        .join(Testimonial, ThemeTag.testimonial_id == Testimonial.id)
        .join(Response, Testimonial.response_id == Response.id)
        .where(where, ~ThemeTag.theme.contains("."), counted_clause(ThemeTag))
        .group_by(ThemeTag.theme)
        .order_by(func.count(func.distinct(ThemeTag.testimonial_id)).desc(), ThemeTag.theme)
    ).all()
    result = []
    for key, count, mean, scored in rows:
        if count < min_group:  # neither the count nor its share nor its mean: all give the group away
            result.append(ThemeRow(key, None, None, None, 0))
        else:
            share = count / testimonials if testimonials else 0.0
            polarity = None if mean is None or scored < min_group else float(mean)
            result.append(ThemeRow(key, count, share, polarity, scored))
    return result


def _sentiment(summary: Summary, where: ColumnElement[bool]) -> None:
    mean, scored = db.session.execute(
        select(func.avg(Testimonial.polarity), func.count(Testimonial.polarity)).join(Response).where(where)
    ).one()
    summary.sentiment_mean = None if mean is None else float(mean)
    summary.sentiment_scored = int(scored)
    summary.not_scored = [
        (reason, int(count))
        for reason, count in db.session.execute(
            select(Testimonial.sentiment_note, func.count(Testimonial.id))
            .join(Response)
            .where(where, Testimonial.polarity.is_(None))
            .group_by(Testimonial.sentiment_note)
        )
    ]


def _distributions(where: ColumnElement[bool], definition: Definition, min_group: int) -> list[Distribution]:
    """Counts per choice of each five-point question, matched by the choice's name."""
    questions = definition.likert_questions
    counts: dict[str, dict[str, int]] = {q.name: {} for q in questions}
    rows = db.session.execute(
        select(Answer.question, Answer.value_text, func.count(Answer.id))
        .join(Response)
        .where(where, Answer.question.in_(counts))
        .group_by(Answer.question, Answer.value_text)
    )
    for question, value, count in rows:
        counts[question][str(value)] = count
    result = []
    for q in questions:
        per_choice = [counts[q.name].get(c.name, 0) for c in q.choices]
        result.append(Distribution(q, tuple(_at_least(n, min_group) for n in per_choice), sum(per_choice)))
    return result
