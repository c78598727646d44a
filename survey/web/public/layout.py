"""The resident form as nested items (groups, questions, notes) with what form-logic.js reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as default

from flask_wtf import FlaskForm
from wtforms import Field

from survey.questionnaire import Definition, Group, Question
from survey.questionnaire.logic import choice_values
from survey.questionnaire.rules import choice_filter_expression
from survey.web.public.fields import decimal_symbol
from survey.web.public.forms import FIELD_PREFIX, constraint_message


@dataclass(frozen=True)
class FormItem:
    """A group with its items, or a question with its field (None for notes and calculations)."""

    attributes: dict[str, str]
    group: Group | None = None
    question: Question | None = None
    field: Field | None = None
    choice_attributes: dict[str, dict[str, str]] = default(default_factory=dict)
    children: tuple[FormItem, ...] = ()


def _question_attributes(question: Question, definition: Definition, language: str) -> dict[str, str]:
    attributes = {"data-question": question.name, "data-type": question.type}
    if question.relevant:
        attributes["data-relevant"] = question.relevant
    if question.constraint:
        attributes["data-constraint"] = question.constraint
        attributes["data-constraint-message"] = constraint_message(question, definition, language)
    if question.choice_filter:
        attributes["data-choice-filter"] = choice_filter_expression(question.choice_filter)
    if question.calculation:
        attributes["data-calculation"] = question.calculation
    if question.kind.field_kind(question) == "decimal" and decimal_symbol(language) != ".":
        attributes["data-decimal-symbol"] = decimal_symbol(language)
    return attributes


def _item(form: FlaskForm, entry: Question | Group, definition: Definition, language: str) -> FormItem:
    if isinstance(entry, Group):
        attributes = {"data-group": entry.name}
        if entry.relevant:
            attributes["data-relevant"] = entry.relevant
        children = tuple(_item(form, child, definition, language) for child in entry.items)
        return FormItem(attributes, group=entry, children=children)
    choice_attributes = {}
    if entry.choice_filter:
        choice_attributes = {c.name: {"data-choice": json.dumps(choice_values(entry, c))} for c in entry.choices}
    name = FIELD_PREFIX + entry.name
    return FormItem(
        _question_attributes(entry, definition, language),
        question=entry,
        field=form[name] if name in form else None,  # noqa: SIM401 (a form has no get())
        choice_attributes=choice_attributes,
    )


def form_items(form: FlaskForm, definition: Definition, language: str) -> tuple[FormItem, ...]:
    """Every group and question of the form in order, nested as the definition nests them."""
    return tuple(_item(form, entry, definition, language) for entry in definition.items)
