"""A draft on the tablet with counted repeats, reopened after a reload with its instances and answers."""

from __future__ import annotations

from playwright.sync_api import expect

from survey.extensions import db
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, tablet_page
from tests.browser.test_field_repeats import start, stored_rows
from tests.browser.test_repeats import MOTHERS
from tests.web.test_repeats import COUNTED


def test_a_draft_with_a_counted_repeat_reopens_with_as_many_children_and_their_ages(browser, server, field_app):
    with field_app.app_context():
        import_survey(COUNTED, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "counted")
        tablet.locator("#fq-size-input").fill("3")
        tablet.get_by_role("button", name="Next").click()
        tablet.reload()  # the count is kept, and the instances it makes, though none was typed in
        expect(tablet.locator(".instance-legend")).to_have_text(["Child 1", "Child 2", "Child 3"])
        for number, age in ((1, "9"), (2, "5"), (3, "1")):
            tablet.locator(f"#fq-child_age\\.{number}-input").fill(age)
        tablet.reload()
        expect(tablet.locator(".instance-legend")).to_have_text(["Child 1", "Child 2", "Child 3"])
        for number, age in ((1, "9"), (2, "5"), (3, "1")):
            expect(tablet.locator(f"#fq-child_age\\.{number}-input")).to_have_value(age)
        tablet.get_by_role("button", name="Back").click()
        tablet.locator("#fq-size-input").fill("2")
        tablet.reload()
        expect(tablet.locator("#fq-size-input")).to_have_value("2")
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator(".instance-legend")).to_have_text(["Child 1", "Child 2"])
        tablet.get_by_role("button", name="Next").click()
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert [row for row in stored_rows(field_app) if row[0] == "child_age"] == [
        ("child_age", "", 1, "9"),
        ("child_age", "", 2, "5"),
    ]


def test_a_draft_with_a_counted_repeat_inside_another_reopens_with_each_womans_children(browser, server, field_app):
    with field_app.app_context():
        import_survey(MOTHERS, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "mothers")
        tablet.locator("#fq-woman_name\\.1-input").fill("Ana")
        tablet.locator("#fq-children\\.1-input").fill("2")
        tablet.locator("#fq-child_name\\.1\\.1-input").fill("Leo")
        tablet.locator("#fq-child_name\\.1\\.2-input").fill("Mia")
        tablet.locator("[data-repeat-add=woman]").click()
        tablet.locator("#fq-woman_name\\.2-input").fill("Eva")
        tablet.locator("#fq-children\\.2-input").fill("1")
        tablet.locator("#fq-child_name\\.2\\.1-input").fill("Noa")
        tablet.reload()
        expect(tablet.locator("[data-instance-key='child.1'] .instance-legend")).to_have_text(["Child 1", "Child 2"])
        expect(tablet.locator("[data-instance-key='child.2'] .instance-legend")).to_have_text(["Child 1"])
        kept = {"woman_name.2": "Eva", "children.2": "1", "child_name.1.2": "Mia", "child_name.2.1": "Noa"}
        for key, value in kept.items():
            expect(tablet.locator(f"[id='fq-{key}-input']")).to_have_value(value)
        tablet.get_by_role("button", name="Next").click()
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert stored_rows(field_app) == [
        ("child_name", "1", 1, "Leo"),
        ("child_name", "1", 2, "Mia"),
        ("child_name", "2", 1, "Noa"),
        ("children", "", 1, "2"),
        ("children", "", 2, "1"),
        ("woman_name", "", 1, "Ana"),
        ("woman_name", "", 2, "Eva"),
    ]
