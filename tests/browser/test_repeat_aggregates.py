"""sum() and count() over a repeat in headless Chromium: a label and a relevance follow the instances as they change."""

from __future__ import annotations

import copy
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey
from tests.questionnaire.test_aggregates import REPEAT_CASES

CHILDREN = {
    "form_id": "children",
    "title": "Children",
    "questions": [
        {
            "name": "child",
            "type": "repeat",
            "label": "Child",
            "questions": [
                {"name": "child_name", "type": "text", "label": "Name"},
                {"name": "child_age", "type": "integer", "label": "Age"},
            ],
        },
        {"name": "total", "type": "calculate", "calculation": "sum(${child_age})"},
        {"name": "years", "type": "text", "label": "Together they are ${total} years old: anything to add?"},
        {"name": "crowded", "type": "text", "label": "How do you all fit?", "relevant": "count(${child_name}) > 2"},
    ],
}


def test_adding_an_instance_updates_a_sum_in_a_label_and_a_count_in_a_relevance(page, live_server, db):
    import_survey(CHILDREN, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/children")
    total = page.locator("[data-question=years] [data-output=total]")  # on the page after the repeat's
    crowded = page.locator("[data-question=crowded]")
    page.locator("input[name='q_child_name.1']").fill("Ana")
    page.locator("input[name='q_child_age.1']").fill("4")
    expect(total).to_have_text("4")
    add = page.get_by_role("button", name="Add another")
    add.click()
    expect(total).to_have_text("NaN")  # the new child's age is not given yet: ODK's sum() says NaN
    page.locator("input[name='q_child_name.2']").fill("Leo")
    page.locator("input[name='q_child_age.2']").fill("9")
    page.get_by_role("button", name="Next").click()
    expect(total).to_be_visible()
    expect(total).to_have_text("13")
    expect(crowded).to_be_hidden()
    page.get_by_role("button", name="Back").click()
    add.click()
    page.locator("input[name='q_child_name.3']").fill("Eva")
    page.locator("input[name='q_child_age.3']").fill("12")
    page.get_by_role("button", name="Next").click()
    expect(total).to_have_text("25")
    expect(crowded).to_be_visible()  # three children now
    page.locator("input[name='q_crowded']").fill("bunk beds")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Remove Child 3").click()
    page.get_by_role("button", name="Next").click()
    expect(total).to_have_text("13")
    expect(crowded).to_be_hidden()
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.value_text).where(Answer.instance == 0)).all()
    assert sorted(stored) == [("total", "13")]  # crowded no longer applies: what was typed there is not kept


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
                    "questions": [{"name": "child_age", "type": "integer", "label": "Age"}],
                },
                {"name": "her_children", "type": "calculate", "calculation": "count(${child_age})"},
                {"name": "help", "type": "text", "label": "Help with her ${her_children} children?"},
            ],
        }
    ],
}


