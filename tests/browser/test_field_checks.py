"""When the field app checks answers: on Next, so that nothing moves under the finger tapping it."""

from __future__ import annotations

from playwright.sync_api import expect

from survey.extensions import db
from survey.services.surveys import import_survey
from tests.browser.field_kit import tablet_page
from tests.browser.test_field_repeats import start
from tests.web.test_repeats import HOUSEHOLD


def test_a_tap_on_next_straight_after_a_wrong_answer_lands_and_says_what_is_wrong(browser, server, field_app):
    with field_app.app_context():
        import_survey(HOUSEHOLD, publish=True)
        db.session.commit()
    with tablet_page(browser, server, has_touch=True) as tablet:
        start(tablet, "household")
        next_screen = tablet.get_by_role("button", name="Next")
        tablet.locator("#fq-village-input").fill("Alto")
        next_screen.tap()
        name = tablet.locator("#fq-member_name\\.1-input")
        age = tablet.locator("#fq-member_age\\.1-input")
        name.fill("Ana")
        age.fill("130")  # still in the box: the tap below is what takes the focus away
        next_screen.tap()
        summary = tablet.locator("[data-error-list]")
        expect(summary).to_have_text("Household member 1: Too old")
        expect(tablet.locator("#fq-member_age\\.1 .error-message")).to_have_text("Too old")
        age.fill("40")  # a message once shown follows the answer as it is corrected
        expect(tablet.locator("#fq-member_age\\.1 .error-message")).to_be_hidden()
        name.fill("")
        next_screen.tap()
        expect(summary).to_have_text("Household member 1: This question needs an answer.")
        expect(tablet.locator("#fq-member_name\\.1 .error-message")).to_have_text("This question needs an answer.")
        name.fill("Ana")
        next_screen.tap()
        expect(tablet.get_by_role("button", name="Finish the interview")).to_be_visible()
