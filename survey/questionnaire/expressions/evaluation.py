"""Evaluate a parsed expression against a resident's answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from survey.questionnaire.expressions.dates import now_string
from survey.questionnaire.expressions.functions import call_extension
from survey.questionnaire.expressions.parsing import (
    Call,
    Column,
    Current,
    ExpressionError,
    Literal,
    Lookup,
    Negate,
    Node,
    Reference,
    compile_expression,
    error_at,
)
from survey.questionnaire.expressions.regex import compile_regex
from survey.questionnaire.expressions.values import (
    WHITESPACE,
    Value,
    choice_names,
    compare,
    divide,
    from_python,
    modulo,
    to_boolean,
    to_number,
    to_string,
    truncate,
)

Instances = Mapping[str, Sequence[Mapping[str, object]]]  # each repeat's instances, their answers by name
Choices = Mapping[str, Mapping[str, str]]  # each select question's choice labels by name, in the form's language
Tables = Mapping[str, Sequence[Mapping[str, str]]]  # each choice list's and attached CSV's rows, their cells by column


@dataclass(frozen=True)
class _Context:
    """What an evaluation reads: the answers, the current answer, today's date, and the repeats."""

    values: Mapping[str, object]
    current: Value
    today: str
    now: datetime | None  # None: the moment now() is called
    position: int | None = None  # the repeat instance evaluated in, counted from 1
    repeats: Instances = field(default_factory=dict)
    choices: Choices = field(default_factory=dict)
    tables: Tables = field(default_factory=dict)
    row: Mapping[str, str] | None = None  # the row a lookup's [filter] is trying


def _rows(name: str, context: _Context, position: int) -> Sequence[Mapping[str, str]]:
    """The rows of the choice list or attached file named (with or without .csv)."""
    rows = context.tables.get(name.removesuffix(".csv"))
    if rows is None:
        raise error_at(f"no choice list or file sent with the form is named '{name}'", position)
    return rows


def _matching(node: Lookup, context: _Context) -> list[Mapping[str, str]]:
    """The rows of a lookup's table for which every [filter] holds; a number keeps the row at that position."""
    rows = list(_rows(node.table, context, node.position))
    for condition in node.filters:
        kept = []
        for index, row in enumerate(rows, start=1):
            value = _evaluate(condition, replace(context, row=row))
            if value == index if isinstance(value, float) else to_boolean(value):
                kept.append(row)
        rows = kept
    return rows


def _pulldata(node: Call, context: _Context) -> Value:
    """pulldata('file', 'column', 'key-column', key): the column of the file's first row whose key column is key."""
    file_name, column, key_column, key = (_evaluate(argument, context) for argument in node.arguments)
    wanted = to_string(key)
    for row in _rows(to_string(file_name), context, node.position):
        if row.get(to_string(key_column)) == wanted:
            return row.get(to_string(column), "")
    return ""  # a key not in the file, as ODK gives it


def _indexed_repeat(node: Call, context: _Context) -> Value:
    """indexed-repeat(${question}, ${repeat}, n): the answer in the repeat's n-th instance, '' if none."""
    question, repeat, index = node.arguments
    assert isinstance(question, Reference) and isinstance(repeat, Reference)  # the parser made sure
    number = to_number(_evaluate(index, context))
    instances = context.repeats.get(repeat.name, ())
    if number != number or number < 1 or number > len(instances) or number != int(number):
        return ""
    return from_python(instances[int(number) - 1].get(question.name, ""))


def _instances_of(name: str, context: _Context) -> Sequence[Mapping[str, object]]:
    """The instances of a repeat named, or of the repeat that asks the question named; none if neither is given."""
    if name in context.repeats:
        return context.repeats[name]
    return next((i for i in context.repeats.values() if any(name in instance for instance in i)), ())


def _aggregate(node: Call, context: _Context) -> Value:
    """sum(${question}): its answers in every instance added up (NaN if one is not a number); count(): the
    instances; count-non-empty(): those where it is answered."""
    reference = node.arguments[0]
    if isinstance(reference, Lookup):  # count(instance('list')/root/item[filter])
        return float(len(_matching(reference, context)))
    assert isinstance(reference, Reference)  # the parser made sure
    instances = _instances_of(reference.name, context)
    if node.name == "count":
        return float(len(instances))
    if node.name == "count-non-empty":
        if reference.name in context.repeats:  # an instance is empty when none of its answers is given
            given = [any(to_string(from_python(v)) != "" for v in i.values()) for i in instances]
        else:
            given = [to_string(from_python(i.get(reference.name, ""))) != "" for i in instances]
        return float(sum(given))
    total = 0.0
    for instance in instances:
        total += to_number(from_python(instance.get(reference.name, "")))
    return total


