"""The resident form decides on the server: relevance, constraints, choice filters, calculations."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey.models import Answer, Response, Role, Testimonial
from survey.questionnaire import parse_definition
from survey.services.demo import SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey
from survey.web.public.layout import relevance_note
from tests.conftest import count, form_data

URL = "/s/support-services"
FUTURE = (date.today() + timedelta(days=30)).isoformat()
GOOD: dict[str, str | list[str] | None] = {
    "site": "tumaco",
    "department": "narino",
    "municipality": "pasto",
    "used_services": "yes",
    "support_story": "The clinic in Pasto helped my brother, but the waiting list was long.",
    "last_visit": "2020-01-10",
    "services_used": ["clinic", "group"],
    "visits": "3",
    "distance_km": "2.5",
    "understood": "y",
    "consent": "quote",
}


def post(client, language: str = "en", **answers: str | list[str] | None):
    """Post the Kobo form with these answers over the good ones (None leaves a question out)."""
    data = {f"q_{k}": v for k, v in {**GOOD, **answers}.items() if v is not None}
    data["uuid"] = str(uuid.uuid4())
    return client.post(f"{URL}?lang={language}", data=data)


def stored_answers(db) -> dict[str, str]:
    """The only stored response's answers, by question."""
    response = db.session.scalars(select(Response)).one()
    return {a.question: a.value_text for a in response.answers}


