"""The evaluator's summary, computed in the database."""

from __future__ import annotations

from survey.services.definition import parse_definition
from survey.services.summaries import SummaryFilters, summarise_survey


def _summary(version, **filters):
    return summarise_survey(version.survey, parse_definition(version.definition), SummaryFilters(**filters), min_group=5)


def test_theme_shares_and_sentiment(make_response, example_survey):
    for _ in range(3):
        make_response(change_story="The shootings stopped and I feel safe now.", what_would_help="")
    for _ in range(3):
        make_response(change_story="The clinic closed and it is terrible.", what_would_help="")
    summary = _summary(example_survey)
    rows = {row.key: row for row in summary.themes}
    assert summary.responses == 6 and summary.testimonials == 6
    assert rows["safety"].count == 3 and rows["safety"].share == 0.5
    assert rows["services"].mean_polarity < 0
    assert all("." not in key for key in rows)  # sub-themes are not listed as themes


def test_spanish_testimonies_are_counted_as_not_scored(make_response, example_survey):
    for _ in range(5):
        make_response(language="es", change_story="Hay menos balaceras en el pueblo y más trabajo.", what_would_help="")
    summary = _summary(example_survey)
    assert summary.sentiment_scored == 0
    assert sum(n for _, n in summary.not_scored) == 5


def test_likert_distribution(make_response, example_survey):
    for value in ["1", "2", "2", "5", "5", "5"]:
        make_response(safe_at_night=value)
    dist = next(d for d in _summary(example_survey).distributions if d.question.name == "safe_at_night")
    assert dist.counts == (1, 2, 0, 0, 3) and dist.total == 6


def test_weeks_without_responses_are_shown_as_zero(make_response, example_survey, db):
    from datetime import UTC, datetime, timedelta

    responses = [make_response() for _ in range(5)]
    responses[0].submitted_at = datetime.now(UTC) - timedelta(weeks=3)
    db.session.commit()
    weeks = _summary(example_survey).by_week
    assert len(weeks) >= 4 and sum(c for _, c in weeks) == 5 and 0 in [c for _, c in weeks]
