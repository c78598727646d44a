"""The tablet's own questionnaire logic against the shared table of repeat cases, and a stale answer left unsent."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from survey.extensions import db
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, tablet_page
from tests.browser.test_field_repeats import start, stored_rows
from tests.browser.test_repeat_aggregates import with_notes
from tests.questionnaire.test_aggregates import REPEAT_CASES


def outer_repeats(questions: list[dict[str, Any]], around: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Each repeat's name, with the repeats around it from the outermost."""
    found: dict[str, tuple[str, ...]] = {}
    for q in questions:
        if q["type"] == "repeat":
            found[q["name"]] = around
            found |= outer_repeats(q.get("questions", []), (*around, q["name"]))
        elif q["type"] == "group":
            found |= outer_repeats(q.get("questions", []), around)
    return found


def kept_repeats(form: dict[str, Any], instances: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    """A case's instances (keyed member, or child.2 inside the second woman) nested as the tablet keeps them."""
    chains = outer_repeats(form["questions"])
    kept: dict[str, Any] = {}
    for key in sorted(instances, key=lambda k: k.count(".")):  # outer instances before those inside them
        name, _mark, parent = key.partition(".")
        container = kept
        for outer, number in zip(chains[name], parent.split(".") if parent else [], strict=True):
            container = container[outer][int(number) - 1]
        container[name] = [dict(instance) for instance in instances[key]]
    return kept


# What questionnaire.js works out for each named value: name, or name.2 in an instance (name.2.1 nested).
RESOLVED = """([definition, answers, repeats, keys]) => {
  const Q = window.VocesQuestionnaire;
  const form = Q.compile(definition);
  const state = Q.resolve(form, answers, undefined, repeats);
  const found = {};
  for (const key of keys) {
    const [name, ...path] = key.split(Q.MARK);
    if (!path.length) {
      found[key] = state.values[name];
      continue;
    }
    const number = Number(path.pop());
    const instances = state.instances[Q.instancesKey(form.byName[name].repeat, path.join(Q.MARK))] || [];
    found[key] = instances[number - 1] ? instances[number - 1].values[name] : null;
  }
  return found;
}"""


def test_the_field_app_gives_what_the_shared_table_of_repeat_cases_says(tablet, field_app):
    with field_app.app_context():
        definitions = {name: import_survey(form).definition for name, form in REPEAT_CASES["forms"].items()}
        db.session.commit()
    failures = []
    for case in REPEAT_CASES["cases"]:
        repeats = kept_repeats(REPEAT_CASES["forms"][case["form"]], case["instances"])
        keys = sorted(case["expected"])
        found = tablet.evaluate(RESOLVED, [definitions[case["form"]], case["answers"], repeats, keys])
        if found != case["expected"]:
            failures.append(f"{case['about']}: the field app gives {found}, expected {case['expected']}")
    assert not failures, "\n".join(failures)


def test_an_income_no_longer_asked_on_the_tablet_is_neither_added_nor_stored(browser, server, field_app):
    with field_app.app_context():
        import_survey(with_notes(REPEAT_CASES["forms"]["earners"], {"total_income"}), publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        start(tablet, "earners")
        tablet.locator("#fq-member_name\\.1-input").fill("Ana")
        tablet.locator("#fq-works\\.1-input").fill("yes")
        tablet.locator("#fq-income\\.1-input").fill("100")
        tablet.get_by_role("button", name="Add another").click()
        tablet.locator("#fq-member_name\\.2-input").fill("Luis")
        tablet.locator("#fq-works\\.2-input").fill("yes")
        tablet.locator("#fq-income\\.2-input").fill("50")
        tablet.locator("#fq-works\\.2-input").fill("no")  # Luis does not work after all: his income is not asked
        expect(tablet.locator("#fq-income\\.2-input")).to_be_hidden()
        tablet.get_by_role("button", name="Next").click()
        expect(tablet.locator("[data-output=total_income]")).to_have_text("NaN")  # as the server reads it, not 150
        tablet.get_by_role("button", name="Next").click()
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    stored = stored_rows(field_app)
    assert ("total_income", "", 0, "NaN") in stored
    assert [row for row in stored if row[0] == "income"] == [("income", "", 1, "100")]
