"""The questions asked in each instance of a repeat (each household member), summarised over the instances.

The rollup counts the questions asked once; a repeat's answers are counted from the raw rows, in SQL,
per site and month (survey.services.repeat_counts): each answer's instances and the responses holding
them, so that the small-group rule (survey.disclosure.withhold_instances) sizes a group by the responses
(the households), not by the instances. A multiple-choice question splits the answered instances once
per choice: those that chose it and those that did not, each part sized by its households as a
select-one answer. A response counts in the atom of its site and month, and only the atoms of the view:
the summary's filters narrow these charts as they narrow the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_

from survey.analysis.histograms import histogram_bins, quantile
from survey.disclosure import ALL, RESPONSES, YES, Atom, Site, View, withhold, withhold_instances
from survey.models import Survey
from survey.questionnaire import Definition, Question, Repeat
from survey.services.question_summaries import ChoiceRow, NumberSummary, QuestionSummary
from survey.services.raw_counts import NUMBER_TYPES, number_part
from survey.services.repeat_counts import (
    Cell,
    Part,
    RepeatCounts,
    count_repeat_answers,
    numbers_given,
    of_survey,
    ticked_part,
)

SELECT = frozenset({"select_one", "select_multiple"})


@dataclass(frozen=True)
class RepeatSummary:
    """A question asked in each instance of a repeat: its chart over the instances the view publishes."""

    repeat: Repeat
    question: Question
    choices: QuestionSummary | None  # a select question (five-point scales among them; several choices allowed)
    number: NumberSummary | None  # a numeric question
    entries: int  # the instances the chart counts
    responses: int  # the responses holding instances of the repeat, in the atoms the chart counts


def repeat_questions(definition: Definition) -> list[tuple[Repeat, Question]]:
    """The questions inside a repeat that a summary charts, with their repeat: select questions and numbers."""
    return [
        (repeat, q)
        for repeat in definition.repeats.values()
        for q in repeat.questions
        if not q.bind and not q.personal and ((q.type in SELECT and q.choices) or q.type in NUMBER_TYPES)
    ]


@dataclass(frozen=True)
class RepeatBreakdown:
    """A select question of a repeat per site of the view, each row over that site's instances."""

    question: Question
    rows: tuple[tuple[Site, RepeatSummary], ...]


def summarise_repeats(
    survey: Survey,
    definition: Definition,
    view: View,
    narrowed: ColumnElement[bool] | None = None,
    *,
    by_site: bool = False,
) -> tuple[list[RepeatSummary], list[RepeatBreakdown]]:
    """Every charted question inside a repeat, over the instances in the view's atoms, in the form's order;
    and when asked, each select question's distribution in each site of the view.

    narrowed selects the responses of the view's atoms when the filters leave some out: only those are read.
    """
    charted = repeat_questions(definition)
    if not charted or not view.atoms:
        return [], []
    where = of_survey(survey) if narrowed is None else and_(of_survey(survey), narrowed)
    counts = count_repeat_answers(where, charted)
    numbers = [q.name for _, q in charted if q.type in NUMBER_TYPES]
    if narrowed is not None and numbers:
        counts.values = numbers_given(survey, numbers)
    summaries = _summarise(charted, counts, view)
    if not by_site:
        return summaries, []
    per_site = {}
    for site in view.by_site():  # the same counts, read once, published over each site's atoms
        of_site = View(view.protected, {site})
        of_site.atoms = tuple(a for a in view.atoms if a.site == site)
        per_site[site] = _summarise(charted, counts, of_site)
    breakdowns = [
        RepeatBreakdown(summary.question, tuple((s, rows[i]) for s, rows in per_site.items() if rows[i].entries))
        for i, summary in enumerate(summaries)
        if summary.choices is not None
    ]
    return summaries, breakdowns


