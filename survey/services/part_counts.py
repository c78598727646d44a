"""A survey's counts per site, month and part, grouped in SQL, for the disclosure control to protect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, case, distinct, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from survey import disclosure
from survey.disclosure import ALL, GAVE_TESTIMONY, NOT_SCORED, RESPONSES, SENTIMENT, TESTIMONIES, YES, Key, Partition
from survey.extensions import db
from survey.models import Answer, Response, Survey, SurveyVersion, Testimonial, ThemeTag
from survey.models.tag_rule import counted_clause
from survey.questionnaire import Definition

# A testimony is neutral within this distance of zero, as the summary's sentiment marks draw it.
NEUTRAL_WITHIN = 0.05


class month_of(FunctionElement[str]):  # noqa: N801 (named like the SQL functions it stands for)
    """The UTC month of a timestamp as "YYYY-MM", one expression per database."""

    type = String()
    name = "month_of"
    inherit_cache = True


@compiles(month_of)
def _month_in_sqlite(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(func.strftime("%Y-%m", *element.clauses), **kw)  # SQLite keeps UTC text


@compiles(month_of, "postgresql")
def _month_in_postgresql(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(func.to_char(func.timezone("UTC", *element.clauses), "YYYY-MM"), **kw)


@dataclass
class PartCounts:
    """Counts and polarity sums per (site, month, statistic, part), and the partitions they fill."""

    counts: dict[Key, int] = field(default_factory=dict)
    measures: dict[Key, tuple[float, int]] = field(default_factory=dict)
    partitions: list[Partition] = field(default_factory=list)


def count_parts(survey: Survey, definition: Definition) -> PartCounts:
    """Count every response, answer, testimony, sentiment band and theme of a survey per site and month."""
    of_survey = Response.survey_version_id.in_(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))
    month = month_of(Response.submitted_at).label("month_key")
    result = PartCounts()
    rows = db.session.execute(
        select(Response.site_id, month, func.count(Response.id))
        .where(of_survey)
        .group_by(Response.site_id, "month_key")
    )
    result.counts.update({(site, m, RESPONSES, ALL): n for site, m, n in rows})
    _count_answers(result, definition, of_survey, month)
    _count_testimonies(result, of_survey, month)
    _count_themes(result, of_survey, month)
    return result


def _count_answers(result: PartCounts, definition: Definition, of_survey: ColumnElement[bool], month: Any) -> None:
    choices = {q.name: [c.name for c in q.choices] for q in definition.likert_questions}
    rows = db.session.execute(
        select(Response.site_id, month, Answer.question, Answer.value_text, func.count(Answer.id))
        .join(Response)
        .where(of_survey, Answer.question.in_(choices))
        .group_by(Response.site_id, "month_key", Answer.question, Answer.value_text)
    )
    for site, m, question, value, n in rows:
        if value in choices[question]:  # anything else counts with "no answer"
            result.counts[site, m, f"answer:{question}", value] = n
    result.partitions += [disclosure.answer_partition(q, names) for q, names in choices.items()]


def _count_testimonies(result: PartCounts, of_survey: ColumnElement[bool], month: Any) -> None:
    rows = db.session.execute(
        select(Response.site_id, month, func.count(Testimonial.id), func.count(distinct(Testimonial.response_id)))
        .join(Response)
        .where(of_survey)
        .group_by(Response.site_id, "month_key")
    )
    for site, m, testimonies, responses in rows:
        result.counts[site, m, TESTIMONIES, ALL] = testimonies
        result.counts[site, m, GAVE_TESTIMONY.statistic, YES] = responses
    polarity = Testimonial.polarity
    band = case(
        (polarity.is_(None), literal(NOT_SCORED) + func.coalesce(Testimonial.sentiment_note, "")),
        (polarity < -NEUTRAL_WITHIN, "negative"),
        (polarity > NEUTRAL_WITHIN, "positive"),
        else_="neutral",
    ).label("band")
    rows = db.session.execute(
        select(Response.site_id, month, band, func.count(Testimonial.id), func.sum(polarity), func.count(polarity))
        .join(Response)
        .where(of_survey)
        .group_by(Response.site_id, "month_key", "band")
    )
    reasons = set()
    for site, m, part, n, total, scored in rows:
        result.counts[site, m, SENTIMENT, part] = n
        result.measures[site, m, SENTIMENT, part] = (float(total or 0.0), scored)
        if part.startswith(NOT_SCORED):
            reasons.add(part.removeprefix(NOT_SCORED))
    result.partitions.append(disclosure.sentiment_partition(reasons))


def _count_themes(result: PartCounts, of_survey: ColumnElement[bool], month: Any) -> None:
    rows = db.session.execute(
        select(
            Response.site_id,
            month,
            ThemeTag.theme,
            func.count(distinct(ThemeTag.testimonial_id)),
            func.sum(ThemeTag.polarity),
            func.count(ThemeTag.polarity),
        )
        .join(Testimonial, ThemeTag.testimonial_id == Testimonial.id)
        .join(Response, Testimonial.response_id == Response.id)
        .where(of_survey, ~ThemeTag.theme.contains("."), counted_clause(ThemeTag))
        .group_by(Response.site_id, "month_key", ThemeTag.theme)
    )
    themes = set()
    for site, m, theme, n, total, scored in rows:
        result.counts[site, m, f"theme:{theme}", YES] = n
        result.measures[site, m, f"theme:{theme}", YES] = (float(total or 0.0), scored)
        themes.add(theme)
    result.partitions += [disclosure.theme_partition(t) for t in sorted(themes)]
