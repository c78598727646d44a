"""The evaluator's summary, computed in the database and protected by survey.disclosure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.models import Site
from survey.questionnaire import parse_definition
from survey.services.summaries import SummaryFilters, summarise_survey


def _summary(version, **filters):
    return summarise_survey(
        version.survey, parse_definition(version.definition), SummaryFilters(**filters), min_group=5
    )


@pytest.fixture
def respond(make_response, db):
    """A response submitted in the middle of a given month of 2026: respond(3, site='tumaco', ...)."""

    def build(month, **answers):
        response = make_response(**answers)
        response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)
        db.session.commit()
        return response

    return build


def _site_id(db, slug):
    return db.session.scalars(select(Site.id).where(Site.slug == slug)).one()


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


def test_spanish_testimonies_are_scored_and_unreadable_ones_counted_apart(make_response, example_survey):
    for _ in range(5):
        make_response(
            language="es", change_story="Ya no hay balaceras en el pueblo y hay más trabajo.", what_would_help=""
        )
        make_response(language="es", change_story="Ajá.", what_would_help="")
    summary = _summary(example_survey)
    assert summary.sentiment_scored == 5 and summary.sentiment_mean > 0
    assert summary.not_scored == [("no_known_words", 5)]


def test_a_small_choice_is_withheld_with_the_next_smallest(make_response, example_survey):
    for value in ["1"] + ["2"] * 5 + ["5"] * 6:
        make_response(safe_at_night=value)
    dist = next(d for d in _summary(example_survey).questions if d.question.name == "safe_at_night")
    # Shown with the 5 beside it, the 1 would be 12 - 11; withheld together, the 6 missing are 1 + 5 or 2 + 4...
    assert dist.counts == (0, 0, 0, 0, 6) and dist.counted == 6


def test_likert_counts_follow_the_choice_names_not_their_position(make_response, example_survey, db):
    data = dict(example_survey.definition)
    data["choices"] = dict(data["choices"], safety5=list(reversed(data["choices"]["safety5"])))
    example_survey.definition = data
    db.session.commit()
    for _ in range(5):
        make_response(safe_at_night="5")
    definition = parse_definition(example_survey.definition)
    summary = summarise_survey(example_survey.survey, definition, SummaryFilters(), min_group=5)
    dist = next(d for d in summary.questions if d.question.name == "safe_at_night")
    assert [c.name for c in dist.question.choices][0] == "5" and dist.counts[0] == 5


def test_a_site_under_five_is_left_out_of_every_number(make_response, example_survey):
    for _ in range(6):
        make_response(site="tumaco", change_story="Needle exchange van came.", what_would_help="")
    make_response(site="chilapa", change_story="The shootings stopped.", what_would_help="")
    summary = _summary(example_survey)
    assert summary.responses == 6 and summary.testimonials == 6
    assert {site.slug: n for site, n in summary.by_site} == {"tumaco": 6, "chilapa": None}
    assert "safety" not in {t.key for t in summary.themes}
    assert all(q.response.site.slug == "tumaco" for q in summary.quotes)


def test_a_suppressed_summary_shows_no_total(make_response, example_survey):
    for _ in range(3):
        make_response()
    summary = _summary(example_survey)
    assert summary.suppressed and summary.responses is None and summary.testimonials is None


def test_the_issues_attack_gives_nothing_away(respond, example_survey, db):
    """Sites of 6, 6 and 2; one resident alone in a choice; one response alone in its month."""
    for _ in range(6):
        respond(2, site="tumaco", safe_at_night="5")
    respond(1, site="guaviare", safe_at_night="1")
    for _ in range(5):
        respond(2, site="guaviare", safe_at_night="5")
    for _ in range(2):
        respond(2, site="chilapa", safe_at_night="5")
    everything = _summary(example_survey)
    sites = [_summary(example_survey, site_id=_site_id(db, s)) for s in ("tumaco", "guaviare", "chilapa")]
    hidden = everything.responses - sum(view.responses or 0 for view in sites)
    assert hidden not in range(1, 5), "all sites minus the sites shown gives the small site's count"
    for view in [everything, *(v for v in sites if not v.suppressed)]:
        dist = next(d for d in view.questions if d.question.name == "safe_at_night")
        left = view.responses - sum(c or 0 for c in dist.counts)
        assert left not in range(1, 5), "the responses minus the choices shown give a choice under five"
    guaviare = _site_id(db, "guaviare")
    january_on = _summary(example_survey, site_id=guaviare, month_from="2026-01", month_to="2026-02")
    february = _summary(example_survey, site_id=guaviare, month_from="2026-02", month_to="2026-02")
    january = _summary(example_survey, site_id=guaviare, month_from="2026-01", month_to="2026-01")
    assert january_on.responses - february.responses == 0, "the range minus its last month gives one month"
    assert january.suppressed  # January's one response is counted with February's


def test_months_are_counted_per_site_with_small_months_joining_the_next(respond, example_survey):
    for month in (1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 6, 6, 6, 6, 6):
        respond(month, site="tumaco")
    summary = _summary(example_survey)
    assert summary.by_month == [
        ("2026-01", 5),
        ("2026-02", 0),  # February's two wait for March
        ("2026-03", 7),
        ("2026-04", 0),
        ("2026-05", 0),
        ("2026-06", 5),
    ]
    assert _summary(example_survey, month_from="2026-02", month_to="2026-03").responses == 7
    assert _summary(example_survey, month_from="2026-02", month_to="2026-02").suppressed


def test_quotes_come_only_from_the_atoms_in_the_view(respond, example_survey):
    for _ in range(5):
        respond(1, site="tumaco", change_story="January in Tumaco.", what_would_help="")
    for _ in range(5):
        respond(3, site="tumaco", change_story="March in Tumaco.", what_would_help="")
    respond(3, site="chilapa", change_story="The only one from Chilapa.", what_would_help="")
    texts = {q.redacted_text for q in _summary(example_survey, month_from="2026-03").quotes}
    assert texts == {"March in Tumaco."}
    assert "The only one from Chilapa." not in {q.redacted_text for q in _summary(example_survey).quotes}


def test_a_theme_counts_only_where_its_part_can_be_shown(respond, example_survey):
    for _ in range(2):
        respond(1, site="tumaco", change_story="The shootings at night never stop.", what_would_help="")
    for _ in range(4):
        respond(1, site="tumaco", change_story="We planted cacao this year.", what_would_help="")
    for _ in range(5):
        respond(1, site="guaviare", change_story="The shootings at night never stop.", what_would_help="")
    summary = _summary(example_survey)
    safety = next(t for t in summary.themes if t.key == "safety")
    assert safety.count == 5  # Tumaco's two are withheld with the four others, not added in
    assert safety.share == 1.0  # of the five testimonies where it could be counted, not of all eleven
    assert summary.testimonials == 11


def test_the_newest_quotes_are_merged_across_versions_newest_first(respond, example_survey, db):
    """Each version's newest are read apart, then merged: the quotes must still be the newest of all."""
    from survey.services.demo import EXAMPLE_SURVEY
    from survey.services.submissions import Submission, record_submission
    from survey.services.surveys import import_survey, read_survey_file
    from tests.conftest import GOOD_ANSWERS

    data = read_survey_file(EXAMPLE_SURVEY)
    second = import_survey({**data, "version": f"{data['version']}-b"}, publish=True)
    db.session.commit()
    definition = parse_definition(second.definition)
    for day in range(1, 9):  # the old version answered on odd days, the new one on even days
        if day % 2:
            response = respond(3, change_story=f"Day {day}, old form.", what_would_help="")
        else:
            response = record_submission(
                Submission(
                    uuid=f"00000000-0000-4000-8000-00000000000{day}",
                    version=second,
                    definition=definition,
                    answers={**GOOD_ANSWERS, "change_story": f"Day {day}, new form.", "what_would_help": ""},
                    language="en",
                )
            )
        response.submitted_at = datetime(2026, 3, day, 12, tzinfo=UTC)
        db.session.commit()
    quotes = summarise_survey(
        example_survey.survey, parse_definition(second.definition), SummaryFilters(), min_group=5, quotes=5
    ).quotes
    assert [q.redacted_text for q in quotes] == [
        "Day 8, new form.",
        "Day 7, old form.",
        "Day 6, new form.",
        "Day 5, old form.",
        "Day 4, new form.",
    ]
