"""The resident form as nested items (groups, questions, notes) with what form-logic.js reads."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field

from survey.questionnaire import Definition, Group, Question, Repeat, pick
from survey.questionnaire.expressions import tables_read
from survey.questionnaire.logic import MAX_INSTANCES, choice_values, chosen_condition
from survey.questionnaire.model import Item
from survey.questionnaire.question_types import DATE_FIELDS
from survey.questionnaire.rules import choice_filter_expression
from survey.questionnaire.validate import INSTANCE_MARK, instance_path, instances_key
from survey.web.public.fields import decimal_symbol
from survey.web.public.forms import FIELD_PREFIX, constraint_message, required_message
from survey.web.public.repeats import count_field, instance_title


@dataclass(frozen=True)
class FormItem:
    """A group with its items, or a question with its field (None for notes and calculations)."""

    attributes: dict[str, str]
    group: Group | None = None
    question: Question | None = None
    field: Field | None = None
    choice_attributes: tuple[dict[str, str], ...] = ()  # by position: a name may stand twice in a list
    children: tuple[FormItem, ...] = ()
    relevance_note: str = ""  # when it applies, for pages without JavaScript, where everything shows
    repeat: Repeat | None = None  # a repeat, whose children are its instances
    instance: str = ""  # the path of the repeat instance it is in ("2", or "2.1" in a repeat inside one)
    title: str = ""  # an instance's: "Household member 2"
    count_field: str = ""  # a repeat's hidden field saying how many instances it shows
    instances_key: str = ""  # a repeat's: how its steps name its instances (child.2 inside the 2nd woman)
    position: int = 0  # an instance's number within its repeat, from 1
    blank_instance: FormItem | None = None  # a repeat's instance with nothing typed, for form-repeats.js

    @property
    def own_page(self) -> bool:
        """Whether it is a page of its own: a group or a repeat at the top of the form."""
        return self.group is not None or self.repeat is not None

    @property
    def key(self) -> str:
        """How answers name a question here: its name, with the instance's number in a repeat."""
        name = self.question.name if self.question else ""
        return f"{name}{INSTANCE_MARK}{self.instance}" if self.instance and name else name


def relevance_note(relevant: str, definition: Definition, language: str) -> str:
    """When a conditional question or group applies, in words: the choice it follows, or in general."""
    condition = chosen_condition(relevant)
    asked = next((q for q in definition.questions if condition and q.name == condition.question), None)
    choice = next((c for c in asked.choices if condition and c.name == condition.choice), None) if asked else None
    if asked is None or choice is None:
        return _("Answer only if it applies to you after your earlier answers.")
    return _(
        "Answer only if you answered “%(choice)s” to “%(question)s”",
        choice=pick(choice.label, language, definition.default_language),
        question=pick(asked.label, language, definition.default_language),
    )


def tables_attribute(definition: Definition, language: str, *, with_files: bool) -> str:
    """The rows the form's pulldata() and instance() read, in this language, as form-logic.js reads them; "" if none.

    A data file sent with the form (a baseline's households, say) goes into the page only with_files:
    for a field worker or an administrator signed in, who get it on their tablets anyway. A page
    anyone may open gets the form's own choice lists alone, and the server works out what the files
    give when the answers are sent."""
    if not definition.reads_tables:
        return ""
    read = set().union(*(tables_read(e) for e in definition.expressions))
    if not with_files:
        read -= set(definition.data_files)
    tables = definition.tables(language)
    return json.dumps({name: tables[name] for name in sorted(read) if name in tables}, ensure_ascii=False)


def _question_attributes(question: Question, definition: Definition, language: str) -> dict[str, str]:
    attributes = {"data-question": question.name, "data-type": question.type}
    if question.relevant:
        attributes["data-relevant"] = question.relevant
    if question.required or question.required_if:  # form-pages.js checks a page before the next one
        attributes["data-required"] = question.required_if or "true()"
        attributes["data-required-message"] = required_message(question, definition, language)
    if question.constraint:
        attributes["data-constraint"] = question.constraint
        attributes["data-constraint-message"] = constraint_message(question, definition, language)
    if question.choice_filter:
        attributes["data-choice-filter"] = choice_filter_expression(question.choice_filter)
    if question.calculation:
        attributes["data-calculation"] = question.calculation
    if question.choices and definition.reads_choice_names:  # what jr:choice-name() gives, in this language
        labels = {c.name: pick(c.label, language, definition.default_language) for c in question.choices}
        attributes["data-choice-labels"] = json.dumps(labels, ensure_ascii=False)
    if question.kind.field_kind(question) in DATE_FIELDS.values():  # form-logic.js reads 2026-03 as 2026-03-01
        attributes["data-date-precision"] = question.kind.field_kind(question)
    if question.kind.field_kind(question) == "decimal" and decimal_symbol(language) != ".":
        attributes["data-decimal-symbol"] = decimal_symbol(language)
    return attributes


