"""A repeat's charted questions counted from the raw rows, in SQL, per site and month: each answer's
instances and the responses holding them, the responses holding instances of the repeat, and those
holding instances left unanswered, for survey.services.repeat_summaries to publish.

A multiple-choice question is counted choice by choice: the answered instances that chose it and those
that did not, each with its responses, since a response holding two combinations with one choice in
common holds that choice's instances once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, distinct, func, literal, not_, null, select

from survey.disclosure import NO, YES, Month, Site
from survey.extensions import db
from survey.models import Answer, Response, Survey, SurveyVersion
from survey.questionnaire import Question, Repeat
from survey.services.raw_counts import NUMBER_TYPES, month_of

Cell = tuple[Site, Month]
Part = tuple[int, int]  # a part's instances, and the responses holding them


@dataclass
class RepeatCounts:
    """A repeat's questions counted per site and month, as the raw rows hold them."""

    parts: dict[str, dict[Cell, dict[Any, Part]]]  # by question, cell and answer
    values: dict[str, set[float]]  # by numeric question, every number given: the histogram's bins cover them
    holders: dict[str, dict[Cell, int]]  # by question: the responses holding instances of its repeat
    rest: dict[str, dict[Cell, int]]  # by question: the responses holding instances with no answer to it


def ticked_part(choice: str, ticked: bool) -> str:
    """The part of a multiple-choice question's instances that chose a choice, or answered without it
    (choice names hold no space: the answers store them space-separated)."""
    return f"{YES if ticked else NO} {choice}"


def count_repeat_answers(where: ColumnElement[bool], charted: Sequence[tuple[Repeat, Question]]) -> RepeatCounts:
    """Count each charted question's answers per cell, and the responses holding its repeat's instances,
    for the responses `where` selects."""
    month = month_of(Response.submitted_at).label("month_key")
    numeric = sorted(q.name for _, q in charted if q.type in NUMBER_TYPES)
    multiple = [q for _, q in charted if q.type == "select_multiple"]
    # A number is counted by its value, whatever was typed ("7", "7.0"): a response then adds once to it.
    text = case((Answer.question.in_(numeric), null()), else_=Answer.value_text).label("text_key")
    query = (
        select(
            Response.site_id,
            month,
            Answer.question,
            text,
            Answer.value_number,
            func.count(Answer.id),
            func.count(distinct(Answer.response_id)),  # a response is in one cell: these add up over cells
        )
        .join(Response, Answer.response_id == Response.id)
        .where(where, Answer.question.in_([q.name for _, q in charted if q not in multiple]), Answer.instance > 0)
        .group_by(Response.site_id, "month_key", Answer.question, "text_key", Answer.value_number)
    )
    parts: dict[str, dict[Cell, dict[Any, Part]]] = defaultdict(lambda: defaultdict(dict))
    values: dict[str, set[float]] = defaultdict(set)
    for site, month_key, question, answer, number, n, responses in db.session.execute(query):
        if question not in numeric:
            parts[question][site, month_key][answer] = (int(n), int(responses))
        elif number is not None:
            parts[question][site, month_key][number] = (int(n), int(responses))
            values[question].add(number)
    for question in multiple:
        for (site, month_key), by_part in _count_ticks(where, question).items():
            parts[question.name][site, month_key] = by_part
    holders: dict[str, dict[Cell, int]] = defaultdict(dict)
    rest: dict[str, dict[Cell, int]] = defaultdict(dict)
    repeats = list({repeat.name: repeat for repeat, _ in charted})
    for site, month_key, *counted in db.session.execute(_holders(where, charted)):
        held = dict(zip(repeats, counted[: len(repeats)], strict=True))
        for (repeat, asked), without in zip(charted, counted[len(repeats) :], strict=True):
            holders[asked.name][site, month_key] = int(held[repeat.name] or 0)
            rest[asked.name][site, month_key] = int(without or 0)
    return RepeatCounts(parts, values, holders, rest)


