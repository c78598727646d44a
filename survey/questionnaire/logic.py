"""Which questions apply to a resident's answers, what calculations give, which choices show."""

# survey/static/js/form-logic.js does the same in the browser so that questions appear and
# disappear as the resident answers; this module decides on the server. Values are ODK strings:
# '' when unanswered or not relevant, select_multiple answers space-separated.

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from survey.questionnaire.expressions import (
    Binary,
    Call,
    ExpressionError,
    Literal,
    Reference,
    evaluate,
    parse,
    references,
    truthy,
)
from survey.questionnaire.expressions.evaluation import Tables
from survey.questionnaire.expressions.values import from_python, to_number
from survey.questionnaire.model import Choice, Definition, Question, Repeat
from survey.questionnaire.rules import CHOICE_PREFIX, choice_filter_expression

log = logging.getLogger(__name__)
MAX_INSTANCES = 50  # what a repeat_count may ask for on the web form, so that a typo does not make a thousand instances
# Instances made one by one (the resident's "Add another"), or by a tablet's own repeat_count: a
# household of 60 is real, and an ODK client's form has no limit; this one only bounds a request.
MAX_MADE = 1000
Instances = Mapping[str, Sequence[Mapping[str, str]]]  # what was typed in each repeat's instances


@dataclass(frozen=True)
class FormState:
    """What the answers mean for the form: each question's relevance and value."""

    relevant: Mapping[str, bool]
    values: Mapping[str, str]


@dataclass(frozen=True)
class _Scope:
    """Where expressions are evaluated: once for the form, or in one repeat instance."""

    today: date | None
    position: int | None = None
    repeats: Instances | None = None
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # what jr:choice-name() reads
    tables: Tables = field(default_factory=dict)  # what pulldata() and instance('name')/root/item read


def _run(expression: str, values: Mapping[str, object], current: str, scope: _Scope) -> object:
    """Evaluate; an expression that fails at run time is logged and counts as empty."""
    try:
        return evaluate(
            expression,
            values,
            current=current,
            today=scope.today,
            position=scope.position,
            repeats=scope.repeats,
            choices=scope.choices,
            tables=scope.tables,
        )
    except ExpressionError as error:  # checked on import; a bad regex() on some answer remains possible
        log.warning("expression %r failed: %s", expression, error)
        return ""


def resolve_form(
    definition: Definition,
    answers: Mapping[str, str],
    today: date | None = None,
    instances: Instances | None = None,
    language: str = "",
) -> FormState:
    """Relevance and value of every question for what the resident typed, once nothing changes.

    instances holds each repeat's instances, which indexed-repeat(), sum() and count() read (as
    instances.settle_form hands them over: what applies in each); an answer inside a repeat, read
    from outside it as ${name}, is empty. jr:choice-name() gives labels in language (by default the form's).
    """
    outside = dict.fromkeys((q.name for q in definition.every_question), "") | dict.fromkeys(definition.repeats, "")
    return _settle(definition, definition.questions, outside, answers, _Scope(today, None, instances or {}), language)


def resolve_instance(
    definition: Definition,
    repeat: Repeat,
    form: FormState,
    instances: Sequence[Mapping[str, str]],
    position: int,
    today: date | None = None,
    repeats: Instances | None = None,
    language: str = "",
) -> FormState:
    """Relevance and value of a repeat's questions in one instance (counted from 1), the rest of the form settled.

    form is the form's state, or the state of the instance of the repeat this one is inside; repeats
    holds the instances indexed-repeat() reads (by default this repeat's), and those of the repeats
    inside this instance, which its sum() and count() read.
    """
    scope = _Scope(today, position, repeats if repeats is not None else {repeat.name: instances})
    return _settle(definition, repeat.questions, form.values, instances[position - 1], scope, language)


def instance_count(
    definition: Definition,
    repeat: Repeat,
    form: FormState,
    made: int,
    today: date | None,
    *,
    count_limit: int = MAX_INSTANCES,
    position: int | None = None,
    repeats: Instances | None = None,
    keep_made: bool = False,
    language: str = "",
) -> int:
    """How many instances a repeat has: none if it does not apply, what its repeat_count says (at most
    count_limit), else as many as made. Inside an instance of another repeat, position and repeats are
    that instance's: its groups' conditions may read position(..) or indexed-repeat().

    With keep_made, a repeat_count that reads an answer breaking its constraint keeps as many as
    made: the page shown again with that error keeps the instances typed in (a count that is no
    number still makes none). Its expressions read the form's choice lists and data files as its
    questions' do, in language (by default the form's)."""
    groups = definition.groups
    language = language or definition.default_language
    scope = _Scope(today, position, repeats, definition.choice_labels(language), definition.tables(language))
    conditions = [groups[g].relevant for g in repeat.groups] + [repeat.relevant]
    if not all(truthy(_run(c, form.values, "", scope)) for c in conditions if c):
        return 0
    if not repeat.count:
        return max(0, min(made, MAX_MADE))
    count = to_number(from_python(_run(repeat.count, form.values, "", scope)))
    if count != count:
        return 0
    if keep_made and _count_breaks_constraint(definition, repeat, form.values, scope):
        return max(0, min(made, count_limit))
    return 0 if count < 0 else int(min(count, count_limit))


