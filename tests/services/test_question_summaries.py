"""Every select question summarised over the published parts: shares, counts, means, by site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import Site
from survey.questionnaire import parse_definition
from survey.services.summaries import SummaryFilters, summarise_survey

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
