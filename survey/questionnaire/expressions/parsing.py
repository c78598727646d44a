"""Parse the XLSForm / ODK expression subset into a tree of frozen nodes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from survey.questionnaire.expressions.nodes import (
    Binary,
    Call,
    Column,
    Current,
    ExpressionError,
    Literal,
    Lookup,
    Negate,
    Node,
    Reference,
    UnknownFunctionError,
    error_at,
)

__all__ = [
    "Binary",
    "Call",
    "Column",
    "Current",
    "ExpressionError",
    "Literal",
    "Lookup",
    "Negate",
    "Node",
    "Reference",
    "UnknownFunctionError",
    "compile_expression",
    "error_at",
    "parse",
    "references",
    "tables_read",
]

MAX_NESTING = 40  # brackets, calls and unary minus inside one another
MAX_HEIGHT = 120  # depth of the parsed tree, so evaluation never exhausts the stack

_WHITESPACE = " \t\n\r"
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
    "position": (0, 0),  # written position(..): the parser reads the '..' itself
    "indexed-repeat": (3, 3),
    "sum": (1, 1),  # sum(${question}): its answers in every instance of its repeat, added up
    "count": (1, 1),  # count(${question}) or count(${repeat}): how many instances the repeat has
    # ODK functions on numbers, text and dates (functions.py)
    "now": (0, 0),
    "date": (1, 1),
    "decimal-date-time": (1, 1),
    "format-date": (2, 2),
    "format-date-time": (2, 2),
    "round": (1, 2),
    "substr": (2, 3),
    "join": (1, None),
    "uuid": (0, 0),
    "once": (1, 1),
    "abs": (1, 1),
    "pow": (2, 2),
    "min": (1, None),
    "max": (1, None),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "boolean": (1, 1),
    "boolean-from-string": (1, 1),
    "selected-at": (2, 2),
    "ends-with": (2, 2),
    "substring-before": (2, 2),
    "substring-after": (2, 2),
    "normalize-space": (0, 1),  # without an argument: the current answer
    "translate": (3, 3),
    "sqrt": (1, 1),
    "count-non-empty": (1, 1),  # count-non-empty(${question}): its instances answered
    "jr:choice-name": (2, 2),  # jr:choice-name(value, '${question}'): the label of that choice
    "pulldata": (4, 4),  # pulldata('file', 'column', 'key-column', key): a cell of a CSV sent with the form
    "instance": (1, 1),  # only as instance('name')/root/item[filter]/column (Parser.lookup)
    "current": (0, 0),  # only as current() or current()/../name (Parser.current_call)
}
# Functions whose first arguments name a question or repeat rather than read its answer.
_NAMING_ARGUMENTS = {"indexed-repeat": 2, "sum": 1, "count": 1, "count-non-empty": 1}
ROWS = ("root", "item")  # the path from instance('name') to its rows, as ODK writes it
AGGREGATES = frozenset({"sum", "count", "count-non-empty"})  # they read every instance of a repeat
README_SECTION = "XLSForm: what Voces reads"
_QUOTED_REFERENCE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class _Token:
    """One lexical token; position counts characters from 1."""

    kind: str  # number, string, reference, current, parent, name, operator, end
    text: str
    position: int


def _tokenize(expression: str, tokens: list[_Token]) -> list[_Token]:
    """Split an expression into tokens, added to tokens (those before a fault stay there)."""
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
                raise error_at("unterminated reference", start)
            name = expression[i + 2 : close]
            if not _REFERENCE_NAME.fullmatch(name):
                raise error_at(f"invalid reference '${{{name}}}'", start)
            tokens.append(_Token("reference", name, start))
            i = close + 1
        elif char in "'\"":
            close = expression.find(char, i + 1)
            if close < 0:
                raise error_at("unterminated string", start)
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
        elif expression.startswith("..", i):
            tokens.append(_Token("parent", "..", start))
            i += 2
        elif char == ".":
            tokens.append(_Token("current", ".", start))
            i += 1
        elif _NAME_START.match(char):
            j = i + 1
            while j < length and _NAME_CHAR.match(expression[j]):
                j += 1
            if expression.startswith(":", j) and j + 1 < length and _NAME_START.match(expression[j + 1]):
                j += 2  # a prefixed name, as jr:choice-name
                while j < length and _NAME_CHAR.match(expression[j]):
                    j += 1
            tokens.append(_Token("name", expression[i:j], start))
            i = j
        elif expression.startswith(("!=", "<=", ">="), i):
            tokens.append(_Token("operator", expression[i : i + 2], start))
            i += 2
        elif char in "=<>+-*(),/[]":
            tokens.append(_Token("operator", char, start))
            i += 1
        else:
            raise error_at(f"unexpected character '{char}'", start)
    tokens.append(_Token("end", "", length + 1))
    return tokens


def _unknown_function(name: _Token) -> UnknownFunctionError:
    """The refusal of a function Voces does not read, pointing to the README's list."""
    return UnknownFunctionError(
        f"unknown function '{name.text}' at character {name.position}; "
        f"the README's '{README_SECTION}' lists the functions Voces reads",
        name.text,
    )


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
        self.filters = 0  # how many lookup [filters] the parser is inside: a bare name there is a column

    def peek(self) -> _Token:
        """The current token."""
        return self.tokens[self.index]

    def advance(self) -> _Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        if token.kind != "end":  # the end stays, however often a rule asks past it
            self.index += 1
        return token

    def enter(self, token: _Token) -> None:
        """Go one level deeper, refusing absurd nesting."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise error_at("expression nested too deeply", token.position)

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
                raise error_at("expression too long", token.position)
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
            if token.text == "instance":
                return self.lookup(token, rows=False)
            if token.text == "current":
                return self.current_call(token)
            return self.call(token)
        if token.kind == "name" and self.filters:
            return Column(token.text, token.position), 1
        raise error_at(f"unexpected {_describe(token)}", token.position)

    def call(self, name: _Token) -> tuple[Node, int]:
        """name '(' [expression (',' expression)*] ')'."""
        if name.text not in _FUNCTIONS:
            raise _unknown_function(name)
        self.advance()  # the '('
        if name.text == "position":
            return self.position_call(name)
        after = self.tokens[min(self.index + 1, len(self.tokens) - 1)]
        lookup = (self.peek().kind, self.peek().text) == ("name", "instance")
        if name.text == "count" and lookup and (after.kind, after.text) == ("operator", "("):
            rows, height = self.lookup(self.advance(), rows=True)
            self.expect_close()
            return Call(name.text, (rows,), name.position), height + 1
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
        for index, argument in enumerate(arguments[: _NAMING_ARGUMENTS.get(name.text, 0)]):
            if not isinstance(argument, Reference):
                raise error_at(f"argument {index + 1} of {name.text}() must be a ${{name}}", name.position)
        fewest, most = _FUNCTIONS[name.text]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            wanted = "no arguments" if fewest == 0 else ("1 argument" if fewest == 1 else f"{fewest} arguments")
            if most != fewest:
                wanted = f"{fewest} to {most} arguments" if most is not None else f"at least {wanted}"
            raise error_at(f"{name.text}() takes {wanted} but got {len(arguments)}", name.position)
        if name.text == "jr:choice-name":
            arguments[1] = _named_question(arguments[1], name)
        if name.text == "pulldata" and not (isinstance(arguments[0], Literal) and isinstance(arguments[0].value, str)):
            raise error_at("argument 1 of pulldata() must be a file name in quotes", name.position)
        return Call(name.text, tuple(arguments), name.position), height + 1

    def position_call(self, name: _Token) -> tuple[Node, int]:
        """position(..): the number of the repeat instance the expression is evaluated in."""
        token = self.advance()
        if token.kind != "parent":
            raise error_at("position() takes '..' as its only argument", token.position)
        self.expect_close()
        return Call(name.text, (), name.position), 1

    def lookup(self, name: _Token, *, rows: bool) -> tuple[Node, int]:
        """instance('table')/root/item ['[' filter ']']* ['/' column]; without a column only inside count()."""
        self.advance()  # the '('
        table = self.advance()
        if table.kind != "string":
            raise error_at("instance() takes the name of a choice list or file in quotes", table.position)
        self.expect_close()
        shape = f"instance('{table.text}') is read as instance('{table.text}')/root/item[filter]/column"
        for step in ROWS:
            slash, part = self.advance(), self.advance()
            if (slash.kind, slash.text) != ("operator", "/") or (part.kind, part.text) != ("name", step):
                raise error_at(shape, name.position)
        filters: list[Node] = []
        height = 1
        while self.peek().kind == "operator" and self.peek().text == "[":
            bracket = self.advance()
            self.enter(bracket)
            self.filters += 1
            condition, condition_height = self.expression()
            self.filters -= 1
            self.nesting -= 1
            close = self.advance()
            if (close.kind, close.text) != ("operator", "]"):
                raise error_at(f"expected ']' but found {_describe(close)}", close.position)
            filters.append(condition)
            height = max(height, condition_height + 1)
        column = ""
        if self.peek().kind == "operator" and self.peek().text == "/":
            self.advance()
            token = self.advance()
            if token.kind != "name" or (self.peek().kind, self.peek().text) == ("operator", "("):
                raise error_at(shape, name.position)
            column = token.text
        elif not rows:
            raise error_at(
                f"instance('{table.text}')/root/item needs a /column after it (only count() reads the rows themselves)",
                name.position,
            )
        return Lookup(table.text.removesuffix(".csv"), tuple(filters), column, name.position), height

    def current_call(self, name: _Token) -> tuple[Node, int]:
        """current(): the question's own answer; current()/../name: the answer to name, as ${name}."""
        self.advance()  # the '('
        self.expect_close()
        if not (self.peek().kind == "operator" and self.peek().text == "/"):
            return Current(name.position), 1
        steps = [self.advance() for _ in range(3)]
        question = self.advance() if steps[-1].kind != "end" else steps[-1]
        if [(t.kind, t.text) for t in steps] != [("operator", "/"), ("parent", ".."), ("operator", "/")]:
            raise error_at("current() is read as current() or current()/../name", name.position)
        if question.kind != "name" or not _REFERENCE_NAME.fullmatch(question.text):
            raise error_at("current() is read as current() or current()/../name", name.position)
        return Reference(question.text, question.position), 1

    def expect_close(self) -> None:
        """Consume a ')' or fail naming what stands there instead."""
        token = self.advance()
        if not (token.kind == "operator" and token.text == ")"):
            raise error_at(f"expected ')' but found {_describe(token)}", token.position)


