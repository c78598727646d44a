"""The evaluator's summary of a survey: counts, themes, sentiment, distributions, quotes.

Every count goes through survey.disclosure: it adds up only the published parts of the atoms (a site's
months merged until they hold MIN_GROUP_SIZE responses) that the filters include.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import selectinload

from survey.disclosure import (
    ALL,
    BANDS,
    NOT_SCORED,
    RESPONSES,
    SENTIMENT,
    TESTIMONIES,
    YES,
    Month,
    View,
    protect,
    protect_crosstabs,
)
from survey.extensions import db
from survey.models import Response, Site, Survey, SurveyVersion, Testimonial
from survey.questionnaire import Definition, Question
from survey.services.crosstabs import CrossTabSummary, by_questions, count_joint, crosstabs_of, summarise_crosstab
from survey.services.explore import PublishedView, in_atoms, stored_months
from survey.services.monthly_voices import THEMES_BY_MONTH, MonthVoices, voices_by_month
from survey.services.part_counts import count_parts, numeric
from survey.services.question_summaries import (
    Breakdown,
    NumberSummary,
    QuestionSummary,
    break_down_by_site,
    summarise_choices,
    summarise_number,
)
from survey.services.raw_counts import month_of
from survey.services.repeat_summaries import RepeatBreakdown, RepeatSummary, summarise_repeats
from survey.services.sites import sites_chosen


@dataclass(frozen=True)
class SummaryFilters:
    """What the evaluator narrowed the summary to: a site or a region, and a range of months ("YYYY-MM")."""

    site_id: int | None = None
    month_from: Month | None = None
    month_to: Month | None = None
    by_site: bool = False  # break every select question down by site
    by_question: str | None = None  # or by the answers to this select-one question
    region: tuple[str, str] | None = None  # a country code and one of its regions; a site chosen comes first


@dataclass(frozen=True)
class ThemeRow:
    """One theme's share of testimonies and the mean sentiment of the sentences carrying it."""

    key: str
    count: int
    share: float  # of the testimonies in the atoms where the theme is published
    mean_polarity: float | None  # None: not enough scored sentences to show one


@dataclass
class Summary:
    """Everything the summary page shows; each count adds up only parts that may be published."""

    responses: int | None  # None when nothing can be shown: no total for a small group either
    testimonials: int | None
    suppressed: bool
    by_site: list[tuple[Site, int | None]] = field(default_factory=list)  # None: a site under the minimum
    by_month: list[tuple[Month, int]] = field(default_factory=list)
    themes: list[ThemeRow] = field(default_factory=list)
    sentiment_mean: float | None = None
    sentiment_scored: int = 0
    spans: dict[object, tuple[Month, Month]] = field(default_factory=dict)  # per site, the months shown
    not_scored: list[tuple[str | None, int]] = field(default_factory=list)
    questions: list[QuestionSummary] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    by_question: Question | None = None  # the question the cross-tabs break the others down by
    crosstabs: list[CrossTabSummary] = field(default_factory=list)
    numbers: list[NumberSummary] = field(default_factory=list)
    repeats: list[RepeatSummary] = field(default_factory=list)  # questions asked in each instance of a repeat
    repeat_breakdowns: list[RepeatBreakdown] = field(default_factory=list)
    site_names: dict[object, str] = field(default_factory=dict)  # every site a breakdown names
    quotes: list[Testimonial] = field(default_factory=list)
    monthly: list[MonthVoices] = field(default_factory=list)  # beside other evidence, month by month


