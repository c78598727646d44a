"""A cross-tab's cells published beside the two questions' own parts: an adversary who sees all of them
cannot solve for a small group, nor for any part the protection withheld.

One atom (one site, one month): each respondent is a pair of answers, None for no answer. Every published
number is a sum of the counts of some pairs; a hidden number must lie outside the row space of those.
"""

from __future__ import annotations

from collections import Counter
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from survey import disclosure
from survey.disclosure import ALL, RESPONSES, YES, CrossTab, View, cross_part, protect, protect_crosstabs
from tests.test_disclosure_adversary import RowSpace

ROWS, COLUMNS = ("a", "b", "c"), ("1", "2", "3")
SITE, MONTH = 1, "2026-01"
PAIRS = list(product((*ROWS, None), (*COLUMNS, None)))


def _vector(pairs):
    return {pair: 1 for pair in pairs}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PAIRS), min_size=5, max_size=40), st.sampled_from([3, 5]))
def test_no_small_or_withheld_cell_can_be_worked_out(people, k):
    truth = Counter(people)
    counts = {(SITE, MONTH, RESPONSES, ALL): len(people)}
    for r in ROWS:
        counts[SITE, MONTH, "answer:by", r] = sum(n for (pr, _), n in truth.items() if pr == r)
    for c in COLUMNS:
        counts[SITE, MONTH, "answer:q", c] = sum(n for (_, pc), n in truth.items() if pc == c)
    joint = {(SITE, MONTH, "cross:by:q", cross_part(r, c)): truth[r, c] for r in ROWS for c in COLUMNS}
    partitions = [disclosure.answer_partition("by", ROWS), disclosure.answer_partition("q", COLUMNS)]
    table = CrossTab("by", ROWS, "q", COLUMNS)
    protected = protect_crosstabs(protect(counts, partitions, k), counts, joint, [table])
    view = View(protected)

    space = RowSpace()
    space.add(_vector(PAIRS))  # the responses
    vectors = {("answer:by", r): _vector(p for p in PAIRS if p[0] == r) for r in ROWS}
    vectors |= {("answer:q", c): _vector(p for p in PAIRS if p[1] == c) for c in COLUMNS}
    vectors |= {("cross:by:q", cross_part(r, c)): _vector([(r, c)]) for r in ROWS for c in COLUMNS}
    for (statistic, part), vector in vectors.items():
        figure = view.count(statistic, part)
        if figure.sources:
            true = sum(truth[p] for p in vector)
            assert figure.value == true and (figure.value == 0 or figure.value >= k), (statistic, part)
            space.add(vector)
    for (statistic, part), vector in vectors.items():
        n = sum(truth[p] for p in vector)
        if 0 < n < k:
            assert not space.holds(vector), (statistic, part, n)
    for _, statistic, part in protected.withheld:
        if (statistic, part) in vectors:
            assert not space.holds(vectors[statistic, part]), (statistic, part)
    # Nor a small group of people in a row or a column: its total less the cells it shows is 0 or k and more.
    lines = [("answer:by", r, [cross_part(r, c) for c in COLUMNS]) for r in ROWS]
    lines += [("answer:q", c, [cross_part(r, c) for r in ROWS]) for c in COLUMNS]
    for statistic, part, cells in lines:
        total = view.count(statistic, part)
        if total.sources:
            left = total.value - sum(view.count("cross:by:q", cell).value for cell in cells)
            assert left == 0 or left >= k, (statistic, part, left)


def test_multiple_choice_columns_are_protected_within_each_row():
    """Ten in row "a" of whom eight ticked "x": the two who did not would show."""
    counts = {(SITE, MONTH, RESPONSES, ALL): 10, (SITE, MONTH, "answer:by", "a"): 10}
    counts[SITE, MONTH, "choice:q:x", YES] = 8
    joint = {(SITE, MONTH, "cross:by:q", cross_part("a", "x")): 8}
    partitions = [disclosure.answer_partition("by", ("a",)), disclosure.choice_partition("q", "x")]
    table = CrossTab("by", ("a",), "q", ("x",), multiple=True)
    protected = protect_crosstabs(protect(counts, partitions, 5), counts, joint, [table])
    assert View(protected).count("cross:by:q", cross_part("a", "x")).sources == ()