def _named_question(argument: Node, name: _Token) -> Reference:
    """The question jr:choice-name() names in its second argument, written '${question}'."""
    value = argument.value if isinstance(argument, Literal) else None
    match = _QUOTED_REFERENCE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise error_at(f"argument 2 of {name.text}() must be a question written '${{name}}'", name.position)
    if not _REFERENCE_NAME.fullmatch(match.group(1)):
        raise error_at(f"invalid reference '${{{match.group(1)}}}'", name.position)
    return Reference(match.group(1), name.position)


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
    elif isinstance(node, Lookup):
        for condition in node.filters:
            _walk_references(condition, found)


@lru_cache(maxsize=1024)
def compile_expression(expression: str) -> tuple[Node, tuple[str, ...]]:
    """Parse once and remember the tree and its references."""
    if not isinstance(expression, str):
        raise ExpressionError("expression must be a string")
    tokens: list[_Token] = []
    try:
        _tokenize(expression, tokens)
    except ExpressionError:
        # instance('x')/root/item[...] stops at its '/': the function is the fault worth naming
        for name, after in zip(tokens, tokens[1:], strict=False):
            if name.kind == "name" and (after.kind, after.text) == ("operator", "(") and name.text not in _FUNCTIONS:
                raise _unknown_function(name) from None
        raise
    if tokens[0].kind == "end":
        raise ExpressionError("empty expression")
    parser = _Parser(tokens)
    node, _height = parser.expression()
    token = parser.peek()
    if token.kind != "end":
        raise error_at(f"unexpected {_describe(token)}", token.position)
    found: list[str] = []
    _walk_references(node, found)
    return node, tuple(found)


def tables_read(expression: str) -> set[str]:
    """The choice lists and files an expression reads by instance('name') or pulldata('name'), without .csv."""
    found: set[str] = set()
    stack = [parse(expression)]
    while stack:
        node = stack.pop()
        if isinstance(node, Lookup):
            found.add(node.table)
            stack.extend(node.filters)
        elif isinstance(node, Call):
            first = node.arguments[0] if node.arguments else None
            if node.name == "pulldata" and isinstance(first, Literal) and isinstance(first.value, str):
                found.add(first.value.removesuffix(".csv"))
            stack.extend(node.arguments)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Negate):
            stack.append(node.operand)
    return found


def parse(expression: str) -> Node:
    """Parse an expression into a tree of frozen nodes, or raise ExpressionError."""
    return compile_expression(expression)[0]


def references(expression: str) -> set[str]:
    """The question names an expression refers to as ${name}."""
    return set(compile_expression(expression)[1])
