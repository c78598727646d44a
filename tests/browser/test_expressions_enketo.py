"""Enketo's openrosa-xpath-evaluator, as a referee, gives the expected result of the shared expression cases.

Each case of tests/data/expression_cases.json becomes what an XLSForm turns into for ODK and Enketo:
an XML instance (`<data><name>value</name>...</data>`, a repeat's instances as repeated elements)
and an XPath expression in which `${name}` is the path pyxform writes (`/data/name`, `../name` for a
question of the repeat the expression sits in), `.` is the question's own node, and today() reads
a clock fixed at the case's day. The cases on which Enketo's engine and Voces differ on purpose are
listed, with the reason, in tests/data/enketo_differences.json; any other difference fails.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.browser.test_expressions_js import CASES, ROOT, same

PACKAGE = ROOT / "node_modules" / "openrosa-xpath-evaluator"
DIFFERENCES: list[dict[str, str]] = json.loads(
    (ROOT / "tests" / "data" / "enketo_differences.json").read_text(encoding="utf-8")
)
HERE = "_here"  # the element standing for the question whose expression it is: `.`
DEFAULT_DAY = "2026-11-30"

needs_package = pytest.mark.skipif(
    not (PACKAGE / "src" / "openrosa-xpath.js").is_file(),
    reason="openrosa-xpath-evaluator is not installed: npm install",
)

# The package ships CommonJS sources and no browser build; a few lines of `require` run them as
# they are in the page (digest() alone needs node-forge, which no case calls).
LOAD = """
(sources) => {
  const cache = {};
  const resolve = (from, name) => {
    const parts = from.split('/').slice(0, -1);
    for (const piece of name.split('/')) {
      if (piece === '..') parts.pop(); else if (piece !== '.') parts.push(piece);
    }
    const path = parts.join('/');
    return path.endsWith('.js') ? path : path + '.js';
  };
  const load = (path) => {
    if (path in cache) return cache[path].exports;
    if (!(path in sources)) throw new Error('Cannot find module ' + path);
    const module = {exports: {}};
    cache[path] = module;
    const require = (name) => load(name.startsWith('.') ? resolve(path, name) : name);
    new Function('module', 'exports', 'require', sources[path])(module, module.exports, require);
    return module.exports;
  };
  window.orxe = load('src/openrosa-xpath.js')();
  return typeof window.orxe.evaluate;
}
"""

# Evaluates each {xml, expr, here} as Enketo does, with the result in the XPath type the expression
# has (a node-set read as the string of its first node). NaN and infinities come back as strings.
RUN = """
(cases) => cases.map((c) => {
  const doc = new DOMParser().parseFromString(c.xml, 'text/xml');
  const here = doc.evaluate(c.here, doc, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
  try {
    const result = window.orxe.evaluate(c.expr, here, null, XPathResult.ANY_TYPE, null);
    let value;
    switch (result.resultType) {
      case XPathResult.NUMBER_TYPE: value = result.numberValue; break;
      case XPathResult.STRING_TYPE: value = result.stringValue; break;
      case XPathResult.BOOLEAN_TYPE: value = result.booleanValue; break;
      case XPathResult.ANY_TYPE: value = result.stringValue; break;  // a date: its text
      default: {
        const node = result.iterateNext();
        value = node ? node.textContent : '';
      }
    }
    if (typeof value === 'number' && !Number.isFinite(value)) value = String(value);
    return {ok: true, value};
  } catch (error) {
    return {ok: false, message: String(error && error.message)};
  }
})
"""


def package_sources() -> dict[str, str]:
    """The package's JavaScript sources by path inside the package."""
    return {
        path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((PACKAGE / "src").rglob("*.js"))
    }


def repeat_instances(case: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each repeat's instances.

    A case with no `repeats` has repeats with no instances: the questions the table names after
    another (`child` for `child_age`).
    """
    if "repeats" in case:
        return {name: list(instances) for name, instances in case["repeats"].items()}
    names = case["values"]
    return {name: [] for name in names if any(other.startswith(name + "_") for other in names)}


def repeat_members(case: dict[str, Any]) -> dict[str, str]:
    """The repeat each question belongs to, by question name.

    A repeat with no instances shows no questions; its questions are named after it (`child_age`).
    """
    members: dict[str, str] = {}
    for repeat, instances in repeat_instances(case).items():
        for instance in instances:
            members.update({name: repeat for name in instance})
        members.update({name: repeat for name in case["values"] if name.startswith(repeat + "_")})
    return members


def enclosing_repeat(case: dict[str, Any]) -> str | None:
    """The repeat the expression sits in: the one whose instances `position` counts."""
    if "position" not in case:
        return None
    repeats = case["repeats"]
    sized = [name for name, instances in repeats.items() if len(instances) >= case["position"]]
    return sized[0] if sized else next(iter(repeats))


def text(value: object) -> str:
    """An answer as the text of its element: a list of choices spaced, None empty, a boolean as a word."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def element(name: str, value: object) -> str:
    """One question as an XML element."""
    return f"<{name}>{escape(text(value))}</{name}>"


def instance_xml(case: dict[str, Any]) -> tuple[str, str]:
    """The case as an XForm instance, and the path of the question whose expression it is."""
    members = repeat_members(case)
    repeats = repeat_instances(case)
    inside = enclosing_repeat(case)
    here = element(HERE, case.get("current", ""))
    if inside is not None:
        # The table gives the current instance's answers in `values`, apart from the repeat's
        # instances; in a form they are the same element's.
        while len(repeats[inside]) < case["position"]:
            repeats[inside].append({})
        current = dict(repeats[inside][case["position"] - 1])
        current.update({name: value for name, value in case["values"].items() if members.get(name) == inside})
        repeats[inside][case["position"] - 1] = current
    outside = {name: value for name, value in case["values"].items() if name not in members and name not in repeats}
    parts = [element(name, value) for name, value in outside.items()]
    if inside is None:
        parts.append(here)
    for repeat, instances in repeats.items():
        for index, fields in enumerate(instances, start=1):
            body = "".join(element(name, value) for name, value in fields.items())
            if repeat == inside and index == case["position"]:
                body += here
            parts.append(f"<{repeat}>{body}</{repeat}>")
    where = f"/data/{inside}[{case['position']}]/{HERE}" if inside else f"/data/{HERE}"
    return "<data>" + "".join(parts) + "</data>", where


def xpath(case: dict[str, Any]) -> str:
    """The expression as pyxform writes it into the XForm."""
    members = repeat_members(case)
    inside = enclosing_repeat(case)

    def path(match: re.Match[str]) -> str:
        name = match.group(1)
        if inside is not None and members.get(name) == inside:
            return f" ../{name} "
        if name in members:
            return f" /data/{members[name]}/{name} "
        return f" /data/{name} "

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}", path, case["expr"])


def key(case: dict[str, Any]) -> str:
    """How enketo_differences.json names a case: the first 10 digits of its SHA-1, as canonical JSON."""
    canonical = json.dumps(case, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:10]


@pytest.fixture
def utc_page(browser: Any) -> Iterator[Any]:
    """A page whose clock reads UTC, so date-times move to the same zone on every machine."""
    context = browser.new_context(timezone_id="UTC")
    yield context.new_page()
    context.close()


def enketo_results(page: Any) -> list[dict[str, Any]]:
    """Every case evaluated by openrosa-xpath-evaluator, in the order of the table."""
    page.clock.install()
    page.set_content("<!doctype html><html><body></body></html>")
    assert page.evaluate(LOAD, package_sources()) == "function"
    results: list[dict[str, Any]] = [{}] * len(CASES)
    for day in sorted({case.get("today", DEFAULT_DAY) for case in CASES}):
        page.clock.set_fixed_time(f"{day}T12:00:00")
        chosen = [index for index, case in enumerate(CASES) if case.get("today", DEFAULT_DAY) == day]
        batch = []
        for index in chosen:
            xml, here = instance_xml(CASES[index])
            batch.append({"xml": xml, "here": here, "expr": xpath(CASES[index])})
        for index, result in zip(chosen, page.evaluate(RUN, batch), strict=True):
            results[index] = result
    return results


def agrees(case: dict[str, Any], result: dict[str, Any]) -> bool:
    """Whether Enketo gives the case's expected value (or refuses where Voces refuses)."""
    if case.get("error"):
        return not result["ok"]
    return bool(result["ok"]) and same(result["value"], case["expected"])


@needs_package
def test_enketo_differs_from_the_case_table_only_where_listed(utc_page: Any) -> None:
    """Enketo's engine gives every case's expected result but those in enketo_differences.json."""
    results = enketo_results(utc_page)
    listed = {entry["case"] for entry in DIFFERENCES}
    differing = {}
    for case, result in zip(CASES, results, strict=True):
        if not agrees(case, result):
            wanted = "an error" if case.get("error") else repr(case["expected"])
            differing[key(case)] = f"{key(case)} {case['expr']!r} as {xpath(case)!r}: Enketo {result}, Voces {wanted}"
    unexplained = sorted(set(differing) - listed)
    stale = sorted(listed - set(differing))
    agreed = len(CASES) - len(differing)
    assert not unexplained, f"{len(unexplained)} new differences:\n" + "\n".join(differing[k] for k in unexplained)
    assert not stale, "listed in enketo_differences.json but Enketo now agrees:\n" + "\n".join(stale)
    assert agreed > len(CASES) // 2, f"Enketo agrees with only {agreed} of {len(CASES)} cases"


def test_every_listed_difference_names_one_case_and_a_reason() -> None:
    """enketo_differences.json names each case once, by its digest and expression, with a reason."""
    by_key = {key(case): case for case in CASES}
    assert len(by_key) == len(CASES), "two cases of the table are the same"
    keys = [entry["case"] for entry in DIFFERENCES]
    assert len(keys) == len(set(keys))
    for entry in DIFFERENCES:
        assert entry["case"] in by_key, f"{entry} is no case of the table"
        assert entry["expr"] == by_key[entry["case"]]["expr"]
        assert entry["reason"].strip()
