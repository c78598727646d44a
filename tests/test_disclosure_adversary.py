"""An adversary who sees every number of every filtered view cannot solve for any hidden cell.

Every published number is a linear function of how many respondents hold each profile (site, month,
every answer, testimony, sentiment, themes). We write each as a row over a basis of such functions,
one set per site and month: the responses, each five-point choice, having a testimony, each
sentiment part but one and each theme. The "no answer" part, the last sentiment part, testimonies
without a theme are written through the others. Functions of the full profile space, not only of the
profiles that happen to be present: the adversary knows the numbers, not the rows of the data, so
what he can compute is what every population with those numbers shares, which is the row space.

A hidden cell (a site or all sites, a range of months, one part of one statistic) whose count is 1 to
k-1, and every part the protection withheld, must lie outside the row space of what is published.
Means and shares are left out: they are not counts, and a share is a ratio of two published counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from math import gcd
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from survey import disclosure
from survey.disclosure import (
    ALL,
    BANDS,
    GAVE_TESTIMONY,
    NO,
    NO_ANSWER,
    NOT_SCORED,
    RESPONSES,
    SENTIMENT,
    TESTIMONIES,
    YES,
    Atom,
    View,
    protect,
)

MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
CHOICES = ("1", "2", "3", "4", "5")
QUESTIONS = ("q1", "q2")
SENTIMENT_PARTS = (*BANDS, NOT_SCORED + "language", NOT_SCORED)
THEMES = ("safety", "trust")

Vector = dict[tuple[object, ...], int]


@dataclass(frozen=True)
class Person:
    """One respondent: at most one testimony, as on a form with a single testimony question."""

    site: int
    month: str
    answers: tuple[str | None, ...]
    testimony: tuple[str, frozenset[str]] | None  # sentiment part, themes

    def cells(self) -> Iterable[tuple[str, str]]:
        """Every (statistic, part) this person counts in, the never-shown parts included."""
        yield RESPONSES, ALL
        for question, answer in zip(QUESTIONS, self.answers, strict=True):
            yield f"answer:{question}", answer or NO_ANSWER
        yield GAVE_TESTIMONY.statistic, YES if self.testimony else NO
        if self.testimony:
            sentiment, themes = self.testimony
            yield TESTIMONIES, ALL
            yield SENTIMENT, sentiment
            for theme in THEMES:
                yield f"theme:{theme}", YES if theme in themes else NO


@st.composite
def populations(draw: st.DrawFn) -> tuple[tuple[str, ...], list[int], list[Person]]:
    months = MONTHS[: draw(st.integers(1, len(MONTHS)))]
    sites = list(range(1, draw(st.integers(2, 5)) + 1))

    # Each population draws from a few values, some repeated, so that parts are often empty or small.
    def few(values: tuple[object, ...]) -> st.SearchStrategy[Any]:
        return st.sampled_from(draw(st.lists(st.sampled_from(values), min_size=1, max_size=3)))

    month, answers = st.sampled_from(months), [few((None, *CHOICES)) for _ in QUESTIONS]
    sentiment, themes = few(SENTIMENT_PARTS), few(tuple(frozenset(t) for t in ((), *((t,) for t in THEMES), THEMES)))
    testimony = few((False, True)).flatmap(lambda gives: st.tuples(sentiment, themes) if gives else st.none())
    people = [
        Person(site, draw(month), tuple(draw(a) for a in answers), draw(testimony))
        for site in sites
        for _ in range(draw(st.integers(0, 12)))
    ]
    return months, sites, people


PARTITIONS = [
    *(disclosure.answer_partition(q, CHOICES) for q in QUESTIONS),
    disclosure.sentiment_partition(p.removeprefix(NOT_SCORED) for p in SENTIMENT_PARTS if p not in BANDS),
    *(disclosure.theme_partition(t) for t in THEMES),
]
EVERY_PARTITION = [disclosure.RESPONSE_COUNT, GAVE_TESTIMONY, disclosure.TESTIMONY_COUNT, *PARTITIONS]


@cache
def cell(site: int, month: str, statistic: str, part: str) -> Vector:
    """One (site, month, statistic, part) count as a function of the profile counts, in the basis."""

    def one(*coordinate: object) -> Vector:
        return {(site, month, *coordinate): 1}

    def less(vector: Vector, *coordinates: tuple[object, ...]) -> Vector:
        return vector | {(site, month, *c): -1 for c in coordinates}

    if statistic == RESPONSES:
        return one("responses")
    if statistic == GAVE_TESTIMONY.statistic and part == NO:
        return less(one("responses"), ("testimony",))
    if statistic in (GAVE_TESTIMONY.statistic, TESTIMONIES):
        return one("testimony")
    if statistic.startswith("answer:"):
        return one(statistic, part) if part != NO_ANSWER else less(one("responses"), *((statistic, c) for c in CHOICES))
    if statistic == SENTIMENT:
        *others, last = SENTIMENT_PARTS
        return one(statistic, part) if part != last else less(one("testimony"), *((statistic, p) for p in others))
    return one(statistic) if part == YES else less(one("testimony"), (statistic,))


def add(vectors: Iterable[Vector]) -> Vector:
    total: Vector = {}
    for vector in vectors:
        for key, value in vector.items():
            total[key] = total.get(key, 0) + value
    return {k: v for k, v in total.items() if v}


class RowSpace:
    """Rows in echelon form with integer coefficients (exact, no rounding), each led by its own column."""

    def __init__(self) -> None:
        self.rows: dict[tuple[object, ...], Vector] = {}
        self.order: dict[tuple[object, ...], int] = {}

    def _key(self, column: tuple[object, ...]) -> int:
        return self.order.setdefault(column, len(self.order))

    def reduce(self, vector: Vector) -> Vector:
        """What is left of a vector, scaled, once every row it shares a leading column with is taken out."""
        left = dict(vector)
        while left:
            lead = min(left, key=self._key)
            row = self.rows.get(lead)
            if row is None:
                return left
            mine, theirs = row[lead], left[lead]
            combined = {k: mine * left.get(k, 0) - theirs * row.get(k, 0) for k in left.keys() | row.keys()}
            left = {k: v for k, v in combined.items() if v}
            divisor = gcd(*left.values()) if left else 1
            left = {k: v // divisor for k, v in left.items()}
        return left

    def add(self, vector: Vector) -> None:
        left = self.reduce(vector)
        if left:
            self.rows[min(left, key=self._key)] = left

    def holds(self, vector: Vector) -> bool:
        """Whether the vector is a combination of the rows: an adversary could compute it."""
        return not self.reduce(vector)


def spans(atoms: Iterable[Atom], months: tuple[str, ...]) -> dict[Atom, list[str]]:
    """Every month of a site's range belongs to one atom: those before it and up to its last month."""
    result: dict[Atom, list[str]] = {}
    by_site: dict[object, list[Atom]] = {}
    for atom in atoms:
        by_site.setdefault(atom.site, []).append(atom)
    for site_atoms in by_site.values():
        site_atoms.sort(key=lambda a: a.month)
        start = 0
        for i, atom in enumerate(site_atoms):
            end = len(months) if i == len(site_atoms) - 1 else months.index(atom.month) + 1
            result[atom] = list(months[start:end])
            start = end
    return result


