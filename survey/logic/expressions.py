"""Parse and evaluate the XLSForm / ODK expression subset (relevance, constraints, calculations)."""

# survey/static/js/expressions.js is a close port of this module; the cases in
# tests/data/expression_cases.json keep the two in agreement, so change both together.
#
# Semantics follow ODK (XPath 1.0):
# - answers are strings ('' when unanswered); select_multiple answers are space-separated names;
# - '=' / '!=': with a boolean on either side compare as booleans, with a number on either side
#   compare as numbers, two strings that both read as numbers compare as numbers, otherwise
#   as strings ('' = '' is how emptiness is tested);
# - '<' '<=' '>' '>=': with a boolean or number on either side compare as numbers; two strings
#   compare as numbers if both read as numbers, as dates if both are YYYY-MM-DD, as strings
#   (by code point) if both are other non-empty text; any other pair (an empty answer, or two
#   different kinds such as a number and a word) is not comparable and gives false;
# - arithmetic on '' or non-numbers gives NaN (dates too: there is no date arithmetic);
#   comparisons with NaN are false except '!=';
# - booleans convert to numbers as 1/0, strings to booleans as non-empty, numbers to strings
#   without exponents ('0.0000001', 'NaN', 'Infinity');
# - regex() is a search (Python re.search, JS RegExp.test) over code points, with ASCII \d \w
#   \b, JavaScript's \s and '.', and '$' only at the very end; patterns outside the subset
#   both engines read alike are refused (see _python_pattern).

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeAlias

__all__ = [
    "Binary",
    "Call",
    "Current",
    "ExpressionError",
    "Literal",
    "Negate",
    "Node",
    "Reference",
    "evaluate",
    "parse",
    "references",
    "truthy",
]

Value: TypeAlias = bool | float | str

MAX_NESTING = 40  # brackets, calls and unary minus inside one another
MAX_HEIGHT = 120  # depth of the parsed tree, so evaluation never exhausts the stack

_WHITESPACE = " \t\n\r"
_NUMBER = re.compile(r"[ \t\n\r]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\n\r]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SPLIT = re.compile(r"[ \t\n\r]+")
_NAME_START = re.compile(r"[A-Za-z_]")
_NAME_CHAR = re.compile(r"[A-Za-z0-9_\-]")
_REFERENCE_NAME = re.compile(r"[A-Za-z_\u00c0-\U0010ffff][A-Za-z0-9_.\-\u00c0-\U0010ffff]*")
_DIGIT = re.compile(r"[0-9]")

# name -> (fewest, most) arguments; None means any number
_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "regex": (2, 2),
    "if": (3, 3),
    "today": (0, 0),
    "true": (0, 0),
    "false": (0, 0),
    "not": (1, 1),
    "number": (1, 1),
    "int": (1, 1),
    "string": (1, 1),
    "concat": (0, None),
    "coalesce": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
}


class ExpressionError(ValueError):
    """An expression that cannot be parsed or evaluated; the message says what and where."""


@dataclass(frozen=True)
class Literal:
    """A string or number written in the expression."""

    value: str | float


@dataclass(frozen=True)
class Reference:
    """A ${name} reference to another question's answer."""

    name: str
    position: int


@dataclass(frozen=True)
class Current:
    """The '.' that stands for the current question's answer."""

    position: int


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    operand: Node
    position: int


@dataclass(frozen=True)
class Binary:
    """An infix operator: or, and, comparisons, + - * div mod."""

    operator: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True)
class Call:
    """A function call such as selected(${a}, 'x')."""

    name: str
    arguments: tuple[Node, ...]
    position: int


Node: TypeAlias = Literal | Reference | Current | Negate | Binary | Call


@dataclass(frozen=True)
class _Token:
    """One lexical token; position counts characters from 1."""

    kind: str  # number, string, reference, current, name, operator, end
    text: str
    position: int


def _fail(message: str, position: int) -> ExpressionError:
    """An ExpressionError that names the character position."""
    return ExpressionError(f"{message} at character {position}")


