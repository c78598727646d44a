"""Build a Flask-WTF form from a survey version's definition, in the resident's language."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from survey.models import Site, SurveyVersion
from survey.questionnaire import Definition, Question, pick
from survey.questionnaire.messages import CONSTRAINT, REQUIRED, AnswerError
from survey.questionnaire.place_and_time_types import point_parts
from survey.questionnaire.validate import instance_path, split_instances_key, validate_answers, validate_instances
from survey.services.answers import describe_answer_error
from survey.services.media import UploadedFile
from survey.services.submissions import Submission
from survey.services.withdrawals import ReceiptCodeError, normalise_receipt
from survey.web.filters import with_outputs
from survey.web.public.fields import field_answer, make_field
from survey.web.public.media import upload_problem, uploaded
from survey.web.public.repeats import FIELD_PREFIX as FIELD_PREFIX  # layout and pages read it here too
from survey.web.public.repeats import (
    answered_questions,
    blank_counts,
    instance_counts,
    instance_field,
    instance_path_title,
)

EARLIEST_START = datetime(2000, 1, 1, tzinfo=UTC)  # a tampered or reset clock says 0001 or 1970


def _valid_uuid(form: FlaskForm, field: Field) -> None:
    try:
        field.data = str(uuid.UUID(str(field.data)))
    except ValueError:
        field.data = str(uuid.uuid4())  # a missing or mangled id gets a fresh one


def constraint_message(question: Question, definition: Definition, language: str) -> str:
    """What the resident reads when an answer breaks the question's constraint."""
    text = pick(question.constraint_message, language, definition.default_language)
    return describe_answer_error(AnswerError(CONSTRAINT, text=text), language)


def required_message(question: Question, definition: Definition, language: str) -> str:
    """What the resident reads when a required question is left empty."""
    text = pick(question.required_message, language, definition.default_language)
    return describe_answer_error(AnswerError(REQUIRED, text=text), language)


class SurveyText(NamedTuple):
    """A question's label and hint as the survey words them, ${name} and all, in the resident's language."""

    label: str
    hint: str


def _survey_text(question: Question, definition: Definition, language: str) -> SurveyText:
    """The question's label and hint in the resident's language."""
    label = pick(question.label, language, definition.default_language)
    return SurveyText(label, pick(question.hint, language, definition.default_language))


def _field_for(question: Question, text: SurveyText, definition: Definition, language: str, sites: list[Site]) -> Field:
    return make_field(
        question,
        definition,
        language,
        sites,
        label=with_outputs(text.label),
        description=with_outputs(text.hint),
        default=question.kind.field_default(question),
    )


class InstanceField(NamedTuple):
    """A question's field in one instance: its repeat's instances_key, the question, the path, the number."""

    key: str
    question: Question
    path: str
    position: int


def _instance_fields(definition: Definition, counts: dict[str, int]) -> dict[str, InstanceField]:
    """Each instance's fields by name, in a repeat inside another too (one set per outer instance)."""
    fields = {}
    for key, count in counts.items():
        name, parent = split_instances_key(key)
        for position in range(1, count + 1):
            path = instance_path(parent, position)
            for q in answered_questions(definition.repeats[name]):
                fields[instance_field(q, path)] = InstanceField(key, q, path, position)
    return fields


def typed_in_instances(
    form: FlaskForm, in_instances: Mapping[str, InstanceField]
) -> dict[str, list[dict[str, object]]]:
    """What was typed in each repeat's instances, keyed by instances_key, as validate_instances reads it."""
    typed: dict[str, list[dict[str, object]]] = {}
    for name, (key, question, _path, position) in in_instances.items():
        instances = typed.setdefault(key, [])
        instances.extend({} for _ in range(position - len(instances)))
        instances[position - 1][question.name] = field_answer(question, form[name])
    return typed


def _check_instances(
    form: FlaskForm,
    definition: Definition,
    typed: Mapping[str, object],
    in_instances: dict[str, InstanceField],
    language: str,
) -> bool:
    """Keep each repeat instance's valid answers on the form and put its errors, naming the instance, on its fields."""
    typed_instances = typed_in_instances(form, in_instances)
    form.instances, wrong = validate_instances(definition, typed, typed_instances, language, today=date.today())
    for name, (key, _question, path, _position) in in_instances.items():
        problem = wrong.get(name.removeprefix(FIELD_PREFIX))
        repeat = definition.repeats[split_instances_key(key)[0]]
        title = instance_path_title(repeat, path, definition, language)
        form[name].errors = [f"{title}: {describe_answer_error(problem, language)}"] if problem else []
    return not wrong


