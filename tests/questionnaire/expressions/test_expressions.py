"""The Python expression evaluator against the shared case table, plus its API edges."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.expressions import (
    Binary,
    Call,
    Current,
    ExpressionError,
    Literal,
    Negate,
    Reference,
    evaluate,
    parse,
    references,
    truthy,
)

CASES_FILE = Path(__file__).resolve().parents[2] / "data" / "expression_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 30)
VALUES = {"a": "yes", "b": "10", "c": "9", "m": "clinic school", "d": "2026-02-01", "e": ""}


def normalise(result: object) -> tuple[str, object]:
    """A result as (kind, JSON-comparable value): NaN and infinities become strings."""
    if isinstance(result, bool):
        return ("boolean", result)
    if isinstance(result, int | float):
        number = float(result)
        if math.isnan(number):
            return ("number", "NaN")
        if math.isinf(number):
            return ("number", "Infinity" if number > 0 else "-Infinity")
        return ("number", number)
    return ("string", result)


def expected_of(case: dict[str, Any]) -> tuple[str, object]:
    """The table's expected value in the same shape as normalise()."""
    expected = case["expected"]
    if expected in ("NaN", "Infinity", "-Infinity"):
        return ("special", expected)
    return normalise(expected)


def matches(result: object, case: dict[str, Any]) -> bool:
    """Whether a result equals the table's expected value after normalising."""
    kind, value = normalise(result)
    expected_kind, expected = expected_of(case)
    if expected_kind == "special":
        return value == expected
    return (kind, value) == (expected_kind, expected)


def run_case(case: dict[str, Any]) -> object:
    """Evaluate one case of the table."""
    today = date.fromisoformat(case["today"]) if "today" in case else None
    return evaluate(
        case["expr"],
        case["values"],
        current=case.get("current"),
        today=today,
        position=case.get("position"),
        repeats=case.get("repeats"),
        choices=case.get("choices"),
        tables=case.get("tables"),
    )


def case_id(case: dict[str, Any]) -> str:
    """A readable test id: the expression, shortened."""
    expression = case["expr"].replace("\n", "\\n") or "<empty>"
    if "current" in case:
        expression += f" [.={case['current']!r}]"
    return expression if len(expression) <= 70 else expression[:67] + "..."


def test_table_is_large_and_well_formed() -> None:
    """The shared table has 100+ cases, 10+ of them errors, each with values."""
    assert len(CASES) >= 100
    assert sum(1 for case in CASES if case.get("error")) >= 10
    for case in CASES:
        assert isinstance(case["expr"], str)
        assert isinstance(case["values"], dict)
        assert ("expected" in case) != bool(case.get("error")), case


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    """Each case evaluates to its expected value, or raises ExpressionError when it should."""
    if case.get("error"):
        with pytest.raises(ExpressionError) as raised:
            run_case(case)
        if "message" in case:
            assert str(raised.value) == case["message"]
    else:
        result = run_case(case)
        wanted = case["expected"]
        assert matches(result, case), f"{case['expr']!r} gave {result!r}, expected {wanted!r}"


# --- references ------------------------------------------------------------------------------


def test_references_collects_names() -> None:
    """Every ${name}, inside functions and operators, once each."""
    expression = "selected(${services}, 'clinic') and ${age} >= 18 or -${age} < ${limit}"
    assert references(expression) == {"services", "age", "limit"}


def test_references_without_any() -> None:
    """Literals, '.' and functions refer to no question."""
    assert references(". >= 18 and today() > '2020-01-01'") == set()


def test_references_allows_xlsform_names() -> None:
    """Names may hold digits, dots, hyphens, underscores and accented letters."""
    assert references("${q1.a-b_c} = ${año}") == {"q1.a-b_c", "año"}


def test_references_of_bad_expression_raises() -> None:
    """A syntax error surfaces from references() too."""
    with pytest.raises(ExpressionError):
        references("${a} = ")


