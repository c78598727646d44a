"""A survey's counts per site, month and part, read from the rollup, for the disclosure control to protect."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, text

from survey import disclosure
from survey.analysis.histograms import histogram_bins
from survey.disclosure import NOT_SCORED, SENTIMENT, SENTIMENT_SQUARES, YES, Key, Partition
from survey.extensions import db
from survey.models import SummaryCount, Survey, SurveyVersion
from survey.questionnaire import Definition, Question
from survey.services.raw_counts import NEUTRAL_WITHIN, NUMBER, NUMBER_TYPES, month_of
from survey.services.rollups import settle_rollups

__all__ = ["NEUTRAL_WITHIN", "PartCounts", "count_parts", "month_of", "multiple_choice", "numeric", "single_choice"]


def single_choice(definition: Definition) -> tuple[Question, ...]:
    """The questions answered with one choice of a list: five-point scales among them."""
    return tuple(q for q in definition.questions if q.type == "select_one" and q.choices)


def numeric(definition: Definition) -> tuple[Question, ...]:
    """The questions answered with a number: integers and decimals."""
    return tuple(q for q in definition.questions if q.type in NUMBER_TYPES)


def multiple_choice(definition: Definition) -> tuple[Question, ...]:
    """The questions answered with any number of choices of a list."""
    return tuple(q for q in definition.questions if q.type == "select_multiple" and q.choices)


@dataclass
class PartCounts:
    """Counts and polarity sums per (site, month, statistic, part), and the partitions they fill."""

    counts: dict[Key, int] = field(default_factory=dict)
    measures: dict[Key, tuple[float, int]] = field(default_factory=dict)
    partitions: list[Partition] = field(default_factory=list)
    edges: dict[str, list[float]] = field(default_factory=dict)  # a numeric question's histogram bins


def count_parts(survey: Survey, definition: Definition) -> PartCounts:
    """Count every response, answer, testimony, sentiment band and theme of a survey per site and month.

    A grouped read of the rollup (survey.services.rollups): its size grows with sites, months and
    themes, not with the responses. Answers count for the definition's select-one questions, each
    choice by its name (any other value counts with "no answer"), and for its select-multiple
    questions, each choice as a part of the responses that ticked it.
    """
    settle_rollups()  # what this transaction wrote and has not counted yet
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))  # compiling costs more than these queries take
    versions = select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id)
    rows = db.session.execute(
        select(
            SummaryCount.site_id,
            SummaryCount.month,
            SummaryCount.statistic,
            SummaryCount.part,
            func.sum(SummaryCount.count),
            func.sum(SummaryCount.polarity_sum),
            func.sum(SummaryCount.polarity_count),
        )
        .where(SummaryCount.survey_version_id.in_(versions))
        .group_by(SummaryCount.site_id, SummaryCount.month, SummaryCount.statistic, SummaryCount.part)
    )
    choices = {f"answer:{q.name}": [c.name for c in q.choices] for q in single_choice(definition)}
    ticked = {f"answer:{q.name}": (q.name, {c.name for c in q.choices}) for q in multiple_choice(definition)}
    result = PartCounts()
    reasons, themes = set(), set()
    numbers: dict[str, list[tuple[int | None, str, str, int]]] = {NUMBER + q.name: [] for q in numeric(definition)}
    for site, month, statistic, part, n, total, scored in rows:
        if statistic.startswith(NUMBER):
            if statistic in numbers:
                numbers[statistic].append((site, month, part, int(n)))
            continue
        if statistic in ticked:  # each combination of choices adds to each choice it holds
            question, offered = ticked[statistic]
            for choice in set(part.split()) & offered:
                key = (site, month, f"choice:{question}:{choice}", YES)
                result.counts[key] = result.counts.get(key, 0) + int(n)
            continue
        if statistic.startswith("answer:"):
            if part in choices.get(statistic, ()):  # anything else counts with "no answer"
                result.counts[site, month, statistic, part] = int(n)
            continue
        if statistic == SENTIMENT_SQUARES:  # a measure only, of the sentiment bands' testimonies
            result.measures[site, month, statistic, part] = (float(total or 0.0), int(scored or 0))
            continue
        result.counts[site, month, statistic, part] = int(n)
        if statistic == SENTIMENT or statistic.startswith("theme:"):
            result.measures[site, month, statistic, part] = (float(total or 0.0), int(scored or 0))
        if statistic == SENTIMENT and part.startswith(NOT_SCORED):
            reasons.add(part.removeprefix(NOT_SCORED))
        if statistic.startswith("theme:"):
            themes.add(statistic.removeprefix("theme:"))
    result.partitions += [
        disclosure.answer_partition(q.name, choices[f"answer:{q.name}"]) for q in single_choice(definition)
    ]
    result.partitions += [
        disclosure.choice_partition(q.name, c.name) for q in multiple_choice(definition) for c in q.choices
    ]
    for statistic, found in numbers.items():
        whole = definition.question(statistic.removeprefix(NUMBER)).type == "integer"
        edges, index = histogram_bins((part for _, _, part, _ in found), narrowest=Decimal(1 if whole else 0))
        for site, month, part, n in found:
            key = (site, month, statistic, str(index[part]))
            result.counts[key] = result.counts.get(key, 0) + n
        question = statistic.removeprefix(NUMBER)
        result.edges[question] = [float(edge) for edge in edges]
        result.partitions.append(disclosure.number_partition(question, max(0, len(edges) - 1)))
    result.partitions.append(disclosure.sentiment_partition(reasons))
    result.partitions += [disclosure.theme_partition(t) for t in sorted(themes)]
    return result
