"""The summary's counts grouped in SQL from the raw rows, per survey version, site and month.

These queries fill the rollup (survey.services.rollups), for a few cells as rows change or for
everything at once, and are what a test compares the rollup with.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, case, distinct, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from survey.disclosure import ALL, GAVE_TESTIMONY, NOT_SCORED, RESPONSES, SENTIMENT, SENTIMENT_SQUARES, TESTIMONIES, YES
from survey.extensions import db
from survey.models import Answer, Response, SurveyVersion, Testimonial, ThemeTag
from survey.services.surveys import definition_of

# A testimony is neutral within this distance of zero, as the summary's sentiment marks draw it.
NEUTRAL_WITHIN = 0.05

NUMBER = "number:"  # followed by a question's name: its answers counted by fine bin
NUMBER_TYPES = frozenset({"integer", "decimal"})

CountRow = dict[str, Any]  # a row of the summary_count table, without its id
JointRow = dict[str, Any]  # a row of the joint_count table, without its id
GROUPED = (Response.survey_version_id, Response.site_id, "month_key")  # a cell


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


def _row(
    cell: tuple[int, int | None, str], statistic: str, part: str, n: int, total: Any = 0.0, scored: int = 0
) -> CountRow:
    version, site, month = cell
    return {
        "survey_version_id": version,
        "site_id": site,
        "month": month,
        "statistic": statistic,
        "part": part,
        "count": int(n),
        "polarity_sum": float(total or 0.0),
        "polarity_count": int(scored or 0),
    }


def count_raw(where: ColumnElement[bool], versions: Collection[int]) -> list[CountRow]:
    """Count the responses that `where` selects, with their answers, testimonies, sentiment bands and
    counted themes, per survey version, site and month; versions holds every version among them."""
    month = month_of(Response.submitted_at).label("month_key")
    query = select(Response.survey_version_id, Response.site_id, month, func.count(Response.id))
    rows = [
        _row((v, s, m), RESPONSES, ALL, n) for v, s, m, n in db.session.execute(query.where(where).group_by(*GROUPED))
    ]
    rows += _count_answers(where, versions, month)
    rows += _count_numbers(where, versions, month)
    rows += _count_testimonies(where, month)
    rows += _count_themes(where, month)
    return rows


def number_part(value: float) -> str:
    """The fine bin of a number as "<k>e<exponent>": [k, k + 1) times 10**exponent, two significant
    digits wide, so that the summary can merge fine bins into the few a histogram shows."""
    if value == 0 or not math.isfinite(value):
        return "0e0"
    exponent = math.floor(math.log10(abs(value))) - 1
    return f"{math.floor(value / 10.0**exponent)}e{exponent}"


def _choice_questions(versions: Collection[int]) -> dict[int, frozenset[str]]:
    """The questions answered from a list of choices, by version: their answers are counted."""
    found = db.session.scalars(select(SurveyVersion).where(SurveyVersion.id.in_(list(versions))))
    return {v.id: frozenset(q.name for q in definition_of(v).questions if q.choices) for v in found}


def _count_answers(where: ColumnElement[bool], versions: Collection[int], month: Any) -> list[CountRow]:
    questions = _choice_questions(versions)
    names = sorted(set().union(*questions.values()))
    if not names:
        return []
    query = (
        select(
            Response.survey_version_id,
            Response.site_id,
            month,
            Answer.question,
            Answer.value_text,
            func.count(Answer.id),
        )
        .join(Response)
        .where(where, Answer.question.in_(names), Answer.value_text.is_not(None))
        .group_by(*GROUPED, Answer.question, Answer.value_text)
    )
    return [
        _row((v, s, m), f"answer:{question}", value, n)
        for v, s, m, question, value, n in db.session.execute(query)
        if question in questions.get(v, ())
    ]


def number_questions(versions: Collection[int]) -> dict[int, frozenset[str]]:
    """The questions answered with a number (integer, decimal), by version: their answers are binned."""
    found = db.session.scalars(select(SurveyVersion).where(SurveyVersion.id.in_(list(versions))))
    return {v.id: frozenset(q.name for q in definition_of(v).questions if q.type in NUMBER_TYPES) for v in found}


def _count_numbers(where: ColumnElement[bool], versions: Collection[int], month: Any) -> list[CountRow]:
    questions = number_questions(versions)
    names = sorted(set().union(*questions.values()))
    if not names:
        return []
    query = (
        select(
            Response.survey_version_id,
            Response.site_id,
            month,
            Answer.question,
            Answer.value_number,
            func.count(Answer.id),
        )
        .join(Response)
        .where(where, Answer.question.in_(names), Answer.value_number.is_not(None))
        .group_by(*GROUPED, Answer.question, Answer.value_number)
    )
    binned: Counter[tuple[int, int | None, str, str, str]] = Counter()
    for v, s, m, question, value, n in db.session.execute(query):
        if question in questions.get(v, ()):
            binned[v, s, m, NUMBER + question, number_part(value)] += n
    return [_row((v, s, m), statistic, part, n) for (v, s, m, statistic, part), n in binned.items()]


def _count_testimonies(where: ColumnElement[bool], month: Any) -> list[CountRow]:
    query = (
        select(
            Response.survey_version_id,
            Response.site_id,
            month,
            func.count(Testimonial.id),
            func.count(distinct(Testimonial.response_id)),
        )
        .join(Response)
        .where(where)
        .group_by(*GROUPED)
    )
    rows = []
    for v, s, m, testimonies, responses in db.session.execute(query):
        rows += [
            _row((v, s, m), TESTIMONIES, ALL, testimonies),
            _row((v, s, m), GAVE_TESTIMONY.statistic, YES, responses),
        ]
    polarity = Testimonial.polarity
    band = case(
        (polarity.is_(None), literal(NOT_SCORED) + func.coalesce(Testimonial.sentiment_note, "")),
        (polarity < -NEUTRAL_WITHIN, "negative"),
        (polarity > NEUTRAL_WITHIN, "positive"),
        else_="neutral",
    ).label("band")
    query = (
        select(
            Response.survey_version_id,
            Response.site_id,
            month,
            band,
            func.count(Testimonial.id),
            func.sum(polarity),
            func.count(polarity),
            func.sum(polarity * polarity),
        )
        .join(Response)
        .where(where)
        .group_by(*GROUPED, "band")
    )
    for v, s, m, part, n, total, scored, squares in db.session.execute(query):
        rows.append(_row((v, s, m), SENTIMENT, part, n, total, scored))
        rows.append(_row((v, s, m), SENTIMENT_SQUARES, part, n, squares, scored))
    return rows


def _count_themes(where: ColumnElement[bool], month: Any) -> list[CountRow]:
    query = (
        select(
            Response.survey_version_id,
            Response.site_id,
            month,
            ThemeTag.theme,
            func.count(distinct(ThemeTag.testimonial_id)),
            func.sum(ThemeTag.polarity),
            func.count(ThemeTag.polarity),
        )
        .join(Testimonial, ThemeTag.testimonial_id == Testimonial.id)
        .join(Response, Testimonial.response_id == Response.id)
        .where(where, ~ThemeTag.theme.contains("."), ThemeTag.counts)
        .group_by(*GROUPED, ThemeTag.theme)
    )
    return [
        _row((v, s, m), f"theme:{theme}", YES, n, total, scored)
        for v, s, m, theme, n, total, scored in db.session.execute(query)
    ]


def by_questions(versions: Collection[int]) -> dict[int, frozenset[str]]:
    """The select-one questions with choices, by version: a cross-tab's rows can be their answers."""
    found = db.session.scalars(select(SurveyVersion).where(SurveyVersion.id.in_(list(versions))))
    return {v.id: frozenset(by_question_names(definition_of(v).questions)) for v in found}


