"""On a Spanish tablet a decimal is typed with a comma, shown with a comma and stored as the number."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, open_field_app

PHONE = {"width": 390, "height": 844}
DISTANCE = {
    "form_id": "distance",
    "version": "1",
    "default_language": "en",
    "title": {"en": "Distance", "es": "Distancia"},
    "questions": [
        {
            "name": "distance_km",
            "type": "decimal",
            "required": True,
            "label": {"en": "How far is the clinic (km)?", "es": "¿A qué distancia está la clínica (km)?"},
        }
    ],
}


def test_a_decimal_comma_on_a_spanish_tablet_is_stored_as_the_number(tablet, server, field_app):
    with field_app.app_context():
        import_survey(DISTANCE, publish=True)
        db.session.commit()
    open_field_app(tablet, server.url)
    tablet.set_viewport_size(PHONE)
    tablet.context.set_offline(True)
    tablet.locator("[data-survey=distance]").click()
    tablet.get_by_label("Español").check()
    tablet.get_by_label("Guaviare").check()
    tablet.get_by_label("In person").check()
    tablet.get_by_label("Their words may be quoted", exact=True).check()
    tablet.get_by_role("button", name="Next").click()
    box = tablet.locator("#fq-distance_km-input")
    expect(box).to_have_attribute("inputmode", "decimal")
    box.press_sequentially("2,5")
    expect(box).to_have_value("2,5")  # a number box would have dropped the comma
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("[data-error-summary]")).to_be_hidden()
    expect(tablet.locator("[data-review=distance_km] .review-answer")).to_have_text("2,5")
    tablet.get_by_role("button", name="Back").click()
    expect(box).to_have_value("2,5")  # the stored 2.5, written as the language writes it
    tablet.get_by_role("button", name="Next").click()
    tablet.get_by_role("button", name="Finish the interview").click()
    tablet.get_by_role("button", name="Back to the list").click()
    tablet.context.set_offline(False)
    expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question == "distance_km")).one()
        assert (answer.value_text, answer.value_number) == ("2.5", 2.5)
