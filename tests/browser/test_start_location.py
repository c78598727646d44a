"""Where the interview began, asked of the browser as the form opens: on the resident's form and on a tablet."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Response
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, tablet_page
from tests.browser.test_field_places_and_media import PLACES
from tests.web.test_places_and_times import DEFINITION

LOCATED = {**DEFINITION, "form_id": "walk", "metadata": ["start-geopoint"]}
HERE = {"latitude": 4.6097, "longitude": -74.0817, "accuracy": 20}


def _send(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()


def test_the_resident_form_keeps_where_it_was_opened(browser, live_server, db):
    import_survey(LOCATED, publish=True)
    db.session.commit()
    context = browser.new_context(geolocation=HERE, permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/walk")
        expect(page.locator("[data-start-geopoint]")).to_have_value("4.6097 -74.0817 0 20")
        _send(page, f"{live_server}/s/walk")
    finally:
        context.close()
    stored = db.session.scalars(select(Response)).one()
    assert (stored.start_latitude, stored.start_longitude, stored.start_accuracy) == (4.6097, -74.0817, 20.0)
    assert not stored.answers  # nothing was answered: the location is the response's, not an answer


def test_a_refused_location_leaves_it_empty_and_says_nothing(browser, live_server, db):
    import_survey(LOCATED, publish=True)
    db.session.commit()
    context = browser.new_context()  # no permission: the browser refuses
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/walk")
        expect(page.locator("[data-start-geopoint]")).to_have_value("")
        _send(page, f"{live_server}/s/walk")
    finally:
        context.close()
    assert db.session.scalars(select(Response)).one().start_latitude is None


def test_a_tablet_keeps_where_the_interview_began(browser, server, field_app):
    with field_app.app_context():
        import_survey({**PLACES, "metadata": ["start-geopoint"]}, publish=True)
        _db.session.commit()
    here = {"geolocation": {"latitude": 2.5701, "longitude": -72.6459, "accuracy": 8}}
    with tablet_page(browser, server, permissions=["geolocation"], **here) as tablet:
        tablet.locator("[data-survey=clinic-visit]").click()
        tablet.get_by_label("Guaviare").check()
        tablet.get_by_label("In person").check()
        tablet.get_by_label("Their words may be quoted", exact=True).check()
        next_screen = tablet.get_by_role("button", name="Next")
        next_screen.click()
        tablet.locator("#fq-spot-input").fill("2.5 -72.6")
        next_screen.click()
        next_screen.click()  # to the answers to check
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        [response] = _db.session.scalars(select(Response)).all()
        assert (response.start_latitude, response.start_longitude, response.start_accuracy) == (2.5701, -72.6459, 8.0)