def _instance_item(
    form: FlaskForm, repeat: Repeat, definition: Definition, language: str, parent: str, position: int, blank: bool
) -> FormItem:
    """One instance of a repeat, its fields named by its path."""
    path = instance_path(parent, position)
    return FormItem(
        {"data-instance": str(position)},
        children=tuple(_item(form, child, definition, language, path, blank) for child in repeat.items),
        instance=path,
        title=instance_title(repeat, position, definition, language),
        position=position,
    )


def _repeat_item(
    form: FlaskForm, repeat: Repeat, definition: Definition, language: str, parent: str, blank: bool
) -> FormItem:
    """A repeat and its instances, each with the repeat's items; in a blank instance a counted one has none."""
    title = instance_title(repeat, "__n__", definition, language)  # form-repeats.js numbers a new instance
    attributes = {"data-repeat": repeat.name, "data-instance-title": title}
    attributes["data-remove-title"] = _("Remove %(title)s", title=title)
    if repeat.relevant:
        attributes["data-relevant"] = repeat.relevant
    key = instances_key(repeat.name, parent)
    shown = 0 if blank and repeat.count else form.instance_counts.get(key, 0)
    instances = tuple(
        _instance_item(form, repeat, definition, language, parent, position, blank) for position in range(1, shown + 1)
    )
    if repeat.count:  # form-repeats.js makes as many instances as the count says
        attributes["data-count"] = repeat.count
        attributes["data-count-limit"] = str(MAX_INSTANCES)
    source = form if blank else form.blank_instances()  # what form-repeats.js copies for a new instance
    empty = _instance_item(source, repeat, definition, language, parent, 1, True)
    note = relevance_note(repeat.relevant, definition, language) if repeat.relevant else ""
    return FormItem(
        attributes,
        repeat=repeat,
        children=instances,
        relevance_note=note,
        instance=parent,
        count_field=count_field(repeat, parent),
        instances_key=key,
        blank_instance=empty,
    )


def _item(
    form: FlaskForm, entry: Item, definition: Definition, language: str, instance: str = "", blank: bool = False
) -> FormItem:
    if isinstance(entry, Repeat):
        return _repeat_item(form, entry, definition, language, instance, blank)
    if isinstance(entry, Group):
        attributes = {"data-group": entry.name}
        if entry.relevant:
            attributes["data-relevant"] = entry.relevant
        children = tuple(_item(form, child, definition, language, instance, blank) for child in entry.items)
        note = relevance_note(entry.relevant, definition, language) if entry.relevant else ""
        return FormItem(attributes, group=entry, children=children, relevance_note=note, instance=instance)
    choice_attributes: tuple[dict[str, str], ...] = ()
    if entry.choice_filter:
        choice_attributes = tuple({"data-choice": json.dumps(values)} for values in choice_values(entry))
    name = FIELD_PREFIX + entry.name + (f"{INSTANCE_MARK}{instance}" if instance else "")
    attributes = _question_attributes(entry, definition, language)
    if instance:
        attributes["data-field"] = name  # form-logic.js finds an instance's inputs by it
    return FormItem(
        attributes,
        question=entry,
        field=form[name] if name in form else None,  # noqa: SIM401 (a form has no get())
        choice_attributes=choice_attributes,
        relevance_note=relevance_note(entry.relevant, definition, language) if entry.relevant else "",
        instance=instance,
    )


def form_items(form: FlaskForm, definition: Definition, language: str) -> tuple[FormItem, ...]:
    """Every group and question of the form in order, nested as the definition nests them."""
    return tuple(_item(form, entry, definition, language) for entry in definition.items)
