"""Disclosure control, piece by piece: atoms, what a partition withholds, what a view adds up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import survey
from survey import disclosure
from survey.disclosure import (
    ALL,
    GAVE_TESTIMONY,
    RESPONSES,
    SENTIMENT,
    TESTIMONIES,
    YES,
    Atom,
    View,
    make_atoms,
    month_range,
    protect,
    withhold,
    withhold_instances,
)
from tests.questionnaire.test_purity import FORBIDDEN, FORBIDDEN_PREFIXES, SCRIPT


def test_months_merge_forward_until_they_hold_k_and_a_remainder_joins_the_block_before():
    responses = {("a", "2026-01"): 2, ("a", "2026-02"): 4, ("a", "2026-03"): 5, ("a", "2026-04"): 1}
    atoms, small = make_atoms(responses, 5)
    assert atoms == [Atom("a", ("2026-01", "2026-02")), Atom("a", ("2026-03", "2026-04"))]
    assert [a.month for a in atoms] == ["2026-02", "2026-04"] and small == set()


def test_a_larger_block_merges_more_months_and_a_site_between_k_and_the_block_is_one_atom():
    responses = {
        ("a", "2026-01"): 6,
        ("a", "2026-02"): 6,
        ("a", "2026-03"): 9,
        ("a", "2026-04"): 3,
        ("b", "2026-01"): 7,
    }
    atoms, small = make_atoms(responses, 5, block=12)
    assert [(a.site, a.months) for a in atoms] == [
        ("a", ("2026-01", "2026-02")),
        ("a", ("2026-03", "2026-04")),
        ("b", ("2026-01",)),
    ]
    assert small == set()


def test_a_site_under_k_in_all_makes_no_atom():
    atoms, small = make_atoms({("a", "2026-01"): 3, ("b", "2026-01"): 5, (None, "2026-02"): 1}, 5)
    assert atoms == [Atom("b", ("2026-01",))] and small == {"a", None}


def test_parts_under_k_are_withheld_with_the_next_smallest_until_the_withheld_add_up_to_k():
    assert withhold({"1": 1, "2": 5, "3": 0, "5": 6}, 0, 5) == {"1", "2"}  # 1 alone: total minus the rest gives it
    assert withhold({"1": 2, "2": 3, "5": 7}, 0, 5) == {"1", "2"}  # 2 + 3 = 5: neither can be told apart
    assert withhold({"1": 0, "2": 5, "5": 6}, 0, 5) == set()  # zeros are fine to show


def test_a_small_rest_that_is_never_shown_still_forces_a_part_out():
    assert withhold({"1": 5, "2": 5, "5": 6}, 2, 5) == {"1", "2"}  # "no answer" is 2: 16 shown of 18 would say so
    assert withhold({"1": 3, "5": 6}, 7, 5) == {"1", "5"}  # never a single part that could have been shown
    assert withhold({YES: 3}, 9, 5) == {YES}  # nothing left to add: all is withheld


def test_instances_are_sized_by_the_responses_that_hold_them():
    households = {"f": 6, "m": 6, "x": 1}  # one household's five members all said "x"
    assert withhold_instances(households, 0, 5) == {"x", "f"}  # one household is under 5, however many members
    assert withhold_instances({"f": 6, "m": 6, "x": 5}, 0, 5) == set()
    assert withhold_instances({"f": 6, "m": 0}, 0, 5) == set()  # a part nobody holds is a zero, shown


def test_withheld_parts_count_as_held_by_the_largest_alone():
    # Three households each might be the same three: what is withheld reaches k only with a part of k.
    assert withhold_instances({"f": 10, "g": 5, "m": 3, "x": 3}, 0, 5) == {"m", "x", "g"}


def test_instances_without_an_answer_are_a_rest_that_is_never_shown():
    assert withhold_instances({"f": 6, "m": 6, "x": 5}, 1, 5) == {"x", "f"}  # never a single part either
    assert withhold_instances({"f": 6}, 1, 5) == {"f"}  # nothing left to add: all is withheld
    assert withhold_instances({"f": 6}, 6, 5) == set()  # a rest of k or more is safe


def _counts(site, month, responses, gave, testimonies, sentiment):
    counts = {
        (site, month, RESPONSES, ALL): responses,
        (site, month, GAVE_TESTIMONY.statistic, YES): gave,
        (site, month, TESTIMONIES, ALL): testimonies,
    }
    return counts | {(site, month, SENTIMENT, part): n for part, n in sentiment.items()}


def test_an_atom_whose_testimony_givers_cannot_be_shown_counts_none_of_its_testimonies():
    sentiment = disclosure.sentiment_partition([])
    counts = _counts("a", "2026-01", 8, 6, 6, {"positive": 6})  # 2 gave none: 8 - 6 would give them away
    counts |= _counts("b", "2026-01", 8, 8, 8, {"positive": 8})
    protected = protect(counts, [sentiment], 5)
    view = View(protected)
    assert view.count(RESPONSES).value == 16
    assert view.count(TESTIMONIES).value == 8 and view.count(SENTIMENT, "positive").value == 8
    a = Atom("a", ("2026-01",))
    assert (a, SENTIMENT, "positive") in protected.withheld
    assert (a, GAVE_TESTIMONY.statistic, "no") in protected.withheld


def test_a_view_includes_the_atoms_whose_last_month_is_in_its_range():
    counts = {("a", "2026-01", RESPONSES, ALL): 3, ("a", "2026-02", RESPONSES, ALL): 4}
    counts |= {("b", "2026-03", RESPONSES, ALL): 5, ("c", "2026-01", RESPONSES, ALL): 2}
    protected = protect(counts, [], 5)
    assert View(protected, None, "2026-01", "2026-01").count(RESPONSES).value == 0  # a's January waits for February
    february = View(protected, None, "2026-02", "2026-03")
    assert february.count(RESPONSES).value == 12
    assert {s: f.value for s, f in february.by_site().items()} == {"a": 7, "b": 5}  # c is left out
    assert {m: f.value for m, f in february.by_month().items()} == {"2026-02": 7, "2026-03": 5}
    assert february.spans() == {"a": ("2026-01", "2026-02"), "b": ("2026-03", "2026-03")}
    assert View(protected, {"a"}).count(RESPONSES).sources == (Atom("a", ("2026-01", "2026-02")),)
    assert protected.small_sites == {"c"}


def test_means_use_only_published_parts():
    counts = _counts("a", "2026-01", 10, 10, 10, {"negative": 2, "neutral": 3, "positive": 5})
    measures = {("a", "2026-01", SENTIMENT, "negative"): (-1.0, 2), ("a", "2026-01", SENTIMENT, "positive"): (2.5, 5)}
    protected = protect(counts, [disclosure.sentiment_partition([])], 5, measures)
    assert View(protected).mean(SENTIMENT, disclosure.BANDS) == (0.5, 5)


def test_a_mean_leaves_out_a_part_with_fewer_than_k_values():
    counts = _counts("a", "2026-01", 10, 10, 10, {"negative": 10}) | {("a", "2026-01", "theme:trust", YES): 10}
    measures = {("a", "2026-01", "theme:trust", YES): (-0.4, 2)}  # two of its ten sentences were scored
    protected = protect(counts, [disclosure.sentiment_partition([]), disclosure.theme_partition("trust")], 5, measures)
    assert View(protected).count("theme:trust", YES).value == 10
    assert View(protected).mean("theme:trust", [YES]) == (None, 0)


def test_month_range_crosses_the_year():
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_the_module_imports_neither_flask_nor_the_database():
    root = str(Path(survey.__file__).parent)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, root, json.dumps(["survey.disclosure"])],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout)
    assert "survey.disclosure" in loaded
    forbidden = [
        m for m in loaded if m in FORBIDDEN or m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN_PREFIXES)
    ]
    assert forbidden == []
