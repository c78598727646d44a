"""The rules a parsed survey definition must follow: expressions, choices, bindings, defaults."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from survey.questionnaire.expressions import ExpressionError, evaluate, parse, references, tables_read, truthy
from survey.questionnaire.expressions.parsing import UnknownFunctionError
from survey.questionnaire.messages import N_, Message
from survey.questionnaire.question_types import WHOLE_NUMBER

if TYPE_CHECKING:
    from survey.questionnaire.model import Definition, Question

CHOICE_PREFIX = "choice."  # a choice_filter reads a choice's columns as ${choice.column}
CONSENT_NAME = "consent"  # a question that can bind consent and has this name is the consent question
CONSENT_CHOICES = frozenset({"quote", "quote_anonymous", "internal"})  # the values of models.ConsentScope
FILTER_COLUMN = re.compile(r"(?!(?:and|or|div|mod)$)[A-Za-z_][A-Za-z0-9_\-]*")
OUTPUT = re.compile(r"\$\{([^}]*)\}")  # an answer shown inside a label or hint: ${name}
_FILTER_TOKEN = re.compile(r"""'[^']*'?|"[^"]*"?|\$\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_\-]*|[0-9]+|.""", re.S)

# What a refusal names as the feature Voces lacks: a function, or an expression it cannot read.
FUNCTION = N_("the function '%(function)s'")
EXPRESSION = N_("the %(column)s expression '%(expression)s' (%(problem)s)")


class DefinitionError(ValueError):
    """A survey definition that cannot be used, naming the question and field at fault."""

    def __init__(
        self,
        detail: str,
        *,
        where: str = "",
        question: str | None = None,
        column: str | None = None,
        choice_list: str | None = None,
        choice: str | None = None,
        message: Message | None = None,
        feature: Message | None = None,
    ) -> None:
        """Keep what is wrong and where, so that an XLSForm import can name its sheet and row.

        message, when given, is the detail in words the interface can translate; feature names what
        Voces does not support (an appearance, a function), for a refusal to name it.
        """
        super().__init__(f"{where}: {detail}" if where else detail)
        self.detail = detail
        self.message = message
        self.feature = feature
        self.question = question
        self.column = column
        self.choice_list = choice_list
        self.choice = choice


@lru_cache(maxsize=512)
def choice_filter_expression(expression: str) -> str:
    """A choice_filter with its bare choice columns (state=${state}) read as ${choice.state}.

    A name in a path (instance('list')/root/item, current()/../name) or in a lookup's [filter],
    where it is a column of the rows looked up, stays as written.
    """
    out = []
    depth = 0  # inside how many [filters]
    previous = ""
    for match in _FILTER_TOKEN.finditer(expression):
        token = match.group()
        rest = expression[match.end() :].lstrip()
        depth += {"[": 1, "]": -1}.get(token, 0)
        if FILTER_COLUMN.fullmatch(token) and not rest.startswith(("(", "/")) and previous != "/" and not depth:
            token = "${" + CHOICE_PREFIX + token + "}"
        out.append(token)
        previous = token if token.strip() else previous
    return "".join(out)


def check_expression(
    expression: str, names: set[str], *, in_repeat: bool = False, tables: frozenset[str] = frozenset()
) -> None:
    """Parse an expression and try it on empty answers; raise ExpressionError naming the fault.

    position(..) has a meaning only in a repeat instance, so it is tried there as the first one;
    tables names the choice lists and files instance() and pulldata() may read.
    """
    parse(expression)
    unknown = sorted(references(expression) - names)
    if unknown:
        raise ExpressionError(f"unknown question '{unknown[0]}'")
    absent = sorted(tables_read(expression) - tables)
    if absent:
        raise ExpressionError(f"no choice list or file sent with the form is named '{absent[0]}'")
    position = 1 if in_repeat else None
    empty: dict[str, tuple[dict[str, str], ...]] = dict.fromkeys(tables, ())
    evaluate(expression, dict.fromkeys(names, ""), current="", today=date.today(), position=position, tables=empty)


def check_definition(definition: Definition) -> None:
    """Refuse a definition whose expressions, types, bindings or defaults Voces cannot honour."""
    repeats = definition.repeats
    names = {q.name for q in definition.every_question} | set(repeats)
    tables = frozenset(definition.choice_lists) | frozenset(definition.data_files)
    in_repeat = {g for r in repeats.values() for g in r.group_names}
    for repeat in repeats.values():
        where = f"repeat {repeat.name}"
        if repeat.relevant:
            _check(repeat.relevant, names, "relevant", tables=tables, where=where, question=repeat.name)
        if repeat.count:
            _check(repeat.count, names, "repeat_count", tables=tables, where=where, question=repeat.name)
    for group in definition.groups.values():
        if group.relevant:
            where = f"group {group.name}"
            _check(
                group.relevant,
                names,
                "relevant",
                in_repeat=group.name in in_repeat,
                tables=tables,
                where=where,
                question=group.name,
            )
        for column, texts in (("label", group.label), ("hint", group.hint)):
            shown = sorted({name for text in texts.values() for name in OUTPUT.findall(text)} - names)
            if shown:
                raise DefinitionError(
                    f"{column} shows the answer to an unknown question '{shown[0]}'",
                    where=f"group {group.name}",
                    question=group.name,
                    column=column,
                )
    for number, question in enumerate(definition.every_question, start=1):
        context = {"where": f"question {number} ({question.name})", "question": question.name}
        _check_type(question, context, names)
        _check_binding(question, context)
        _check_default(question, context)
        for column in ("relevant", "constraint", "calculation", "required_if"):
            expression = getattr(question, column)
            if expression:
                _check(
                    expression,
                    names,
                    column.removesuffix("_if"),
                    in_repeat=bool(question.repeat),
                    tables=tables,
                    **context,
                )
        if question.choice_filter:
            columns = {CHOICE_PREFIX + "name"} | {CHOICE_PREFIX + c for x in question.choices for c in x.filters}
            _check(
                choice_filter_expression(question.choice_filter),
                names | columns,
                "choice_filter",
                in_repeat=bool(question.repeat),
                tables=tables,
                **context,
            )
        _check_read_only(question, context)
    _check_cycles(definition)


