"""Check answers that arrive without a form (from tablets, from queue files) by the survey's own rules."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import date

from survey.questionnaire.logic import allowed_choices, breaks_constraint, resolve_form
from survey.questionnaire.model import Definition, Question, pick

ACKNOWLEDGED = frozenset({"ok", "yes", "true", "1"})
INTEGER = re.compile(r"-?[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class AnswerShapeError(ValueError):
    """An answer that is neither text, a number, a yes/no nor a list of choices."""


def _as_string(value: object) -> str:
    """Answers as ODK strings: lists become space-separated choice names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, list | tuple):
        if not all(isinstance(v, str | int) for v in value):
            raise AnswerShapeError("a list may hold only choice names")
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        raise AnswerShapeError("must be text, a number or a list of choice names")
    return str(value).strip()


def _type_problem(q: Question, value: str, values: Mapping[str, str], known_sites: Collection[str]) -> str | None:
    allowed = {c.name for c in allowed_choices(q, values)} if q.choices else set()
    if q.type == "site":
        return None if value in known_sites else f"unknown site {value!r}"
    if q.type == "select_one":
        return None if value in allowed else f"{value!r} is not one of the choices"
    if q.type == "select_multiple":
        wrong = [v for v in value.split() if v not in allowed]
        return f"{', '.join(map(repr, wrong))} not among the choices" if wrong else None
    if q.type == "integer":
        return None if INTEGER.fullmatch(value) else "must be a whole number"
    if q.type == "decimal":
        try:
            number = float(value)
        except ValueError:
            return "must be a number"
        return None if math.isfinite(number) else "must be a number"
    if q.type == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "must be a date as YYYY-MM-DD"
        return None if ISO_DATE.fullmatch(value) else "must be a date as YYYY-MM-DD"
    if q.type == "acknowledge":
        return None if value.lower() in ACKNOWLEDGED else "must be acknowledged"
    if q.type == "text" and len(value) > q.max_length:
        return f"must be at most {q.max_length} characters"
    return None


def validate_answers(
    definition: Definition,
    raw: Mapping[str, object],
    language: str,
    today: date | None = None,
    *,
    known_sites: Collection[str] = frozenset(),
) -> tuple[dict[str, object], dict[str, str]]:
    """The answers to keep (relevant ones only) and, by question, what is wrong with the others.

    known_sites holds the slugs a site question may take: the questionnaire never reads the database.
    """
    strings: dict[str, str] = {}
    shape_errors: dict[str, str] = {}
    for name, value in raw.items():
        try:
            strings[name] = _as_string(value)
        except AnswerShapeError as error:
            shape_errors[name] = str(error)
    if shape_errors:
        return {}, shape_errors
    for q in definition.questions:  # a tablet may say yes/true/1; the form's logic compares with OK
        if q.type == "acknowledge" and strings.get(q.name, "").lower() in ACKNOWLEDGED:
            strings[q.name] = "OK"
    state = resolve_form(definition, strings, today)
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    for q in definition.questions:
        if not q.stored or not state.relevant.get(q.name, False):
            continue  # not relevant: neither required nor stored, whatever was sent
        value = state.values.get(q.name, "")
        if q.type == "calculate":
            answers[q.name] = value
            continue
        if value == "":
            if q.required:
                errors[q.name] = (
                    pick(q.required_message, language, definition.default_language) or "an answer is required"
                )
            continue
        problem = _type_problem(q, value, state.values, known_sites)
        if problem is None and breaks_constraint(q, state.values, today):
            problem = (
                pick(q.constraint_message, language, definition.default_language)
                or "the answer breaks the question's rule"
            )
        if problem:
            errors[q.name] = problem
        else:
            answers[q.name] = value
    return answers, errors
