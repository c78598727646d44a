"""Every select question of a survey summarised from the published parts of a view: shares, counts,
the mean of a five-point scale, and the same broken down by site.

Pure over survey.disclosure's View: each figure adds up only parts that may be published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey.analysis.histograms import quantile
from survey.disclosure import ALL, RESPONSES, YES, Protected, Site, View
from survey.questionnaire import Definition, Question
from survey.services.part_counts import multiple_choice, single_choice


@dataclass(frozen=True)
class ChoiceRow:
    """One choice: how many responses gave it, and their share of the question's published count."""

    name: str
    count: int
    share: float | None  # None when the question has nothing published


@dataclass(frozen=True)
class QuestionSummary:
    """A select question's distribution over the published parts of one view."""

    question: Question
    rows: tuple[ChoiceRow, ...]
    counted: int  # the responses the shares divide by
    mean: float | None = None  # five-point scales: the mean position, 1 at the first choice

    @property
    def counts(self) -> tuple[int, ...]:
        """The published count of each choice, in the order the form lists them."""
        return tuple(row.count for row in self.rows)

    @property
    def multiple(self) -> bool:
        """Say whether a response can give several choices (shares then add up past 100 %)."""
        return self.question.type == "select_multiple"


@dataclass(frozen=True)
class NumberSummary:
    """A numeric question's histogram over the published bins of one view, and its quartiles."""

    question: Question
    edges: tuple[float, ...]  # bin i holds edges[i] <= value < edges[i + 1]
    counts: tuple[int, ...]
    quartiles: tuple[float, float, float] | None  # from the bins; None under the minimum group size

    @property
    def counted(self) -> int:
        """The responses the histogram adds up."""
        return sum(self.counts)


def summarise_number(view: View, question: Question, edges: Sequence[float], min_group: int) -> NumberSummary:
    """A numeric question's published bins in the view; quartiles read from them, spreading each bin's
    answers evenly across it, when they add up to at least the minimum group."""
    counts = tuple(view.count(f"number:{question.name}", str(i)).value for i in range(len(edges) - 1))
    quartiles = None
    if sum(counts) >= min_group:
        q1, q2, q3 = (quantile(edges, counts, q) for q in (0.25, 0.5, 0.75))
        if q1 is not None and q2 is not None and q3 is not None:
            quartiles = (q1, q2, q3)
    return NumberSummary(question, tuple(edges), counts, quartiles)


@dataclass(frozen=True)
class Breakdown:
    """A question's distribution per site: a cross-tab whose rows add up to 100 % (select-one)."""

    question: Question
    rows: tuple[tuple[Site, QuestionSummary], ...]


def summarise_choice(view: View, question: Question) -> QuestionSummary:
    """A select-one or select-multiple question's counts and shares in the view."""
    if question.type == "select_multiple":
        return _ticked(view, question)
    counts = [view.count(f"answer:{question.name}", c.name).value for c in question.choices]
    counted = sum(counts)
    rows = tuple(
        ChoiceRow(c.name, n, n / counted if counted else None) for c, n in zip(question.choices, counts, strict=True)
    )
    mean = None
    if question.likert and counted:  # a sum of published parts, each of at least k: never a small group
        mean = sum(position * n for position, n in enumerate(counts, start=1)) / counted
    return QuestionSummary(question, rows, counted, mean)


def _ticked(view: View, question: Question) -> QuestionSummary:
    rows, counted = [], 0
    for choice in question.choices:
        figure = view.count(f"choice:{question.name}:{choice.name}", YES)
        # A share of the responses where the choice could be counted, as a theme's share of testimonies.
        base = view.count(RESPONSES, ALL, figure.sources).value
        rows.append(ChoiceRow(choice.name, figure.value, figure.value / base if base else None))
        counted = max(counted, base)
    return QuestionSummary(question, tuple(rows), counted)


def summarise_choices(view: View, definition: Definition) -> list[QuestionSummary]:
    """Every select question of the definition, in the order the form asks them."""
    wanted = {q.name for q in (*single_choice(definition), *multiple_choice(definition))}
    return [summarise_choice(view, q) for q in definition.questions if q.name in wanted and not q.bind]


def break_down_by_site(
    protected: Protected, view: View, question: Question, months: tuple[str | None, str | None]
) -> Breakdown:
    """A question's distribution in each site of the view that has atoms in it."""
    sites: Mapping[Site, object] = view.by_site()
    rows = tuple((site, summarise_choice(View(protected, {site}, *months), question)) for site in sites)
    return Breakdown(question, tuple(row for row in rows if row[1].counted))
