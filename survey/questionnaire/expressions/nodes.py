"""The nodes of a parsed expression, and the error that names what cannot be parsed or evaluated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


class ExpressionError(ValueError):
    """An expression that cannot be parsed or evaluated; the message says what and where."""


class UnknownFunctionError(ExpressionError):
    """A function Voces does not know, named so that a refusal can name it."""

    def __init__(self, message: str, function: str) -> None:
        """Keep the function's name beside the message."""
        super().__init__(message)
        self.function = function


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


@dataclass(frozen=True)
class Column:
    """A bare name inside a lookup's [filter]: that column of the row being tried."""

    name: str
    position: int


@dataclass(frozen=True)
class Lookup:
    """instance('table')/root/item[filter]/column: the rows of a choice list or of a CSV sent with the form.

    table is the list's or file's name (without .csv); the filters keep the rows for which each holds
    (a number keeps the row at that position); column "" stands for the rows themselves, as count() reads them.
    """

    table: str
    filters: tuple[Node, ...]
    column: str
    position: int


Node: TypeAlias = Literal | Reference | Current | Negate | Binary | Call | Column | Lookup


def error_at(message: str, position: int) -> ExpressionError:
    """An ExpressionError that names the character position."""
    return ExpressionError(f"{message} at character {position}")
