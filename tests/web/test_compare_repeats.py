"""The comparison page compares the questions asked for each entry of a repeat, households as clusters."""

from __future__ import annotations

import pytest

from survey.analysis.intervals import newcombe
from survey.models import Role
from tests.services.test_repeat_summaries import member, publish_roster, store_household

URL = "/evaluate/roster/compare?a_from=2026-01&a_to=2026-01&b_from=2026-03&b_to=2026-03"


@pytest.fixture
def households(db):
    """January: twenty households of two, one member helped with food and feeling safe, one neither.
    March: ten households of four who all were, ten of four who all were not."""
    roster = publish_roster()
    for _ in range(20):
        store_household(roster, [member(safe="4", help="food"), member(safe="2", help="health")], month=1)
    for _ in range(10):
        store_household(roster, [member(safe="5", help="food")] * 4, month=3)
        store_household(roster, [member(safe="1", help="health")] * 4, month=3)


def test_the_page_compares_repeat_questions_with_intervals_that_allow_for_households(households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    section = page[page.index('id="h-cmp-repeats"') :]
    assert "Questions asked for each entry of a repeat" in section and "cluster-robust variance" in section
    assert "Counted over the entries of “Household member”." in section
    # March's 80 entries count as 20: its households answered alike (a design effect of four).
    expected = newcombe((20, 40), (10, 20))
    interval = f"50 % → 50 %, +0 points, 95 % CI {expected.low * 100:.0f} to {expected.high * 100:.0f}"
    assert f"Entries that chose Food: {interval}" in section
    assert f"Entries that answered Level 4 / Level 5: {interval}" in section
    assert "Mean answer: 3.00 → 3.00, a change of +0.00, 95 % CI" in section
    assert "School fees" in section  # chosen by nobody: a share of nothing in both periods


def test_the_repeat_comparison_is_in_spanish(households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(URL + "&lang=es").get_data(as_text=True)
    section = page[page.index('id="h-cmp-repeats"') :]
    assert "Preguntas hechas para cada registro de un grupo repetido" in section
    assert "Registros que eligieron Comida: 50 % → 50 %" in section
    assert "Contado sobre los registros de «Integrante del hogar»." in section


def test_a_choice_of_few_households_is_not_compared_on_the_page(db, make_user, login):
    roster = publish_roster()
    for _ in range(20):
        store_household(roster, [member(help="food"), member(help="health")], month=1)
        store_household(roster, [member(help="food"), member(help="health")], month=3)
    for _ in range(4):  # forty entries of school fees in March, in four households
        store_household(roster, [member(help="school_fees")] * 10, month=3)
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    section = page[page.index('id="h-cmp-repeats"') :]
    assert "Entries that chose School fees: not enough published in one of the periods to compare." in section
    # Food's own parts are shown: 20 of March's 80 entries, school fees' forty among those that did not choose it.
    assert "Entries that chose Food: 50 % → 25 %" in section


def test_a_field_worker_cannot_read_the_comparison(households, make_user, login):
    assert login(make_user(Role.FIELD_WORKER)).get(URL).status_code == 403