@settings(max_examples=60, deadline=None)
@given(populations(), st.sampled_from([3, 5]), st.sampled_from([0, 8]))
def test_no_hidden_cell_can_be_computed_from_every_view(population, k, block):
    months, sites, people = population
    truth: Counter[tuple[object, ...]] = Counter()
    for person in people:
        for statistic, part in person.cells():
            truth[person.site, person.month, statistic, part] += 1
    shown = {p for partition in EVERY_PARTITION for p in [(partition.statistic, q) for q in partition.parts]}
    counts = {key: n for key, n in truth.items() if (key[2], key[3]) in shown}
    protected = protect(counts, PARTITIONS, k, block=block)
    atom_months = spans(protected.atoms, months)

    def atom_vector(atom: Atom, statistic: str, part: str) -> Vector:
        return add(cell(atom.site, m, statistic, part) for m in atom_months[atom])

    def true_count(atom: Atom, statistic: str, part: str) -> int:
        return sum(truth[atom.site, m, statistic, part] for m in atom.months)

    published = RowSpace()
    seen = set()
    ranges = [(a, b) for i, a in enumerate(months) for b in months[i:]]
    for scope in [None, *({s} for s in sites)]:
        for first, last in ranges:
            view = View(protected, scope, first, last)
            figures = [(s, p, view.count(s, p)) for s, p in sorted(shown)]
            figures += [(RESPONSES, ALL, f) for f in [*view.by_site().values(), *view.by_month().values()]]
            for statistic, part, figure in figures:
                assert figure.value == sum(true_count(a, statistic, part) for a in figure.sources)
                if (row := (figure.sources, statistic, part)) not in seen:
                    seen.add(row)
                    published.add(add(atom_vector(a, statistic, part) for a in figure.sources))

    responding = sorted({p.site for p in people})
    every_part = {(statistic, part) for _, _, statistic, part in truth}  # ours, not the protection's idea of them
    for scope in [responding, *([s] for s in responding)]:
        for first, last in ranges:
            chosen = months[months.index(first) : months.index(last) + 1]
            for statistic, part in sorted(every_part):
                n = sum(truth[s, m, statistic, part] for s in scope for m in chosen)
                if 0 < n < k:
                    hidden = add(cell(s, m, statistic, part) for s in scope for m in chosen)
                    assert not published.holds(hidden), (scope, first, last, statistic, part, n)
    for atom, statistic, part in protected.withheld:
        assert not published.holds(atom_vector(atom, statistic, part)), (atom, statistic, part)
