"""Answers as a resident types them on a phone: the decimal comma, and errors that do not move the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey
from tests.browser.resident_kit import next_page
from tests.web.test_survey_logic import GOOD


def fill_the_kobo_form(page, **changes: str) -> None:
    """Answer what the Kobo form requires, in Spanish, then type the changes."""
    page.select_option("#q_site", GOOD["site"])
    page.locator("#q_department-0").check()
    next_page(page)  # the "where" group is the first page
    page.locator("#q_used_services-1").check()  # No
    page.locator("#q_consent-0").check()
    for name, value in changes.items():
        page.locator(f"#q_{name}").fill(value)


def test_a_decimal_comma_typed_in_spanish_is_stored_as_the_number(page, live_server, kobo_survey, db):
    page.goto(f"{live_server}/s/support-services?lang=es")
    fill_the_kobo_form(page, distance_km="2,5")
    page.locator("#q_distance_km").blur()
    assert page.locator("[data-question=distance_km] [data-live-error]:visible").count() == 0
    page.get_by_role("button", name="Revisar mis respuestas").click()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.locator("#receipt")).to_be_visible()
    answer = db.session.scalars(select(Answer).where(Answer.question == "distance_km")).one()
    assert (answer.value_text, answer.value_number) == ("2.5", 2.5)


COUNTS = {
    "form_id": "household",
    "version": "1",
    "default_language": "en",
    "title": {"en": "Household", "es": "Hogar"},
    "questions": [
        {
            "name": "people",
            "type": "integer",
            "constraint": ". > 0",
            "label": {"en": "How many people live in your home?", "es": "¿Cuántas personas viven en su hogar?"},
            "constraint_message": {
                "en": "Count yourself too: at least 1, please.",
                "es": "Cuéntese a usted también: al menos 1, por favor.",
            },
        },
        {
            "name": "children",
            "type": "select_one",
            "choices": "yes_no",
            "label": {"en": "Are there children?", "es": "¿Hay niños o niñas?"},
        },
    ],
    "choices": {
        "yes_no": [
            {"name": "yes", "label": {"en": "Yes", "es": "Sí"}},
            {"name": "no", "label": {"en": "No", "es": "No"}},
        ]
    },
}


@pytest.fixture
def household(db):
    version = import_survey(COUNTS, publish=True)
    db.session.commit()
    return version


def test_a_broken_constraint_does_not_move_the_next_choice_under_the_finger(browser, live_server, household):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-CO")
    page = context.new_page()
    page.goto(f"{live_server}/s/household?lang=es")
    page.locator("#q_people").fill("0")
    yes = page.locator("#q_children-0")
    before = yes.bounding_box()
    page.mouse.click(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)  # a tap: blur, then click
    assert yes.is_checked()  # the tap landed where the resident aimed
    assert yes.bounding_box() == before
    message = page.locator("[data-question=people] [data-live-error]")
    assert message.is_visible() and message.inner_text() == "Cuéntese a usted también: al menos 1, por favor."
    page.locator("#q_people").fill("3")
    assert message.is_hidden() and yes.bounding_box() == before
    context.close()