def _tokenize(expression: str) -> list[_Token]:
    """Split an expression into tokens."""
    tokens: list[_Token] = []
    length = len(expression)
    i = 0
    while i < length:
        char = expression[i]
        start = i + 1
        if char in _WHITESPACE:
            i += 1
        elif char == "$" and i + 1 < length and expression[i + 1] == "{":
            close = expression.find("}", i + 2)
            if close < 0:
                raise _fail("unterminated reference", start)
            name = expression[i + 2 : close]
            if not _REFERENCE_NAME.fullmatch(name):
                raise _fail(f"invalid reference '${{{name}}}'", start)
            tokens.append(_Token("reference", name, start))
            i = close + 1
        elif char in "'\"":
            close = expression.find(char, i + 1)
            if close < 0:
                raise _fail("unterminated string", start)
            tokens.append(_Token("string", expression[i + 1 : close], start))
            i = close + 1
        elif _DIGIT.match(char) or (char == "." and i + 1 < length and _DIGIT.match(expression[i + 1])):
            j = i
            while j < length and _DIGIT.match(expression[j]):
                j += 1
            if j < length and expression[j] == ".":
                j += 1
                while j < length and _DIGIT.match(expression[j]):
                    j += 1
            tokens.append(_Token("number", expression[i:j], start))
            i = j
        elif char == ".":
            tokens.append(_Token("current", ".", start))
            i += 1
        elif _NAME_START.match(char):
            j = i + 1
            while j < length and _NAME_CHAR.match(expression[j]):
                j += 1
            tokens.append(_Token("name", expression[i:j], start))
            i = j
        elif expression.startswith(("!=", "<=", ">="), i):
            tokens.append(_Token("operator", expression[i : i + 2], start))
            i += 2
        elif char in "=<>+-*(),":
            tokens.append(_Token("operator", char, start))
            i += 1
        else:
            raise _fail(f"unexpected character '{char}'", start)
    tokens.append(_Token("end", "", length + 1))
    return tokens


def _describe(token: _Token) -> str:
    """How a token is named in an error message."""
    if token.kind == "end":
        return "end of expression"
    if token.kind == "string":
        return f"string '{token.text}'"
    if token.kind == "reference":
        return f"'${{{token.text}}}'"
    return f"'{token.text}'"


_LEVELS: tuple[tuple[str, ...], ...] = (
    ("or",),
    ("and",),
    ("=", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "div", "mod"),
)


