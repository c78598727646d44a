"""The questions asked in each instance of a repeat (each household member), summarised over the instances.

The rollup counts the questions asked once; a repeat's answers are counted here from the raw rows, in
SQL, per site and month: each answer's instances and the responses holding them, so that the
small-group rule (survey.disclosure.withhold_instances) sizes a group by the responses (the households),
not by the instances. A response counts in the atom of its site and month, and only the atoms of the
view: the summary's filters narrow these charts as they narrow the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, distinct, func, null, select

from survey.analysis.histograms import histogram_bins, quantile
from survey.disclosure import ALL, RESPONSES, YES, Atom, Month, Site, View, withhold, withhold_instances
from survey.extensions import db
from survey.models import Answer, Response, Survey, SurveyVersion
from survey.questionnaire import Definition, Question, Repeat
from survey.services.question_summaries import ChoiceRow, NumberSummary, QuestionSummary
from survey.services.raw_counts import NUMBER_TYPES, month_of, number_part

Cell = tuple[Site, Month]
Part = tuple[int, int]  # a part's instances, and the responses holding them


@dataclass(frozen=True)
class RepeatSummary:
    """A question asked in each instance of a repeat: its chart over the instances the view publishes."""

    repeat: Repeat
    question: Question
    choices: QuestionSummary | None  # a select-one question (five-point scales among them)
    number: NumberSummary | None  # a numeric question
    entries: int  # the instances the chart counts
    responses: int  # the responses holding instances of the repeat, in the atoms the chart counts


@dataclass
class _Counts:
    """A repeat's questions counted per site and month, as the raw rows hold them."""

    parts: dict[str, dict[Cell, dict[Any, Part]]]  # by question, cell and answer
    values: dict[str, set[float]]  # by numeric question, every number given: the histogram's bins cover them
    holders: dict[str, dict[Cell, int]]  # by question: the responses holding instances of its repeat
    rest: dict[str, dict[Cell, int]]  # by question: the responses holding instances with no answer to it


def repeat_questions(definition: Definition) -> list[tuple[Repeat, Question]]:
    """The questions inside a repeat that a summary charts, with their repeat: select-one and numbers."""
    return [
        (repeat, q)
        for repeat in definition.repeats.values()
        for q in repeat.questions
        if not q.bind and not q.personal and ((q.type == "select_one" and q.choices) or q.type in NUMBER_TYPES)
    ]


@dataclass(frozen=True)
class RepeatBreakdown:
    """A select-one question of a repeat per site of the view, each row over that site's instances."""

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
    and when asked, each select-one question's distribution in each site of the view.

    narrowed selects the responses of the view's atoms when the filters leave some out: only those are read.
    """
    charted = repeat_questions(definition)
    if not charted or not view.atoms:
        return [], []
    where = _of_survey(survey) if narrowed is None else and_(_of_survey(survey), narrowed)
    counts = _count(where, charted)
    numbers = [q.name for _, q in charted if q.type in NUMBER_TYPES]
    if narrowed is not None and numbers:
        counts.values = _numbers_given(survey, numbers)
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


def _summarise(charted: Sequence[tuple[Repeat, Question]], counts: _Counts, view: View) -> list[RepeatSummary]:
    """Each charted question over the instances of the view's atoms."""
    atoms = {(a.site, m): a for a in view.atoms for m in a.months}
    summaries = []
    for repeat, question in charted:
        found = counts.parts.get(question.name, {})
        if question.type in NUMBER_TYPES:
            edges, bins = _bins(question, counts.values.get(question.name, set()))
            parts = [str(i) for i in range(max(0, len(edges) - 1))]
            cells = {cell: _merge(by_value, bins) for cell, by_value in found.items()}
        else:
            edges, parts, cells = [], [c.name for c in question.choices], found
        shown, entries, responses = _publish(view, parts, _per_atom(cells, atoms), counts, question.name, atoms)
        if question.type in NUMBER_TYPES:
            summaries.append(_number(repeat, question, edges, shown, entries, responses, view.protected.k))
        else:
            summaries.append(_choices(repeat, question, shown, entries, responses))
    return summaries