def test_references_returns_a_fresh_set() -> None:
    """Changing the returned set does not touch the cache."""
    first = references("${a} = ${b}")
    first.add("c")
    assert references("${a} = ${b}") == {"a", "b"}


# --- truthy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (True, True),
        (False, False),
        (1.0, True),
        (-0.5, True),
        (math.inf, True),
        (0.0, False),
        (-0.0, False),
        (math.nan, False),
        (0, False),
        (3, True),
        ("", False),
        ("no", True),
        ("false", True),
        ("0", True),
        (None, False),
    ],
)
def test_truthy(result: object, expected: bool) -> None:
    """XPath boolean(): false, 0, NaN and '' are false; every other string is true."""
    assert truthy(result) is expected


def test_truthy_of_evaluated_relevance() -> None:
    """truthy() is how callers read relevance results."""
    assert truthy(evaluate("${a} = 'yes'", VALUES))
    assert not truthy(evaluate("${e}", VALUES))
    assert not truthy(evaluate("0 div 0", VALUES))


# --- errors and positions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("${age} > 18)", "unexpected ')' at character 12"),
        ("(${age} > 18", "expected ')' but found end of expression at character 13"),
        ("${age} >", "unexpected end of expression at character 9"),
        ("${age} > 18 ansd 1", "unexpected 'ansd' at character 13"),
        (
            "  lenght(.)",
            "unknown function 'lenght' at character 3; "
            "the README's 'XLSForm: what Voces reads' lists the functions Voces reads",
        ),
        ("concat('a') or lenght{1}", "unexpected character '{' at character 22"),
        ("concat('a') or lenght[1]", "unexpected 'lenght' at character 16"),
        ("regex(., '[')", "invalid regular expression '[' in regex() at character 1"),
        ("1 # 2", "unexpected character '#' at character 3"),
        ("'a' = \"b", "unterminated string at character 7"),
        ("${a b} = 1", "invalid reference '${a b}' at character 1"),
        ("$a = 1", "unexpected character '$' at character 1"),
        ("1 = 2 = ", "unexpected end of expression at character 9"),
        ("selected('a', 'b', 'c')", "selected() takes 2 arguments but got 3 at character 1"),
    ],
)
def test_error_messages_name_the_position(expression: str, message: str) -> None:
    """Syntax errors say what went wrong and at which character (counting from 1)."""
    with pytest.raises(ExpressionError) as raised:
        evaluate(expression, {"age": "20", "a": ""}, current="x")
    assert str(raised.value) == message


def test_unknown_question_names_it() -> None:
    """A ${name} missing from the answers is reported by name, even in an unused branch."""
    with pytest.raises(ExpressionError, match=r"^unknown question 'ghost'$"):
        evaluate("false() and ${ghost} = 1", {})


def test_expression_error_is_a_value_error() -> None:
    """Callers that catch ValueError also catch expression errors."""
    with pytest.raises(ValueError):
        parse("(")


def test_positions_count_characters_not_bytes() -> None:
    """Accents and emoji before an error count as one character each."""
    with pytest.raises(ExpressionError, match=r"at character 7$"):
        parse("'éé😀' )")


def test_nesting_is_bounded() -> None:
    """Absurd nesting is refused as an ExpressionError, not a RecursionError."""
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-" * 500 + "1")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("not(" * 300 + "1" + ")" * 300)
    with pytest.raises(ExpressionError, match="too long"):
        parse(" + ".join(["1"] * 1000))
    assert evaluate(" + ".join(["1"] * 100), {}) == 100


# --- parse -----------------------------------------------------------------------------------


