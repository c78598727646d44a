"""ODK functions on numbers, text and dates beyond the XPath core: round(), substr(), format-date()..."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable

from survey.questionnaire.expressions.dates import (
    Moment,
    check_format,
    date_string,
    format_moment,
    from_days,
    moment_of,
)
from survey.questionnaire.expressions.parsing import Call, error_at
from survey.questionnaire.expressions.values import (
    Value,
    choice_names,
    numeric,
    to_boolean,
    to_number,
    to_string,
    truncate,
)

Argument = Callable[[int], Value]  # evaluates the n-th argument when asked


def _half_away(number: float) -> float:
    """Round to a whole number, halves away from zero (ODK and Enketo)."""
    if math.isnan(number) or math.isinf(number):
        return number  # a scaled number may overflow
    if number < 0:
        return -float(math.floor(-number + 0.5))
    return float(math.floor(number + 0.5))


def round_number(number: float, digits: float) -> float:
    """round(x, digits): to that many decimal places, or tens, hundreds... when digits is negative."""
    if math.isnan(number) or math.isinf(number) or math.isnan(digits) or math.isinf(digits):
        return number if not math.isnan(digits) else math.nan
    places = int(max(-400.0, min(400.0, truncate(digits))))
    if places == 0:
        return _half_away(number)
    scale = float(f"1e{abs(places)}")  # read as a literal, so both evaluators get the same double
    if places > 0:
        return _half_away(number * scale) / scale
    return scale * _half_away(number / scale)


def _index(number: float, length: int) -> int:
    """A substr() bound as slices read it: whole, NaN as 0, negative counted from the end (Enketo)."""
    if math.isnan(number):
        return 0
    whole = truncate(number)
    if whole < 0:
        return int(max(0.0, length + whole))
    return int(min(float(length), whole))


def substring(text: str, start: float, end: float | None) -> str:
    """substr(text, start, end): code points from start (counted from 0) up to but not including end."""
    first = _index(start, len(text))
    last = len(text) if end is None else _index(end, len(text))
    return text[first:last] if first < last else ""


def power(base: float, exponent: float) -> float:
    """pow() with JavaScript's Math.pow results where Python's would raise or differ."""
    if math.isnan(exponent) or (abs(base) == 1 and math.isinf(exponent)):
        return math.nan
    odd = exponent.is_integer() and exponent % 2 == 1
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        if base == 0:  # zero to a negative power
            return -math.inf if math.copysign(1.0, base) < 0 and odd else math.inf
        return math.nan  # a negative base to a fractional power


def extreme(values: list[float], pick: Callable[[list[float]], float]) -> float:
    """min() / max() of numbers, NaN when any is NaN."""
    return math.nan if any(math.isnan(v) for v in values) else pick(values)


def _moment(value: Value) -> Moment | None:
    """The moment a date, a date-time or a number of days stands for; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and numeric(value) is None:
        return moment_of(value)
    return from_days(to_number(value))


def to_date(value: Value) -> str:
    """date(): a date string from days since 1970-01-01, a date or a date-time; '' when none."""
    moment = _moment(value)
    return "" if moment is None else date_string(moment)


def format_date(node: Call, value: Value, pattern: str) -> str:
    """format-date() and format-date-time(): the pattern checked first, '' for a value that is no date."""
    check_format(pattern, node.name, node.position)
    moment = _moment(value)
    return "" if moment is None else format_moment(moment, pattern, node.name, node.position)


def translate(text: str, source: str, target: str) -> str:
    """XPath translate(): each character of source replaced by the one at its place in target, or dropped."""
    table: dict[str, str] = {}
    for index, char in enumerate(source):
        table.setdefault(char, target[index] if index < len(target) else "")
    return "".join(table.get(char, char) for char in text)


def square_root(number: float) -> float:
    """sqrt(): NaN for a negative number, as JavaScript's Math.sqrt."""
    return math.nan if number < 0 else math.sqrt(number)


def text_function(name: str, argument: Argument, count: int, current: Value) -> Value:
    """ends-with(), substring-before(), substring-after(), normalize-space() and translate() (XPath 1.0)."""
    text = to_string(argument(0) if count else current)
    if name == "normalize-space":
        return " ".join(choice_names(text))  # XML's whitespace only: a no-break space stays
    other = to_string(argument(1))
    if name == "ends-with":
        return text.endswith(other)
    if name == "translate":
        return translate(text, other, to_string(argument(2)))
    found = text.find(other)
    if found < 0:
        return ""
    return text[:found] if name == "substring-before" else text[found + len(other) :]


TEXT_FUNCTIONS = frozenset({"ends-with", "substring-before", "substring-after", "normalize-space", "translate"})


def call_extension(node: Call, argument: Argument, current: Value) -> Value:
    """Evaluate one of the functions of this module; once() keeps the current answer if it has one."""
    name = node.name
    count = len(node.arguments)
    if name == "once":
        if to_string(current) != "":
            return current
        value = argument(0)
        not_finite = isinstance(value, float) and (math.isnan(value) or math.isinf(value))
        return "" if not_finite else value  # as Enketo: NaN or Infinity leaves it empty
    if name in TEXT_FUNCTIONS:
        return text_function(name, argument, count, current)
    if name == "sqrt":
        return square_root(to_number(argument(0)))
    if name == "round":
        return round_number(to_number(argument(0)), to_number(argument(1)) if count > 1 else 0.0)
    if name == "substr":
        end = to_number(argument(2)) if count > 2 else None
        return substring(to_string(argument(0)), to_number(argument(1)), end)
    if name == "join":
        return to_string(argument(0)).join(to_string(argument(i)) for i in range(1, count))
    if name == "uuid":
        return str(uuid.uuid4())
    if name in ("abs", "floor", "ceiling"):
        number = to_number(argument(0))
        if name == "abs" or math.isnan(number) or math.isinf(number):
            return abs(number) if name == "abs" else number
        return float(math.floor(number) if name == "floor" else math.ceil(number))
    if name == "pow":
        return power(to_number(argument(0)), to_number(argument(1)))
    if name in ("min", "max"):
        return extreme([to_number(argument(i)) for i in range(count)], min if name == "min" else max)
    if name == "boolean":
        return to_boolean(argument(0))
    if name == "boolean-from-string":
        return to_string(argument(0)) in ("true", "1")
    if name == "selected-at":
        names = choice_names(argument(0))
        index = to_number(argument(1))  # truncated toward zero, as JavaRosa and Enketo read it
        inside = math.isfinite(index) and 0 <= math.trunc(index) < len(names)
        return names[math.trunc(index)] if inside else ""
    if name == "date":
        return to_date(argument(0))
    if name == "decimal-date-time":
        return to_number(argument(0))
    if name in ("format-date", "format-date-time"):
        return format_date(node, argument(0), to_string(argument(1)))
    raise error_at(f"unknown function '{name}'", node.position)