def _count_breaks_constraint(definition: Definition, repeat: Repeat, values: Mapping[str, str], scope: _Scope) -> bool:
    """Whether an answer the repeat's repeat_count reads breaks its constraint."""
    asked = {q.name: q for q in definition.every_question}
    return any(
        breaks_constraint(asked[name], values, scope.today, scope.position, scope.repeats, scope.tables)
        for name in references(repeat.count)
        if name in asked
    )


def _settle(
    definition: Definition,
    questions: Sequence[Question],
    outside: Mapping[str, str],
    answers: Mapping[str, str],
    scope: _Scope,
    language: str,
) -> FormState:
    """Relevance and value of these questions, the others' values given, repeated until nothing changes."""
    conditions = definition.relevance
    language = language or definition.default_language
    scope = replace(scope, choices=definition.choice_labels(language), tables=definition.tables(language))
    values = dict(outside)
    relevant: dict[str, bool] = {}
    # Each pass settles at least one more question; when none reads one asked after it, the first pass
    # settles them all, and a second would only confirm it.
    passes = 1 if definition.reads_ahead.isdisjoint(q.name for q in questions) else len(questions) + 1
    for _ in range(passes):
        changed = False
        for q in questions:
            own = conditions[q.name]
            applies = not own or all(truthy(_run(c, values, "", scope)) for c in own)
            relevant[q.name] = applies
            value = ""
            if applies and q.kind.calculated:  # '.' is what was kept before, which once() keeps
                kept = str(answers.get(q.name) or "")
                value = _as_answer(_run(q.calculation, values, kept, scope))
            elif applies and q.read_only:
                value = q.default
            elif applies and q.stored:
                value = str(answers.get(q.name) or "")
            if values[q.name] != value:
                values[q.name] = value
                changed = True
        if not changed:
            break
    return FormState(relevant, values)


def _as_answer(result: object) -> str:
    """A calculation's result as ODK stores it."""
    if isinstance(result, bool):
        return "true" if result else "false"
    if isinstance(result, float):
        return str(evaluate("string(.)", {}, current=result))
    return str(result)


def choice_values(question: Question) -> list[dict[str, str]]:
    """Each choice's columns as the choice_filter reads them, in order; columns a choice lacks are empty."""
    # The columns are gathered once: a list read from a file may hold thousands of choices.
    columns = {CHOICE_PREFIX + "name": ""} | {CHOICE_PREFIX + c: "" for x in question.choices for c in x.filters}
    return [columns | choice.columns() for choice in question.choices]


def allowed_choices(
    question: Question,
    values: Mapping[str, str],
    today: date | None = None,
    position: int | None = None,
    tables: Tables | None = None,
) -> tuple[Choice, ...]:
    """The choices the question's choice_filter lets through for these answers (tables: what its lookups read)."""
    if not question.choice_filter:
        return question.choices
    expression = choice_filter_expression(question.choice_filter)
    scope = _Scope(today, position, tables=tables or {})
    return tuple(
        c
        for c, columns in zip(question.choices, choice_values(question), strict=True)
        if truthy(_run(expression, {**values, **columns}, "", scope))
    )


def is_required(
    question: Question,
    values: Mapping[str, str],
    today: date | None = None,
    position: int | None = None,
    tables: Tables | None = None,
) -> bool:
    """Say whether the question needs an answer now: always, or when its required expression holds."""
    if question.required_if:
        return truthy(_run(question.required_if, values, "", _Scope(today, position, tables=tables or {})))
    return question.required


def breaks_constraint(
    question: Question,
    values: Mapping[str, str],
    today: date | None = None,
    position: int | None = None,
    repeats: Instances | None = None,
    tables: Tables | None = None,
) -> bool:
    """Say whether the question's answer breaks its constraint; an empty answer never does."""
    value = values.get(question.name, "")
    if not question.constraint or value == "":
        return False
    try:
        kept = evaluate(
            question.constraint,
            values,
            current=value,
            today=today,
            position=position,
            repeats=repeats,
            tables=tables,
        )
        return not truthy(kept)
    except ExpressionError as error:
        log.warning("constraint %r failed: %s", question.constraint, error)
        return False


@dataclass(frozen=True)
class ChosenCondition:
    """A relevance that asks for one choice of one question: ${q} = 'x' or selected(${q}, 'x')."""

    question: str
    choice: str


def chosen_condition(relevant: str) -> ChosenCondition | None:
    """The question and choice a simple relevance asks for, to say it in words; None for others."""
    try:
        node = parse(relevant)
    except ExpressionError:
        return None
    if isinstance(node, Binary) and node.operator == "=":
        for left, right in ((node.left, node.right), (node.right, node.left)):
            if isinstance(left, Reference) and isinstance(right, Literal) and isinstance(right.value, str):
                return ChosenCondition(left.name, right.value)
    if isinstance(node, Call) and node.name == "selected":
        reference, literal = node.arguments
        if isinstance(reference, Reference) and isinstance(literal, Literal) and isinstance(literal.value, str):
            return ChosenCondition(reference.name, literal.value)
    return None
