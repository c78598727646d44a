"""Check answers by the survey's own rules, whether they come from the web form, a tablet or a queue file."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from survey.questionnaire.logic import allowed_choices, breaks_constraint, is_required, resolve_form
from survey.questionnaire.messages import CONSTRAINT, NUL, REQUIRED, SHAPE, AnswerError
from survey.questionnaire.model import Definition, pick


class AnswerShapeError(ValueError):
    """An answer that is neither text, a number, a yes/no nor a list of choices."""


__all__ = ["AnswerError", "AnswerShapeError", "validate_answers"]


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


def validate_answers(
    definition: Definition,
    raw: Mapping[str, object],
    language: str,
    *,
    known_sites: Collection[str] = frozenset(),
    today: date | None = None,
) -> tuple[dict[str, object], dict[str, AnswerError]]:
    """The answers to keep (relevant ones only) and, by question, what is wrong with the others.

    The web form (once WTForms has converted what was typed) and the sync API both ask this, so a
    wrong answer gets the same words wherever it comes from. known_sites holds the slugs a site
    question may take: the questionnaire never reads the database.
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
            strings[q.name] = q.kind.normalise(strings[q.name])
    state = resolve_form(definition, strings, today)
    answers: dict[str, object] = {}
    errors: dict[str, AnswerError] = {}
    for q in definition.questions:
        if not q.stored or not state.relevant.get(q.name, False):
            continue  # not relevant: neither required nor stored, whatever was sent
        value = state.values.get(q.name, "")
        if q.kind.calculated or q.read_only:
            answers[q.name] = value  # the resident cannot change it: its rules were checked on import
            continue
        if value == "":
            if is_required(q, state.values, today):
                errors[q.name] = AnswerError(
                    REQUIRED, text=pick(q.required_message, language, definition.default_language)
                )
            continue
        allowed = {c.name for c in allowed_choices(q, state.values, today)} if q.choices else set()
        problem = q.kind.problem(q, value, allowed, known_sites)
        if problem is None and breaks_constraint(q, state.values, today):
            text = pick(q.constraint_message, language, definition.default_language)
            problem = AnswerError(CONSTRAINT, text=text)
        if problem:
            errors[q.name] = problem
        else:
            answers[q.name] = value
    return answers, errors