def test_parse_respects_precedence() -> None:
    """'*' binds tighter than '+', 'and' tighter than 'or'."""
    assert parse("1 + 2 * 3") == Binary("+", Literal(1.0), Binary("*", Literal(2.0), Literal(3.0), 7), 3)
    tree = parse("not(${a} = 'x') and ${b} > 2 or ${c} = ''")
    assert isinstance(tree, Binary) and tree.operator == "or"
    assert isinstance(tree.left, Binary) and tree.left.operator == "and"
    assert tree.left.left == Call("not", (Binary("=", Reference("a", 5), Literal("x"), 10),), 1)


def test_parse_builds_frozen_nodes() -> None:
    """Trees are immutable, so the cache can hand out the same one."""
    tree = parse("-. + 1")
    assert tree == Binary("+", Negate(Current(2), 1), Literal(1.0), 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.operator = "-"  # type: ignore[misc]
    assert parse("-. + 1") is tree


# --- evaluate --------------------------------------------------------------------------------


def test_today_defaults_to_the_real_date() -> None:
    """Without today=, today() is the local date."""
    before = date.today().isoformat()
    result = evaluate("today()", {})
    assert result in (before, date.today().isoformat())


def test_now_is_the_moment_given_with_its_offset_and_today_its_date() -> None:
    """now= fixes now(); today() follows it unless today= is given too."""
    moment = datetime(2026, 11, 30, 18, 5, 9, 250000, tzinfo=timezone(timedelta(hours=-5)))
    assert evaluate("now()", {}, now=moment) == "2026-11-30T18:05:09.250-05:00"
    assert evaluate("today()", {}, now=moment) == "2026-11-30"
    assert evaluate("round(now() - today(), 4)", {}, now=moment) == 0.9619  # 23:05:09 UTC


def test_python_answers_are_read_like_odk_strings() -> None:
    """None is unanswered, lists are select_multiple answers, numbers compare as numbers."""
    values: dict[str, object] = {"none": None, "list": ["a", "b"], "n": 7, "day": date(2026, 1, 2)}
    assert evaluate("${none} = ''", values) is True
    assert evaluate("selected(${list}, 'b')", values) is True
    assert evaluate("${n} + 1", values) == 8
    assert evaluate("${day} < '2026-01-03'", values) is True
    assert evaluate("${n} = '7.0'", values) is True


def test_results_are_bool_float_or_str() -> None:
    """Evaluation returns XPath's three types only."""
    assert isinstance(evaluate("1", {}), float)
    assert evaluate("'1'", {}) == "1"
    assert evaluate("1 = 1", {}) is True


# --- properties ------------------------------------------------------------------------------

TOKENS = [
    "${a}",
    "${b}",
    "${c}",
    "${m}",
    "${d}",
    "${e}",
    ".",
    "0",
    "1",
    "2.5",
    "'x'",
    "''",
    "'10'",
    "(",
    ")",
    ",",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "div",
    "mod",
    "and",
    "or",
    "not(",
    "selected(",
    "count-selected(",
    "string-length(",
    "regex(",
    "if(",
    "today()",
    "true()",
    "false()",
    "number(",
    "int(",
    "string(",
    "concat(",
    "coalesce(",
    "contains(",
    "starts-with(",
    "'[0-9]+$'",
    "'('",
    "${z}",
    "'",
]


def _survives(expression: str) -> None:
    """Evaluate, allowing only a result or an ExpressionError."""
    try:
        result = evaluate(expression, VALUES, current="5", today=TODAY)
    except ExpressionError as error:
        assert str(error)
    else:
        assert isinstance(result, bool | float | str)
        truthy(result)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_random_printable_text_returns_or_raises_expression_error(expression: str) -> None:
    """Any printable ASCII string either evaluates or raises ExpressionError."""
    _survives(expression)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_random_unicode_text_returns_or_raises_expression_error(expression: str) -> None:
    """Any Unicode string either evaluates or raises ExpressionError."""
    _survives(expression)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_random_token_soup_returns_or_raises_expression_error(tokens: list[str]) -> None:
    """Strings of real tokens, which reach the evaluator far more often, never crash it."""
    _survives(" ".join(tokens))
