"""A counted repeat in the resident form while its count is mistyped: kept through a broken count, none for none."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey

CHILDREN = {
    "form_id": "children",
    "title": "Children",
    "questions": [
        {
            "name": "size",
            "type": "decimal",
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


def test_a_count_breaking_its_constraint_keeps_the_children_typed_and_no_number_makes_none(page, live_server, db):
    import_survey(CHILDREN, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/children")
    size = page.locator("input[name=q_size]")
    instances = page.locator("[data-repeat=child] [data-instance]")
    size.fill("2")
    page.locator("input[name='q_child_name.1']").fill("Leo")
    page.locator("input[name='q_child_name.2']").fill("Mia")
    size.fill("40")  # a slip for 4: refused by the server, so not followed here
    size.blur()
    expect(page.locator("[data-question=size] [data-live-error]")).to_have_text("At most 10")
    expect(instances).to_have_count(2)
    assert page.locator("input[name=r_child]").input_value() == "2"
    assert page.locator("input[name='q_child_name.2']").input_value() == "Mia"
    size.fill("3")
    expect(instances).to_have_count(3)
    assert page.locator("input[name='q_child_name.1']").input_value() == "Leo"
    size.fill("tres")  # no number: no children, as the server reads it
    expect(instances).to_have_count(0)
    size.fill("2")  # those a count took away come back while the page is open
    expect(instances).to_have_count(2)
    assert page.locator("input[name='q_child_name.2']").input_value() == "Mia"
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text)).all()
    assert sorted(stored) == [("child_name", 1, "Leo"), ("child_name", 2, "Mia"), ("size", 0, "2")]
