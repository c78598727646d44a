"""Build a Flask-WTF form from a survey version's definition, in the resident's language."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from survey.models import Site
from survey.services.definition import Definition, Question, pick

FIELD_PREFIX = "q_"


def _valid_uuid(form: FlaskForm, field: Field) -> None:
    try:
        field.data = str(uuid.UUID(str(field.data)))
    except ValueError:
        field.data = str(uuid.uuid4())  # a missing or mangled id gets a fresh one


def _field_for(question: Question, definition: Definition, language: str, sites: list[Site]) -> Field:
    label = pick(question.label, language, definition.default_language)
    hint = pick(question.hint, language, definition.default_language)
    message = pick(question.required_message, language, definition.default_language) or _(
        "This question needs an answer."
    )
    validators: list[Any] = [InputRequired(message=message) if question.required else Optional()]
    kwargs: dict[str, Any] = {"label": label, "description": hint, "validators": validators}
    if question.type == "site":
        choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(s.slug, s.display_name) for s in sites]
        return SelectField(choices=choices, **kwargs)
    if question.type == "select_one":
        choices = [
            SelectChoice(c.name, pick(c.label, language, definition.default_language)) for c in question.choices
        ]
        return RadioField(choices=choices, **kwargs)
    if question.type == "integer":
        return IntegerField(**kwargs)
    validators.append(
        Length(max=question.max_length, message=_("Please keep this under %(n)d characters.", n=question.max_length))
    )
    return (TextAreaField if question.appearance == "multiline" else StringField)(**kwargs)


def build_form(definition: Definition, language: str, sites: list[Site]) -> FlaskForm:
    """A form class for this definition, instantiated on the current request."""

    class ResidentForm(FlaskForm):
        uuid = HiddenField(validators=[_valid_uuid])
        started_at = HiddenField()

    for question in definition.questions:
        setattr(ResidentForm, FIELD_PREFIX + question.name, _field_for(question, definition, language, sites))
    form = ResidentForm()
    if not form.is_submitted():
        form.uuid.data = str(uuid.uuid4())
        form.started_at.data = datetime.now(UTC).isoformat(timespec="seconds")
    return form


def question_fields(form: FlaskForm, definition: Definition) -> list[tuple[Question, Field]]:
    """Each question with its form field, in the survey's order."""
    return [(q, form[FIELD_PREFIX + q.name]) for q in definition.questions]


def answers_from(form: FlaskForm, definition: Definition) -> dict[str, object]:
    """The validated answers, keyed by question name."""
    return {q.name: field.data for q, field in question_fields(form, definition)}


def started_at(form: FlaskForm) -> datetime | None:
    """When the resident opened the form, if the hidden field holds a sane time."""
    try:
        value = datetime.fromisoformat(str(form.started_at.data))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value if value <= datetime.now(UTC) else None
