"""Defaults in every instance of a repeat on the tablet: opened, added, or made by a count."""

from __future__ import annotations

from playwright.sync_api import expect

from survey.extensions import db
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, tablet_page
from tests.browser.test_field_repeats import start, stored_rows

DEFAULTS = {
    "form_id": "defaults",
    "title": "Defaults",
    "questions": [
        {
            "name": "member",
            "type": "repeat",
            "label": "Member",
            "questions": [
                {"name": "member_name", "type": "text", "label": "Name"},
                {"name": "member_town", "type": "text", "label": "Town", "default": "Tumaco"},
            ],
        },
        {"name": "size", "type": "integer", "label": "How many children?"},
        {
            "name": "child",
            "type": "repeat",
            "label": "Child",
            "repeat_count": "${size}",
            "questions": [{"name": "child_school", "type": "text", "label": "School", "default": "Rural"}],
        },
    ],
}


def test_every_instance_opens_with_the_defaults_whether_opened_added_or_counted(browser, server, field_app):
    with field_app.app_context():
        import_survey(DEFAULTS, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "defaults")
        expect(tablet.locator("#fq-member_town\\.1-input")).to_have_value("Tumaco")  # the one opened
        tablet.locator("#fq-member_name\\.1-input").fill("Ana")
        expect(tablet.locator("#fq-member_town\\.1-input")).to_have_value("Tumaco")
        tablet.get_by_role("button", name="Add another").click()
        expect(tablet.locator("#fq-member_town\\.2-input")).to_have_value("Tumaco")
        tablet.locator("#fq-member_name\\.2-input").fill("Luis")
        tablet.get_by_role("button", name="Add another").click()
        expect(tablet.locator("#fq-member_town\\.3-input")).to_have_value("Tumaco")
        tablet.locator("#fq-member_town\\.3-input").fill("Pasto")
        tablet.get_by_role("button", name="Next").click()
        tablet.locator("#fq-size-input").fill("2")
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("#fq-child_school\\.1-input")).to_have_value("Rural")
        expect(tablet.locator("#fq-child_school\\.2-input")).to_have_value("Rural")
        tablet.get_by_role("button", name="Back").click()
        tablet.locator("#fq-size-input").fill("3")  # one more child, made by the count
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("#fq-child_school\\.3-input")).to_have_value("Rural")
        tablet.get_by_role("button", name="Next").click()
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    stored = stored_rows(field_app)
    assert [row for row in stored if row[0] in {"member_town", "child_school"}] == [
        ("child_school", "", 1, "Rural"),
        ("child_school", "", 2, "Rural"),
        ("child_school", "", 3, "Rural"),
        ("member_town", "", 1, "Tumaco"),
        ("member_town", "", 2, "Tumaco"),
        ("member_town", "", 3, "Pasto"),
    ]