class _Parser:
    """Recursive descent over the token list; each rule returns (node, height)."""

    def __init__(self, tokens: list[_Token]) -> None:
        """Start at the first token."""
        self.tokens = tokens
        self.index = 0
        self.nesting = 0

    def peek(self) -> _Token:
        """The current token."""
        return self.tokens[self.index]

    def advance(self) -> _Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        self.index += 1
        return token

    def enter(self, token: _Token) -> None:
        """Go one level deeper, refusing absurd nesting."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise _fail("expression nested too deeply", token.position)

    def expression(self) -> tuple[Node, int]:
        """expression := or-expression."""
        return self.binary(0)

    def binary(self, level: int) -> tuple[Node, int]:
        """One left-associative precedence level."""
        if level == len(_LEVELS):
            return self.unary()
        left, height = self.binary(level + 1)
        operators = _LEVELS[level]
        while True:
            token = self.peek()
            is_word = token.kind == "name" and token.text in ("or", "and", "div", "mod")
            if not ((token.kind == "operator" or is_word) and token.text in operators):
                return left, height
            self.advance()
            right, right_height = self.binary(level + 1)
            height = max(height, right_height) + 1
            if height > MAX_HEIGHT:
                raise _fail("expression too long", token.position)
            left = Binary(token.text, left, right, token.position)

    def unary(self) -> tuple[Node, int]:
        """unary := '-' unary | primary."""
        token = self.peek()
        if token.kind == "operator" and token.text == "-":
            self.advance()
            self.enter(token)
            operand, height = self.unary()
            self.nesting -= 1
            return Negate(operand, token.position), height + 1
        return self.primary()

    def primary(self) -> tuple[Node, int]:
        """A literal, reference, '.', bracketed expression or function call."""
        token = self.advance()
        if token.kind == "number":
            return Literal(float(token.text)), 1
        if token.kind == "string":
            return Literal(token.text), 1
        if token.kind == "reference":
            return Reference(token.text, token.position), 1
        if token.kind == "current":
            return Current(token.position), 1
        if token.kind == "operator" and token.text == "(":
            self.enter(token)
            node, height = self.expression()
            self.expect_close()
            self.nesting -= 1
            return node, height
        if token.kind == "name" and self.peek().kind == "operator" and self.peek().text == "(":
            return self.call(token)
        raise _fail(f"unexpected {_describe(token)}", token.position)

    def call(self, name: _Token) -> tuple[Node, int]:
        """name '(' [expression (',' expression)*] ')'."""
        if name.text not in _FUNCTIONS:
            raise _fail(f"unknown function '{name.text}'", name.position)
        self.advance()  # the '('
        self.enter(name)
        arguments: list[Node] = []
        height = 0
        token = self.peek()
        if not (token.kind == "operator" and token.text == ")"):
            while True:
                argument, argument_height = self.expression()
                arguments.append(argument)
                height = max(height, argument_height)
                token = self.peek()
                if token.kind == "operator" and token.text == ",":
                    self.advance()
                    continue
                break
        self.expect_close()
        self.nesting -= 1
        fewest, most = _FUNCTIONS[name.text]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            wanted = "no arguments" if fewest == 0 else ("1 argument" if fewest == 1 else f"{fewest} arguments")
            raise _fail(f"{name.text}() takes {wanted} but got {len(arguments)}", name.position)
        return Call(name.text, tuple(arguments), name.position), height + 1

    def expect_close(self) -> None:
        """Consume a ')' or fail naming what stands there instead."""
        token = self.advance()
        if not (token.kind == "operator" and token.text == ")"):
            raise _fail(f"expected ')' but found {_describe(token)}", token.position)


def _walk_references(node: Node, found: list[str]) -> None:
    """Collect ${name} references in source order, first appearance only."""
    if isinstance(node, Reference):
        if node.name not in found:
            found.append(node.name)
    elif isinstance(node, Negate):
        _walk_references(node.operand, found)
    elif isinstance(node, Binary):
        _walk_references(node.left, found)
        _walk_references(node.right, found)
    elif isinstance(node, Call):
        for argument in node.arguments:
            _walk_references(argument, found)


@lru_cache(maxsize=1024)
def _compile(expression: str) -> tuple[Node, tuple[str, ...]]:
    """Parse once and remember the tree and its references."""
    if not isinstance(expression, str):
        raise ExpressionError("expression must be a string")
    tokens = _tokenize(expression)
    if tokens[0].kind == "end":
        raise ExpressionError("empty expression")
    parser = _Parser(tokens)
    node, _height = parser.expression()
    token = parser.peek()
    if token.kind != "end":
        raise _fail(f"unexpected {_describe(token)}", token.position)
    found: list[str] = []
    _walk_references(node, found)
    return node, tuple(found)


def parse(expression: str) -> Node:
    """Parse an expression into a tree of frozen nodes, or raise ExpressionError."""
    return _compile(expression)[0]


def references(expression: str) -> set[str]:
    """The question names an expression refers to as ${name}."""
    return set(_compile(expression)[1])


# --- conversions ---------------------------------------------------------------------------


def _numeric(text: str) -> float | None:
    """The number a string reads as, or None when it is not a number."""
    if _NUMBER.fullmatch(text):
        return float(text.strip(_WHITESPACE))
    return None


def _to_number(value: Value) -> float:
    """XPath number()."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    number = _numeric(value)
    return math.nan if number is None else number


def _format_number(number: float) -> str:
    """XPath string() of a number: no exponent, integers without a decimal point."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    text = format(Decimal(repr(number)), "f")  # shortest round-trip digits, as JavaScript
    return text.rstrip("0").rstrip(".") if "." in text else text


def _to_string(value: Value) -> str:
    """XPath string()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _format_number(value)
    return value