def _summarise(charted: Sequence[tuple[Repeat, Question]], counts: RepeatCounts, view: View) -> list[RepeatSummary]:
    """Each charted question over the instances of the view's atoms."""
    atoms = cells_of(view)
    summaries = []
    for repeat, question in charted:
        found = counts.parts.get(question.name, {})
        if question.type in NUMBER_TYPES:
            edges, bins = _bins(question, counts.values.get(question.name, set()))
            cells = {cell: _merge(by_value, bins) for cell, by_value in found.items()}
        else:
            edges, cells = [], found
        parts = parts_of(question, len(edges))
        shown, responses = _publish(view, question, parts, per_atom(cells, atoms), counts, atoms)
        if question.type in NUMBER_TYPES:
            summaries.append(_number(repeat, question, edges, shown, responses, view.protected.k))
        elif question.type == "select_multiple":
            summaries.append(_ticked(repeat, question, shown, responses))
        else:
            summaries.append(_choices(repeat, question, shown, responses))
    return summaries


def cells_of(view: View) -> dict[Cell, Atom]:
    """The atom of each site and month the view includes."""
    return {(a.site, m): a for a in view.atoms for m in a.months}


def parts_of(question: Question, edges: int = 0) -> list[str]:
    """The parts a charted question splits its instances into: choices, histogram bins, or for each
    choice of a multiple-choice question those that chose it and those that did not."""
    if question.type in NUMBER_TYPES:
        return [str(i) for i in range(max(0, edges - 1))]
    if question.type == "select_multiple":
        return [ticked_part(c.name, ticked) for c in question.choices for ticked in (True, False)]
    return [c.name for c in question.choices]


def _bins(question: Question, values: Iterable[float]) -> tuple[list[float], dict[float, str]]:
    """A numeric question's histogram edges over every answer given to it, in the view or not (as the
    other histograms' bins, the same whatever the filters), and the bin of each answer."""
    fine = {value: number_part(value) for value in values}
    narrowest = Decimal(1 if question.type == "integer" else 0)
    edges, index = histogram_bins(fine.values(), narrowest=narrowest)
    return [float(edge) for edge in edges], {value: str(index[part]) for value, part in fine.items()}


def _merge(by_value: Mapping[Any, Part], bins: Mapping[float, str]) -> dict[str, Part]:
    """A cell's answers merged into histogram bins: a response is in one cell, so its count adds up."""
    merged: dict[str, Part] = {}
    for value, (n, responses) in by_value.items():
        before = merged.get(bins[value], (0, 0))
        merged[bins[value]] = (before[0] + n, before[1] + responses)
    return merged


def per_atom(cells: Mapping[Cell, Mapping[str, Part]], atoms: Mapping[Cell, Atom]) -> dict[Atom, dict[str, Part]]:
    """Each part's instances and responses added up over the months of each atom in the view."""
    found: dict[Atom, dict[str, Part]] = defaultdict(dict)
    for cell, by_part in cells.items():
        if (atom := atoms.get(cell)) is None:
            continue
        for part, (n, responses) in by_part.items():
            before = found[atom].get(str(part), (0, 0))
            found[atom][str(part)] = (before[0] + n, before[1] + responses)
    return found


def _in_atom(by_cell: Mapping[Cell, int], atoms: Mapping[Cell, Atom]) -> dict[Atom, int]:
    """Counts per cell added up over the months of each atom in the view."""
    found: dict[Atom, int] = defaultdict(int)
    for cell, n in by_cell.items():
        if (atom := atoms.get(cell)) is not None:
            found[atom] += n
    return found


