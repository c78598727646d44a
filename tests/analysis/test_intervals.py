"""The confidence intervals, checked against values worked out by hand from the published formulas."""

from __future__ import annotations

import math

import pytest

from survey.analysis.intervals import Sample, newcombe, sample_of_counts, sample_of_sums, welch, wilson

Z = 1.959963984540054


def test_wilson_matches_the_formula_worked_by_hand():
    # 31 of 100: centre (0.31 + z²/200) / (1 + z²/100), half z/(1 + z²/100) * sqrt(0.31*0.69/100 + z²/40000)
    z2 = Z * Z
    centre = (0.31 + z2 / 200) / (1 + z2 / 100)
    half = Z / (1 + z2 / 100) * math.sqrt(0.31 * 0.69 / 100 + z2 / 40000)
    assert wilson(31, 100) == pytest.approx((centre - half, centre + half))
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def test_newcombe_matches_newcombes_worked_example():
    """Newcombe (1998), example (a): 56/70 against 48/80 gives 0.2000, 95 % CI 0.0524 to 0.3339."""
    d = newcombe((48, 80), (56, 70))
    assert d.estimate == pytest.approx(0.2)
    assert (d.low, d.high) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    assert d.clear


def test_newcombe_is_symmetric_when_the_periods_swap():
    forward, back = newcombe((31, 100), (46, 100)), newcombe((46, 100), (31, 100))
    assert forward.estimate == pytest.approx(0.15)
    assert (forward.low, forward.high) == pytest.approx((-back.high, -back.low))


def test_welch_matches_a_hand_computation():
    a, b = Sample(10, 2.0, 1.0), Sample(20, 3.0, 4.0)
    se = math.sqrt(1.0 / 10 + 4.0 / 20)  # 0.5477
    df = (0.1 + 0.2) ** 2 / (0.1**2 / 9 + 0.2**2 / 19)  # 27.98
    t_crit = 2.0484  # Student's t, 0.975 quantile, 28 degrees of freedom (tables)
    d = welch(a, b)
    assert d.estimate == 1.0
    assert df == pytest.approx(27.98, abs=0.01)
    assert (d.low, d.high) == pytest.approx((1 - t_crit * se, 1 + t_crit * se), abs=1e-3)


def test_samples_from_counts_and_from_sums_agree():
    counts = (5, 0, 0, 5, 10)
    values = [1] * 5 + [4] * 5 + [5] * 10
    mean = sum(values) / 20
    variance = sum((v - mean) ** 2 for v in values) / 19
    assert sample_of_counts(counts) == Sample(20, pytest.approx(mean), pytest.approx(variance))
    from_sums = sample_of_sums(20, sum(values), sum(v * v for v in values))
    assert from_sums == Sample(20, pytest.approx(mean), pytest.approx(variance))
    assert sample_of_counts((1, 0, 0, 0, 0)) is None