def _to_boolean(value: Value) -> bool:
    """XPath boolean()."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def _from_python(answer: object) -> Value:
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
        return " ".join(_to_string(_from_python(item)) for item in answer)
    if isinstance(answer, date):
        return answer.isoformat()
    return str(answer)


def truthy(result: object) -> bool:
    """XPath boolean() of a result: false, 0, NaN and '' are false."""
    return _to_boolean(_from_python(result))


def _choices(value: Value) -> list[str]:
    """The choice names in a select_multiple answer."""
    return [name for name in _SPLIT.split(_to_string(value)) if name]


def _kind(text: str) -> str:
    """How a string compares: empty, number, date or text."""
    if text == "":
        return "empty"
    if _numeric(text) is not None:
        return "number"
    if _DATE.fullmatch(text):
        return "date"
    return "text"


def _order(operator: str, left: float, right: float) -> bool:
    """Apply a relational operator to two numbers."""
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


def _compare(operator: str, left: Value, right: Value) -> bool:
    """ODK comparison of two values."""
    if operator in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = _to_boolean(left) == _to_boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            equal = _to_number(left) == _to_number(right)
        else:
            a, b = _numeric(left), _numeric(right)
            equal = a == b if a is not None and b is not None else left == right
        return equal if operator == "=" else not equal
    if isinstance(left, bool | float) or isinstance(right, bool | float):
        return _order(operator, _to_number(left), _to_number(right))
    kind = _kind(left)
    if kind != _kind(right) or kind == "empty":
        return False
    if kind == "number":
        return _order(operator, _to_number(left), _to_number(right))
    return _order(operator, float((left > right) - (left < right)), 0.0)  # by code point


def _divide(left: float, right: float) -> float:
    """XPath div, with IEEE 754 results for division by zero."""
    if right == 0:
        if left == 0 or math.isnan(left):
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1.0, right)
    return left / right


def _modulo(left: float, right: float) -> float:
    """XPath mod: the remainder of truncating division, sign of the dividend."""
    if math.isnan(left) or math.isnan(right) or math.isinf(left) or right == 0:
        return math.nan
    if math.isinf(right):
        return left
    return math.fmod(left, right)


def _truncate(number: float) -> float:
    """XPath-style int(): drop the fraction towards zero, keeping NaN, infinities and -0."""
    if math.isnan(number) or math.isinf(number):
        return number
    return math.copysign(float(math.trunc(number)), number)


# regex() patterns are read once, by the same rules in Python and JavaScript, and rewritten for
# each engine (Python: re.ASCII; JavaScript: the 'u' flag) so that both match the same strings.
# Constructs on which the engines differ are refused: named groups, lookbehind, inline flags,
# backreferences, possessive quantifiers, letter escapes other than \d \D \w \W \s \S \b \B
# \n \r \t \f \v \xHH \uHHHH, and empty '[]' or '[^]'.

_JS_SPACE = (  # JavaScript's \s, as the body of a Python character class
    "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
_CONTROL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v"}
_HEX_DIGITS = "0123456789abcdefABCDEF"
_BRACES = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_MAX_REPEAT = 1000


class _BadPattern(Exception):
    """A regex() pattern outside the subset Python and JavaScript agree on."""


def _read_escape(pattern: str, i: int, in_class: bool) -> tuple[tuple[str, str], int]:
    """Read the escape at pattern[i] ('\\'): ('class'|'assert'|'char', what) and the next index."""
    if i + 1 >= len(pattern):
        raise _BadPattern
    letter = pattern[i + 1]
    if letter in "dDwWs" or (letter == "S" and not in_class):
        return ("class", letter), i + 2
    if letter == "b" and in_class:
        return ("char", "\b"), i + 2
    if letter in "bB" and not in_class:
        return ("assert", letter), i + 2
    if letter in _CONTROL_ESCAPES:
        return ("char", _CONTROL_ESCAPES[letter]), i + 2
    width = {"x": 2, "u": 4}.get(letter, 0)
    if width:
        digits = pattern[i + 2 : i + 2 + width]
        if len(digits) != width or any(digit not in _HEX_DIGITS for digit in digits):
            raise _BadPattern
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDFFF:
            raise _BadPattern
        return ("char", chr(code)), i + 2 + width
    if letter.isascii() and letter.isalnum():
        raise _BadPattern
    return ("char", letter), i + 2


def _python_literal(char: str, in_class: bool) -> str:
    """One literal character, escaped for Python's re."""
    if in_class:
        return "\\" + char if char in "\\]^-[&~|" else char
    return re.escape(char)


