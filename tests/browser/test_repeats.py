"""A repeat in headless Chromium: each instance's skip logic and constraints read its own answers and number."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey

FAMILY = {
    "form_id": "family",
    "title": "Family",
    "questions": [
        {
            "name": "child",
            "type": "repeat",
            "label": "Child",
            "questions": [
                {"name": "age", "type": "integer", "label": "Age", "required": True},
                {
                    "name": "younger",
                    "type": "group",
                    "label": "Younger than the one before",
                    "relevant": "position(..) > 1",
                    "questions": [
                        {
                            "name": "gap",
                            "type": "integer",
                            "label": "Years between them",
                            "constraint": ". = indexed-repeat(${age}, ${child}, position(..) - 1) - ${age}",
                            "constraint_message": "That is not the gap between their ages",
                        }
                    ],
                },
            ],
        }
    ],
}


def test_each_instance_follows_its_own_answers_and_number(page, live_server, db):
    import_survey(FAMILY, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/family")
    first = page.locator("[data-instance='1']")
    assert first.locator("[data-group=younger]").is_hidden()  # the first child has nobody before them
    page.locator("input[name='q_age.1']").fill("9")
    with page.expect_navigation():  # without form-repeats.js, the server adds it, keeping what was typed
        page.evaluate(
            "document.querySelector('[data-repeat-add]').form.requestSubmit(document.querySelector('[data-repeat-add]'))"
        )
    second = page.locator("[data-instance='2']")
    assert page.locator("input[name='q_age.1']").input_value() == "9"
    assert second.locator("[data-group=younger]").is_visible()
    page.locator("input[name='q_age.2']").fill("5")
    gap = page.locator("input[name='q_gap.2']")
    gap.fill("3")
    gap.blur()
    assert second.locator("[data-live-error]").inner_text() == "That is not the gap between their ages"
    gap.fill("4")
    assert second.locator("[data-live-error]").is_hidden()
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text).order_by(Answer.id)).all()
    assert sorted(stored) == [("age", 1, "9"), ("age", 2, "5"), ("gap", 2, "4")]


def test_add_and_remove_work_in_the_page_and_number_the_instances_again(page, live_server, db):
    import_survey(FAMILY, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/family")
    page.locator("input[name='q_age.1']").fill("12")
    add = page.get_by_role("button", name="Add another")
    add.click()
    add.click()
    assert page.locator("[data-instance]").count() == 3 and page.locator("input[name='q_age.3']").input_value() == ""
    page.locator("input[name='q_age.2']").fill("9")
    page.locator("input[name='q_age.3']").fill("5")
    page.get_by_role("button", name="Remove Child 2").click()
    assert page.locator("[data-instance]").count() == 2
    assert page.locator("input[name='q_age.2']").input_value() == "5"
    assert page.locator("[data-instance='2'] .instance-legend").inner_text() == "Child 2"
    assert page.locator("[data-instance='2'] [data-group=younger]").is_visible()
    page.locator("input[name='q_gap.2']").fill("7")
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text).order_by(Answer.id)).all()
    assert sorted(stored) == [("age", 1, "12"), ("age", 2, "5"), ("gap", 2, "7")]


PAGED = {
    "form_id": "paged",
    "title": "Paged",
    "questions": [
        {
            "name": "kids",
            "type": "group",
            "label": "Children",
            "questions": [
                {
                    "name": "child",
                    "type": "repeat",
                    "label": "Child",
                    "questions": [
                        {
                            "name": "age",
                            "type": "integer",
                            "label": "Age",
                            "constraint": ". < 18",
                            "constraint_message": "A child is under 18",
                        }
                    ],
                }
            ],
        },
        {
            "name": "more",
            "type": "group",
            "label": "More",
            "questions": [{"name": "note", "type": "text", "label": "Anything else?"}],
        },
    ],
}


def test_next_names_the_instance_of_a_wrong_answer_in_the_page_s_summary(page, live_server, db):
    import_survey(PAGED, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/paged")
    page.locator("input[name='q_age.1']").fill("5")
    page.get_by_role("button", name="Add another").click()
    page.locator("input[name='q_age.2']").fill("30")
    page.get_by_role("button", name="Next").click()
    summary = page.locator("[data-page-summary] li")
    assert summary.all_inner_texts() == ["Child 2: Age\nA child is under 18"]


FAMILIES = {
    "form_id": "families",
    "title": "Families",
    "questions": [
        {
            "name": "woman",
            "type": "repeat",
            "label": "Woman",
            "questions": [
                {"name": "woman_name", "type": "text", "label": "Name"},
                {
                    "name": "child",
                    "type": "repeat",
                    "label": "Child",
                    "questions": [
                        {"name": "child_age", "type": "integer", "label": "Age", "required": True},
                        {
                            "name": "gap",
                            "type": "integer",
                            "label": "Years since the one before",
                            "relevant": "position(..) > 1",
                            "constraint": ". = indexed-repeat(${child_age}, ${child}, position(..) - 1) - ${child_age}",
                            "constraint_message": "That is not the gap between their ages",
                        },
                    ],
                },
            ],
        }
    ],
}


def test_a_repeat_inside_a_repeat_adds_removes_and_numbers_its_instances_within_their_outer_one(page, live_server, db):
    import_survey(FAMILIES, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/families")
    page.locator("input[name='q_woman_name.1']").fill("Ana")
    page.locator("input[name='q_child_age.1.1']").fill("12")
    page.evaluate("window.samePage = true")  # form-repeats.js changes the page; the server is not asked
    first_woman = page.locator("[data-repeat=woman] > [data-instance='1']")
    first_woman.get_by_role("button", name="Add another").click()
    assert page.locator("input[name='q_child_age.1.2']").input_value() == ""
    assert first_woman.locator("[data-instance='2'] [data-question=gap]").is_visible()
    assert first_woman.locator("[data-instance='1'] [data-question=gap]").is_hidden()  # position(..) is the child's
    page.locator("input[name='q_child_age.1.2']").fill("9")
    gap = page.locator("input[name='q_gap.1.2']")
    gap.fill("2")
    gap.blur()  # indexed-repeat() reads the children of the same woman
    assert first_woman.locator("[data-instance='2'] [data-live-error]").inner_text() == (
        "That is not the gap between their ages"
    )
    gap.fill("3")
    page.locator("[data-repeat=woman] > [data-repeat-add]").click()  # a new woman opens with one child
    second_woman = page.locator("[data-repeat=woman] > [data-instance='2']")
    assert second_woman.locator("[data-repeat=child] [data-instance]").count() == 1
    assert page.locator("input[name='q_child_age.2.1']").input_value() == ""
    assert page.locator("input[name='r_child.2']").input_value() == "1"
    page.locator("input[name='q_woman_name.2']").fill("Eva")
    page.locator("input[name='q_child_age.2.1']").fill("4")
    first_woman.get_by_role("button", name="Remove Child 1").click()
    assert page.locator("input[name='q_child_age.1.1']").input_value() == "9"  # the second child moved up
    assert page.locator("input[name='r_child.1']").input_value() == "1"
    assert page.evaluate("window.samePage === true")
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(
        select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text)
    ).all()
    assert sorted(stored) == [
        ("child_age", "1", 1, "9"),
        ("child_age", "2", 1, "4"),
        ("woman_name", "", 1, "Ana"),
        ("woman_name", "", 2, "Eva"),
    ]


HOUSEHOLD = {
    "form_id": "household",
    "title": "Household",
    "questions": [
        {"name": "people", "type": "integer", "label": "How many people live here?"},
        {
            "name": "member",
            "type": "repeat",
            "label": "Household member",
            "repeat_count": "${people}",
            "questions": [{"name": "member_name", "type": "text", "label": "Name", "required": True}],
        },
    ],
}


def test_a_counted_repeat_follows_its_count_as_typed_and_keeps_what_a_lower_count_took_away(page, live_server, db):
    import_survey(HOUSEHOLD, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/household")
    instances = page.locator("[data-repeat=member] [data-instance]")
    assert instances.count() == 0 and page.locator("[data-repeat-refresh]").is_hidden()
    people = page.locator("input[name=q_people]")
    people.fill("3")
    assert instances.count() == 3 and page.locator("input[name=r_member]").input_value() == "3"
    assert page.locator("[data-instance='3'] .instance-legend").inner_text() == "Household member 3"
    for number, name in enumerate(["Ana", "Luis", "Marta"], start=1):
        page.locator(f"input[name='q_member_name.{number}']").fill(name)
    people.fill("2")
    assert instances.count() == 2 and page.locator("input[name='q_member_name.3']").count() == 0
    people.fill("3")
    assert instances.count() == 3 and page.locator("input[name='q_member_name.3']").input_value() == "Marta"
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text)).all()
    assert sorted(stored) == [
        ("member_name", 1, "Ana"),
        ("member_name", 2, "Luis"),
        ("member_name", 3, "Marta"),
        ("people", 0, "3"),
    ]


MOTHERS = {
    "form_id": "mothers",
    "title": "Mothers",
    "questions": [
        {
            "name": "woman",
            "type": "repeat",
            "label": "Woman",
            "questions": [
                {"name": "woman_name", "type": "text", "label": "Name"},
                {"name": "children", "type": "integer", "label": "How many children?"},
                {
                    "name": "child",
                    "type": "repeat",
                    "label": "Child",
                    "repeat_count": "${children}",
                    "questions": [{"name": "child_name", "type": "text", "label": "Child's name"}],
                },
            ],
        }
    ],
}


def test_a_counted_repeat_inside_another_follows_the_count_of_its_own_outer_instance(page, live_server, db):
    import_survey(MOTHERS, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/mothers")
    page.evaluate("window.samePage = true")  # the counts are followed in the page; the server is not asked
    page.locator("input[name='q_woman_name.1']").fill("Ana")
    page.locator("input[name='q_children.1']").fill("2")
    first = page.locator("[data-repeat=woman] > [data-instance='1'] [data-repeat=child] [data-instance]")
    assert first.count() == 2 and page.locator("input[name='r_child.1']").input_value() == "2"
    page.locator("input[name='q_child_name.1.1']").fill("Leo")
    page.locator("input[name='q_child_name.1.2']").fill("Mia")
    page.locator("[data-repeat=woman] > [data-repeat-add]").click()
    page.locator("input[name='q_woman_name.2']").fill("Eva")
    page.locator("input[name='q_children.2']").fill("1")
    second = page.locator("[data-repeat=woman] > [data-instance='2'] [data-repeat=child] [data-instance]")
    assert second.count() == 1 and first.count() == 2  # each woman's count makes her own children
    page.locator("input[name='q_child_name.2.1']").fill("Noa")
    assert page.evaluate("window.samePage === true")
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(
        select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text)
    ).all()
    assert sorted(stored) == [
        ("child_name", "1", 1, "Leo"),
        ("child_name", "1", 2, "Mia"),
        ("child_name", "2", 1, "Noa"),
        ("children", "", 1, "2"),
        ("children", "", 2, "1"),
        ("woman_name", "", 1, "Ana"),
        ("woman_name", "", 2, "Eva"),
    ]


AGES = {
    "form_id": "ages",
    "title": "Ages",
    "questions": [
        {"name": "people", "type": "integer", "label": "How many people live here?"},
        {
            "name": "member",
            "type": "repeat",
            "label": "Household member",
            "repeat_count": "${people}",
            "questions": [
                {"name": "member_age", "type": "integer", "label": "Age", "constraint": ". < 120"},
                {"name": "school", "type": "text", "label": "Which school?", "relevant": "${member_age} < 18"},
            ],
        },
    ],
}


def test_instances_a_count_makes_in_the_page_check_their_answers_as_they_are_typed(page, live_server, db):
    import_survey(AGES, publish=True)
    db.session.commit()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/s/ages")
    page.locator("input[name=q_people]").fill("2")
    age = page.locator("input[name='q_member_age.2']")
    age.fill("130")
    age.blur()
    second = page.locator("[data-repeat=member] [data-instance='2']")
    assert second.locator("[data-live-error]").inner_text() == "This answer is not allowed."
    assert second.locator("[data-relevance-note]").is_hidden()  # for pages without the script
    age.fill("12")
    assert second.locator("[data-live-error]").is_hidden()
    assert second.locator("[data-question=school]").is_visible()
    assert errors == []
