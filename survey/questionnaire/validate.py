"""Check answers by the survey's own rules, whether they come from the web form, a tablet or a queue file."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from survey.questionnaire.instances import (
    INSTANCE_MARK,
    Settled,
    TypedIn,
    instance_path,
    instances_key,
    settle_form,
    split_instances_key,
)
from survey.questionnaire.logic import (
    MAX_INSTANCES,
    FormState,
    Instances,
    allowed_choices,
    breaks_constraint,
    is_required,
)
from survey.questionnaire.messages import CONSTRAINT, NUL, REQUIRED, SHAPE, AnswerError
from survey.questionnaire.model import Definition, Question, Repeat, pick


class AnswerShapeError(ValueError):
    """An answer that is neither text, a number, a yes/no nor a list of choices."""


__all__ = [
    "INSTANCE_MARK",
    "AnswerError",
    "AnswerShapeError",
    "instance_path",
    "instances_key",
    "is_answer_shape",
    "split_instances_key",
    "typed_in",
    "typed_instances",
    "validate_answers",
    "validate_instances",
]


def _as_string(value: object) -> str:
    """Answers as ODK strings: lists become space-separated choice names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, list | tuple):
        if not all(isinstance(v, str | int) for v in value):
            raise AnswerShapeError
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        raise AnswerShapeError
    return str(value).strip()


def is_answer_shape(value: object) -> bool:
    """Say whether a value can be an answer: text, a number, a yes/no, nothing, or a list of choices."""
    try:
        _as_string(value)
    except AnswerShapeError:
        return False
    return True


def validate_answers(
    definition: Definition,
    raw: Mapping[str, object],
    language: str,
    *,
    known_sites: Collection[str] = frozenset(),
    today: date | None = None,
    typed: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    count_limit: int = MAX_INSTANCES,
) -> tuple[dict[str, object], dict[str, AnswerError]]:
    """The answers to keep (relevant ones only) and, by question, what is wrong with the others.

    The web form (once WTForms has converted what was typed) and the sync API both ask this, so a
    wrong answer gets the same words wherever it comes from. known_sites holds the slugs a site
    question may take: the questionnaire never reads the database. typed holds what was typed in
    the repeats' instances, and count_limit bounds a repeat_count, as validate_instances reads them,
    for sum() and count() to read the instances it keeps.
    """
    strings: dict[str, str] = {}
    shape_errors: dict[str, AnswerError] = {}
    for name, value in raw.items():
        try:
            strings[name] = _as_string(value)
        except AnswerShapeError:
            shape_errors[name] = AnswerError(SHAPE)
            continue
        if "\x00" in strings[name]:  # PostgreSQL refuses it in text: say so rather than fail to store
            shape_errors[name] = AnswerError(NUL)
    if shape_errors:
        return {}, shape_errors
    for q in definition.questions:  # a tablet may say yes/true/1 where the form's logic compares with OK
        if q.name in strings:
            strings[q.name] = q.kind.normalise(q, strings[q.name])
    form = settle_form(definition, strings, typed_in(typed or {}), today, count_limit=count_limit, language=language)
    answers: dict[str, object] = {}
    errors: dict[str, AnswerError] = {}
    _check_questions(
        definition, definition.questions, form.state, language, known_sites, today, answers, errors, None, form.repeats
    )
    return answers, errors


def typed_instances(
    repeat: Repeat, typed: Mapping[str, Sequence[Mapping[str, object]]], key: str
) -> list[dict[str, str]]:
    """What was typed in a repeat's instances (keyed by instances_key), every question of it in each, '' unanswered.

    sum() and count() find a question's repeat by the instances that give it, so each gives all.
    """
    questions = repeat.questions
    return [{q.name: q.kind.normalise(q, _as_string(i.get(q.name))) for q in questions} for i in typed.get(key, ())]


def typed_in(typed: Mapping[str, Sequence[Mapping[str, object]]]) -> TypedIn:
    """What was typed in a repeat's instances inside an instance, read from instances keyed by instances_key."""

    def typed_inside(repeat: Repeat, parent: str) -> list[dict[str, str]]:
        return typed_instances(repeat, typed, instances_key(repeat.name, parent))

    return typed_inside


def _check_questions(
    definition: Definition,
    questions: Sequence[Question],
    state: FormState,
    language: str,
    known_sites: Collection[str],
    today: date | None,
    answers: dict[str, object],
    errors: dict[str, AnswerError],
    position: int | None = None,
    repeats: Instances | None = None,
) -> None:
    """Keep the relevant answers to these questions, and say what is wrong with the others."""
    tables = definition.tables(language or definition.default_language)
    for q in questions:
        if not q.stored or not state.relevant.get(q.name, False):
            continue  # not relevant: neither required nor stored, whatever was sent
        value = state.values.get(q.name, "")
        if q.kind.calculated or q.read_only:
            answers[q.name] = value  # the resident cannot change it: its rules were checked on import
            continue
        if value == "":
            if is_required(q, state.values, today, position, tables):
                errors[q.name] = AnswerError(
                    REQUIRED, text=pick(q.required_message, language, definition.default_language)
                )
            continue
        allowed = {c.name for c in allowed_choices(q, state.values, today, position, tables)} if q.choices else set()
        problem = q.kind.problem(q, value, allowed, known_sites)
        if problem is None and breaks_constraint(q, state.values, today, position, repeats, tables):
            text = pick(q.constraint_message, language, definition.default_language)
            problem = AnswerError(CONSTRAINT, text=text)
        if problem:
            errors[q.name] = problem
        else:
            answers[q.name] = value


def validate_instances(
    definition: Definition,
    raw: Mapping[str, object],
    typed: Mapping[str, Sequence[Mapping[str, object]]],
    language: str,
    *,
    today: date | None = None,
    count_limit: int = MAX_INSTANCES,
) -> tuple[dict[str, list[dict[str, object]]], dict[str, AnswerError]]:
    """Each repeat's instances to keep, with the relevant answers of each, and what is wrong, by question.path.

    raw holds the answers asked once (as validate_answers reads them): they decide whether a repeat
    applies and how many instances its repeat_count makes. An instance the resident made beyond that
    count is dropped; one it lacks is empty. A repeat inside another has instances in each of the
    outer one's, keyed by instances_key (child.2) as typed and as kept; an error is named by the
    question and the instance's path (name.2.1).
    """
    strings = {q.name: q.kind.normalise(q, _as_string(raw.get(q.name))) for q in definition.questions}
    form = settle_form(definition, strings, typed_in(typed), today, count_limit=count_limit, language=language)
    kept: dict[str, list[dict[str, object]]] = {}
    errors: dict[str, AnswerError] = {}

    def check(repeat: Repeat, instances: Sequence[Settled], parent: str) -> None:
        key = instances_key(repeat.name, parent)
        kept[key] = []
        for position, instance in enumerate(instances, start=1):
            path = instance_path(parent, position)
            answers: dict[str, object] = {}
            wrong: dict[str, AnswerError] = {}
            state, repeats = instance.state, instance.repeats
            questions = repeat.questions
            _check_questions(definition, questions, state, language, (), today, answers, wrong, position, repeats)
            kept[key].append(answers)
            errors.update({f"{question}{INSTANCE_MARK}{path}": error for question, error in wrong.items()})
            for inner in repeat.nested:
                check(inner, instance.inner[inner.name], path)

    for repeat in definition.top_repeats:
        check(repeat, form.inner[repeat.name], "")
    return kept, errors
