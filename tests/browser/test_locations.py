"""A location question in the browser: the resident's location fills it, or it is typed by hand."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey
from tests.web.test_places_and_times import DEFINITION


def test_use_my_location_fills_the_point_and_it_is_stored_as_odk_writes_it(browser, live_server, db):
    import_survey(DEFINITION, publish=True)
    db.session.commit()
    context = browser.new_context(
        geolocation={"latitude": 1.8067, "longitude": -78.7645, "accuracy": 12}, permissions=["geolocation"]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/places?lang=es")
        page.get_by_role("button", name="Usar mi ubicación").click()
        page.get_by_text("Ubicación encontrada").wait_for()
        assert page.locator("#q_spot").input_value() == "1.8067"
        assert page.locator("#q_spot-accuracy").input_value() == "12"
        page.get_by_role("button", name="Revisar mis respuestas").click()
        page.get_by_role("button", name="Enviar mis respuestas").click()
        expect(page.locator("#receipt")).to_be_visible()
    finally:
        context.close()
    answer = db.session.scalars(select(Answer).where(Answer.question == "spot")).one()
    assert answer.value_text == "1.8067 -78.7645 0 12"


def test_without_javascript_the_point_is_typed_and_the_button_stays_hidden(browser, live_server, db):
    import_survey(DEFINITION, publish=True)
    db.session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/places")
        assert not page.get_by_role("button", name="Use my location").is_visible()
        page.get_by_label("Latitude (degrees)").fill("-33.45")
        page.get_by_label("Longitude (degrees)").fill("-70.66")
        page.get_by_role("button", name="Review my answers").click()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.locator("#receipt")).to_be_visible()
    finally:
        context.close()
    answer = db.session.scalars(select(Answer).where(Answer.question == "spot")).one()
    assert answer.value_text == "-33.45 -70.66 0 0"
