"""The confidence intervals, checked against values worked out by hand from the published formulas."""

from __future__ import annotations

import math

import pytest
from scipy.stats import t

from survey.analysis.intervals import (
    Sample,
    clustered_newcombe,
    clustered_welch,
    clusters_of,
    effective_entries,
    newcombe,
    sample_of_counts,
    sample_of_sums,
    welch,
    wilson,
)

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


def _shares(households):
    """Clusters of a share from (entries, of which yes) per household."""
    return clusters_of([(m, float(y), float(y)) for m, y in households])


def test_a_household_of_members_answering_alike_counts_as_fewer_entries():
    # Two households of 6 all yes, two of 6 all no: p = 1/2, residuals of 3 in each, robust variance
    # 4 * 9 / 24^2 = 1/16; binomial 0.25 / 24 = 1/96: a design effect of 6, so 24 entries count as 4.
    alike = _shares([(6, 6), (6, 6), (6, 0), (6, 0)])
    assert alike.robust_variance() == pytest.approx(1 / 16) and effective_entries(alike) == pytest.approx(4)
    independent = _shares([(1, 1)] * 12 + [(1, 0)] * 12)
    assert effective_entries(independent) == pytest.approx(24)
    other = _shares([(1, 1)] * 4 + [(1, 0)] * 16)
    wide, narrow = clustered_newcombe(other, alike), clustered_newcombe(other, independent)
    assert narrow.low == pytest.approx(newcombe((4, 20), (12, 24)).low)
    assert wide.high - wide.low > narrow.high - narrow.low
    # Mixed households say nothing against independence: never more entries than were counted.
    assert effective_entries(_shares([(2, 1)] * 10)) == 20


def test_a_clustered_mean_takes_its_degrees_of_freedom_from_the_households():
    # Each household's two entries alike (1, 1) or (3, 3): sums 2 and 6 around 2 * 2, residuals of 2.
    a = clusters_of([(2, 2.0, 2.0), (2, 6.0, 18.0)] * 3)
    b = clusters_of([(1, 1.0, 1.0), (1, 3.0, 9.0)] * 3)
    va, vb = 6 * 4 / 12**2, (6 * 1 / 5) / 6  # a: robust; b: independent entries' variance over six
    half = t.ppf(0.975, (va + vb) ** 2 / (va**2 / 5 + vb**2 / 5)) * math.sqrt(va + vb)
    assert clustered_welch(a, b).high == pytest.approx(half)
    assert half > welch(Sample(12, 2.0, 12 / 11), Sample(6, 2.0, 6 / 5)).high
