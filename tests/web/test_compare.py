"""The comparison page: periods chosen by GET, sentences with intervals, the tests named."""

from __future__ import annotations

from datetime import UTC, datetime

from survey.analysis.intervals import newcombe
from survey.models import Role

URL = "/evaluate/community-safety/compare"
PERIODS = "?a_from=2026-01&a_to=2026-01&b_from=2026-03&b_to=2026-03"


def _respond(make_response, db, month, times, **answers):
    for _ in range(times):
        response = make_response(**answers)
        response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)
    db.session.commit()


def test_the_page_gives_each_change_as_a_sentence_and_names_its_test(client, make_user, login, make_response, db):
    _respond(make_response, db, 1, 14, safe_at_night="1")  # a site's months are merged up to 20 responses
    _respond(make_response, db, 1, 6, safe_at_night="4")
    _respond(make_response, db, 3, 8, safe_at_night="2")
    _respond(make_response, db, 3, 12, safe_at_night="5")
    page = login(make_user(Role.EVALUATOR)).get(URL + PERIODS).get_data(as_text=True)
    assert "First period: 20 responses · second period: 20 responses" in page
    low, high = newcombe((6, 20), (12, 20)).low * 100, newcombe((6, 20), (12, 20)).high * 100
    assert f"Answered Safe / Very safe: 30 % → 60 %, +30 points, 95 % CI {low:.0f} to {high:.0f}" in page
    assert "Newcombe" in page and "Welch" in page
    assert "Mean answer: 1.90 → 3.80, a change of +1.90, 95 % CI" in page


def test_without_periods_the_form_is_shown_alone(client, make_user, login, example_survey):
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    assert 'name="a_from"' in page and "responses · second period" not in page and "error-summary" not in page


def test_overlapping_periods_are_refused(client, make_user, login, example_survey):
    page = login(make_user(Role.EVALUATOR)).get(URL + "?a_from=2026-01&a_to=2026-03&b_from=2026-02&b_to=2026-04")
    assert "must not overlap" in page.get_data(as_text=True)


def test_a_small_period_shows_nothing(client, make_user, login, make_response, db):
    _respond(make_response, db, 3, 6)
    page = login(make_user(Role.EVALUATOR)).get(URL + PERIODS).get_data(as_text=True)
    assert "Fewer than 5 responses in one of the periods" in page and "Answered" not in page


def test_the_comparison_is_in_spanish(client, make_user, login, make_response, db):
    _respond(make_response, db, 1, 20)
    _respond(make_response, db, 3, 20)
    page = login(make_user(Role.EVALUATOR)).get(URL + PERIODS + "&lang=es").get_data(as_text=True)
    assert "Comparar dos periodos" in page and "intervalo" in page


def test_a_region_compares_its_sites_only(client, make_user, login, make_response, db):
    _respond(make_response, db, 1, 20, safe_at_night="1", site="tumaco")  # Nariño
    _respond(make_response, db, 3, 20, safe_at_night="5", site="tumaco")
    _respond(make_response, db, 1, 20, safe_at_night="5", site="guaviare")  # elsewhere: would be 50 % → 50 %
    _respond(make_response, db, 3, 20, safe_at_night="1", site="guaviare")
    evaluator = login(make_user(Role.EVALUATOR))
    page = evaluator.get(URL + PERIODS + "&region=CO:Nari%C3%B1o").get_data(as_text=True)
    assert "First period: 20 responses · second period: 20 responses" in page
    assert "Answered Safe / Very safe: 0 % → 100 %" in page
    assert '<option selected value="CO:Nariño">Nariño (CO)</option>' in page
    everywhere = evaluator.get(URL + PERIODS).get_data(as_text=True)
    assert "First period: 40 responses · second period: 40 responses" in everywhere


def test_a_region_alone_from_the_summary_shows_the_form_without_errors(client, make_user, login, example_survey):
    page = login(make_user(Role.EVALUATOR)).get(URL + "?region=CO:Nari%C3%B1o").get_data(as_text=True)
    assert 'name="a_from"' in page and "error-summary" not in page