def by_question_names(questions: Iterable[Any]) -> list[str]:
    """Which of a definition's questions a cross-tab can break another down by: select-one with choices."""
    return [q.name for q in questions if q.type == "select_one" and q.choices]


def joint_row(cell: tuple[int, int | None, str], by: str, by_choice: str, question: str, part: str, n: int) -> JointRow:
    """A row of joint_count."""
    version, site, month = cell
    return {
        "survey_version_id": version,
        "site_id": site,
        "month": month,
        "by_question": by,
        "by_choice": by_choice,
        "question": question,
        "part": part,
        "count": int(n),
    }


def count_joint_raw(where: ColumnElement[bool], versions: Collection[int]) -> list[JointRow]:
    """Count, per cell, the responses that `where` selects by their answer to each select-one question and
    their answer to each other question with choices; versions holds every version among them."""
    rows_by = by_questions(versions)
    choices = _choice_questions(versions)
    by_names, names = sorted(set().union(*rows_by.values())), sorted(set().union(*choices.values()))
    if not by_names or len(names) < 2:
        return []
    by, of = aliased(Answer), aliased(Answer)
    month = month_of(Response.submitted_at).label("month_key")
    query = (
        select(
            Response.survey_version_id,
            Response.site_id,
            month,
            by.question,
            by.value_text,
            of.question,
            of.value_text,
            func.count(),
        )
        .select_from(Response)
        .join(by, by.response_id == Response.id)
        .join(of, of.response_id == Response.id)
        .where(
            where,
            by.question.in_(by_names),
            of.question.in_(names),
            of.question != by.question,
            by.value_text.is_not(None),
            of.value_text.is_not(None),
        )
        .group_by(*GROUPED, by.question, by.value_text, of.question, of.value_text)
    )
    return [
        joint_row((v, s, m), by_question, str(by_choice), question, str(part), n)  # neither is null: see where
        for v, s, m, by_question, by_choice, question, part, n in db.session.execute(query)
        if by_question in rows_by.get(v, ()) and question in choices.get(v, ())
    ]
