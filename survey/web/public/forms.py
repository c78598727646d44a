"""Build a Flask-WTF form from a survey version's definition, in the resident's language."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from survey.models import Site
from survey.questionnaire import Definition, Question, pick
from survey.questionnaire.logic import FormState, allowed_choices, breaks_constraint, resolve_form
from survey.web.public.fields import field_answer, make_field

EARLIEST_START = datetime(2000, 1, 1, tzinfo=UTC)  # a tampered or reset clock says 0001 or 1970
FIELD_PREFIX = "q_"
Validator = Callable[[FlaskForm, Field], None]


def _valid_uuid(form: FlaskForm, field: Field) -> None:
    try:
        field.data = str(uuid.UUID(str(field.data)))
    except ValueError:
        field.data = str(uuid.uuid4())  # a missing or mangled id gets a fresh one


def _text(texts: Any, definition: Definition, language: str) -> str:
    return pick(texts, language, definition.default_language)


def constraint_message(question: Question, definition: Definition, language: str) -> str:
    """What the resident reads when an answer breaks the question's constraint."""
    return _text(question.constraint_message, definition, language) or _("This answer is not allowed.")


def _constraint(question: Question, message: str) -> Validator:
    def check(form: FlaskForm, field: Field) -> None:
        if breaks_constraint(question, form.state.values, date.today()):
            raise ValidationError(message)

    return check


def _choice_filter(question: Question) -> Validator:
    def check(form: FlaskForm, field: Field) -> None:
        allowed = {c.name for c in allowed_choices(question, form.state.values, date.today())}
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if any(name and name not in allowed for name in chosen):
            raise ValidationError(field.gettext("Not a valid choice."))

    return check


def _field_for(question: Question, definition: Definition, language: str, sites: list[Site]) -> Field:
    required = _text(question.required_message, definition, language) or _("This question needs an answer.")
    validators: list[Any] = [InputRequired(message=required) if question.required else Optional()]
    if question.constraint:
        validators.append(_constraint(question, constraint_message(question, definition, language)))
    if question.choice_filter:
        validators.append(_choice_filter(question))
    kwargs: dict[str, Any] = {
        "label": _text(question.label, definition, language),
        "description": _text(question.hint, definition, language),
        "validators": validators,
        "default": question.kind.field_default(question),
    }
    if question.kind.field_kind(question) in ("text", "textarea"):
        validators.append(
            Length(
                max=question.max_length,
                message=_("Please keep this under %(n)d characters.", n=question.max_length),
            )
        )
    return make_field(question, definition, language, sites, **kwargs)


def build_form(definition: Definition, language: str, sites: list[Site]) -> FlaskForm:
    """A form class for this definition, instantiated on the current request."""
    by_field = {FIELD_PREFIX + q.name: q for q in definition.questions if q.shown and q.stored}

    class ResidentForm(FlaskForm):
        uuid = HiddenField(validators=[_valid_uuid])
        started_at = HiddenField()
        state: FormState = FormState({}, {})

        def validate(self, extra_validators: dict[str, Any] | None = None) -> bool:
            """Validate only the questions that apply to these answers; the rest are ignored."""
            answers = {q.name: field_answer(q, self[name]) for name, q in by_field.items()}
            self.state = resolve_form(definition, answers, date.today())
            valid = True
            for name, field in self._fields.items():
                question = by_field.get(name)
                if question is not None and (question.read_only or not self.state.relevant[question.name]):
                    continue
                if not field.validate(self, (extra_validators or {}).get(name, ())):
                    valid = False
            return valid

    for name, question in by_field.items():
        setattr(ResidentForm, name, _field_for(question, definition, language, sites))
    form = ResidentForm()
    for name, question in by_field.items():
        if question.read_only:  # what was posted for a locked question does not count
            form[name].data = question.kind.field_default(question)
    if not form.is_submitted():
        form.uuid.data = str(uuid.uuid4())
        form.started_at.data = datetime.now(UTC).isoformat(timespec="seconds")
    return form


def answers_from(form: FlaskForm, definition: Definition) -> dict[str, object]:
    """The validated answers that apply, keyed by question name; calculations included."""
    state: FormState = form.state
    return {
        q.name: state.values[q.name]
        for q in definition.questions
        if q.stored and state.relevant.get(q.name) and state.values.get(q.name)
    }


def started_at(form: FlaskForm) -> datetime | None:
    """When the resident opened the form, if the hidden field holds a sane time."""
    try:
        value = datetime.fromisoformat(str(form.started_at.data))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return value if EARLIEST_START <= value <= datetime.now(UTC) else None
