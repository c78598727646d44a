"""Histogram bins and quartiles from binned counts, against hand-worked values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey.analysis.histograms import fine_bin, histogram_bins, quantile
from survey.services.raw_counts import number_part


def test_fine_bins_keep_two_significant_digits():
    assert number_part(37) == "37e0" and fine_bin("37e0") == (Decimal(37), Decimal(1))
    assert number_part(1234) == "12e2" and fine_bin("12e2") == (Decimal(1200), Decimal(100))
    assert number_part(0.56) == "56e-2"
    assert number_part(-37.5) == "-38e0"  # [-38, -37)
    assert number_part(0) == "0e0"


def test_histogram_bins_nest_the_fine_bins_in_round_widths():
    parts = [number_part(v) for v in (1, 3, 7, 12, 19, 40)]  # ages of household members, say
    edges, index = histogram_bins(parts)
    assert edges[1] - edges[0] == Decimal(5)  # (41 - 1) / 8 = 5
    assert edges[0] == 0 and edges[-1] == 45
    assert index[number_part(7)] == 1 and index[number_part(40)] == 8
    wide = [number_part(v) for v in (1000, 1010, 1250)]  # fine bins are 100 wide there
    edges, _ = histogram_bins(wide)
    assert edges[1] - edges[0] == Decimal(100) and edges == [1000, 1100, 1200, 1300]


def test_quartiles_interpolate_within_bins():
    # 10 values in [0, 10), 10 in [10, 20): the median is 10, Q1 5, Q3 15.
    assert quantile([0, 10, 20], [10, 10], 0.5) == 10
    assert quantile([0, 10, 20], [10, 10], 0.25) == 5
    assert quantile([0, 10, 20], [10, 10], 0.75) == 15
    assert quantile([0, 10, 20], [0, 0], 0.5) is None
    assert quantile([0, 5, 10, 15], [4, 0, 4], 0.5) == pytest.approx(5.0)