def _count(where: ColumnElement[bool], charted: Sequence[tuple[Repeat, Question]]) -> _Counts:
    """Count each charted question's answers per cell, and the responses holding its repeat's instances,
    for the responses `where` selects."""
    month = month_of(Response.submitted_at).label("month_key")
    numeric = sorted(q.name for _, q in charted if q.type in NUMBER_TYPES)
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
        .where(where, Answer.question.in_([q.name for _, q in charted]), Answer.instance > 0)
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
    holders: dict[str, dict[Cell, int]] = defaultdict(dict)
    rest: dict[str, dict[Cell, int]] = defaultdict(dict)
    repeats = list({repeat.name: repeat for repeat, _ in charted})
    for site, month_key, *counted in db.session.execute(_holders(where, charted)):
        held = dict(zip(repeats, counted[: len(repeats)], strict=True))
        for (repeat, asked), without in zip(charted, counted[len(repeats) :], strict=True):
            holders[asked.name][site, month_key] = int(held[repeat.name] or 0)
            rest[asked.name][site, month_key] = int(without or 0)
    return _Counts(parts, values, holders, rest)


def _numbers_given(survey: Survey, questions: Sequence[str]) -> dict[str, set[float]]:
    """Every number given to these questions in the survey's repeats, whatever the filters."""
    query = (
        select(Answer.question, Answer.value_number)
        .distinct()
        .join(Response, Answer.response_id == Response.id)
        .where(
            _of_survey(survey), Answer.question.in_(questions), Answer.instance > 0, Answer.value_number.is_not(None)
        )
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


def _of_survey(survey: Survey) -> ColumnElement[bool]:
    """The responses to any version of the survey."""
    return Response.survey_version_id.in_(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))


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


def _per_atom(cells: Mapping[Cell, Mapping[str, Part]], atoms: Mapping[Cell, Atom]) -> dict[Atom, dict[str, Part]]:
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


def _publish(
    view: View,
    parts: Sequence[str],
    answered: Mapping[Atom, Mapping[str, Part]],
    counts: _Counts,
    question: str,
    atoms: Mapping[Cell, Atom],
) -> tuple[dict[str, int], int, int]:
    """Withhold, atom by atom, the parts held by too few responses; add up the instances of the rest,
    and the responses holding instances of the repeat in the atoms that show some (where that number
    and the responses without any are each nothing or at least k, as for any part of the responses)."""
    k = view.protected.k
    shown = dict.fromkeys(parts, 0)
    rest, holders = _in_atom(counts.rest.get(question, {}), atoms), _in_atom(counts.holders.get(question, {}), atoms)
    responses = 0
    for atom, by_part in answered.items():
        households = {p: by_part.get(p, (0, 0))[1] for p in parts}
        hidden = withhold_instances(households, rest.get(atom, 0), k)
        entries = 0
        for part in parts:
            if part not in hidden:
                shown[part] += by_part.get(part, (0, 0))[0]
                entries += by_part.get(part, (0, 0))[0]
        held = holders.get(atom, 0)
        total = view.protected.published.get((atom, RESPONSES, ALL), 0)
        if entries and not withhold({YES: held}, max(0, total - held), k):
            responses += held
    return shown, sum(shown.values()), responses


def _choices(
    repeat: Repeat, question: Question, shown: Mapping[str, int], entries: int, responses: int
) -> RepeatSummary:
    counts = [shown[c.name] for c in question.choices]
    rows = tuple(
        ChoiceRow(c.name, n, n / entries if entries else None) for c, n in zip(question.choices, counts, strict=True)
    )
    mean = None
    if question.likert and entries:
        mean = sum(position * n for position, n in enumerate(counts, start=1)) / entries
    summary = QuestionSummary(question, rows, entries, mean)
    return RepeatSummary(repeat, question, summary, None, entries, responses)


def _number(
    repeat: Repeat,
    question: Question,
    edges: Iterable[float],
    shown: Mapping[str, int],
    entries: int,
    responses: int,
    k: int,
) -> RepeatSummary:
    edges = tuple(edges)
    counts = tuple(shown[str(i)] for i in range(max(0, len(edges) - 1)))
    quartiles = None
    if responses >= k:  # read from published bins only, as the other histograms' quartiles
        q1, q2, q3 = (quantile(edges, counts, q) for q in (0.25, 0.5, 0.75))
        if q1 is not None and q2 is not None and q3 is not None:
            quartiles = (q1, q2, q3)
    return RepeatSummary(repeat, question, None, NumberSummary(question, edges, counts, quartiles), entries, responses)
