"""survey/static/js/expressions.js in headless Chromium gives the same results as the Python."""

from __future__ import annotations

import json
import math
import random
from datetime import date
from pathlib import Path
from typing import Any

from survey.questionnaire.expressions import ExpressionError, evaluate

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "survey" / "static" / "js" / "expressions.js"
CASES: list[dict[str, Any]] = json.loads(
    (ROOT / "tests" / "data" / "expression_cases.json").read_text(encoding="utf-8")
)

# Runs every case in one round trip. Each result is {ok, value, type} or
# {ok: false, error, message}; NaN and infinities come back as strings, booleans as booleans.
RUN_ALL = """
(cases) => {
  const E = window.VocesExpressions;
  const normalise = (value) => {
    if (typeof value !== 'number') return value;
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  };
  return cases.map((c) => {
    const options = {};
    if ('current' in c) options.current = c.current;
    if ('today' in c) options.today = c.today;
    if ('position' in c) options.position = c.position;
    if ('repeats' in c) options.repeats = c.repeats;
    if ('choices' in c) options.choices = c.choices;
    if ('tables' in c) options.tables = c.tables;
    try {
      const value = E.evaluate(c.expr, c.values, options);
      return {ok: true, value: normalise(value), type: typeof value};
    } catch (error) {
      const expected = error instanceof E.ExpressionError;
      return {ok: false, error: expected, message: String(error && error.message)};
    }
  });
}
"""


def load_script(page: Any) -> None:
    """A blank page with expressions.js loaded."""
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    assert page.evaluate("typeof window.VocesExpressions.evaluate") == "function"


def normalise(value: object) -> object:
    """NaN and infinities as strings, ints as floats; booleans and strings unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def same(actual: object, expected: object) -> bool:
    """Equal after normalising, with booleans never equal to numbers."""
    a, b = normalise(actual), normalise(expected)
    return isinstance(a, bool) == isinstance(b, bool) and type(a) is type(b) and a == b


def python_result(case: dict[str, Any]) -> dict[str, Any]:
    """The Python evaluator's answer in the shape RUN_ALL returns."""
    today = date.fromisoformat(case["today"]) if "today" in case else None
    try:
        value = evaluate(
            case["expr"],
            case["values"],
            current=case.get("current"),
            today=today,
            position=case.get("position"),
            repeats=case.get("repeats"),
            choices=case.get("choices"),
            tables=case.get("tables"),
        )
    except ExpressionError as error:
        return {"ok": False, "error": True, "message": str(error)}
    kinds = {bool: "boolean", float: "number", str: "string"}
    return {"ok": True, "value": normalise(value), "type": kinds[type(value)]}


def test_js_agrees_with_the_case_table(page: Any) -> None:
    """Every case in tests/data/expression_cases.json gives its expected result in the browser."""
    assert len(CASES) >= 100
    load_script(page)
    results = page.evaluate(RUN_ALL, CASES)
    assert len(results) == len(CASES)
    failures = []
    for case, result in zip(CASES, results, strict=True):
        if case.get("error"):
            ok = not result["ok"] and result["error"] and result["message"] == case.get("message", result["message"])
            wanted: object = f"ExpressionError({case.get('message', '...')!r})"
        else:
            ok = result["ok"] and same(result["value"], case["expected"])
            wanted = case["expected"]
        if not ok:
            where = f"{case['expr']!r} (current={case.get('current')!r})"
            failures.append(f"{where}: got {result}, expected {wanted!r}")
    summary = f"{len(failures)} of {len(CASES)} cases differ in JS:\n"
    assert not failures, summary + "\n".join(failures)


def test_js_agrees_with_python_on_types_and_messages(page: Any) -> None:
    """Beyond the table's values: the same result types and the same error messages."""
    load_script(page)
    results = page.evaluate(RUN_ALL, CASES)
    failures = [
        f"{case['expr']!r}: JS {result} != Python {python_result(case)}"
        for case, result in zip(CASES, results, strict=True)
        if not agree(result, python_result(case))
    ]
    assert not failures, "\n".join(failures)