def _check(
    expression: str,
    names: set[str],
    column: str,
    *,
    in_repeat: bool = False,
    tables: frozenset[str] = frozenset(),
    **context: Any,
) -> None:
    try:
        check_expression(expression, names, in_repeat=in_repeat, tables=tables)
    except UnknownFunctionError as error:
        feature = Message(FUNCTION, {"function": error.function})
        raise DefinitionError(f"{column} {expression!r}: {error}", column=column, feature=feature, **context) from None
    except ExpressionError as error:
        feature = Message(EXPRESSION, {"column": column, "expression": expression, "problem": str(error)})
        raise DefinitionError(f"{column} {expression!r}: {error}", column=column, feature=feature, **context) from None


def _check_type(q: Question, context: dict[str, Any], names: set[str]) -> None:
    def refuse(detail: str, column: str) -> DefinitionError:
        return DefinitionError(detail, column=column, **context)

    kind = q.kind
    if kind.calculated:
        if not q.calculation:
            raise refuse("a calculate question needs a calculation", "calculation")
    else:
        if q.calculation:
            raise refuse("only a calculate question has a calculation", "calculation")
        if not q.label:
            raise refuse("label is missing", "label")
    for column, texts in (("label", q.label), ("hint", q.hint)):
        shown = sorted({name for text in texts.values() for name in OUTPUT.findall(text)} - names)
        if shown:
            raise refuse(f"{column} shows the answer to an unknown question '{shown[0]}'", column)
    if not kind.answered:
        for column in ("required", "required_if", "constraint", "read_only"):
            if getattr(q, column):
                raise refuse(f"a {q.type} cannot have {column.removesuffix('_if')}", column.removesuffix("_if"))
    if q.testimony and not kind.can_be_testimony:
        raise refuse("only a text question can be a testimony", "testimony")
    if q.choice_filter and not kind.has_choice_list:
        raise refuse("only a select question can have a choice_filter", "choice_filter")
    if q.likert and not all(WHOLE_NUMBER.fullmatch(c.name) for c in q.choices):
        raise refuse("the choices of a likert question must be named by numbers (1 to 5)", "appearance")


def _check_binding(q: Question, context: dict[str, Any]) -> None:
    if q.bind not in (None, "site", "consent"):
        raise DefinitionError(f"bind {q.bind!r} is not supported", column="bind", **context)
    if (q.bind == "site") != (q.kind.binds == "site"):
        raise DefinitionError("only a site question is bound to the site", column="bind", **context)
    if q.bind == "consent":
        if not q.kind.can_bind_consent:
            raise DefinitionError("the consent question must be a select_one", column="type", **context)
        unknown = sorted({c.name for c in q.choices} - CONSENT_CHOICES)
        if unknown:
            allowed = ", ".join(sorted(CONSENT_CHOICES))
            raise DefinitionError(
                f"consent choice {unknown[0]!r} is not one of {allowed}",
                column="choices",
                **context,
            )


def _check_default(q: Question, context: dict[str, Any]) -> None:
    value = q.default
    if not value:
        return
    if not q.kind.accepts_default(q, value):
        raise DefinitionError(f"default {value!r} is not a possible answer", column="default", **context)


def _check_read_only(q: Question, context: dict[str, Any]) -> None:
    """Refuse a read-only question whose default could never be accepted: the resident cannot change it."""
    if not q.read_only:
        return
    if q.required and not q.default:
        raise DefinitionError(
            "a read-only question that is required needs a default, since nobody can answer it",
            column="default",
            **context,
        )
    # A constraint that reads only the answer itself can be tried on the default now; one that reads
    # other answers or today's date cannot, and is not checked for a read-only question later either.
    constraint = q.constraint
    if not q.default or not constraint or references(constraint) or "today" in constraint:
        return
    try:
        kept = truthy(evaluate(constraint, {}, current=q.default, today=date.today()))
    except ExpressionError:  # fails only on some answers (a bad regex() input): left as the validator leaves it
        return
    if not kept:
        raise DefinitionError(
            f"default {q.default!r} breaks the question's own constraint {constraint!r}",
            column="default",
            **context,
        )


def _check_cycles(definition: Definition) -> None:
    """Refuse a relevant or calculation that depends, through others, on its own question."""
    groups = definition.groups
    repeats = definition.repeats
    needs: dict[str, set[str]] = {}
    for q in definition.every_question:
        expressions = [q.relevant, q.calculation, *(groups[g].relevant for g in q.groups)]
        repeat = repeats.get(q.repeat)
        while repeat is not None:  # the repeats it is inside, innermost first
            expressions.append(repeat.relevant)
            repeat = repeats.get(repeat.parent)
        needs[q.name] = set().union(*(references(e) for e in expressions if e))
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            loop = " -> ".join((*trail[trail.index(name) :], name))
            raise DefinitionError(
                f"relevant or calculation goes round in a circle ({loop})",
                where=f"question {name}",
                question=name,
                column="relevant",
            )
        if name in done:
            return
        for other in sorted(needs.get(name, ())):
            visit(other, (*trail, name))
        done.add(name)

    for name in needs:
        visit(name, ())
