"""XPath values: how answers convert between strings, numbers and booleans, and compare."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from survey.questionnaire.expressions.dates import date_days

Value: TypeAlias = bool | float | str

WHITESPACE = " \t\n\r"
# As JavaScript's Number() reads answers, exponents and a leading '+' included ('1e3' is 1000);
# hexadecimal and 'Infinity' are not numbers here.
_NUMBER = re.compile(r"[ \t\n\r]*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[ \t\n\r]*")
_SPLIT = re.compile(r"[ \t\n\r]+")


def numeric(text: str) -> float | None:
    """The number a string reads as, or None when it is not a number."""
    if _NUMBER.fullmatch(text):
        return float(text.strip(WHITESPACE))
    return None


def to_number(value: Value) -> float:
    """ODK number(): dates and date-times count days since 1970-01-01, other text is NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    number = numeric(value)
    if number is None:
        number = date_days(value)
    return math.nan if number is None else number


def format_number(number: float) -> str:
    """XPath string() of a number: no exponent, integers without a decimal point."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    text = format(Decimal(repr(number)), "f")  # shortest round-trip digits, as JavaScript
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_string(value: Value) -> str:
    """XPath string()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return value


def to_boolean(value: Value) -> bool:
    """XPath boolean()."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def from_python(answer: object) -> Value:
    """Read an answer handed in by the caller: None is unanswered, lists are multiple choices."""
    if answer is None:
        return ""
    if isinstance(answer, bool | str):
        return answer
    if isinstance(answer, int):
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf
    if isinstance(answer, float):
        return answer
    if isinstance(answer, list | tuple):
        return " ".join(to_string(from_python(item)) for item in answer)
    if isinstance(answer, date):
        return answer.isoformat()
    return str(answer)


def truthy(result: object) -> bool:
    """XPath boolean() of a result: false, 0, NaN and '' are false."""
    return to_boolean(from_python(result))


def choice_names(value: Value) -> list[str]:
    """The choice names in a select_multiple answer."""
    return [name for name in _SPLIT.split(to_string(value)) if name]


def order(operator: str, left: float, right: float) -> bool:
    """Apply a relational operator to two numbers."""
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


def compare(operator: str, left: Value, right: Value) -> bool:
    """ODK comparison of two values."""
    if operator in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = to_boolean(left) == to_boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            equal = to_number(left) == to_number(right)
        else:
            a, b = numeric(left), numeric(right)
            equal = a == b if a is not None and b is not None else left == right
        return equal if operator == "=" else not equal
    return order(operator, to_number(left), to_number(right))  # XPath 1.0: NaN compares false


def divide(left: float, right: float) -> float:
    """XPath div, with IEEE 754 results for division by zero."""
    if right == 0:
        if left == 0 or math.isnan(left):
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1.0, right)
    return left / right


def modulo(left: float, right: float) -> float:
    """XPath mod: the remainder of truncating division, sign of the dividend."""
    if math.isnan(left) or math.isnan(right) or math.isinf(left) or right == 0:
        return math.nan
    if math.isinf(right):
        return left
    return math.fmod(left, right)


def truncate(number: float) -> float:
    """XPath-style int(): drop the fraction towards zero, keeping NaN, infinities and -0."""
    if math.isnan(number) or math.isinf(number):
        return number
    return math.copysign(float(math.trunc(number)), number)
