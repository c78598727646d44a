"""A repeat's new instance in the resident form, copied from the blank one the server wrote: defaults, nothing typed."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey

MEMBERS = {
    "form_id": "members",
    "title": "Members",
    "questions": [
        {
            "name": "member",
            "type": "repeat",
            "label": "Member",
            "questions": [
                {"name": "member_name", "type": "text", "label": "Name"},
                {"name": "member_town", "type": "text", "label": "Town", "default": "Tumaco"},
            ],
        }
    ],
}


def test_add_another_opens_an_instance_with_the_defaults_and_nothing_typed(page, live_server, db):
    import_survey(MEMBERS, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/members")
    page.evaluate("window.samePage = true")  # added in the page, not by the server
    add = page.get_by_role("button", name="Add another")
    page.locator("input[name='q_member_name.1']").fill("Ana")
    page.locator("input[name='q_member_town.1']").fill("Pasto")
    add.click()
    assert page.locator("input[name='q_member_town.2']").input_value() == "Tumaco"
    assert page.locator("input[name='q_member_name.2']").input_value() == ""
    page.get_by_role("button", name="Remove Member 2").click()
    page.get_by_role("button", name="Remove Member 1").click()
    add.click()  # none left to copy: the blank one still is
    assert page.locator("input[name='q_member_town.1']").input_value() == "Tumaco"
    assert page.locator("input[name=r_member]").input_value() == "1"
    page.locator("input[name='q_member_name.1']").fill("Luis")
    add.click()
    page.locator("input[name='q_member_name.2']").fill("Eva")
    assert page.evaluate("window.samePage === true")
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text)).all()
    assert sorted(stored) == [
        ("member_name", 1, "Luis"),
        ("member_name", 2, "Eva"),
        ("member_town", 1, "Tumaco"),
        ("member_town", 2, "Tumaco"),
    ]
