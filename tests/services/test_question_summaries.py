"""Every select question summarised over the published parts: shares, counts, means, by site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import Site
from survey.questionnaire import parse_definition
from survey.services.summaries import SummaryFilters, summarise_survey
from tests.services.test_rollups import assert_equal, from_raw_rows, rollup

NEEDS = {
    "name": "needs",
    "type": "select_multiple",
    "choices": "needs",
    "label": {"en": "What does your area need?", "es": "¿Qué necesita su zona?"},
}
NEEDS_CHOICES = [
    {"name": "lights", "label": {"en": "Street lights", "es": "Alumbrado"}},
    {"name": "clinic", "label": {"en": "A clinic", "es": "Una clínica"}},
    {"name": "jobs", "label": {"en": "Jobs", "es": "Empleo"}},
]


@pytest.fixture
def with_needs(example_survey, db):
    """The example survey with a select-multiple question added."""
    data = dict(example_survey.definition)
    data["questions"] = [*data["questions"], NEEDS]
    data["choices"] = dict(data["choices"], needs=NEEDS_CHOICES)
    example_survey.definition = data
    db.session.commit()
    return example_survey


def _summary(version, **filters):
    definition = parse_definition(version.definition)
    return summarise_survey(version.survey, definition, SummaryFilters(**filters), min_group=5)


def _question(summary, name):
    return next(q for q in summary.questions if q.question.name == name)


def test_select_one_shares_and_a_five_point_mean_match_a_hand_count(make_response, example_survey):
    for value, times in [("1", 5), ("4", 5), ("5", 10)]:
        for _ in range(times):
            make_response(safe_at_night=value, age_band="18-24" if value == "5" else "60+")
    summary = _summary(example_survey)
    safe = _question(summary, "safe_at_night")
    assert safe.counts == (5, 0, 0, 5, 10) and safe.counted == 20
    assert [row.share for row in safe.rows] == [0.25, 0.0, 0.0, 0.25, 0.5]
    assert safe.mean == pytest.approx((1 * 5 + 4 * 5 + 5 * 10) / 20)
    age = _question(summary, "age_band")  # a plain select-one: shares, no mean
    assert age.counts == (10, 0, 0, 10, 0) and age.mean is None
    assert "consent" not in {q.question.name for q in summary.questions}  # bound to the response, not asked


def test_select_multiple_counts_each_choice_ticked(with_needs, make_response):
    for answer, times in [("lights clinic", 6), ("lights", 5), ("clinic", 5), ("jobs", 1)]:
        for _ in range(times):
            make_response(needs=answer)
    needs = _question(_summary(with_needs), "needs")
    assert needs.multiple and needs.counted == 17
    rows = {row.name: row for row in needs.rows}
    assert rows["lights"].count == 11 and rows["lights"].share == pytest.approx(11 / 17)
    assert rows["clinic"].count == 11 and rows["clinic"].share == pytest.approx(11 / 17)
    assert rows["jobs"].count == 0  # one response alone in its choice is withheld


def test_a_choice_ticked_by_all_but_a_few_is_withheld_too(with_needs, make_response):
    """Responses minus those who ticked it would give the 2 who did not."""
    for answer, times in [("lights", 8), ("clinic", 2)]:
        for _ in range(times):
            make_response(needs=answer)
    rows = {row.name: row.count for row in _question(_summary(with_needs), "needs").rows}
    assert rows == {"lights": 0, "clinic": 0, "jobs": 0}


def test_a_breakdown_by_site_gives_row_shares_and_leaves_small_sites_out(make_response, example_survey, db):
    for site, value, times in [("tumaco", "1", 5), ("tumaco", "5", 5), ("guaviare", "5", 6), ("chilapa", "5", 2)]:
        for _ in range(times):
            make_response(site=site, safe_at_night=value)
    summary = _summary(example_survey, by_site=True)
    breakdown = next(b for b in summary.breakdowns if b.question.name == "safe_at_night")
    slugs = {i: s for i, s in db.session.execute(select(Site.id, Site.slug))}
    rows = {slugs[site]: row for site, row in breakdown.rows}
    assert set(rows) == {"tumaco", "guaviare"}
    assert rows["tumaco"].counts == (5, 0, 0, 0, 5)
    assert [r.share for r in rows["tumaco"].rows] == [0.5, 0.0, 0.0, 0.0, 0.5]
    assert rows["guaviare"].counted == 6
    assert all(site in summary.site_names for site, _ in breakdown.rows)
    assert _summary(example_survey).breakdowns == []  # only when asked for


HOUSEHOLD = {
    "name": "household",
    "type": "integer",
    "label": {"en": "How many people live in your home?", "es": "¿Cuántas personas viven en su casa?"},
}


@pytest.fixture
def with_household(example_survey, db):
    """The example survey with an integer question added."""
    data = dict(example_survey.definition)
    data["questions"] = [*data["questions"], HOUSEHOLD]
    example_survey.definition = data
    db.session.commit()
    return example_survey


def test_an_integer_question_is_a_histogram_with_quartiles_from_its_bins(with_household, make_response):
    values = [1] * 5 + [2] * 5 + [4] * 5 + [9] * 5 + [17] * 1  # 17: alone in its bin, withheld
    for value in values:
        make_response(household=str(value))
    number = next(n for n in _summary(with_household).numbers if n.question.name == "household")
    # Fine bins 1..17 span 17, so bins are 5 wide (17 / 8 rounds up to 5): [0, 5), [5, 10), [10, 15), [15, 20).
    assert number.edges == (0, 5, 10, 15, 20)
    # The 1 in [15, 20) is withheld, and with it the next smallest bin, [5, 10): 1 alone could be worked out.
    assert number.counts == (15, 0, 0, 0) and number.counted == 15
    # From the published bins: 15 answers spread evenly over [0, 5).
    assert number.quartiles == pytest.approx((1.25, 2.5, 3.75))


def test_quartiles_wait_for_the_minimum_group(with_household, make_response):
    for value in [3] * 5:
        make_response(household=str(value))
    number = next(n for n in _summary(with_household).numbers if n.question.name == "household")
    assert number.edges == (3, 4) and number.counts == (5,)  # whole numbers: bins at least 1 wide
    assert number.quartiles == pytest.approx((3.25, 3.5, 3.75))
    few = summarise_survey(
        with_household.survey, parse_definition(with_household.definition), SummaryFilters(), min_group=6
    )
    assert few.suppressed  # under the minimum nothing at all is shown, quartiles least of all


def test_numbers_in_the_rollup_equal_a_count_of_the_raw_rows(with_household, make_response, db):
    for value in ["1", "12", "130", "0", "-4"]:
        make_response(household=value)
    kept, counted = rollup(db), from_raw_rows(db)
    assert any(key[3] == "number:household" for key in counted)
    assert_equal(kept, counted)