def withheld_parts(
    view: View,
    question: Question,
    parts: Sequence[str],
    answered: Mapping[Atom, Mapping[str, Part]],
    counts: RepeatCounts,
    atoms: Mapping[Cell, Atom],
) -> dict[Atom, set[str]]:
    """Per atom, the parts held by too few responses, and those withheld with them; a multiple-choice
    question's choices each split the answered instances in two, withheld or shown together."""
    k = view.protected.k
    rest = _in_atom(counts.rest.get(question.name, {}), atoms)
    hidden: dict[Atom, set[str]] = {}
    for atom, by_part in answered.items():
        households = {p: by_part.get(p, (0, 0))[1] for p in parts}
        if question.type != "select_multiple":
            hidden[atom] = withhold_instances(households, rest.get(atom, 0), k)
            continue
        pairs = ((ticked_part(c.name, True), ticked_part(c.name, False)) for c in question.choices)
        hidden[atom] = set().union(
            *(withhold_instances({p: households[p] for p in pair}, rest.get(atom, 0), k) for pair in pairs)
        )
    return hidden


def _publish(
    view: View,
    question: Question,
    parts: Sequence[str],
    answered: Mapping[Atom, Mapping[str, Part]],
    counts: RepeatCounts,
    atoms: Mapping[Cell, Atom],
) -> tuple[dict[str, int], int]:
    """Withhold, atom by atom, the parts held by too few responses; add up the instances of the rest,
    and the responses holding instances of the repeat in the atoms that show some (where that number
    and the responses without any are each nothing or at least k, as for any part of the responses)."""
    k = view.protected.k
    shown = dict.fromkeys(parts, 0)
    holders = _in_atom(counts.holders.get(question.name, {}), atoms)
    responses = 0
    for atom, hidden in withheld_parts(view, question, parts, answered, counts, atoms).items():
        entries = 0
        for part in parts:
            if part not in hidden:
                shown[part] += answered[atom].get(part, (0, 0))[0]
                entries += answered[atom].get(part, (0, 0))[0]
        held = holders.get(atom, 0)
        total = view.protected.published.get((atom, RESPONSES, ALL), 0)
        if entries and not withhold({YES: held}, max(0, total - held), k):
            responses += held
    return shown, responses


def _choices(repeat: Repeat, question: Question, shown: Mapping[str, int], responses: int) -> RepeatSummary:
    counts = [shown[c.name] for c in question.choices]
    entries = sum(counts)
    rows = tuple(
        ChoiceRow(c.name, n, n / entries if entries else None) for c, n in zip(question.choices, counts, strict=True)
    )
    mean = None
    if question.likert and entries:
        mean = sum(position * n for position, n in enumerate(counts, start=1)) / entries
    summary = QuestionSummary(question, rows, entries, mean)
    return RepeatSummary(repeat, question, summary, None, entries, responses)


def _ticked(repeat: Repeat, question: Question, shown: Mapping[str, int], responses: int) -> RepeatSummary:
    """Each choice's instances that chose it, a share of the answered instances where it could be counted
    (as the responses' multiple-choice shares): the chart's entries are the most any choice counted."""
    rows, entries = [], 0
    for c in question.choices:
        chose = shown[ticked_part(c.name, True)]
        base = chose + shown[ticked_part(c.name, False)]
        rows.append(ChoiceRow(c.name, chose, chose / base if base else None))
        entries = max(entries, base)
    return RepeatSummary(repeat, question, QuestionSummary(question, tuple(rows), entries), None, entries, responses)


def _number(
    repeat: Repeat,
    question: Question,
    edges: Iterable[float],
    shown: Mapping[str, int],
    responses: int,
    k: int,
) -> RepeatSummary:
    edges = tuple(edges)
    counts = tuple(shown[str(i)] for i in range(max(0, len(edges) - 1)))
    entries = sum(counts)
    quartiles = None
    if responses >= k:  # read from published bins only, as the other histograms' quartiles
        q1, q2, q3 = (quantile(edges, counts, q) for q in (0.25, 0.5, 0.75))
        if q1 is not None and q2 is not None and q3 is not None:
            quartiles = (q1, q2, q3)
    return RepeatSummary(repeat, question, None, NumberSummary(question, edges, counts, quartiles), entries, responses)
