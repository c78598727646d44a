"""The summary's voices month by month: each month's published responses, sentiment and main themes."""

from __future__ import annotations

from datetime import UTC, datetime

from survey.questionnaire import parse_definition
from survey.services.summaries import SummaryFilters, summarise_survey

GOOD = "The shootings stopped and I feel safe now."
BAD = "The clinic closed and it is terrible."


def _story(make_response, db, month, text, n=5):
    for _ in range(n):
        make_response(change_story=text, what_would_help="").submitted_at = datetime(2026, month, 15, tzinfo=UTC)
    db.session.commit()


def _monthly(version, block=0):
    summary = summarise_survey(
        version.survey, parse_definition(version.definition), SummaryFilters(), min_group=5, block=block
    )
    return summary, {v.month: v for v in summary.monthly}


def test_each_month_has_its_own_sentiment_and_theme_shares(make_response, example_survey, db):
    _story(make_response, db, 1, BAD)
    _story(make_response, db, 3, GOOD)
    summary, months = _monthly(example_survey)
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    assert [months[m].responses for m in months] == [5, 0, 5]
    assert months["2026-01"].sentiment < 0 < months["2026-03"].sentiment
    assert months["2026-02"].sentiment is None and set(months["2026-02"].shares.values()) == {None}
    assert months["2026-01"].shares["services"] == 1.0 and months["2026-03"].shares["services"] == 0.0
    assert months["2026-03"].shares["safety"] == 1.0
    assert set(months["2026-01"].shares) == {row.key for row in summary.themes[:3]}


def test_a_month_too_small_alone_counts_with_the_next(make_response, example_survey, db):
    _story(make_response, db, 1, BAD, n=3)
    _story(make_response, db, 2, GOOD, n=7)
    _, months = _monthly(example_survey, block=10)
    assert list(months) == ["2026-02"] and months["2026-02"].responses == 10  # January is counted at February