def agree(js: dict[str, Any], python: dict[str, Any]) -> bool:
    """Whether the JS and Python answers are the same value of the same type, or the same error."""
    if js["ok"] != python["ok"]:
        return False
    if not js["ok"]:
        return bool(js["error"]) and js["message"] == python["message"]
    return js["type"] == python["type"] and same(js["value"], python["value"])


# --- differential fuzzing ----------------------------------------------------------------------

FUZZ_VALUES = {"a": "yes", "b": "10", "c": "9", "m": "clinic school", "d": "2026-02-01", "e": "", "f": "2.5"}
ATOMS = [
    "${a}",
    "${b}",
    "${c}",
    "${m}",
    "${d}",
    "${e}",
    "${f}",
    ".",
    "0",
    "1",
    "2.5",
    "10",
    "9",
    ".5",
    "-7",
    "0.0000001",
    "123456789012345678901234",
    "(1 div 3)",
    "'10'",
    "'9'",
    "''",
    "'yes'",
    "'no'",
    "'a b'",
    "'2026-01-31'",
    "' 7 '",
    "'x'",
    "'Ñu'",
    "today()",
    "true()",
    "false()",
    "(0 div 0)",
    "(1 div 0)",
    "${ghost}",
    "'2026-11-30T18:00:00-05:00'",
    "'1970-01-01T00:00:00.5Z'",
    "'2026-02-30'",
    "'1e3'",
    "'-2.5E-1'",
    "0.5",
    "-2.5",
    "20787.75",
    "'%Y-%m-%d %H:%M:%S.%3 %a %b %e %n %y %h %%'",
]
OPERATORS = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
FUNCTIONS = [
    ("selected", 2),
    ("count-selected", 1),
    ("string-length", 1),
    ("if", 3),
    ("not", 1),
    ("number", 1),
    ("int", 1),
    ("string", 1),
    ("concat", 3),
    ("concat", 1),
    ("coalesce", 2),
    ("contains", 2),
    ("starts-with", 2),
    ("round", 1),
    ("round", 2),
    ("substr", 2),
    ("substr", 3),
    ("join", 3),
    ("abs", 1),
    ("floor", 1),
    ("ceiling", 1),
    ("pow", 2),
    ("min", 2),
    ("max", 3),
    ("boolean", 1),
    ("boolean-from-string", 1),
    ("selected-at", 2),
    ("date", 1),
    ("decimal-date-time", 1),
    ("format-date", 2),
    ("format-date-time", 2),
    ("ends-with", 2),
    ("substring-before", 2),
    ("substring-after", 2),
    ("normalize-space", 1),
    ("normalize-space", 0),
    ("translate", 3),
    ("sqrt", 1),
]
PATTERNS = ["'^[0-9]+$'", "'a'", "'^(yes|no)$'", "'[0-9]{2}'", "'\\s'", "'^$'", "'s$'", "'^.{2,4}$'"]
CURRENTS = ["", "5", "yes", "2026-03-01", "clinic", "-0.5"]


def generate(rng: random.Random, depth: int) -> str:
    """A random, mostly well-formed expression."""
    roll = rng.random()
    if depth == 0 or roll < 0.25:
        return rng.choice(ATOMS)
    if roll < 0.6:
        text = f"{generate(rng, depth - 1)} {rng.choice(OPERATORS)} {generate(rng, depth - 1)}"
        return f"({text})" if rng.random() < 0.4 else text
    if roll < 0.65:
        return "-" + generate(rng, depth - 1)
    if roll < 0.72:
        return f"regex({generate(rng, depth - 1)}, {rng.choice(PATTERNS)})"
    name, arity = rng.choice(FUNCTIONS)
    return f"{name}({', '.join(generate(rng, depth - 1) for _ in range(arity))})"


