"""The questions asked in each instance of a repeat (each household member), summarised over the instances.

The rollup counts the questions asked once; a repeat's answers are counted here from the raw rows, per
response, so that the small-group rule (survey.disclosure.withhold_instances) sizes a group by the
responses holding its instances (the households), not by the instances. Each response counts in the
atom of its site and month, and only the atoms of the view: the summary's filters narrow these charts
as they narrow the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute

from survey.analysis.histograms import histogram_bins, quantile
from survey.disclosure import Atom, Month, Site, View, withhold_instances
from survey.extensions import db
from survey.models import Answer, Response, Survey, SurveyVersion
from survey.questionnaire import Definition, Question, Repeat
from survey.services.question_summaries import ChoiceRow, NumberSummary, QuestionSummary
from survey.services.raw_counts import NUMBER_TYPES, month_of, number_part

Held = dict[int, int]  # instances by the response holding them


@dataclass(frozen=True)
class RepeatSummary:
    """A question asked in each instance of a repeat: its chart over the instances the view publishes."""

    repeat: Repeat
    choices: QuestionSummary | None  # a select-one question (five-point scales among them)
    number: NumberSummary | None  # a numeric question
    entries: int  # the instances the chart counts
    responses: int  # the responses those instances are in

    @property
    def question(self) -> Question:
        """The question summarised."""
        return self.choices.question if self.choices is not None else self.number.question  # type: ignore[union-attr]


def repeat_questions(definition: Definition) -> list[tuple[Repeat, Question]]:
    """The questions inside a repeat that a summary charts, with their repeat: select-one and numbers."""
    return [
        (repeat, q)
        for repeat in definition.repeats.values()
        for q in repeat.questions
        if not q.bind and not q.personal and ((q.type == "select_one" and q.choices) or q.type in NUMBER_TYPES)
    ]


def summarise_repeats(survey: Survey, definition: Definition, view: View) -> list[RepeatSummary]:
    """Every charted question inside a repeat, over the instances in the view's atoms, in the form's order."""
    charted = repeat_questions(definition)
    if not charted or not view.atoms:
        return []
    atom_of = {(a.site, m): a for a in view.atoms for m in a.months}
    repeats = {repeat.name: repeat for repeat, _ in charted}
    instances = _instances(survey, repeats.values(), atom_of)
    texts, numbers, values = _answers(survey, [q for _, q in charted], atom_of)
    k = view.protected.k
    summaries = []
    for repeat, question in charted:
        held = instances.get(repeat.name, {})
        if question.type in NUMBER_TYPES:
            found = values.get(question.name, set())
            summaries.append(_number(repeat, question, found, numbers.get(question.name, {}), held, k))
        else:
            summaries.append(_choices(repeat, question, texts.get(question.name, {}), held, k))
    return summaries


Answered = dict[Atom, dict[str, Held]]  # per atom, the instances of each value by response


def _instances(
    survey: Survey, repeats: Iterable[Repeat], atom_of: Mapping[tuple[Site, Month], Atom]
) -> dict[str, dict[Atom, Held]]:
    """Per repeat and atom, how many instances of the repeat each response holds (any answer in it)."""
    repeat_of = {q.name: repeat.name for repeat in repeats for q in repeat.questions}
    month = month_of(Response.submitted_at).label("month_key")
    # An instance is told apart by its own number and the path of the instance around it.
    instance = Answer.parent_instance + "/" + cast(Answer.instance, String)
    query = (
        select(
            Response.site_id,
            month,
            Response.id,
            case(repeat_of, value=Answer.question).label("repeat_key"),
            func.count(distinct(instance)),
        )
        .join(Response, Answer.response_id == Response.id)
        .where(_of_survey(survey), Answer.question.in_(list(repeat_of)), Answer.instance > 0)
        .group_by(Response.site_id, "month_key", Response.id, "repeat_key")
    )
    found: dict[str, dict[Atom, Held]] = defaultdict(lambda: defaultdict(dict))
    for site, month_key, response, repeat, n in db.session.execute(query):
        if (atom := atom_of.get((site, month_key))) is not None:
            found[repeat][atom][response] = int(n)
    return found


def _answers(
    survey: Survey, questions: Collection[Question], atom_of: Mapping[tuple[Site, Month], Atom]
) -> tuple[dict[str, Answered], dict[str, dict[Atom, dict[float, Held]]], dict[str, set[float]]]:
    """Per question and atom, the instances of each answer by response: select-one by text, numbers by value;
    and every number given to each question, in the view or not, which the histogram's bins cover."""
    texts: dict[str, Answered] = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for site, month, response, question, text, n in _grouped(survey, Answer.value_text, questions, number=False):
        if (atom := atom_of.get((site, month))) is not None:
            texts[question][atom][text][response] = int(n)
    numbers: dict[str, dict[Atom, dict[float, Held]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    values: dict[str, set[float]] = defaultdict(set)
    for site, month, response, question, number, n in _grouped(survey, Answer.value_number, questions, number=True):
        values[question].add(number)  # the bins are the same whatever the filters, as the other histograms' are
        if (atom := atom_of.get((site, month))) is not None:
            numbers[question][atom][number][response] = int(n)
    return texts, numbers, values


def _grouped(
    survey: Survey, column: InstrumentedAttribute[Any], questions: Collection[Question], *, number: bool
) -> Iterable[Any]:
    """The instances per site, month, response, question and value of a column, for these questions."""
    names = [q.name for q in questions if (q.type in NUMBER_TYPES) == number]
    if not names:
        return []
    month = month_of(Response.submitted_at).label("month_key")
    return db.session.execute(
        select(Response.site_id, month, Response.id, Answer.question, column, func.count(Answer.id))
        .join(Response, Answer.response_id == Response.id)
        .where(_of_survey(survey), Answer.question.in_(names), Answer.instance > 0, column.is_not(None))
        .group_by(Response.site_id, "month_key", Response.id, Answer.question, column)
    )


def _of_survey(survey: Survey) -> ColumnElement[bool]:
    return Response.survey_version_id.in_(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))


@dataclass
class _Published:
    """A partition's published parts summed over atoms: instances per part, and the responses holding them."""

    counts: dict[str, int]
    responses: int = 0


def _publish(
    parts: Iterable[str], answered: Mapping[Atom, Mapping[str, Held]], held: Mapping[Atom, Held], k: int
) -> _Published:
    """Withhold, atom by atom, the parts held by too few responses, and add up the rest."""
    names = list(parts)
    published = _Published(dict.fromkeys(names, 0))
    for atom, by_part in answered.items():
        holders = {p: by_part.get(p, {}) for p in names}
        counted: Held = defaultdict(int)
        for by_response in holders.values():
            for response, n in by_response.items():
                counted[response] += n
        # The instances with no answer (or one that is no part) are the rest, never shown.
        rest = {r for r, n in held.get(atom, {}).items() if n > counted.get(r, 0)}
        hidden = withhold_instances({p: h.keys() for p, h in holders.items()}, rest, k)
        shown: set[int] = set()
        for part, by_response in holders.items():
            if part not in hidden:
                published.counts[part] += sum(by_response.values())
                shown |= by_response.keys()
        published.responses += len(shown)
    return published


def _choices(
    repeat: Repeat, question: Question, answered: Mapping[Atom, Mapping[str, Held]], held: Mapping[Atom, Held], k: int
) -> RepeatSummary:
    published = _publish([c.name for c in question.choices], answered, held, k)
    counts = [published.counts[c.name] for c in question.choices]
    entries = sum(counts)
    rows = tuple(
        ChoiceRow(c.name, n, n / entries if entries else None) for c, n in zip(question.choices, counts, strict=True)
    )
    mean = None
    if question.likert and entries:
        mean = sum(position * n for position, n in enumerate(counts, start=1)) / entries
    return RepeatSummary(repeat, QuestionSummary(question, rows, entries, mean), None, entries, published.responses)


def _number(
    repeat: Repeat,
    question: Question,
    values: Collection[float],
    answered: Mapping[Atom, Mapping[float, Held]],
    held: Mapping[Atom, Held],
    k: int,
) -> RepeatSummary:
    fine = {value: number_part(value) for value in values}
    narrowest = Decimal(1 if question.type == "integer" else 0)
    edges, index = histogram_bins(fine.values(), narrowest=narrowest)
    binned: dict[Atom, dict[str, Held]] = {}
    for atom, by_value in answered.items():
        bins: dict[str, Held] = defaultdict(lambda: defaultdict(int))
        for value, by_response in by_value.items():
            for response, n in by_response.items():
                bins[str(index[fine[value]])][response] += n
        binned[atom] = bins
    published = _publish([str(i) for i in range(max(0, len(edges) - 1))], binned, held, k)
    counts = tuple(published.counts.values())
    quartiles = None
    if published.responses >= k:
        q1, q2, q3 = (quantile([float(e) for e in edges], counts, q) for q in (0.25, 0.5, 0.75))
        if q1 is not None and q2 is not None and q3 is not None:
            quartiles = (q1, q2, q3)
    number = NumberSummary(question, tuple(float(e) for e in edges), counts, quartiles)
    return RepeatSummary(repeat, None, number, sum(counts), published.responses)
