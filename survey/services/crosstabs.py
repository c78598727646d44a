"""Every select question broken down by the answers to one select-one question: cross-tabs with row
shares, counted from the joint rollup (survey.models.JointCount) and published cell by cell under the
small-group rule (survey.disclosure.protect_crosstabs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from survey.disclosure import CrossTab, Key, View, cross_part
from survey.extensions import db
from survey.models import JointCount, Survey, SurveyVersion
from survey.questionnaire import Definition, Question
from survey.services.part_counts import multiple_choice, single_choice
from survey.services.question_summaries import ChoiceRow, QuestionSummary


def by_questions(definition: Definition) -> list[Question]:
    """The questions a summary can break the others down by: select-one questions asked on the form."""
    return [q for q in single_choice(definition) if not q.bind and not q.personal]


def crosstabs_of(definition: Definition, by: Question) -> list[CrossTab]:
    """A cross-tab of every other select question asked on the form, by the answers to `by`."""
    rows = tuple(c.name for c in by.choices)
    questions = [q for q in (*single_choice(definition), *multiple_choice(definition)) if not q.bind]
    return [
        CrossTab(by.name, rows, q.name, tuple(c.name for c in q.choices), q.type == "select_multiple")
        for q in definition.questions
        if q in questions and q.name != by.name
    ]


def count_joint(survey: Survey, tables: list[CrossTab]) -> dict[Key, int]:
    """Each cell of the cross-tabs per site and month, read from the joint rollup of the `by` question.

    One grouped read of an index range: it grows with sites, months and choices, not with responses. A
    select-multiple answer counts in each column it ticked; an answer that is no choice counts nowhere.
    """
    if not tables:
        return {}
    by = tables[0].by
    wanted = {t.question: t for t in tables}
    versions = select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id)
    rows = db.session.execute(
        select(
            JointCount.site_id,
            JointCount.month,
            JointCount.by_choice,
            JointCount.question,
            JointCount.part,
            func.sum(JointCount.count),
        )
        .where(JointCount.survey_version_id.in_(versions), JointCount.by_question == by)
        .group_by(JointCount.site_id, JointCount.month, JointCount.by_choice, JointCount.question, JointCount.part)
    )
    counts: dict[Key, int] = {}
    for site, month, row, question, part, n in rows:
        table = wanted.get(question)
        if table is None or row not in table.rows:
            continue
        columns = set(part.split()) & set(table.columns) if table.multiple else {part} & set(table.columns)
        for column in columns:
            key = (site, month, table.statistic, cross_part(row, column))
            counts[key] = counts.get(key, 0) + int(n)
    return counts


@dataclass(frozen=True)
class CrossTabSummary:
    """A question's distribution in each answer of the `by` question that has something published."""

    by: Question
    question: Question
    rows: tuple[tuple[str, QuestionSummary], ...]  # the `by` question's choice, the question within it
    # Each row's responses as the summary counts them: more than the row's counted cells when cells of
    # small groups in some place and month are withheld, so its shares are of part of the row only.
    responses: dict[str, int] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        """Whether a row's shares are of part of its responses only."""
        return any(self.responses.get(name, 0) > row.counted for name, row in self.rows)


def summarise_crosstab(view: View, table: CrossTab, by: Question, question: Question) -> CrossTabSummary:
    """Row shares of a cross-tab over the published cells of the view."""
    rows, responses = [], {}
    for row in table.rows:
        responses[row] = view.count(*table.row_total(row)).value
        cells = [_cell(view, table, row, c) for c in table.columns]
        hidden = [not n and _withheld(view, table, row, c) for c, (n, _) in zip(table.columns, cells, strict=True)]
        if table.multiple:
            counted = max((base for _, base in cells), default=0)
            choices = tuple(
                ChoiceRow(c, n, n / base if base and not gone else None)
                for c, (n, base), gone in zip(table.columns, cells, hidden, strict=True)
            )
        else:
            counted = sum(n for n, _ in cells)
            choices = tuple(
                ChoiceRow(c, n, n / counted if counted and not gone else None)
                for c, (n, _), gone in zip(table.columns, cells, hidden, strict=True)
            )
        mean = None
        if question.likert and counted:
            mean = sum(position * n for position, (n, _) in enumerate(cells, start=1)) / counted
        if counted:
            rows.append((row, QuestionSummary(question, choices, counted, mean)))
    return CrossTabSummary(by, question, tuple(rows), responses)


def _withheld(view: View, table: CrossTab, row: str, column: str) -> bool:
    """Whether a cell is withheld in some place and month of the view: a 0 shown there would be untrue."""
    part = cross_part(row, column)
    return any((atom, table.statistic, part) in view.protected.withheld for atom in view.atoms)


def _cell(view: View, table: CrossTab, row: str, column: str) -> tuple[int, int]:
    """A cell's published count and, for a select-multiple question, the row's responses it is a share of:
    those of the atoms that publish both the cell and the row's total."""
    figure = view.count(table.statistic, cross_part(row, column))
    if not table.multiple:
        return figure.value, 0
    statistic, part = table.row_total(row)
    atoms = [a for a in figure.sources if (a, statistic, part) in view.protected.published]
    return view.count(table.statistic, cross_part(row, column), atoms).value, view.count(statistic, part, atoms).value