def fuzz_cases(count: int, seed: int) -> list[dict[str, Any]]:
    """Random expressions, a fifth of them damaged by dropping or doubling a character."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        expression = generate(rng, rng.randint(1, 4))
        if rng.random() < 0.2 and expression:
            at = rng.randrange(len(expression))
            if rng.random() < 0.5:
                expression = expression[:at] + expression[at + 1 :]
            else:
                expression = expression[: at + 1] + expression[at:]
        cases.append(
            {
                "expr": expression,
                "values": FUZZ_VALUES,
                "current": rng.choice(CURRENTS),
                "today": "2026-11-30",
            }
        )
    return cases


def run_and_compare(page: Any, cases: list[dict[str, Any]], describe: Any) -> list[dict[str, Any]]:
    """Run the cases in the browser; fail listing every one on which JavaScript and Python differ."""
    load_script(page)
    results: list[dict[str, Any]] = page.evaluate(RUN_ALL, cases)
    failures = [
        f"{describe(case)}: JS {result} != Python {python_result(case)}"
        for case, result in zip(cases, results, strict=True)
        if not agree(result, python_result(case))
    ]
    assert not failures, f"{len(failures)} of {len(cases)} differ:\n" + "\n".join(failures[:40])
    return results


def test_js_agrees_with_python_on_random_expressions(page: Any) -> None:
    """Two thousand generated expressions give the same value, type or error message in both."""
    cases = fuzz_cases(2000, seed=20261130)
    results = run_and_compare(page, cases, lambda case: f"{case['expr']!r} (.={case['current']!r})")
    assert sum(1 for result in results if result["ok"]) > len(cases) // 2


PATTERN_PIECES = [
    "a",
    "b",
    ".",
    "\\d",
    "\\w",
    "\\s",
    "\\S",
    "\\b",
    "[a-c]",
    "[^a]",
    "[\\w-]",
    "[\\s]",
    "(",
    ")",
    "(?:",
    "(?=",
    "(?<",
    "|",
    "*",
    "+",
    "?",
    "{2}",
    "{1,3}",
    "{,2}",
    "^",
    "$",
    "\\.",
    "é",
    "\U0001f600",
    "]",
    "}",
    "{",
    "-",
    "[",
    "\\",
    "\\u00e9",
    "\\x41",
    "\\n",
    "\\1",
    "\\Z",
]
SUBJECTS = [
    "",
    "a",
    "ab",
    "a b",
    "a\u00a0b",
    "\U0001f600",
    "a\nb",
    "abc123",
    "é",
    "a{,2}",
    "2026-01-31",
    "x-y",
    "aab",
    "b]",
    "A",
    "line\n",
]


def test_js_agrees_with_python_on_random_regex_patterns(page: Any) -> None:
    """regex() accepts and refuses the same patterns, and matches the same subjects, in both."""
    rng = random.Random(31)
    cases: list[dict[str, Any]] = []
    for _ in range(1500):
        pattern = "".join(rng.choice(PATTERN_PIECES) for _ in range(rng.randint(1, 6)))
        values = {"s": rng.choice(SUBJECTS), "p": pattern}
        cases.append({"expr": "regex(${s}, ${p})", "values": values})
    results = run_and_compare(page, cases, lambda case: f"pattern {case['values']['p']!r} on {case['values']['s']!r}")
    matched = sum(1 for result in results if result["ok"] and result["value"] is True)
    assert matched > 100 and sum(1 for result in results if not result["ok"]) > 100


def test_js_api_shape(page: Any) -> None:
    """references(), truthy() and the ExpressionError class are exposed as documented."""
    load_script(page)
    shape = page.evaluate(
        """() => {
          const E = window.VocesExpressions;
          let caught = null;
          try { E.evaluate('${age} > 18)', {age: '20'}); } catch (error) { caught = error; }
          return {
            refs: E.references("selected(${s}, 'x') and ${age} > ${age}"),
            truthy: [E.truthy(true), E.truthy(0), E.truthy(NaN), E.truthy(''), E.truthy('no'),
                     E.truthy(null), E.truthy(2)],
            isError: caught instanceof E.ExpressionError && caught instanceof Error,
            name: caught && caught.name,
            message: caught && caught.message,
            today: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(E.evaluate('today()', {})),
          };
        }"""
    )
    assert sorted(shape["refs"]) == ["age", "s"]
    assert shape["truthy"] == [True, False, False, False, True, False, True]
    assert shape["isError"] is True
    assert shape["name"] == "ExpressionError"
    assert shape["message"] == "unexpected ')' at character 12"
    assert shape["today"] is True