def test_the_form_shows_groups_choices_and_the_logic_for_the_browser(client, kobo_survey):
    page = client.get(URL).get_data(as_text=True)
    assert re.search(
        r'<fieldset class="group" data-group="where">\s*<legend class="group-legend">Where you live</legend>',
        page,
    )
    assert 'data-choice-filter="${choice.department}=${department}"' in page
    assert (
        'data-choice="{&#34;choice.name&#34;: &#34;pasto&#34;, &#34;choice.department&#34;: &#34;narino&#34;}"' in page
    )
    assert 'data-relevant="${used_services} = &#39;yes&#39;"' in page
    assert 'data-constraint-message="The date cannot be in the future."' in page
    assert 'data-calculation="concat(${department}, &#39;/&#39;, ${municipality})"' in page
    assert "data-choice-labels" not in page  # only for a form whose jr:choice-name() reads them
    assert "data-tables" not in page  # only for a form whose pulldata() or instance() reads rows
    assert re.search(r'<fieldset class="field field-choice" id="q_services_used"', page)
    assert page.count('name="q_services_used" type="checkbox"') == 3
    assert 'id="q_last_visit" name="q_last_visit" type="date"' in page
    assert 'type="number"' in page  # integer and decimal
    assert "Your answers are private." in page and 'name="q_privacy_note"' not in page
    assert re.search(r'id="q_interviewer_code" [^>]*readonly type="text" value="WEB"', page)
    assert re.search(r'<script src="/static/js/expressions\.js\?v=[0-9a-f]+" defer></script>', page)
    assert re.search(r'<script src="/static/js/form-logic\.js\?v=[0-9a-f]+" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script: the CSP forbids it


def test_every_input_has_a_label(client, kobo_survey):
    page = client.get(URL).get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    assert len(ids) >= 20
    assert [i for i in ids if f'for="{i}"' not in page] == []


def test_a_valid_submission_stores_answers_as_odk_strings(client, kobo_survey, db):
    assert post(client).status_code == 302
    answers = stored_answers(db)
    assert answers["services_used"] == "clinic group"
    assert answers["place"] == "narino/pasto"  # calculated on the server
    assert answers["understood"] == "OK"
    assert answers["last_visit"] == "2020-01-10" and answers["distance_km"] == "2.5"
    assert answers["interviewer_code"] == "WEB"
    assert "privacy_note" not in answers and "support_story" not in answers  # a note informs; a testimony is kept apart
    assert db.session.scalars(select(Testimonial)).one().question == "support_story"


def test_a_hidden_question_posted_anyway_is_neither_required_nor_stored(client, kobo_survey, db):
    response = post(
        client,
        used_services="no",
        support_story="Posted although hidden",
        last_visit=FUTURE,
        services_used=["spa"],
    )
    assert response.status_code == 302
    answers = stored_answers(db)
    assert answers["used_services"] == "no"
    assert not {"support_story", "last_visit", "services_used"} & set(answers)
    assert count(Testimonial) == 0


def test_a_required_question_shows_the_forms_message_in_the_chosen_language(client, kobo_survey):
    page = post(client, "es", department=None, municipality=None).get_data(as_text=True)
    assert "Elija su departamento." in page
    assert count(Response) == 0


REFUSALS = [
    (
        {"department": "antioquia", "municipality": "pasto"},
        "'pasto' is not one of the choices.",
        "'pasto' no es una de las opciones.",
    ),
    ({"municipality": "atlantis"}, "'atlantis' is not one of the choices.", "'atlantis' no es una de las opciones."),
    ({"services_used": ["clinic", "spa"]}, "'spa' is not one of the choices.", "'spa' no es una de las opciones."),
    (
        {"site": "atlantis"},
        "'atlantis' is not a community Voces knows.",
        "'atlantis' no es una comunidad que Voces conozca.",
    ),
    (
        {"support_story": "a" * 201},
        "Please write at most 200 characters.",
        "Escriba como máximo 200 caracteres.",
    ),
    (
        {"last_visit": FUTURE},
        "The date cannot be in the future.",
        "La fecha no puede estar en el futuro.",
    ),
    ({"visits": "150"}, "Between 0 and 99.", "Entre 0 y 99."),
    ({"visits": "many"}, "Not a valid integer value.", "No es un valor entero válido."),
]


@pytest.mark.parametrize(
    ("answers", "language", "message"),
    [(a, "en", en) for a, en, _ in REFUSALS] + [(a, "es", es) for a, _, es in REFUSALS],
)
def test_a_refused_answer_shows_the_message_in_the_chosen_language_and_stores_nothing(
    client, kobo_survey, answers, language, message
):
    page = post(client, language, **answers).get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert 'class="error-summary"' in page
    assert message in page.replace("&#39;", "'")
    typed = str(answers.get("support_story", GOOD["support_story"]))
    assert f"{typed}</textarea>" in page  # what was typed stays typed
    assert count(Response) == 0 and count(Answer) == 0 and count(Testimonial) == 0


def test_a_refused_value_is_repeated_as_text_and_cut_short(client, kobo_survey):
    page = post(client, municipality="<b>" + "x" * 50).get_data(as_text=True)
    assert "&lt;b&gt;" + "x" * 37 + "…&#39; is not one of the choices." in page and "<b>" not in page


def test_the_error_summary_links_to_the_first_checkbox(client, kobo_survey):
    page = post(client, services_used=["spa"]).get_data(as_text=True)
    assert 'href="#q_services_used-0"' in page and 'id="q_services_used-0"' in page


def test_a_read_only_answer_keeps_its_default_whatever_is_posted(client, kobo_survey, db):
    post(client, interviewer_code="CHANGED")
    assert stored_answers(db)["interviewer_code"] == "WEB"


def test_the_example_keeps_the_support_story_only_from_those_who_used_support(client, example_survey, db):
    story = "The rehab centre in town took my cousin in after two weeks."
    client.post("/s/community-safety", data=form_data(support_used="no", support_experience=story))
    assert count(Testimonial) == 2 and "support_experience" not in {
        t.question for t in db.session.scalars(select(Testimonial))
    }
    client.post("/s/community-safety", data=form_data(support_used="yes", support_experience=story))
    assert story in {t.raw_text for t in db.session.scalars(select(Testimonial))}


def test_the_example_limits_the_support_story_in_the_residents_language(client, example_survey):
    page = client.post(
        "/s/community-safety?lang=es",
        data=form_data(support_used="yes", support_experience="a" * 2001),
    ).get_data(as_text=True)
    assert "Por favor escriba menos de 2.000 caracteres." in page
    assert count(Response) == 0


def test_each_missing_answer_in_the_summary_names_its_question(client, kobo_survey):
    page = post(client, "es", site=None, consent=None, support_story=None).get_data(as_text=True)
    summary = page[page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))]
    lines = re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
    questions = ("¿En qué comunidad vive?", "¿Cómo le fue?", "¿Cómo podemos usar sus palabras?")
    for line, question in zip(lines, questions, strict=True):
        assert question in line


