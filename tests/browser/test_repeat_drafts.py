"""The resident form's draft in this browser keeps the instances added in the page, in a repeat inside another too."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey
from tests.web.test_nested_repeats import FAMILIES


def test_a_reload_brings_back_each_woman_and_child_added_with_their_names(page, live_server, db):
    import_survey(FAMILIES, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/families")
    page.locator("input[name=q_village]").fill("Alto")
    page.get_by_role("button", name="Next").click()
    page.locator("input[name='q_woman_name.1']").fill("Ana")
    page.locator("input[name='q_child_name.1.1']").fill("Leo")
    page.locator("[data-repeat=woman] > [data-repeat-add]").click()
    page.locator("input[name='q_woman_name.2']").fill("Eva")
    page.locator("input[name='q_child_name.2.1']").fill("Mia")
    page.locator("[data-repeat=woman] > [data-instance='2'] [data-repeat-add]").click()
    page.locator("input[name='q_child_name.2.2']").fill("Noa")
    page.reload()
    expect(page.locator("[data-draft-notice]")).to_be_visible()
    kept = {"q_woman_name.1": "Ana", "q_child_name.1.1": "Leo", "q_woman_name.2": "Eva", "q_child_name.2.2": "Noa"}
    for name, value in kept.items():
        expect(page.locator(f"input[name='{name}']")).to_have_value(value)
    assert page.locator("input[name=r_woman]").input_value() == "2"
    assert page.locator("input[name='r_child.2']").input_value() == "2"
    expect(page.locator("[data-instance-title] [data-instance] .instance-legend")).to_have_count(5)
    page.get_by_role("button", name="Remove Woman 1").click()  # a removal is kept too
    page.reload()
    expect(page.locator("input[name='q_woman_name.1']")).to_have_value("Eva")
    expect(page.locator("input[name='q_woman_name.2']")).to_have_count(0)
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()
    stored = db.session.execute(select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text))
    assert sorted(row for row in stored if row[0] != "child_number") == [
        ("child_name", "1", 1, "Mia"),
        ("child_name", "1", 2, "Noa"),
        ("village", "", 0, "Alto"),
        ("woman_name", "", 1, "Eva"),
    ]
