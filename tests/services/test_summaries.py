"""The evaluator's summary, computed in the database."""

from __future__ import annotations

from survey.questionnaire import parse_definition
from survey.services.summaries import SummaryFilters, summarise_survey


def _summary(version, **filters):
    return summarise_survey(
        version.survey, parse_definition(version.definition), SummaryFilters(**filters), min_group=5
    )


def test_theme_shares_and_sentiment(make_response, example_survey):
    for _ in range(5):
        make_response(change_story="The shootings stopped and I feel safe now.", what_would_help="")
    for _ in range(5):
        make_response(change_story="The clinic closed and it is terrible.", what_would_help="")
    summary = _summary(example_survey)
    rows = {row.key: row for row in summary.themes}
    assert summary.responses == 10 and summary.testimonials == 10
    assert rows["safety"].count == 5 and rows["safety"].share == 0.5
    assert rows["services"].mean_polarity < 0
    assert all("." not in key for key in rows)  # sub-themes are not listed as themes


def test_spanish_testimonies_are_counted_as_not_scored(make_response, example_survey):
    for _ in range(5):
        make_response(language="es", change_story="Hay menos balaceras en el pueblo y más trabajo.", what_would_help="")
    summary = _summary(example_survey)
    assert summary.sentiment_scored == 0
    assert sum(n for _, n in summary.not_scored) == 5


def test_likert_distribution_withholds_small_counts(make_response, example_survey):
    for value in ["1"] + ["2"] * 5 + ["5"] * 6:
        make_response(safe_at_night=value)
    dist = next(d for d in _summary(example_survey).distributions if d.question.name == "safe_at_night")
    assert dist.counts == (None, 5, 0, 0, 6) and dist.total == 12


def test_likert_counts_follow_the_choice_names_not_their_position(make_response, example_survey, db):
    from survey.questionnaire import parse_definition

    data = dict(example_survey.definition)
    data["choices"] = dict(data["choices"], safety5=list(reversed(data["choices"]["safety5"])))
    example_survey.definition = data
    db.session.commit()
    for _ in range(5):
        make_response(safe_at_night="5")
    definition = parse_definition(example_survey.definition)
    summary = summarise_survey(example_survey.survey, definition, SummaryFilters(), min_group=5)
    dist = next(d for d in summary.distributions if d.question.name == "safe_at_night")
    assert [c.name for c in dist.question.choices][0] == "5" and dist.counts[0] == 5


def test_small_groups_are_withheld_everywhere(make_response, example_survey):
    for _ in range(6):
        make_response(site="tumaco", change_story="Needle exchange van came.", what_would_help="")
    make_response(site="chilapa", change_story="The shootings stopped.", what_would_help="")
    summary = _summary(example_survey)
    counts = {site.slug: n for site, n in summary.by_site}
    assert counts == {"tumaco": None, "chilapa": None}  # with one small site, a second is withheld too
    assert {t.key: t.count for t in summary.themes}["safety"] is None
    assert all(n is None or n == 0 or n >= 5 for _, n in summary.by_week)
    assert summary.small_sites == {next(s.id for s, _ in summary.by_site if s.slug == "chilapa")}


def test_a_suppressed_summary_shows_no_total(make_response, example_survey):
    for _ in range(3):
        make_response()
    summary = _summary(example_survey)
    assert summary.suppressed and summary.responses is None and summary.testimonials is None


def test_weeks_without_responses_are_shown_as_zero(make_response, example_survey, db):
    from datetime import UTC, datetime, timedelta

    responses = [make_response() for _ in range(5)]
    responses[0].submitted_at = datetime.now(UTC) - timedelta(weeks=3)
    db.session.commit()
    weeks = _summary(example_survey).by_week
    assert len(weeks) >= 4 and 0 in [c for _, c in weeks]
    assert None in [c for _, c in weeks]  # a week with a single response is not shown on its own