def build_form(
    definition: Definition,
    language: str,
    sites: list[Site],
    kept: MultiDict[str, str] | None = None,
    *,
    blank: dict[str, int] | None = None,
) -> FlaskForm:
    """A form class for this definition, instantiated on the current request (or on answers kept from it).

    With blank (instances by instances_key) it is a form with nothing typed and those instances.
    """
    by_field = {FIELD_PREFIX + q.name: q for q in definition.questions if q.shown and q.stored}
    known_sites = frozenset(site.slug for site in sites)
    posted = kept if kept is not None else (request.form if request.method == "POST" else MultiDict())
    counts = blank if blank is not None else instance_counts(definition, posted, date.today())
    in_instances = _instance_fields(definition, counts)
    made: list[FlaskForm] = []

    def blank_form() -> FlaskForm:
        """The same form with nothing typed and a blank instance of each counted repeat, made once."""
        if not made:
            made.append(build_form(definition, language, sites, blank=blank_counts(definition, counts)))
        return made[0]

    class ResidentForm(FlaskForm):
        uuid = HiddenField(validators=[_valid_uuid])
        started_at = HiddenField()
        start_geopoint = HiddenField()  # where the interview began: geopoint.js fills it if the form asks
        repeat = HiddenField()  # "1": the resident confirmed sending answers this browser already sent
        answers: dict[str, object] = {}
        instances: dict[str, list[dict[str, object]]] = {}
        instance_counts = counts
        instance_fields = in_instances
        blank_instances = staticmethod(blank_form)  # layout.py renders from it what form-repeats.js copies
        survey_texts: dict[str, SurveyText] = {}  # by field name, for fill_outputs to write the answers in

        def validate(self, extra_validators: dict[str, Any] | None = None) -> bool:
            """WTForms converts what was typed; the questionnaire decides what is valid, as for a tablet."""
            checked = [  # every field is checked, so that each shows its errors
                field.validate(self, (extra_validators or {}).get(field.short_name, ()))
                for field in self
                if field.short_name not in by_field and field.short_name not in in_instances
            ]
            typed = {q.name: field_answer(q, self[name]) for name, q in by_field.items()}
            self.answers, problems = validate_answers(
                definition,
                typed,
                language,
                known_sites=known_sites,
                today=date.today(),
                typed=typed_in_instances(self, in_instances),
            )
            for name, question in by_field.items():
                problem = problems.get(question.name)
                self[name].errors = [describe_answer_error(problem, language)] if problem else []
                if not problem and (wrong_file := upload_problem(question, self[name])):
                    self[name].errors = [wrong_file]
            instances_valid = _check_instances(self, definition, typed, in_instances, language)
            return all(checked) and not problems and instances_valid and not any(self[name].errors for name in by_field)

    every_field = by_field | {name: field.question for name, field in in_instances.items()}
    for name, question in every_field.items():
        text = ResidentForm.survey_texts[name] = _survey_text(question, definition, language)
        setattr(ResidentForm, name, _field_for(question, text, definition, language, sites))
    if blank is not None:
        form = ResidentForm(formdata=None)
    else:
        form = ResidentForm() if kept is None else ResidentForm(formdata=kept)
    for name, question in every_field.items():
        if question.read_only:  # what was posted for a locked question does not count
            form[name].data = question.kind.field_default(question)
    if not form.is_submitted():
        form.uuid.data = str(uuid.uuid4())
        form.started_at.data = datetime.now(UTC).isoformat(timespec="seconds")
    return form


def fill_outputs(form: FlaskForm) -> None:
    """Write into each label and hint the checked answers it names, as the form's script does.

    Without JavaScript the server's page is all the resident sees: "a home with 3 people", not "with
    people". In a repeat instance a name reads the instance's own answer first.
    """
    for name, text in form.survey_texts.items():
        placed = form.instance_fields.get(name)
        instances = form.instances.get(placed.key, ()) if placed else ()
        own = instances[placed.position - 1] if placed and placed.position <= len(instances) else {}
        seen = {**form.answers, **own}
        form[name].label.text = with_outputs(text.label, seen)
        form[name].description = with_outputs(text.hint, seen)


def answers_from(form: FlaskForm, definition: Definition) -> dict[str, object]:
    """The validated answers that apply, keyed by question name; calculations included."""
    answers: dict[str, object] = form.answers
    return {q.name: answers[q.name] for q in definition.questions if answers.get(q.name)}


def uploads_from(form: FlaskForm, definition: Definition) -> dict[str, UploadedFile]:
    """The checked files the form received, by question, for the answers that apply."""
    answers: dict[str, object] = form.answers
    files = {
        q.name: uploaded(form[FIELD_PREFIX + q.name])
        for q in definition.questions
        if answers.get(q.name) and FIELD_PREFIX + q.name in form  # a calculation has an answer and no field
    }
    return {name: upload for name, upload in files.items() if upload is not None}


def submission_from(form: FlaskForm, version: SurveyVersion, definition: Definition, language: str) -> Submission:
    """The resident's validated form as a submission to record."""
    return Submission(
        uuid=form.uuid.data,
        version=version,
        definition=definition,
        answers=answers_from(form, definition),
        instances=form.instances,
        language=language,
        started_at=started_at(form),
        start_point=point_parts(str(form.start_geopoint.data or "")) if definition.asks_start_location else None,
    )


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


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _receipt_code(form: FlaskForm, field: Field) -> None:
    try:
        normalise_receipt(field.data or "")
    except ReceiptCodeError:
        raise ValidationError(
            _l("A receipt code has 8 letters and digits, like ABCD-2345. It has no O, 0, I, 1 or L.")
        ) from None


class WithdrawForm(FlaskForm):
    """The receipt code a resident was given; the field keeps what was typed, but for spaces around it."""

    code = StringField(
        _l("Receipt code"),
        description=_l("It is on the thank-you page you saw after answering: 8 letters and digits, like ABCD-2345."),
        validators=[
            DataRequired(_l("Enter the receipt code you were given after answering.")),
            Length(max=40, message=_l("A receipt code has 8 letters and digits, like ABCD-2345.")),
            _receipt_code,
        ],
        filters=[_stripped],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
