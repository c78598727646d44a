"""Locations and times on the tablet, offline (photos and recordings: test_field_media.py)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, tablet_page
from tests.questionnaire.test_question_types import MONTHS

PLACES = {
    "form_id": "clinic-visit",
    "version": "1",
    "title": {"en": "Clinic visit", "es": "Visita a la clínica"},
    "questions": [
        {"name": "spot", "type": "geopoint", "label": {"en": "Where is the clinic?"}, "required": True},
        {"name": "opens", "type": "time", "label": {"en": "Opens at"}},
    ],
}


def test_the_tablets_location_fills_a_point_offline_and_it_arrives_as_odk_writes_it(browser, server, field_app):
    with field_app.app_context():
        import_survey(PLACES, publish=True)
        db.session.commit()
    location = {"geolocation": {"latitude": 2.5701, "longitude": -72.6459, "accuracy": 8}}
    with tablet_page(browser, server, permissions=["geolocation"], **location) as tablet:
        tablet.context.set_offline(True)
        tablet.locator("[data-survey=clinic-visit]").click()
        tablet.get_by_label("Guaviare").check()
        tablet.get_by_label("In person").check()
        tablet.get_by_label("Their words may be quoted", exact=True).check()
        next_screen = tablet.get_by_role("button", name="Next")
        next_screen.click()
        point = tablet.locator("#fq-spot-input")
        point.fill("95 10")
        next_screen.click()
        expect(tablet.locator("#fq-spot")).to_contain_text("Give a latitude between -90 and 90")
        tablet.get_by_role("button", name="Use my location").click()
        expect(point).to_have_value("2.5701 -72.6459 0 8")
        next_screen.click()
        tablet.locator("#fq-opens-input").fill("07:30")
        next_screen.click()  # to the answers to check
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert {a.question: a.value_text for a in response.answers} == {"spot": "2.5701 -72.6459 0 8", "opens": "07:30"}


def test_the_tablet_asks_a_month_and_a_year_and_keeps_their_first_days_as_odk_does(browser, server, field_app):
    with field_app.app_context():
        import_survey(MONTHS, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.locator("[data-survey=moves]").click()
        tablet.get_by_label("Guaviare").check()
        tablet.get_by_label("In person").check()
        tablet.get_by_label("Their words may be quoted", exact=True).check()
        next_screen = tablet.get_by_role("button", name="Next")
        next_screen.click()
        expect(tablet.locator("#fq-moved-input")).to_have_attribute("type", "month")
        tablet.locator("#fq-moved-input").fill("2026-03")
        next_screen.click()
        expect(tablet.locator("#fq-born-input")).to_have_attribute("type", "number")
        tablet.locator("#fq-born-input").fill("1990")
        next_screen.click()
        tablet.locator("#fq-why-input").fill("Work")  # asked only when the month reads as 2026-03-01
        next_screen.click()  # to the answers to check
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        kept = {a.question: a.value_text for a in response.answers}
        assert kept == {"moved": "2026-03-01", "born": "1990-01-01", "why": "Work"}
