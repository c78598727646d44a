"""pulldata() and instance('name')/root/item[...] on the web form and on the tablet, as the answers are given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Response, Role, SurveyVersion
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey
from tests.conftest import PASSWORD, SITES_FILE
from tests.services.test_xlsform_data import FILES, form

JS = Path(__file__).resolve().parents[2] / "survey" / "static" / "js"
NOTE = "[data-question=head_note]"

RESOLVE = """([definition, answers]) => {
  const Q = window.VocesQuestionnaire;
  const form = Q.compile(definition);
  const state = Q.resolve(form, answers, undefined, {}, 'en');
  return [state.values.head, state.values.village_label, state.values.clinic_beds, state.relevant.clinic];
}"""


@pytest.fixture
def follow_up(tmp_path: Any) -> SurveyVersion:
    """The household follow-up of tests/services/test_xlsform_data.py, with its CSV files, published."""
    upsert_sites_from_file(SITES_FILE)
    version = import_survey(read_survey(form(tmp_path), FILES).definition, publish=True)
    _db.session.commit()
    return version


def test_the_web_form_shows_the_pulled_value_and_filters_by_it(page, live_server, follow_up, make_user):
    field_worker = make_user(Role.FIELD_WORKER)  # the households' rows are for those who collect
    _db.session.commit()
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(field_worker.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/s/household-follow-up")
    note = page.locator(NOTE)
    expect(note).to_be_hidden()  # no household yet: nothing pulled, so the note does not apply
    page.locator("#q_hh_id").fill("H-002")
    page.locator("#q_hh_id").blur()
    expect(note).to_be_visible()
    expect(note).to_contain_text("Head of household: Luis Angulo (El Charco)")
    clinics = page.locator("[data-question=clinic] input[type=radio]")
    visible = [clinics.nth(i).get_attribute("value") for i in range(clinics.count()) if clinics.nth(i).is_visible()]
    assert visible == ["c2"]
    page.locator("#q_hh_id").fill("H-999")
    page.locator("#q_hh_id").blur()
    expect(note).to_be_hidden()  # a code not in the file pulls nothing, as in ODK
    expect(page.locator("[data-question=clinic]")).to_be_hidden()


def test_the_tablet_reads_the_files_it_downloaded_with_the_form(page, tmp_path):
    definition = read_survey(form(tmp_path), FILES).definition
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(JS / "expressions.js"))
    page.add_script_tag(path=str(JS / "field" / "questionnaire.js"))
    answers = {"hh_id": "H-002", "clinic": "c2"}
    assert page.evaluate(RESOLVE, [definition, answers]) == ["Luis Angulo", "El Charco", "40", True]
    assert page.evaluate(RESOLVE, [definition, {"hh_id": "nope"}]) == ["", "", "", False]


def test_a_resident_answers_without_the_files_and_the_server_pulls_what_they_give(page, live_server, follow_up):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/s/household-follow-up")
    assert "Luis Angulo" not in page.content()  # the baseline's households are not in a page anyone opens
    page.locator("#q_hh_id").fill("H-002")
    page.locator("#q_hh_id").blur()
    expect(page.locator(NOTE)).to_be_hidden()  # nothing to pull from in the page
    page.locator("#q_story").fill("Better since the clinic opened.")
    page.locator("#q_site").select_option(index=1)
    page.locator("[data-page-finish]").click()  # to the answers to check, worked out by the server
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()
    assert errors == []
    [response] = _db.session.scalars(select(Response)).all()
    answers = {a.question: a.value_text for a in response.answers}
    assert answers["head"] == "Luis Angulo" and answers["story"] == "Better since the clinic opened."
