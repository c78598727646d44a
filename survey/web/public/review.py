"""The answers a resident is about to send, as they read them, and the posted values that carry them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field

from survey.questionnaire import Definition, Group, Question, Repeat, pick
from survey.questionnaire.rules import OUTPUT
from survey.questionnaire.validate import instance_path, instances_key
from survey.web.public.forms import FIELD_PREFIX
from survey.web.public.repeats import COUNT_PREFIX, instance_field, instance_path_title


@dataclass(frozen=True)
class ReviewRow:
    """One answered question: its label, the answer in words, what is stored, and the field to change it."""

    name: str
    field_id: str
    label: str
    answer: str
    stored: str


def _filled(text: str, answers: Mapping[str, object]) -> str:
    """A label with each ${name} replaced by that answer, as the form's script showed it."""
    return OUTPUT.sub(lambda match: str(answers.get(match.group(1).strip(), "")), text)


def _shown_answer(field: Field) -> str:
    """A choice's label, or what was typed (a decimal comma stays a comma)."""
    if isinstance(field, BooleanField):
        return _("Yes") if field.data else _("No")
    if hasattr(field, "iter_choices"):
        return ", ".join(str(option[1]) for option in field.iter_choices() if option[2])
    if field.raw_data:
        return str(field.raw_data[0])
    return "" if field.data is None else str(field.data)


def review_rows(form: FlaskForm, definition: Definition, answers: dict[str, object], language: str) -> list[ReviewRow]:
    """Every answer that would be stored, in the form's order, a repeat's instances where it is asked;
    calculations show their value."""
    rows = []
    for item in _asked(definition.items):
        if isinstance(item, Repeat):
            rows += _instance_rows(form, definition, item, language, answers)
            continue
        if item.name not in answers:
            continue
        name = FIELD_PREFIX + item.name
        answer = _shown_answer(form[name]) if name in form else str(answers[item.name])
        label = _filled(pick(item.label, language, definition.default_language), answers) or item.name
        field_id = form[name].id if name in form else ""
        rows.append(ReviewRow(item.name, field_id, label, answer, str(answers[item.name])))
    return rows


def _asked(items: tuple[Question | Group | Repeat, ...]) -> Iterator[Question | Repeat]:
    """The questions and repeats in the order the form asks them, out of their groups."""
    for item in items:
        if isinstance(item, Group):
            yield from _asked(item.items)
        else:
            yield item


def _instance_rows(
    form: FlaskForm,
    definition: Definition,
    repeat: Repeat,
    language: str,
    around: Mapping[str, object],
    parent: str = "",
) -> list[ReviewRow]:
    """The answers of each of a repeat's instances, each label naming its instance (and those it is inside).

    A ${name} in a label reads the instance's own answer first, then the answers around it.
    """
    rows = []
    for position, answers in enumerate(form.instances.get(instances_key(repeat.name, parent), ()), start=1):
        path = instance_path(parent, position)
        title = instance_path_title(repeat, path, definition, language)
        seen = {**around, **answers}
        for question in _asked(repeat.items):
            if isinstance(question, Repeat):
                rows += _instance_rows(form, definition, question, language, seen, path)
                continue
            if question.name not in answers:
                continue
            field = instance_field(question, path)
            answer = _shown_answer(form[field]) if field in form else str(answers[question.name])
            asked = _filled(pick(question.label, language, definition.default_language), seen) or question.name
            label = f"{title}: {asked}"
            key = field.removeprefix(FIELD_PREFIX)
            rows.append(
                ReviewRow(key, form[field].id if field in form else "", label, answer, str(answers[question.name]))
            )
    return rows


def carried_answers(posted: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The posted answers as (name, value) pairs, to send again from hidden fields."""
    carried = (FIELD_PREFIX, COUNT_PREFIX)  # the answers, and how many instances each repeat has
    return [(name, value) for name in posted if name.startswith(carried) for value in posted.getlist(name)]
