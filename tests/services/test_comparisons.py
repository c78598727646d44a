"""Two periods compared: the figures on each side match a hand count, small periods show nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.analysis.intervals import Sample, newcombe, welch
from survey.models import Testimonial, ThemeTag
from survey.questionnaire import parse_definition
from survey.services.comparisons import Period, compare_periods

JANUARY, MARCH = Period("2026-01", "2026-01"), Period("2026-03", "2026-03")
CALM = "The clinic opened again and I feel safe now."
SHOTS = "There are more shootings at night and the clinic closed."


@pytest.fixture
def respond(make_response, db):
    def build(month, **answers):
        response = make_response(what_would_help="", **answers)
        response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)
        db.session.commit()
        return response

    return build


def _compare(version, a=JANUARY, b=MARCH):
    return compare_periods(version.survey, parse_definition(version.definition), a, b, min_group=5)


def test_a_five_point_question_changes_as_counted_by_hand(respond, example_survey):
    for value, times in [("1", 7), ("4", 3)]:  # January: 3 of 10 feel safe
        for _ in range(times):
            respond(1, safe_at_night=value)
    for value, times in [("2", 5), ("5", 5)]:  # March: 5 of 10
        for _ in range(times):
            respond(3, safe_at_night=value)
    result = _compare(example_survey)
    assert (result.a_responses, result.b_responses) == (10, 10)
    safe = next(row for row in result.scales if row.question.name == "safe_at_night")
    assert safe.upper.a is None  # 3 answered above the middle: under five, so January shows no share
    march_only = _compare(example_survey, a=MARCH, b=MARCH)
    safe = next(row for row in march_only.scales if row.question.name == "safe_at_night")
    assert safe.upper.a == (5, 10) and safe.upper.difference == newcombe((5, 10), (5, 10))
    assert safe.mean.a == Sample(10, 3.5, pytest.approx((5 * 1.5**2 + 5 * 1.5**2) / 9))


def test_theme_shares_and_mean_sentiment_with_their_intervals(respond, example_survey, db):
    for _ in range(5):
        respond(1, change_story=SHOTS)
    for _ in range(5):
        respond(1, change_story=CALM)
    for _ in range(10):
        respond(3, change_story=CALM)
    result = _compare(example_survey)
    tagged = {
        text
        for (text,) in db.session.execute(
            select(Testimonial.redacted_text).join(ThemeTag).where(ThemeTag.theme == "safety", ThemeTag.counts)
        )
    }
    assert tagged == {SHOTS, CALM}  # both mention safety: every testimony, in both periods
    safety = next(row for row in result.themes if row.key == "safety")
    assert (safety.a, safety.b) == ((10, 10), (10, 10)) and safety.difference == newcombe((10, 10), (10, 10))
    polarity = {
        text: p
        for text, p in db.session.execute(select(Testimonial.redacted_text, Testimonial.polarity))
        if p is not None
    }
    january = [polarity[SHOTS]] * 5 + [polarity[CALM]] * 5
    march = [polarity[CALM]] * 10

    def sample(values):
        mean = sum(values) / len(values)
        return Sample(len(values), mean, sum((v - mean) ** 2 for v in values) / (len(values) - 1))

    a = result.sentiment.a
    assert (a.n, a.mean, a.variance) == (
        10,
        pytest.approx(sample(january).mean),
        pytest.approx(sample(january).variance),
    )
    assert result.sentiment.b.variance == pytest.approx(0.0, abs=1e-12)
    expected = welch(sample(january), sample(march))
    assert result.sentiment.difference.estimate == pytest.approx(expected.estimate)


def test_a_period_under_the_minimum_shows_nothing(respond, example_survey):
    for _ in range(4):
        respond(1)
    for _ in range(6):
        respond(3)
    result = _compare(example_survey)
    assert not result.comparable and result.a_responses is None and result.themes == []