def test_a_count_in_each_outer_instance_reads_only_its_own_nested_instances(page, live_server, db):
    import_survey(FAMILIES, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/families")
    first = page.locator("[data-instance='1']").first
    first.locator("input[name='q_woman_name.1']").fill("Ana")
    expect(first.locator("[data-output=her_children]")).to_have_text("1")  # the server opens one child
    first.get_by_role("button", name="Add another").click()
    expect(first.locator("[data-output=her_children]")).to_have_text("2")
    page.get_by_role("button", name="Add another").last.click()  # a second woman, with one child of her own
    help_of = "[data-question=help][data-field='q_help.{}'] [data-output=her_children]"
    expect(page.locator(help_of.format(2))).to_have_text("1")
    expect(page.locator(help_of.format(1))).to_have_text("2")


def test_a_repeat_that_no_longer_applies_counts_for_nothing_as_on_the_server(page, live_server, db):
    kids = {
        "form_id": "kids",
        "title": "Kids",
        "questions": [
            {"name": "has_kids", "type": "text", "label": "Any children? (yes or no)"},
            {
                "name": "child",
                "type": "repeat",
                "label": "Child",
                "relevant": "${has_kids} = 'yes'",
                "questions": [{"name": "child_age", "type": "integer", "label": "Age"}],
            },
            {"name": "kids", "type": "calculate", "calculation": "count(${child})"},
            {"name": "said", "type": "text", "label": "You told us of ${kids} children: anything to add?"},
        ],
    }
    import_survey(kids, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/kids")
    told = page.locator("[data-question=said] [data-output=kids]")
    page.locator("input[name='q_has_kids']").fill("yes")
    page.get_by_role("button", name="Add another").click()  # the first child, from the blank one in the page
    page.locator("input[name='q_child_age.1']").fill("4")
    page.get_by_role("button", name="Add another").click()
    page.locator("input[name='q_child_age.2']").fill("9")
    expect(told).to_have_text("2")
    page.locator("input[name='q_has_kids']").fill("no")
    page.locator("input[name='q_has_kids']").blur()
    expect(told).to_have_text("0")  # the server stores 0: the children typed before no longer apply


def with_notes(form: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """The form with a note showing each named answer (name, or name.2 in an instance) beside its question."""
    form = copy.deepcopy(form)

    def add(questions: list[dict[str, Any]], name: str) -> bool:
        if any(q["name"] == name for q in questions):
            questions.append({"name": f"show_{name}", "type": "note", "label": f"${{{name}}}"})
            return True
        return any(add(q.get("questions", []), name) for q in questions)

    for name in sorted({key.partition(".")[0] for key in keys}):
        add(form["questions"], name)
    return form


def posted(case: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields the web form posts for a case's answers; the page comes back as after "Update after my answers"."""
    fields = [("step", "instances"), ("page", "1")]
    fields += [(f"q_{name}", value) for name, value in case["answers"].items()]
    for key, instances in case["instances"].items():
        parent = key.partition(".")[2]
        fields.append((f"r_{key}", str(len(instances))))
        for position, instance in enumerate(instances, start=1):
            path = f"{parent}.{position}" if parent else str(position)
            fields += [(f"q_{name}.{path}", value) for name, value in instance.items()]
    return fields


POST = """([action, fields]) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  for (const [name, value] of fields) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""
# What form-logic.js writes into each note, once the server's own writing is wiped out.
SHOWN = """(keys) => {
  document.querySelectorAll('[data-output]').forEach((output) => { output.textContent = '?'; });
  document.querySelector('form[data-form-logic]').dispatchEvent(new Event('input'));
  const found = {};
  for (const key of keys) {
    const [name, ...path] = key.split('.');
    let note = `[data-question="show_${name}"]`;
    if (path.length) note += `[data-field="q_show_${name}.${path.join('.')}"]`;
    const output = document.querySelector(`${note} [data-output="${name}"]`);
    found[key] = output ? output.textContent : null;
  }
  return found;
}"""


def test_the_browser_gives_what_the_shared_table_of_repeat_cases_says(page, live_server, db):
    cases = REPEAT_CASES["cases"]
    for name, form in REPEAT_CASES["forms"].items():
        keys = {key for case in cases if case["form"] == name for key in case["expected"]}
        import_survey(with_notes(form, keys), publish=True)
    db.session.commit()
    failures = []
    for case in cases:
        url = f"{live_server}/s/{REPEAT_CASES['forms'][case['form']]['form_id']}"
        page.goto(url)
        with page.expect_navigation():
            page.evaluate(POST, [url, posted(case)])
        shown = page.evaluate(SHOWN, sorted(case["expected"]))
        if shown != case["expected"]:
            failures.append(f"{case['about']}: the browser shows {shown}, expected {case['expected']}")
    assert not failures, "\n".join(failures)


def test_an_income_that_no_longer_applies_leaves_the_total_as_the_server_stores_it(page, live_server, db):
    form = with_notes(REPEAT_CASES["forms"]["earners"], {"total_income"})
    import_survey(form, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/earners")
    total = page.locator("[data-question=show_total_income] [data-output=total_income]")
    page.locator("input[name='q_works.1']").fill("yes")
    page.locator("input[name='q_income.1']").fill("100")
    page.get_by_role("button", name="Add another").click()
    page.locator("input[name='q_works.2']").fill("yes")
    page.locator("input[name='q_income.2']").fill("50")
    expect(total).to_have_text("150")
    page.locator("input[name='q_works.2']").fill("no")  # Luis does not work after all: his income is not asked
    expect(page.locator("input[name='q_income.2']")).to_be_hidden()
    expect(total).to_have_text("NaN")  # as ODK reads it, not 150
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text)).all()
    assert ("total_income", 0, "NaN") in stored and ("income", 2, "50") not in stored
