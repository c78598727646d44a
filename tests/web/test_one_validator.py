"""A wrong answer gets the same words from the resident's web form and from the tablets' API."""

from __future__ import annotations

import html
import json
import re
import uuid

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Answer, Role
from survey.services.devices import register_device
from survey.services.surveys import import_survey

DEFINITION = {
    "form_id": "checks",
    "version": "1",
    "title": {"en": "Checks", "es": "Controles"},
    "choices": {"colours": [{"name": "red", "label": {"en": "Red", "es": "Rojo"}}]},
    "questions": [
        {"name": "story", "type": "text", "label": {"en": "Story", "es": "Historia"}, "required": True},
        {"name": "short", "type": "text", "label": {"en": "Short", "es": "Corto"}, "max_length": 10},
        {"name": "people", "type": "integer", "label": {"en": "People", "es": "Personas"}, "constraint": ". < 100"},
        {"name": "when", "type": "date", "label": {"en": "When", "es": "Cuándo"}},
        {"name": "colour", "type": "select_one", "label": {"en": "Colour", "es": "Color"}, "choices": "colours"},
        {
            "name": "colours",
            "type": "select_multiple",
            "label": {"en": "Colours", "es": "Colores"},
            "choices": "colours",
        },
        {"name": "where", "type": "site", "label": {"en": "Where", "es": "Dónde"}},
        {"name": "weight", "type": "decimal", "label": {"en": "Weight", "es": "Peso"}},
        {"name": "agree", "type": "acknowledge", "label": {"en": "I agree", "es": "Acepto"}, "required": True},
        {  # read-only: whatever its rules say of its default, the resident could not change it
            "name": "edition",
            "type": "integer",
            "label": {"en": "Edition", "es": "Edición"},
            "read_only": True,
            "default": "5",
            "constraint": ". < ${people}",
        },
        {"name": "home", "type": "site", "label": {"en": "Home", "es": "Casa"}, "read_only": True, "default": "gone"},
    ],
}
GOOD = {
    "story": "It got better.",
    "short": "",
    "people": "",
    "when": "",
    "colour": "",
    "colours": "",
    "where": "",
    "weight": "",
    "agree": "OK",
}
CASES = [
    ("story", "", "This question needs an answer.", "Esta pregunta necesita una respuesta."),
    ("story", " \n\t ", "This question needs an answer.", "Esta pregunta necesita una respuesta."),
    ("people", "500", "This answer is not allowed.", "Esta respuesta no está permitida."),
    ("colour", "purple", "'purple' is not one of the choices.", "'purple' no es una de las opciones."),
    ("colours", "red blue", "'blue' is not one of the choices.", "'blue' no es una de las opciones."),
    (
        "where",
        "atlantis",
        "'atlantis' is not a community Voces knows.",
        "'atlantis' no es una comunidad que Voces conozca.",
    ),
    ("short", "a" * 11, "Please keep this under 10 characters.", "Por favor, use menos de 10 caracteres."),
    ("people", "many", "Not a valid integer value.", "No es un valor entero válido."),
    ("when", "2026-13-40", "Not a valid date value.", "No es una fecha válida."),
    ("weight", "heavy", "Not a valid decimal value.", "No es un número decimal válido."),
    ("weight", "1e999", "Not a valid decimal value.", "No es un número decimal válido."),
    ("agree", "", "This question needs an answer.", "Esta pregunta necesita una respuesta."),
]


@pytest.fixture
def checks():
    version = import_survey(DEFINITION, publish=True)
    _db.session.commit()
    return version


@pytest.fixture
def token(make_user):
    _device, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    _db.session.commit()
    return token


def web_error(client, language, answers, name):
    """The message the web form shows next to one question."""
    data = {f"q_{k}": v for k, v in answers.items()} | {"uuid": str(uuid.uuid4())}
    page = client.post(f"/s/checks?lang={language}", data=data).get_data(as_text=True)
    found = re.search(rf'id="q_{name}-error"><span class="visually-hidden">[^<]*</span> ([^<]*)</p>', page)
    assert found, f"no error shown for {name}"
    return html.unescape(found.group(1))


def post_record(client, token, language, answers):
    record = {"uuid": str(uuid.uuid4()), "survey": "checks", "version": "1", "language": language}
    body = json.dumps({"records": [record | {"answers": {k: v for k, v in answers.items() if v}}]})
    response = client.post(
        "/api/v1/submissions", data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    [result] = response.json["results"]
    return result


def api_error(client, token, language, answers, name):
    """The reason the sync API gives for one question."""
    result = post_record(client, token, language, answers)
    assert result["status"] == "invalid"
    return result["errors"][name]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("name", "bad", "english", "spanish"), CASES)
def test_the_web_form_and_the_api_word_a_wrong_answer_alike(
    client, checks, token, language, name, bad, english, spanish
):
    answers = GOOD | {name: bad}
    expected = english if language == "en" else spanish
    assert web_error(client, language, answers, name) == expected
    assert api_error(client, token, language, answers, name) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Tick the box to answer."), ("es", "Marque la casilla para responder.")]
)
def test_only_a_tablet_can_send_an_acknowledgement_that_is_not_a_tick(client, checks, token, language, expected):
    # a browser's checkbox is ticked or not, so this message reaches only the API
    assert api_error(client, token, language, GOOD | {"agree": "maybe"}, "agree") == expected


def test_a_read_only_question_never_holds_back_the_form_or_the_record(client, checks, token):
    data = {f"q_{k}": v for k, v in GOOD.items()} | {"uuid": str(uuid.uuid4())}
    assert client.post("/s/checks?lang=en", data=data).status_code == 302
    assert post_record(client, token, "en", GOOD | {"edition": "7"})["status"] == "created"


def test_answers_are_kept_without_the_spaces_around_them(client, checks, token):
    padded = GOOD | {"story": "  It got better.\n", "short": " ab "}
    data = {f"q_{k}": v for k, v in padded.items()} | {"uuid": str(uuid.uuid4())}
    assert client.post("/s/checks?lang=en", data=data).status_code == 302
    assert post_record(client, token, "en", padded)["status"] == "created"
    stored = _db.session.scalars(select(Answer).where(Answer.question.in_(["story", "short"]))).all()
    assert sorted(a.value_text for a in stored) == ["It got better.", "It got better.", "ab", "ab"]


def test_the_surveys_own_words_win_in_both(client, example_survey, token):
    from tests.conftest import GOOD_ANSWERS

    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "change_story"}
    record = {
        "uuid": str(uuid.uuid4()),
        "survey": "community-safety",
        "version": example_survey.version,
        "language": "es",
        "answers": answers,
    }
    response = client.post(
        "/api/v1/submissions",
        data=json.dumps({"records": [record]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    api = response.json["results"][0]["errors"]["change_story"]
    data = {f"q_{k}": v for k, v in answers.items()} | {"uuid": str(uuid.uuid4())}
    page = client.post("/s/community-safety?lang=es", data=data).get_data(as_text=True)
    assert api == "Cuéntenos en pocas palabras cómo ha cambiado la vida, aunque no haya cambiado."
    assert api in html.unescape(page)
