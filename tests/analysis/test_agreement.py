"""Agreement figures against examples worked by hand, and the stratified draw of a round's sample."""

from __future__ import annotations

import math

import pytest

from survey.analysis.agreement import allocate, measure_agreement, stratified_sample

N = math.nan


def test_two_coders_kappa_alpha_and_percent_match_the_hand_computed_figures():
    a = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 1, 0, 0, 0, 0, 0, 1]
    result = measure_agreement([a, b])
    # Observed agreement: units 1-4 (both 1) and 6-9 (both 0) = 8 of 10, p_o = 0.8.
    # Chance: a says 1 on 5/10, b on 5/10: p_e = 0.5*0.5 + 0.5*0.5 = 0.5.
    # kappa = (0.8 - 0.5) / (1 - 0.5) = 0.6.
    assert result.kappa == pytest.approx(0.6)
    # Alpha (nominal): coincidences o_00 = 8, o_11 = 8, o_01 = o_10 = 2 (one each per disagreeing unit, twice);
    # n_0 = n_1 = 10, n = 20. alpha = 1 - (n - 1) * (o_01 + o_10) / (2 * n_0 * n_1) = 1 - 19 * 4 / 200 = 0.62.
    assert result.alpha == pytest.approx(0.62)
    assert result.percent == pytest.approx(80.0)
    assert result.units == 10


def test_three_coders_with_missing_codings_use_krippendorffs_alpha():
    matrix = [
        [1, 1, 0, 0, N],
        [1, 1, 0, 1, 1],
        [N, 1, 0, 0, 1],
    ]
    result = measure_agreement(matrix)
    # Per unit, ordered pairs weighted 1/(m_u - 1):
    #   unit 1 (1,1):   o_11 += 2          unit 2 (1,1,1): o_11 += 6 * 1/2 = 3
    #   unit 3 (0,0,0): o_00 += 3          unit 4 (0,1,0): o_01 += 1, o_10 += 1, o_00 += 1
    #   unit 5 (1,1):   o_11 += 2
    # o_00 = 4, o_11 = 7, o_01 = o_10 = 1; n_0 = 5, n_1 = 8, n = 13.
    # alpha = 1 - (n - 1) * (o_01 + o_10) / (2 * n_0 * n_1) = 1 - 12 * 2 / 80 = 0.7.
    assert result.alpha == pytest.approx(0.7)
    assert result.kappa is None  # kappa is for two coders only
    assert result.percent == pytest.approx(80.0)  # unit 4 is the only disagreement of 5


def test_two_coders_with_a_missing_coding_get_kappa_on_the_units_both_coded():
    result = measure_agreement([[1, 0, 1, 0, 1], [1, 0, 0, 0, N]])
    # Both coded units 1-4: a = 1 0 1 0, b = 1 0 0 0. p_o = 3/4; a says 1 on 2/4, b on 1/4:
    # p_e = 0.5*0.25 + 0.5*0.75 = 0.5; kappa = (0.75 - 0.5) / (1 - 0.5) = 0.5.
    assert result.kappa == pytest.approx(0.5)
    assert result.units == 4


@pytest.mark.parametrize("matrix", [[[1, 1], [1, 1]], [[0, 0, 0], [0, 0, N]]])
def test_agreement_on_a_single_answer_leaves_kappa_and_alpha_undefined(matrix):
    result = measure_agreement(matrix)
    assert result.percent == 100.0
    assert result.kappa is None and result.alpha is None


def test_no_unit_coded_twice_measures_nothing():
    result = measure_agreement([[1, N], [N, 0]])
    assert (result.units, result.percent, result.kappa, result.alpha) == (0, None, None, None)


def test_allocation_gives_every_site_one_then_the_rest_in_proportion():
    # 6 of 20: one to each of the 4 sites, the 2 left over the room left (9, 4, 0, 3 of 16):
    # shares 1.125, 0.5, 0, 0.375 -> a gets 1, then the largest remainder (b, 0.5) the last.
    assert allocate({"a": 10, "b": 5, "c": 1, "d": 4}, 6) == {"a": 2, "b": 2, "c": 1, "d": 1}
    # Fewer than the sites: in proportion only (10, 5, 1 of 16 for 2: 1.25, 0.625, 0.125).
    assert allocate({"a": 10, "b": 5, "c": 1}, 2) == {"a": 1, "b": 1}
    assert allocate({"a": 2, "b": 1}, 50) == {"a": 2, "b": 1}  # never more than there are


def test_the_sample_is_stratified_and_the_same_for_the_same_seed():
    strata = {"a": list(range(100)), "b": list(range(100, 120)), "c": [500]}
    first = stratified_sample(strata, 12, seed=7)
    assert first == stratified_sample(strata, 12, seed=7)
    assert first != stratified_sample(strata, 12, seed=8)
    # One to each site, then 9 over the room left (99, 19, 0 of 118): 7.55 and 1.45 -> 8 and 1 by remainder.
    assert [len([i for i in first if i in ids]) for ids in strata.values()] == [9, 2, 1]
    assert len(set(first)) == 12