def _arithmetic(operator: str, left: float, right: float) -> float:
    """Apply + - * div mod."""
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "div":
        return divide(left, right)
    return modulo(left, right)


def _call(node: Call, context: _Context) -> Value:
    """Evaluate a function call; if() and coalesce() evaluate only what they need."""
    name = node.name
    arguments = node.arguments

    def argument(index: int) -> Value:
        """Evaluate one argument, only when it is needed."""
        return _evaluate(arguments[index], context)

    if name == "if":
        return argument(1) if to_boolean(argument(0)) else argument(2)
    if name == "coalesce":
        first = argument(0)
        return first if to_string(first) != "" else argument(1)
    if name == "today":
        return context.today
    if name == "now":
        return now_string(context.now or datetime.now().astimezone())
    if name in ("true", "false"):
        return name == "true"
    if name == "concat":
        return "".join(to_string(argument(i)) for i in range(len(arguments)))
    if name == "not":
        return not to_boolean(argument(0))
    if name == "selected":
        answer = argument(0)
        return to_string(argument(1)).strip(WHITESPACE) in choice_names(answer)
    if name == "count-selected":
        return float(len(choice_names(argument(0))))
    if name == "string-length":
        return float(len(to_string(argument(0))))
    if name == "number":
        return to_number(argument(0))
    if name == "int":
        return truncate(to_number(argument(0)))
    if name == "string":
        return to_string(argument(0))
    if name == "contains":
        return to_string(argument(1)) in to_string(argument(0))
    if name == "starts-with":
        text = to_string(argument(0))
        return text.startswith(to_string(argument(1)))
    if name == "position":
        if context.position is None:
            raise error_at("position(..) is only meaningful inside a repeat", node.position)
        return float(context.position)
    if name == "indexed-repeat":
        return _indexed_repeat(node, context)
    if name in ("sum", "count", "count-non-empty"):
        return _aggregate(node, context)
    if name == "jr:choice-name":
        question = arguments[1]
        assert isinstance(question, Reference)  # the parser made sure
        value = to_string(argument(0)).strip(WHITESPACE)
        return context.choices.get(question.name, {}).get(value, "")
    if name == "pulldata":
        return _pulldata(node, context)
    if name == "regex":
        subject = to_string(argument(0))
        return compile_regex(to_string(argument(1)), node.position).search(subject) is not None
    return call_extension(node, argument, context.current)


def _evaluate(node: Node, context: _Context) -> Value:
    """Evaluate one node of a parsed expression."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Reference):
        return from_python(context.values[node.name])
    if isinstance(node, Current):
        return context.current
    if isinstance(node, Negate):
        return -to_number(_evaluate(node.operand, context))
    if isinstance(node, Column):
        return (context.row or {}).get(node.name, "")
    if isinstance(node, Lookup):
        rows = _matching(node, context)
        return rows[0].get(node.column, "") if rows else ""
    if isinstance(node, Call):
        return _call(node, context)
    operator = node.operator
    if operator == "or":
        return to_boolean(_evaluate(node.left, context)) or to_boolean(_evaluate(node.right, context))
    if operator == "and":
        return to_boolean(_evaluate(node.left, context)) and to_boolean(_evaluate(node.right, context))
    left = _evaluate(node.left, context)
    right = _evaluate(node.right, context)
    if operator in ("=", "!=", "<", "<=", ">", ">="):
        return compare(operator, left, right)
    return _arithmetic(operator, to_number(left), to_number(right))


def evaluate(
    expression: str,
    values: Mapping[str, object],
    *,
    current: object = None,
    today: date | None = None,
    now: datetime | None = None,
    position: int | None = None,
    repeats: Instances | None = None,
    choices: Choices | None = None,
    tables: Tables | None = None,
) -> object:
    """Evaluate an expression against answers by question name; returns a bool, float or str.

    Inside a repeat instance, position is its number and values hold its own answers over the
    others'; repeats gives every instance's answers, which indexed-repeat(), sum() and count()
    read (an instance gives every question of its repeat, '' when unanswered: sum(${q}) and
    count(${q}) find q's repeat by it). choices gives each select question's choice labels by name,
    in the language the form is shown in, which jr:choice-name() reads. tables gives the rows of the
    form's choice lists and attached CSV files, which instance('name')/root/item[...] and pulldata()
    read, by list or file name (without .csv). now() is the
    local time (now= gives another), today() its date unless today= says otherwise.
    """
    node, names = compile_expression(expression)
    for name in names:
        if name not in values:
            raise ExpressionError(f"unknown question '{name}'")
    day = today.date() if isinstance(today, datetime) else today or (now.date() if now else date.today())
    context = _Context(
        values, from_python(current), day.isoformat(), now, position, repeats or {}, choices or {}, tables or {}
    )
    return _evaluate(node, context)