def test_a_decimal_answer_is_stored_with_its_number_as_a_whole_number_is(client, kobo_survey, db):
    assert post(client, distance_km="2.5", visits="3").status_code == 302
    numbers = {a.question: a.value_number for a in db.session.scalars(select(Answer))}
    assert numbers["distance_km"] == 2.5 and numbers["visits"] == 3


def test_spanish_reads_the_decimal_comma_and_stores_the_number(client, kobo_survey, db):
    page = client.get(f"{URL}?lang=es").get_data(as_text=True)
    assert re.search(
        r'<input autocomplete="off" id="q_distance_km" inputmode="decimal" name="q_distance_km" type="text"', page
    )
    assert post(client, "es", distance_km="2,5").status_code == 302
    answer = db.session.scalars(select(Answer).where(Answer.question == "distance_km")).one()
    assert (answer.value_text, answer.value_number) == ("2.5", 2.5)


def test_a_wrong_decimal_is_refused_in_the_language_and_kept_as_typed(client, kobo_survey, db):
    page = post(client, "es", distance_km="2,5,1").get_data(as_text=True)
    assert "No es un número decimal válido." in page and 'value="2,5,1"' in page
    english = post(client, "en", distance_km="2,5").get_data(as_text=True)  # English writes a point
    assert "Not a valid decimal value." in english and 'value="2,5"' in english
    assert count(Response) == 0


def test_without_javascript_a_conditional_question_says_when_it_applies(client, kobo_survey):
    english = client.get(f"{URL}?lang=en").get_data(as_text=True)
    note = "Answer only if you answered “Yes” to “Have you used addiction support services in the last year?”"
    assert english.count(note) == 3  # support_story, last_visit, services_used
    spanish = client.get(f"{URL}?lang=es").get_data(as_text=True)
    assert (
        "Responda solo si respondió “Sí” a “¿Ha usado servicios de apoyo para las adicciones en el último año?”"
        in spanish
    )
    assert re.search(r'aria-describedby="q_support_story-note q_support_story-hint"', spanish)


def test_a_condition_not_on_one_choice_gets_the_general_sentence(app, kobo_survey):
    definition = parse_definition(kobo_survey.definition)
    with app.test_request_context("/?lang=es"):
        assert relevance_note("${visits} > 3", definition, "es") == (
            "Responda solo si le corresponde según sus respuestas anteriores."
        )


def test_a_calculated_label_is_given_in_the_language_of_the_page_and_stored_so(client, db, tmp_path):
    from tests.services.test_xlsform import SURVEY, write_xlsform  # imported late: pytest rewrites it first

    calculation = "jr:choice-name(${used_services}, '${used_services}')"
    named = {"type": "calculate", "name": "used_label", "calculation": calculation}
    upsert_sites_from_file(SITES_FILE)
    import_survey(read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=[*SURVEY, named])).definition, publish=True)
    db.session.commit()
    page = client.get(f"{URL}?lang=es").get_data(as_text=True)
    assert 'data-choice-labels="{&#34;yes&#34;: &#34;Sí&#34;, &#34;no&#34;: &#34;No&#34;}"' in page
    assert post(client, language="es").status_code == 302
    assert stored_answers(db)["used_label"] == "Sí"


def test_the_page_carries_the_rows_the_form_looks_up_in_its_language(client, db, tmp_path, make_user, login):
    from tests.services.test_xlsform_data import FILES, form  # the household follow-up and its CSV files

    upsert_sites_from_file(SITES_FILE)
    import_survey(read_survey(form(tmp_path), FILES).definition, publish=True)
    db.session.commit()

    def read_tables() -> dict:
        page = client.get("/s/household-follow-up?lang=es").get_data(as_text=True)
        tables = re.search(r'data-tables="([^"]*)"', page)
        assert tables is not None
        return json.loads(html.unescape(tables.group(1)))

    anyone = read_tables()  # a resident's page, open to anyone: the form's own lists, not its files
    assert sorted(anyone) == ["villages"] and anyone["villages"][1] == {"name": "el_charco", "label": "El Charco"}
    login(make_user(Role.FIELD_WORKER))
    read = read_tables()
    assert sorted(read) == ["clinics", "households", "villages"]  # not the clinic list no expression reads
    assert read["households"][1]["head"] == "Luis Angulo"