def _read_class(pattern: str, i: int) -> tuple[str, int]:
    """Read the character class at pattern[i] ('['); return its Python form and the next index."""
    i += 1
    negate = pattern.startswith("^", i)
    if negate:
        i += 1
    if pattern.startswith("]", i):
        raise _BadPattern
    items: list[tuple[str, str, bool]] = []  # (kind, what, is an unescaped '-')
    while True:
        if i >= len(pattern):
            raise _BadPattern
        char = pattern[i]
        if char == "]":
            i += 1
            break
        if char == "\\":
            (kind, what), i = _read_escape(pattern, i, in_class=True)
            items.append((kind, what, False))
        else:
            items.append(("char", char, char == "-"))
            i += 1
    body: list[str] = []
    k = 0
    while k < len(items):
        kind, what, _dash = items[k]
        if k + 2 < len(items) and items[k + 1][2]:
            high_kind, high, _ = items[k + 2]
            if kind != "char" or high_kind != "char" or what > high:
                raise _BadPattern
            body.append(_python_literal(what, True) + "-" + _python_literal(high, True))
            k += 3
            continue
        if kind == "class":
            body.append(_JS_SPACE if what == "s" else "\\" + what)
        else:
            body.append(_python_literal(what, True))
        k += 1
    return "[" + ("^" if negate else "") + "".join(body) + "]", i


def _python_pattern(pattern: str) -> str:
    """Check a regex() pattern against the shared subset and rewrite it for Python's re."""
    out: list[str] = []
    groups: list[str] = []  # 'group' or 'lookahead' for each open bracket
    previous = "none"  # none (start, after '(' or '|'), atom, assertion or quantifier
    i = 0
    while i < len(pattern):
        char = pattern[i]
        braces = _BRACES.match(pattern, i) if char == "{" else None
        if char in "*+?" or braces:
            if previous != "atom":
                raise _BadPattern
            if braces:
                low = int(braces.group(1))
                high = low if not braces.group(2) else int(braces.group(3) or low)
                if low > _MAX_REPEAT or high > _MAX_REPEAT or high < low:
                    raise _BadPattern
                out.append(braces.group(0))
                i = braces.end()
            else:
                out.append(char)
                i += 1
            if pattern.startswith("?", i):
                out.append("?")
                i += 1
            previous = "quantifier"
        elif char == "\\":
            (kind, what), i = _read_escape(pattern, i, in_class=False)
            if kind == "assert":
                out.append("\\" + what)
            elif kind == "class" and what in "sS":
                out.append(("[" if what == "s" else "[^") + _JS_SPACE + "]")
            elif kind == "class":
                out.append("\\" + what)
            else:
                out.append(_python_literal(what, False))
            previous = "assertion" if kind == "assert" else "atom"
        elif char == "[":
            text, i = _read_class(pattern, i)
            out.append(text)
            previous = "atom"
        elif char == "(":
            if pattern.startswith("(?", i):
                if pattern[i + 2 : i + 3] not in (":", "=", "!"):
                    raise _BadPattern
                groups.append("group" if pattern[i + 2] == ":" else "lookahead")
                out.append(pattern[i : i + 3])
                i += 3
            else:
                groups.append("group")
                out.append("(")
                i += 1
            previous = "none"
        elif char == ")":
            if not groups:
                raise _BadPattern
            previous = "atom" if groups.pop() == "group" else "assertion"
            out.append(")")
            i += 1
        elif char == "|":
            out.append("|")
            previous = "none"
            i += 1
        elif char in "^$":
            out.append("^" if char == "^" else "\\Z")
            previous = "assertion"
            i += 1
        elif char == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
            previous = "atom"
            i += 1
        else:
            out.append(_python_literal(char, False))
            previous = "atom"
            i += 1
    if groups:
        raise _BadPattern
    return "".join(out)


