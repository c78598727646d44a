"""A count typed on the tablet beside the instances it makes: a count that breaks its constraint takes none away."""

from __future__ import annotations

from playwright.sync_api import expect

from survey.extensions import db
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, tablet_page
from tests.browser.test_field_repeats import start, stored_rows

CHILDREN = {
    "form_id": "children",
    "title": "Children",
    "questions": [
        {
            "name": "family",
            "type": "group",
            "label": "The family",
            "questions": [
                {
                    "name": "size",
                    "type": "integer",
                    "label": "How many children?",
                    "constraint": ". <= 10",
                    "constraint_message": "At most 10",
                },
                {
                    "name": "child",
                    "type": "repeat",
                    "label": "Child",
                    "repeat_count": "${size}",
                    "questions": [{"name": "child_name", "type": "text", "label": "Name"}],
                },
            ],
        }
    ],
}


def test_a_count_breaking_its_constraint_on_the_same_screen_keeps_the_children_drawn(browser, server, field_app):
    with field_app.app_context():
        import_survey(CHILDREN, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "children")
        legends = tablet.locator(".instance-legend")
        size = tablet.locator("#fq-size-input")
        size.fill("2")
        expect(legends).to_have_text(["Child 1", "Child 2"])
        tablet.locator("#fq-child_name\\.1-input").fill("Leo")
        tablet.locator("#fq-child_name\\.2-input").fill("Mia")
        size.fill("40")  # a slip for 4: not followed, and not let through
        expect(legends).to_have_text(["Child 1", "Child 2"])
        expect(tablet.locator("#fq-child_name\\.2-input")).to_have_value("Mia")
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-error-list]")).to_have_text("At most 10")
        size.fill("")  # no number: no children, as the server reads it
        expect(legends).to_have_count(0)
        size.fill("3")
        expect(legends).to_have_text(["Child 1", "Child 2", "Child 3"])
        expect(tablet.locator("#fq-child_name\\.1-input")).to_have_value("Leo")
        tablet.locator("#fq-child_name\\.3-input").fill("Noa")
        tablet.get_by_role("button", name="Next").click()
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert stored_rows(field_app) == [
        ("child_name", "", 1, "Leo"),
        ("child_name", "", 2, "Mia"),
        ("child_name", "", 3, "Noa"),
        ("size", "", 0, "3"),
    ]
