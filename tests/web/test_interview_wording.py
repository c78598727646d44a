"""A question may say one thing to a person who writes and another to a person who is interviewed."""

from __future__ import annotations

from survey.models import Role
from survey.questionnaire import parse_definition
from survey.questionnaire.model import missing_translations
from survey.services.demo import EXAMPLE_SURVEY
from survey.services.devices import register_device
from survey.services.surveys import read_survey_file

WROTE = "¿Cómo podemos usar lo que escribió?"
TOLD = "¿Cómo podemos usar lo que nos contó?"


def every_question(definition: dict) -> list[dict]:
    """The questions of a definition as YAML gives it, groups opened."""
    found = []
    for item in definition["questions"]:
        found.extend(every_question(item) if item.get("type") == "group" else [item])
    return found


def test_the_resident_form_asks_about_what_they_wrote(client, example_survey):
    page = client.get("/s/community-safety?lang=es").get_data(as_text=True)
    assert WROTE in page and TOLD not in page


def test_the_tablets_receive_the_interview_wording(client, make_user, example_survey, db):
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet")
    db.session.commit()
    catalogue = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).get_json()
    consent = next(q for q in every_question(catalogue["surveys"][0]["definition"]) if q["name"] == "consent")
    assert consent["interview_label"]["es"] == TOLD and consent["label"]["es"] == WROTE


def test_an_interview_label_missing_a_language_is_named():
    data = read_survey_file(EXAMPLE_SURVEY)
    consent = next(q for q in every_question(data) if q["name"] == "consent")
    del consent["interview_label"]["es"]
    notices = [n.values for n in missing_translations(parse_definition(data))]
    assert {"name": "consent", "field": "interview_label", "language": "es"} in notices
