"""Evaluate a parsed expression against a resident's answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from survey.questionnaire.expressions.parsing import (
    Call,
    Current,
    ExpressionError,
    Literal,
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


@dataclass(frozen=True)
class _Context:
    """What an evaluation reads: the answers, the current answer and today's date."""

    values: Mapping[str, object]
    current: Value
    today: str


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
    if name == "regex":
        subject = to_string(argument(0))
        return compile_regex(to_string(argument(1)), node.position).search(subject) is not None
    raise error_at(f"unknown function '{name}'", node.position)


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
) -> object:
    """Evaluate an expression against answers by question name; returns a bool, float or str."""
    node, names = compile_expression(expression)
    for name in names:
        if name not in values:
            raise ExpressionError(f"unknown question '{name}'")
    day = today.date() if isinstance(today, datetime) else today or date.today()
    context = _Context(values, from_python(current), day.isoformat())
    return _evaluate(node, context)
