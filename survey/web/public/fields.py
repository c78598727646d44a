"""The WTForms field for each kind of question field the questionnaire's types ask for."""

# The questionnaire stays free of Flask and WTForms: each question type names the kind of field
# that shows it (question.kind.field_kind), and this table is the one place that turns a kind
# into a WTForms class.

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from babel.core import UnknownLocaleError
from babel.numbers import get_decimal_symbol
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import (
    CheckboxInput,
    DateTimeLocalInput,
    ListWidget,
    MonthInput,
    NumberInput,
    TextInput,
    TimeInput,
)

from survey.models import Site
from survey.questionnaire import Definition, Question, pick
from survey.questionnaire.media_types import AudioType, MediaType
from survey.web.public.geopoint import GeopointField
from survey.web.public.media import MediaField


class CheckboxField(SelectMultipleField):
    """A select_multiple as a group of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def decimal_symbol(language: str) -> str:
    """The character the language writes between whole and fraction: "," in Spanish, "." in English."""
    try:
        return get_decimal_symbol(language)
    except (UnknownLocaleError, ValueError):
        return "."


def decimal_point(typed: str, symbol: str) -> str:
    """What was typed, with the language's decimal comma read as a point: "2,5" is 2.5.

    A point is read as the point in every language (a phone's number pad offers it), so a comma
    is read only when it stands alone; no thousands separators are guessed at.
    """
    value = typed.strip()
    if symbol != "." and value.count(symbol) == 1 and "." not in value:
        return value.replace(symbol, ".")
    return value


class LocalDecimalField(DecimalField):
    """A decimal typed as the language writes it, kept as typed when it is wrong.

    A text box with a decimal keypad: a number box drops or rewrites a comma its browser's
    locale does not expect, and shows nothing of an answer it could not read.
    """

    widget = TextInput()

    def __init__(self, *args: Any, symbol: str = ".", **kwargs: Any) -> None:
        """Say which decimal symbol the resident's language writes."""
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)
        self.symbol = symbol

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read "2,5" as 2.5 where the language writes the comma; raw_data keeps what was typed."""
        super().process_formdata([decimal_point(str(value), self.symbol) for value in valuelist[:1]])

    def _value(self) -> str:
        if self.raw_data or not isinstance(self.data, Decimal):
            return str(super()._value())
        return format(self.data, "f").replace(".", self.symbol)


class Flags:
    """Tell the label and the input what the question's type declares; the questionnaire checks it."""

    def __init__(self, flags: dict[str, bool | int]) -> None:
        """Keep the flags WTForms renders (required, maxlength)."""
        self.field_flags = flags

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Check nothing: validate_answers decides, for the form and the tablets alike."""


FIELD_CLASSES: dict[str, type[Field]] = {
    "text": StringField,
    "textarea": TextAreaField,
    "integer": IntegerField,
    "decimal": LocalDecimalField,
    "date": DateField,
    "time": StringField,
    "datetime": StringField,
    "month": StringField,
    "year": StringField,
    "geopoint": GeopointField,
    "geopoints": TextAreaField,
    "file": MediaField,
    "radio": RadioField,
    "checkboxes": CheckboxField,
    "checkbox": BooleanField,
    "site": SelectField,
}
# Kinds kept as the ODK string that was typed, shown by the browser's own picker.
# A month field is a text box where the browser has no month picker: the server reads 2026-03 either way.
INPUT_WIDGETS = {"time": TimeInput(), "datetime": DateTimeLocalInput(), "month": MonthInput(), "year": NumberInput()}
MONTH_PATTERN = "[0-9]{4}-[0-9]{1,2}"
YEAR_LIMITS = {"min": 1, "max": 9999, "step": 1, "inputmode": "numeric"}


def _choices(question: Question, definition: Definition, language: str, sites: Sequence[Site]) -> list[SelectChoice]:
    """What a choice field offers: the sites for a site question, else the question's choices."""
    if question.kind.binds == "site":
        return [SelectChoice("", _("Choose…"))] + [SelectChoice(s.slug, s.display_name) for s in sites]
    return [SelectChoice(c.name, pick(c.label, language, definition.default_language)) for c in question.choices]


def make_field(
    question: Question, definition: Definition, language: str, sites: Sequence[Site], **kwargs: Any
) -> Field:
    """The unbound field that shows this question, with the given label, default and such."""
    kwargs["validators"] = [Flags(question.kind.field_flags(question))]
    kind = question.kind.field_kind(question)
    field_class = FIELD_CLASSES[kind]
    if issubclass(field_class, SelectField | RadioField | SelectMultipleField):
        kwargs["choices"] = _choices(question, definition, language, sites)
    if question.read_only:
        kwargs["render_kw"] = {"disabled": True} if question.kind.locked_when_read_only else {"readonly": True}
    if isinstance(question.kind, MediaType):  # a phone opens its camera or recorder
        wanted = {"accept": question.kind.media, "capture": question.kind.capture}
        kwargs["render_kw"] = {key: value for key, value in wanted.items() if value}  # any file: no accept, no camera
    if isinstance(question.kind, AudioType):  # audio-recorder.js records it in the page, the file input kept
        kwargs["render_kw"]["data-record-audio"] = question.name
    if kind in INPUT_WIDGETS:
        kwargs["widget"] = INPUT_WIDGETS[kind]
    if kind == "month":  # shown only where the browser falls back to a text box
        kwargs["render_kw"] = {**kwargs.get("render_kw", {}), "placeholder": _("YYYY-MM"), "pattern": MONTH_PATTERN}
    if kind == "year":
        kwargs["render_kw"] = {**kwargs.get("render_kw", {}), **YEAR_LIMITS}
    if field_class is LocalDecimalField:
        kwargs["symbol"] = decimal_symbol(language)
    return field_class(**kwargs)


def field_answer(question: Question, field: Field) -> str:
    """A field's answer as an ODK string: what the expressions read and what is stored."""
    data = field.data
    if field.process_errors or data is None:
        return str(field.raw_data[0]) if field.raw_data else ""
    return question.kind.from_field(data)