@lru_cache(maxsize=256)
def _regex(pattern: str, position: int) -> re.Pattern[str]:
    """Compile a regex() pattern so that Python matches what JavaScript matches."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(_python_pattern(pattern), re.ASCII)
    except (_BadPattern, re.error, OverflowError, RecursionError) as error:
        raise _fail(f"invalid regular expression '{pattern}' in regex()", position) from error


# --- evaluation ----------------------------------------------------------------------------


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
        return _divide(left, right)
    return _modulo(left, right)


def _call(node: Call, context: _Context) -> Value:
    """Evaluate a function call; if() and coalesce() evaluate only what they need."""
    name = node.name
    arguments = node.arguments

    def argument(index: int) -> Value:
        """Evaluate one argument, only when it is needed."""
        return _evaluate(arguments[index], context)

    if name == "if":
        return argument(1) if _to_boolean(argument(0)) else argument(2)
    if name == "coalesce":
        first = argument(0)
        return first if _to_string(first) != "" else argument(1)
    if name == "today":
        return context.today
    if name in ("true", "false"):
        return name == "true"
    if name == "concat":
        return "".join(_to_string(argument(i)) for i in range(len(arguments)))
    if name == "not":
        return not _to_boolean(argument(0))
    if name == "selected":
        answer = argument(0)
        return _to_string(argument(1)).strip(_WHITESPACE) in _choices(answer)
    if name == "count-selected":
        return float(len(_choices(argument(0))))
    if name == "string-length":
        return float(len(_to_string(argument(0))))
    if name == "number":
        return _to_number(argument(0))
    if name == "int":
        return _truncate(_to_number(argument(0)))
    if name == "string":
        return _to_string(argument(0))
    if name == "contains":
        return _to_string(argument(1)) in _to_string(argument(0))
    if name == "starts-with":
        text = _to_string(argument(0))
        return text.startswith(_to_string(argument(1)))
    if name == "regex":
        subject = _to_string(argument(0))
        return _regex(_to_string(argument(1)), node.position).search(subject) is not None
    raise _fail(f"unknown function '{name}'", node.position)


def _evaluate(node: Node, context: _Context) -> Value:
    """Evaluate one node of a parsed expression."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Reference):
        return _from_python(context.values[node.name])
    if isinstance(node, Current):
        return context.current
    if isinstance(node, Negate):
        return -_to_number(_evaluate(node.operand, context))
    if isinstance(node, Call):
        return _call(node, context)
    operator = node.operator
    if operator == "or":
        return _to_boolean(_evaluate(node.left, context)) or _to_boolean(_evaluate(node.right, context))
    if operator == "and":
        return _to_boolean(_evaluate(node.left, context)) and _to_boolean(_evaluate(node.right, context))
    left = _evaluate(node.left, context)
    right = _evaluate(node.right, context)
    if operator in ("=", "!=", "<", "<=", ">", ">="):
        return _compare(operator, left, right)
    return _arithmetic(operator, _to_number(left), _to_number(right))


def evaluate(
    expression: str,
    values: Mapping[str, object],
    *,
    current: object = None,
    today: date | None = None,
) -> object:
    """Evaluate an expression against answers by question name; returns a bool, float or str."""
    node, names = _compile(expression)
    for name in names:
        if name not in values:
            raise ExpressionError(f"unknown question '{name}'")
    day = today.date() if isinstance(today, datetime) else today or date.today()
    context = _Context(values, _from_python(current), day.isoformat())
    return _evaluate(node, context)
