"""Questions asked for each entry of a repeat compared between two periods, each household one cluster."""

from __future__ import annotations

import math

import pytest
from scipy.stats import t
from sqlalchemy import select

from survey.analysis.intervals import Sample, newcombe, welch, wilson
from survey.models import Site
from survey.questionnaire import parse_definition
from survey.services.comparisons import Period, compare_periods
from tests.services.test_repeat_summaries import member, publish_roster, store_household

JANUARY, MARCH = Period("2026-01", "2026-01"), Period("2026-03", "2026-03")


@pytest.fixture
def roster(db):
    return publish_roster()


@pytest.fixture
def household(roster):
    return lambda *args, **kwargs: store_household(roster, *args, **kwargs)


def _compare(roster, min_group=5):
    definition = parse_definition(roster.definition)
    return compare_periods(roster.survey, definition, JANUARY, MARCH, min_group=min_group)


def _row(result, name):
    return next(row for row in result.repeats if row.question.name == name)


def _share(row, key):
    return next(share for share in row.shares if share.key == key)


@pytest.fixture
def alike(household):
    """January: five households of two, one member safe and helped with food, the other neither.
    March: five households of four all safe and helped with food, five of four neither."""
    for _ in range(5):
        household([member(safe="4", help="food"), member(safe="2", help="health")], month=1)
    for _ in range(5):
        household([member(safe="4", help="food")] * 4, month=3)
        household([member(safe="2", help="health")] * 4, month=3)


def test_households_whose_members_answer_alike_widen_the_share_interval(alike, roster):
    food = _share(_row(_compare(roster), "member_help"), "food")
    assert (food.a, food.b) == ((5, 10), (20, 40))
    # By hand. January: each household 1 of 2, the ratio's residuals are nothing: a design effect under
    # one, taken as one, so 10 effective entries. March: residuals of 4 - 0.5 * 4 and 0 - 0.5 * 4 in ten
    # households, a cluster-robust variance of 10 * 4 / 40^2 = 1/40, four times the binomial 0.25 / 40:
    # 40 entries count as 10. Newcombe's interval on 10 and 10, where independent entries give 10 and 40.
    expected = newcombe((5, 10), (5, 10))
    assert (food.difference.low, food.difference.high) == (pytest.approx(expected.low), pytest.approx(expected.high))
    independent = newcombe((5, 10), (20, 40))
    assert food.difference.high - food.difference.low > independent.high - independent.low + 0.05
    assert not food.difference.clear


def test_households_whose_members_answer_alike_widen_the_mean_interval(alike, roster):
    safe = _row(_compare(roster), "member_safe")
    upper = _share(safe, "upper")
    assert (upper.a, upper.b) == ((5, 10), (20, 40))
    assert upper.difference.high == pytest.approx(newcombe((5, 10), (5, 10)).high)
    # Means of 3 in both periods. January: entries' variance 10/9, over 10 entries (the cluster-robust
    # variance is nothing); March: households' sums of 16 and 8 around 4 * 3, (10 * 16) / 40^2 = 0.1,
    # over the entries' 40/39 / 40. Degrees of freedom from five and ten households.
    va, vb = (10 / 9) / 10, 0.1
    df = (va + vb) ** 2 / (va**2 / 4 + vb**2 / 9)
    half = t.ppf(0.975, df) * math.sqrt(va + vb)
    assert safe.mean.a == Sample(10, 3.0, pytest.approx(10 / 9)) and safe.mean.b.n == 40
    assert (safe.mean.difference.low, safe.mean.difference.high) == (pytest.approx(-half), pytest.approx(half))
    independent = welch(Sample(10, 3.0, 10 / 9), Sample(40, 3.0, 40 / 39))
    assert half > independent.high * 1.2


def test_households_of_one_member_give_newcombes_and_welchs_intervals(household, roster):
    for answer, safe in [("food", "4")] * 5 + [("health", "2")] * 5:
        household([member(safe=safe, help=answer)], month=1)
    for answer, safe in [("food", "4")] * 10 + [("health", "2")] * 5:
        household([member(safe=safe, help=answer)], month=3)
    row = _row(_compare(roster), "member_help")
    expected = newcombe((5, 10), (10, 15))
    assert _share(row, "food").difference.low == pytest.approx(expected.low)
    assert _share(row, "food").difference.high == pytest.approx(expected.high)
    mean = _row(_compare(roster), "member_safe").mean
    expected = welch(Sample(10, 3.0, 10 / 9), Sample(15, 10 / 3, (10 * (2 / 3) ** 2 + 5 * (4 / 3) ** 2) / 14))
    assert mean.difference.low == pytest.approx(expected.low) and mean.difference.high == pytest.approx(expected.high)


def test_a_share_of_nothing_counts_as_many_entries_as_households(alike, roster):
    fees = _share(_row(_compare(roster), "member_help"), "school_fees")
    # Nobody chose school fees: no spread to read a design effect from, so each side counts its
    # households (five and ten), never its entries.
    assert (fees.a, fees.b) == ((0, 10), (0, 40))
    assert fees.difference.low == pytest.approx(-wilson(0, 5)[1])
    assert fees.difference.high == pytest.approx(wilson(0, 10)[1])


def test_a_choice_of_fewer_households_than_the_minimum_is_not_compared(household, roster):
    for _ in range(5):
        household([member(help="food"), member(help="health")], month=1)
        household([member(help="food"), member(help="health")], month=3)
    for _ in range(4):  # forty entries of school fees in March, in four households
        household([member(help="school_fees")] * 10, month=3)
    row = _row(_compare(roster), "member_help")
    fees = _share(row, "school_fees")
    assert fees.a == (0, 10) and fees.b is None and fees.difference is None
    # Those that did not choose it go with it; food's own parts are shown, over every entry answered.
    assert _share(row, "food").b == (5, 50)


def test_a_period_under_the_minimum_compares_no_repeat_question(household, roster):
    for _ in range(4):
        household([member(help="food")] * 5, month=1)
    for _ in range(5):
        household([member(help="food")] * 5, month=3)
    result = _compare(roster)
    assert not result.comparable and result.repeats == []


def test_the_months_and_sites_outside_the_periods_count_for_nothing(alike, household, roster, db):
    for _ in range(5):
        household([member(safe="5", help="school_fees")] * 3, month=5)
        household([member(safe="5", help="school_fees")] * 3, month=3, site="guaviare")
    definition = parse_definition(roster.definition)
    tumaco = db.session.scalars(select(Site.id).where(Site.slug == "tumaco")).one()
    result = compare_periods(roster.survey, definition, JANUARY, MARCH, min_group=5, sites={tumaco})
    row = _row(result, "member_help")
    assert (_share(row, "food").a, _share(row, "food").b) == ((5, 10), (20, 40))
    assert (_share(row, "school_fees").a, _share(row, "school_fees").b) == ((0, 10), (0, 40))
    assert _row(result, "member_safe").mean.b.n == 40
    everywhere = _row(_compare(roster), "member_help")
    assert _share(everywhere, "school_fees").b == (15, 55)  # Guaviare's March, without May's