def _count_ticks(where: ColumnElement[bool], question: Question) -> dict[Cell, dict[str, Part]]:
    """Per cell, a multiple-choice question's answered instances that chose each choice and those that did
    not, each with the responses holding them: counted in SQL, choice by choice, as a response holding
    instances of two combinations with one choice in common holds that choice's instances once."""
    month = month_of(Response.submitted_at).label("month_key")
    padded = literal(" ") + Answer.value_text + literal(" ")
    columns = []
    for choice in question.choices:
        chose = padded.contains(f" {choice.name} ", autoescape=True)
        for picked in (chose, not_(chose)):
            columns += [func.count(case((picked, 1))), func.count(distinct(case((picked, Answer.response_id))))]
    query = (
        select(Response.site_id, month, *columns)
        .join(Response, Answer.response_id == Response.id)
        .where(where, Answer.question == question.name, Answer.instance > 0)
        .group_by(Response.site_id, "month_key")
    )
    names = [ticked_part(c.name, ticked) for c in question.choices for ticked in (True, False)]
    found: dict[Cell, dict[str, Part]] = {}
    for site, month_key, *counted in db.session.execute(query):
        found[site, month_key] = {
            name: (int(counted[2 * i] or 0), int(counted[2 * i + 1] or 0)) for i, name in enumerate(names)
        }
    return found


def numbers_given(survey: Survey, questions: Sequence[str]) -> dict[str, set[float]]:
    """Every number given to these questions in the survey's repeats, whatever the filters."""
    query = (
        select(Answer.question, Answer.value_number)
        .distinct()
        .join(Response, Answer.response_id == Response.id)
        .where(of_survey(survey), Answer.question.in_(questions), Answer.instance > 0, Answer.value_number.is_not(None))
    )
    found: dict[str, set[float]] = defaultdict(set)
    for question, number in db.session.execute(query):
        if number is not None:
            found[question].add(number)
    return found


def _holders(where: ColumnElement[bool], charted: Sequence[tuple[Repeat, Question]]) -> Any:
    """Per cell: the responses holding instances of each repeat, then for each charted question those
    holding more instances of its repeat than answers to it (an instance left unanswered).

    One read of the survey's answers in repeats, grouped by response, then the responses grouped by cell.
    """
    repeats = list({repeat.name: repeat for repeat, _ in charted}.values())
    # An instance is told apart by its own number and the path of the instance around it.
    instance = Answer.parent_instance + "/" + cast(Answer.instance, String)
    per_response = (
        select(
            Response.site_id,
            Response.submitted_at,
            *[
                func.count(distinct(case((Answer.question.in_([q.name for q in r.questions]), instance)))).label(
                    f"instances_{j}"
                )
                for j, r in enumerate(repeats)
            ],
            *[
                func.sum(case((Answer.question == q.name, 1), else_=0)).label(f"answers_{i}")
                for i, (_, q) in enumerate(charted)
            ],
        )
        .join(Answer, Answer.response_id == Response.id)
        # Every answer in a repeat, each response's read from the index that starts with its id (the
        # columns above leave out those of other repeats): naming the questions here would have SQLite
        # read them through the index on the question, one row at a time, twice as slowly.
        .where(where, Answer.instance > 0)
        .group_by(Response.id)  # its site and time depend on it: the month is worked out once a response
        .subquery()
    )
    instances = {r.name: per_response.c[f"instances_{j}"] for j, r in enumerate(repeats)}
    month = month_of(per_response.c.submitted_at).label("month_key")
    return select(
        per_response.c.site_id,
        month,
        *[func.sum(case((instances[r.name] > 0, 1), else_=0)) for r in repeats],
        *[
            func.sum(case((per_response.c[f"answers_{i}"] < instances[r.name], 1), else_=0))
            for i, (r, _) in enumerate(charted)
        ],
    ).group_by(per_response.c.site_id, "month_key")


def of_survey(survey: Survey) -> ColumnElement[bool]:
    """The responses to any version of the survey."""
    return Response.survey_version_id.in_(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))