def summarise_survey(
    survey: Survey,
    definition: Definition,
    filters: SummaryFilters,
    *,
    min_group: int,
    block: int = 0,
    quotes: int = 12,
) -> Summary:
    """Summarise the responses to every version of a survey that the filters include."""
    parts = count_parts(survey, definition)
    protected = protect(parts.counts, parts.partitions, min_group, parts.measures, block=block)
    by = next((q for q in by_questions(definition) if q.name == filters.by_question), None)
    tables = crosstabs_of(definition, by) if by is not None else []
    if tables:
        protected = protect_crosstabs(protected, parts.counts, count_joint(survey, tables), tables)
    sites = sites_chosen(filters.site_id, filters.region)
    view = PublishedView(protected, sites, filters.month_from, filters.month_to)
    view.stored = stored_months(parts.counts)  # so that the quotes test only the months they must
    responses = view.count(RESPONSES).value
    if responses < min_group:  # no atom: nothing can be shown, not even how few
        return Summary(None, None, suppressed=True)
    testimonials = view.count(TESTIMONIES).value
    summary = Summary(responses, testimonials, suppressed=False)
    summary.by_site = _by_site(view, protected.small_sites, sites)
    summary.by_month = [(m, figure.value) for m, figure in view.by_month().items()]
    summary.spans = view.spans()
    summary.themes = _themes(view, [p.statistic for p in parts.partitions])
    main_themes = [row.key for row in summary.themes[:THEMES_BY_MONTH]]
    summary.monthly = voices_by_month(protected, sites, [m for m, _ in summary.by_month], main_themes)
    summary.sentiment_mean, _ = view.mean(SENTIMENT, BANDS)
    summary.sentiment_scored = sum(view.count(SENTIMENT, band).value for band in BANDS)
    sentiment = next(p for p in parts.partitions if p.statistic == SENTIMENT)
    summary.not_scored = [
        (part.removeprefix(NOT_SCORED) or None, n)
        for part in sentiment.parts
        if part.startswith(NOT_SCORED) and (n := view.count(SENTIMENT, part).value)
    ]
    summary.questions = summarise_choices(view, definition)
    summary.numbers = [summarise_number(view, q, parts.edges.get(q.name, []), min_group) for q in numeric(definition)]
    narrowed = shown_in(summary.spans) if len(view.atoms) < len(protected.atoms) else None
    summary.repeats, summary.repeat_breakdowns = summarise_repeats(
        survey, definition, view, narrowed, by_site=filters.by_site
    )
    if filters.by_site:
        months = (filters.month_from, filters.month_to)
        summary.breakdowns = [break_down_by_site(protected, view, q.question, months) for q in summary.questions]
        summary.site_names = {site.id: site.display_name for site, _ in summary.by_site}
    if by is not None:
        summary.by_question = by
        summary.crosstabs = [summarise_crosstab(view, t, by, definition.question(t.question)) for t in tables]
    summary.quotes = _quotes(survey, view, quotes)
    return summary


def _by_site(view: View, small_sites: frozenset[object], sites: set[int] | None) -> list[tuple[Site, int | None]]:
    """Responses per site in the view; a site under the minimum group size is named without a number."""
    counts: dict[object, int | None] = {s: f.value for s, f in view.by_site().items() if s is not None}
    counts |= {s: None for s in small_sites if s is not None and (sites is None or s in sites)}
    known = {site.id: site for site in db.session.scalars(select(Site).where(Site.id.in_(list(counts))))}
    rows = [(known[s], n) for s, n in counts.items() if s in known]
    return sorted(rows, key=lambda row: (row[1] is None, -(row[1] or 0), row[0].name))


def _themes(view: View, statistics: list[str]) -> list[ThemeRow]:
    rows = []
    for statistic in statistics:
        if not statistic.startswith("theme:") or not (figure := view.count(statistic, YES)).value:
            continue
        # A share of the testimonies where the theme could be counted: elsewhere it is not known.
        counted_in = view.count(TESTIMONIES, ALL, figure.sources).value
        mean, _ = view.mean(statistic, [YES])  # only parts of at least k scored sentences count in it
        rows.append(ThemeRow(statistic.removeprefix("theme:"), figure.value, figure.value / counted_in, mean))
    return sorted(rows, key=lambda row: (-row.count, row.key))


def shown_in(spans: dict[object, tuple[Month, Month]]) -> ColumnElement[bool]:
    """Whether a response belongs to the atoms a summary shows (a condition on Response)."""
    month = month_of(Response.submitted_at)
    return or_(
        false(),
        *[
            and_(Response.site_id.is_(None) if site is None else Response.site_id == site, month.between(first, last))
            for site, (first, last) in spans.items()
        ],
    )


def _quotes(survey: Survey, view: PublishedView, limit: int) -> list[Testimonial]:
    """The most recent testimonies of the atoms in the view, and of no other.

    Each version's newest are read on their own, from the index on a version's responses by time, as far
    as the quotes go (the months tested only where the atoms leave some out), then merged: asked for
    several versions at once, the databases read every response of the survey and sort them all.
    """
    shown = in_atoms(view)
    newest: list[tuple[datetime, int]] = []
    for version_id in db.session.scalars(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id)):
        newest += [
            (submitted_at, testimonial_id)
            for submitted_at, testimonial_id in db.session.execute(
                select(Response.submitted_at, Testimonial.id)
                .join(Response)
                .where(Response.survey_version_id == version_id, shown)
                .order_by(Response.submitted_at.desc(), Testimonial.id.desc())
                .limit(limit)
            )
        ]
    ids = [testimonial_id for _, testimonial_id in sorted(newest, reverse=True)[:limit]]
    found = db.session.scalars(
        select(Testimonial)
        .where(Testimonial.id.in_(ids))
        .options(selectinload(Testimonial.tags), selectinload(Testimonial.response).selectinload(Response.site))
    )
    by_id = {item.id: item for item in found}
    return [by_id[i] for i in ids]
