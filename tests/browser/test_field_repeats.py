"""Repeats on the tablet: a household filled offline, each instance checked, then stored as the web form stores it."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, responses, tablet_page
from tests.web.test_api_repeats import HOMES, PLOTS
from tests.web.test_nested_repeats import FAMILIES
from tests.web.test_openrosa_repeats import STORED
from tests.web.test_repeats import COUNTED, HOUSEHOLD


def start(tablet, slug: str) -> None:
    tablet.locator(f"[data-survey={slug}]").click()
    tablet.get_by_label("Guaviare").check()
    tablet.get_by_label("In person").check()
    tablet.get_by_label("Their words may be quoted", exact=True).check()
    tablet.get_by_role("button", name="Next").click()


def stored_rows(field_app) -> list[tuple[str, str, int, str]]:
    with field_app.app_context():
        query = select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text)
        return sorted(tuple(row) for row in db.session.execute(query))


def test_a_household_of_two_filled_offline_is_sent_when_signal_returns_and_stored_per_member(
    browser, server, field_app
):
    with field_app.app_context():
        import_survey(HOUSEHOLD, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "household")
        next_screen = tablet.get_by_role("button", name="Next")
        tablet.locator("#fq-village-input").fill("Alto")
        next_screen.click()
        expect(tablet.locator(".instance-legend")).to_have_text(["Household member 1"])  # one opened, as ODK opens it
        tablet.locator("#fq-member_name\\.1-input").fill("Ana")
        tablet.locator("#fq-member_age\\.1-input").fill("40")
        tablet.get_by_role("button", name="Add another").click()
        expect(tablet.locator("#fq-member_name\\.2-input")).to_be_focused()
        tablet.locator("#fq-member_age\\.2-input").fill("130")
        next_screen.click()  # member 2 has no name and is too old: each error says which member
        summary = tablet.locator("[data-error-list]")
        expect(summary).to_contain_text("Household member 2: This question needs an answer.")
        expect(summary).to_contain_text("Household member 2: Too old")
        tablet.locator("#fq-member_name\\.2-input").fill("Luis")
        tablet.locator("#fq-member_age\\.2-input").fill("9")
        tablet.get_by_role("button", name="Add another").click()
        tablet.get_by_role("button", name="Remove Household member 3").click()
        expect(tablet.locator(".instance-legend")).to_have_text(["Household member 1", "Household member 2"])
        next_screen.click()  # to the answers to check, each member under its own title
        expect(tablet.locator("[data-review-instance]")).to_have_text(["Household member 1", "Household member 2"])
        expect(tablet.locator("[data-review='member_name.2'] .review-answer")).to_have_text("Luis")
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        expect(count(tablet, "pending")).to_have_text("1")
        tablet.reload()  # kept in IndexedDB, not in the page
        expect(count(tablet, "pending")).to_have_text("1")
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert len(responses(field_app)) == 1
    assert stored_rows(field_app) == [
        ("member_age", "", 1, "40"),
        ("member_age", "", 2, "9"),
        ("member_name", "", 1, "Ana"),
        ("member_name", "", 2, "Luis"),
        ("member_number", "", 1, "1"),
        ("member_number", "", 2, "2"),
        ("village", "", 0, "Alto"),
    ]


def test_a_repeat_count_makes_as_many_instances_as_the_number_typed(browser, server, field_app):
    with field_app.app_context():
        import_survey(COUNTED, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "counted")
        tablet.locator("#fq-size-input").fill("3")
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator(".instance-legend")).to_have_text(["Child 1", "Child 2", "Child 3"])
        expect(tablet.get_by_role("button", name="Add another")).to_have_count(0)
        for number, age in ((1, "9"), (2, "5"), (3, "1")):
            tablet.locator(f"#fq-child_age\\.{number}-input").fill(age)
        tablet.get_by_role("button", name="Back").click()
        tablet.locator("#fq-size-input").fill("2")
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


def test_children_inside_each_woman_are_asked_in_her_instance_and_stored_with_her_number(browser, server, field_app):
    with field_app.app_context():
        import_survey(FAMILIES, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "families")
        tablet.locator("#fq-village-input").fill("Alto")
        tablet.get_by_role("button", name="Next").click()
        tablet.locator("#fq-woman_name\\.1-input").fill("Ana")
        tablet.locator("#fq-child_name\\.1\\.1-input").fill("Leo")
        tablet.locator("[data-repeat-add=woman]").click()
        tablet.locator("#fq-woman_name\\.2-input").fill("Eva")
        tablet.locator("#fq-child_name\\.2\\.1-input").fill("Mia")
        tablet.locator("[data-repeat-add='child.2']").click()
        expect(tablet.locator("[data-instance-key='child.2'] .instance-legend")).to_have_text(["Child 1", "Child 2"])
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-error-list]")).to_contain_text("Woman 2 › Child 2: This question needs an answer.")
        tablet.locator("#fq-child_name\\.2\\.2-input").fill("Noa")
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-review-instance]")).to_have_text(
            ["Woman 1", "Woman 1 › Child 1", "Woman 2", "Woman 2 › Child 1", "Woman 2 › Child 2"]
        )
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert stored_rows(field_app) == STORED


def test_members_asked_inside_the_groups_of_the_home_screen_follow_the_groups_relevance(browser, server, field_app):
    with field_app.app_context():
        import_survey(HOMES, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "homes")
        members = tablet.locator("[data-repeat=member]")
        expect(tablet.locator("[data-group=home] > h2")).to_have_text("The home")  # one screen for the group
        expect(members).to_be_hidden()  # inside a group that does not apply yet
        tablet.locator("#fq-village-input").fill("Alto")
        tablet.locator("#fq-shared").get_by_label("Yes").check()
        expect(members).to_be_visible()
        expect(tablet.locator(".instance-legend")).to_have_text(["Member 1"])
        tablet.locator("#fq-member_name\\.1-input").fill("Ana")
        job = tablet.locator("#fq-member_job\\.1-input")
        expect(job).to_be_hidden()
        tablet.locator("#fq-member_age\\.1-input").fill("40")
        expect(tablet.locator("label[for='fq-member_job.1-input']")).to_contain_text("What does Ana do in Alto?")
        tablet.get_by_role("button", name="Add another").click()
        tablet.locator("#fq-member_name\\.2-input").fill("Leo")
        tablet.locator("#fq-member_age\\.2-input").fill("9")
        expect(tablet.locator("#fq-member_job\\.2-input")).to_be_hidden()  # a group inside the instance, per member
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-error-list]")).to_have_text("Member 1: This question needs an answer.")
        job.fill("Farmer")
        tablet.locator("#fq-shared").get_by_label("No").check()
        expect(members).to_be_hidden()
        tablet.locator("#fq-shared").get_by_label("Yes").check()  # the members typed are still there
        expect(tablet.locator("#fq-member_name\\.2-input")).to_have_value("Leo")
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("#fq-remarks-input")).to_be_visible()
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-review-instance]")).to_have_text(["Member 1", "Member 2"])
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert stored_rows(field_app) == [
        ("member_age", "", 1, "40"),
        ("member_age", "", 2, "9"),
        ("member_job", "", 1, "Farmer"),
        ("member_name", "", 1, "Ana"),
        ("member_name", "", 2, "Leo"),
        ("shared", "", 0, "yes"),
        ("village", "", 0, "Alto"),
    ]


def test_each_plot_offers_the_crops_of_the_kind_chosen_in_that_plot(browser, server, field_app):
    with field_app.app_context():
        import_survey(PLOTS, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "plots")
        first, second = tablet.locator("#fq-plot_crop\\.1"), tablet.locator("#fq-plot_crop\\.2")
        expect(first.locator(".choice:visible")).to_have_count(0)  # no kind chosen: no crop fits
        tablet.locator("#fq-plot_kind\\.1").get_by_label("Food crop").check()
        expect(first.locator(".choice:visible")).to_have_text(["Maize", "Yuca"])
        first.get_by_label("Yuca").check()
        tablet.get_by_role("button", name="Add another").click()
        tablet.locator("#fq-plot_kind\\.2").get_by_label("Cash crop").check()
        expect(second.locator(".choice:visible")).to_have_text(["Cacao", "Coffee"])
        expect(first.locator(".choice:visible")).to_have_text(["Maize", "Yuca"])  # plot 1 keeps its own kind
        second.get_by_label("Cacao").check()
        tablet.locator("#fq-plot_kind\\.1").get_by_label("Cash crop").check()
        expect(first.locator(".choice:visible")).to_have_text(["Cacao", "Coffee"])
        expect(first.get_by_label("Yuca", exact=True)).not_to_be_checked()  # no longer fits its plot
        expect(second.get_by_label("Cacao")).to_be_checked()
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-error-list]")).to_have_text("Plot 1: This question needs an answer.")
        first.get_by_label("Coffee").check()
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-review='plot_crop.1'] .review-answer")).to_have_text("Coffee")
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    assert stored_rows(field_app) == [
        ("plot_crop", "", 1, "coffee"),
        ("plot_crop", "", 2, "cacao"),
        ("plot_kind", "", 1, "cash"),
        ("plot_kind", "", 2, "cash"),
    ]
