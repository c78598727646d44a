"""The questions asked in each instance of a repeat, in two periods, household by household: the
entries each household adds to a share or a mean, for an interval that treats the household as one
cluster (survey.analysis.intervals), since the members of a household answer alike more often than
strangers do.

Only the parts the summary shows are read: withheld atom by atom as there (survey.services.
repeat_summaries), each sized by its households. A household adds its entries in the parts its atom shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select

from survey.analysis.intervals import Clusters, clusters_of
from survey.disclosure import Month, Site, View
from survey.extensions import db
from survey.models import Answer, Response, Survey
from survey.questionnaire import Definition, Question, Repeat
from survey.services.raw_counts import month_of
from survey.services.repeat_counts import Cell, count_repeat_answers, of_survey, ticked_part
from survey.services.repeat_summaries import cells_of, parts_of, per_atom, repeat_questions, withheld_parts
from survey.services.summaries import shown_in

UPPER, MEAN = "upper", "mean"  # a five-point question's figures: the share above the middle choice, the mean
Entries = dict[str, int]  # a household's entries in a question, by answer given
Sides = tuple[Clusters | None, Clusters | None]


@dataclass(frozen=True)
class RepeatSides:
    """A question of a repeat in the two periods: per figure, each period's households as clusters."""

    repeat: Repeat
    question: Question
    figures: dict[str, Sides]  # a choice's name (several choices allowed), or UPPER and MEAN (five-point)


def compared_questions(definition: Definition) -> list[tuple[Repeat, Question]]:
    """The questions inside a repeat that a comparison reads: five-point ones and multiple-choice ones."""
    return [(r, q) for r, q in repeat_questions(definition) if q.likert or q.type == "select_multiple"]


def households_per_period(survey: Survey, definition: Definition, views: tuple[View, View]) -> list[RepeatSides]:
    """Each compared question's households in each view, with the entries each adds to its figures."""
    compared = compared_questions(definition)
    if not compared:
        return []
    where = of_survey(survey)
    if sum(len(view.atoms) for view in views) < len(views[0].protected.atoms):
        spans: dict[Site, tuple[Month, Month]] = {}
        for site, (first, last) in [span for view in views for span in view.spans().items()]:
            before = spans.get(site, (first, last))
            spans[site] = (min(before[0], first), max(before[1], last))
        where = and_(where, shown_in(spans))  # only the responses of the periods' atoms are read
    counts = count_repeat_answers(where, compared)
    households = _entries_per_household(where, [q.name for _, q in compared])
    found = []
    for repeat, question in compared:
        parts = parts_of(question)
        sides: list[dict[str, Clusters | None]] = []
        for view in views:
            cells = cells_of(view)
            answered = per_atom(counts.parts.get(question.name, {}), cells)
            hidden = withheld_parts(view, question, parts, answered, counts, cells)
            kept = [
                (hidden.get(atom, set()), given)
                for cell, in_cell in households.get(question.name, {}).items()
                if (atom := cells.get(cell)) is not None
                for given in in_cell
            ]
            sides.append(_figures(question, kept))
        figures = {key: (sides[0][key], sides[1][key]) for key in sides[0]}
        found.append(RepeatSides(repeat, question, figures))
    return found


def _entries_per_household(
    where: ColumnElement[bool], questions: Sequence[str]
) -> dict[str, dict[Cell, list[Entries]]]:
    """Per question and cell, each household's entries by answer given, of the responses `where` selects."""
    month = month_of(Response.submitted_at).label("month_key")
    query = (
        select(Response.site_id, month, Answer.response_id, Answer.question, Answer.value_text, func.count(Answer.id))
        .join(Response, Answer.response_id == Response.id)
        .where(where, Answer.question.in_(questions), Answer.instance > 0)
        .group_by(Response.site_id, "month_key", Answer.response_id, Answer.question, Answer.value_text)
    )
    by_household: dict[tuple[str, Cell, int], Entries] = defaultdict(dict)
    for site, month_key, response, question, value, n in db.session.execute(query):
        by_household[question, (site, month_key), response][value or ""] = int(n)
    found: dict[str, dict[Cell, list[Entries]]] = defaultdict(lambda: defaultdict(list))
    for (question, cell, _), given in by_household.items():
        found[question][cell].append(given)
    return found


def _figures(question: Question, kept: Sequence[tuple[set[str], Entries]]) -> dict[str, Clusters | None]:
    """A question's figures over households, each as (entries, total, squares) from its shown parts."""
    if question.type == "select_multiple":
        return _ticked(question, kept)
    positions = {c.name: i for i, c in enumerate(question.choices, start=1)}
    upper_from = len(question.choices) // 2 + len(question.choices) % 2 + 1  # past the middle choice
    upper, mean = [], []
    for hidden, given in kept:
        shown = {positions[v]: n for v, n in given.items() if v in positions and v not in hidden}
        entries, above = sum(shown.values()), sum(n for p, n in shown.items() if p >= upper_from)
        upper.append((entries, float(above), float(above)))
        total, squares = sum(p * n for p, n in shown.items()), sum(p * p * n for p, n in shown.items())
        mean.append((entries, float(total), float(squares)))
    return {UPPER: clusters_of(upper), MEAN: clusters_of(mean)}


def _ticked(question: Question, kept: Sequence[tuple[set[str], Entries]]) -> dict[str, Clusters | None]:
    """Each choice's figure over households: its answered entries where the choice is shown, and those
    that chose it (each household's answers split once, whatever the number of choices)."""
    names = [c.name for c in question.choices]
    rows: dict[str, list[tuple[int, float, float]]] = {name: [] for name in names}
    for hidden, given in kept:
        chose: Counter[str] = Counter()
        for value, n in given.items():
            chose.update(dict.fromkeys(set(value.split()), n))
        answered = sum(given.values())
        for name in names:
            yes = chose[name] if ticked_part(name, True) not in hidden else 0
            no = answered - chose[name] if ticked_part(name, False) not in hidden else 0
            rows[name].append((yes + no, float(yes), float(yes)))
    return {name: clusters_of(found) for name, found in rows.items()}
