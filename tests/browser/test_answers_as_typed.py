"""Answers as a resident types them on a phone: the decimal comma, and errors that do not move the page."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Answer
from tests.web.test_survey_logic import GOOD


def fill_the_kobo_form(page, **changes: str) -> None:
    """Answer what the Kobo form requires, in Spanish, then type the changes."""
    page.select_option("#q_site", GOOD["site"])
    page.locator("#q_department-0").check()
    page.locator("#q_used_services-1").check()  # No
    page.locator("#q_consent-0").check()
    for name, value in changes.items():
        page.locator(f"#q_{name}").fill(value)


def test_a_decimal_comma_typed_in_spanish_is_stored_as_the_number(page, live_server, kobo_survey, db):
    page.goto(f"{live_server}/s/support-services?lang=es")
    fill_the_kobo_form(page, distance_km="2,5")
    page.locator("#q_distance_km").blur()
    assert page.locator("[data-question=distance_km] [data-live-error]:visible").count() == 0
    page.get_by_role("button", name="Enviar mis respuestas").click()
    assert page.locator("#receipt").is_visible()
    answer = db.session.scalars(select(Answer).where(Answer.question == "distance_km")).one()
    assert (answer.value_text, answer.value_number) == ("2.5", 2.5)
