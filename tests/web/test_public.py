"""The resident's form, the thank-you page, the home page and the health check."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from survey.models import Answer, ConsentScope, Response, Testimonial
from survey.services import surveys
from survey.services.surveys import import_survey, publish_version
from tests.conftest import count, form_data

URL = "/s/community-safety"


def test_home_links_open_surveys(client, example_survey):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/s/community-safety"' in page
    assert "Community safety and wellbeing" in page


def test_home_in_spanish(client, example_survey):
    page = client.get("/?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Seguridad y bienestar en la comunidad" in page


def test_form_renders_every_question_in_english(client, example_survey):
    page = client.get(URL).get_data(as_text=True)
    assert "How safe do you feel walking alone in your area at night?" in page
    assert "In your own words, how has life in your community changed in the last year?" in page
    assert "You may quote my words, without saying where I live" in page
    assert 'name="uuid"' in page


def test_form_renders_in_spanish(client, example_survey):
    page = client.get(URL + "?lang=es").get_data(as_text=True)
    assert "¿Qué tan seguro(a) se siente caminando solo(a) por su zona de noche?" in page
    assert "Solo para uso interno: no me citen" in page


def test_language_choice_is_remembered(client, example_survey):
    client.get("/?lang=es")
    assert '<html lang="es">' in client.get(URL).get_data(as_text=True)


def test_browser_language_is_used_when_nothing_was_chosen(client, example_survey):
    page = client.get(URL, headers={"Accept-Language": "es-CO,es;q=0.9"}).get_data(as_text=True)
    assert "¿En qué comunidad vive?" in page


def test_valid_submission_is_stored_and_thanked_with_a_receipt(client, example_survey, db):
    response = client.post(URL, data=form_data())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    stored = db.session.scalars(select(Response)).one()
    assert stored.receipt_code in page
    assert stored.site.slug == "tumaco"
    assert stored.consent_scope == ConsentScope.QUOTE
    assert stored.language == "en"
    answers = {a.question: a for a in stored.answers}
    assert answers["safe_at_night"].value_number == 2
    assert {t.question for t in db.session.scalars(select(Testimonial))} == {"change_story", "what_would_help"}


def test_submission_records_the_form_start_time(client, example_survey, db):
    data = form_data()
    data["started_at"] = "2026-01-05T10:00:00+00:00"
    client.post(URL, data=data)
    stored = db.session.scalars(select(Response)).one()
    assert stored.started_at.isoformat() == "2026-01-05T10:00:00+00:00"


def test_testimony_is_analysed_on_submit(client, example_survey, db):
    client.post(URL, data=form_data(change_story="The shootings stopped. Write to me at ana@example.org"))
    testimony = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
    assert "ana@example.org" not in testimony.redacted_text
    assert "[email]" in testimony.redacted_text
    assert "ana@example.org" in testimony.raw_text
    assert "safety" in {t.theme for t in testimony.tags}
    assert testimony.analyser_version and testimony.codebook_version


def test_missing_answers_show_messages_keep_typed_text_and_store_nothing(client, example_survey, db):
    data = form_data(safe_at_night=None, consent=None, change_story="Mi calle está más tranquila <b>ahora</b>")
    page = client.post(URL, data=data).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Choose how safe you feel at night.</" in page  # the message shown, not the one kept for the browser
    assert "Choose how we may use your words.</" in page
    assert "Mi calle está más tranquila &lt;b&gt;ahora&lt;/b&gt;" in page  # kept, and escaped
    assert 'value="tumaco" selected' in page or 'selected value="tumaco"' in page
    assert count(Response) == 0 and count(Answer) == 0 and count(Testimonial) == 0


def test_error_messages_follow_the_language(client, example_survey):
    page = client.post(URL + "?lang=es", data=form_data(change_story="")).get_data(as_text=True)
    assert "Cuéntenos en pocas palabras cómo ha cambiado la vida, aunque no haya cambiado.</" in page


def test_a_choice_not_in_the_list_is_refused(client, example_survey):
    page = client.post(URL, data=form_data(safe_at_night="9", site="atlantis")).get_data(as_text=True)
    assert page.count('class="error-message"') == 2
    assert count(Response) == 0


def test_an_overlong_testimony_is_refused(client, example_survey):
    page = client.post(URL, data=form_data(change_story="a" * 5001)).get_data(as_text=True)
    assert "under 5000 characters" in page
    assert count(Response) == 0


def test_the_same_submission_twice_is_stored_once(client, example_survey, db):
    data = form_data()
    client.get(URL)
    with client.session_transaction() as session:
        data["uuid"] = session["forms_issued"][-1]
    first = client.post(URL, data=data)
    second = client.post(URL, data=data)
    assert first.status_code == second.status_code == 302
    assert count(Response) == 1


def test_a_mangled_uuid_gets_a_fresh_one(client, example_survey, db):
    data = form_data()
    data["uuid"] = "not-a-uuid"
    client.post(URL, data=data)
    assert len(db.session.scalars(select(Response)).one().uuid) == 36


def test_unknown_survey_is_404(client, example_survey):
    assert client.get("/s/no-such-survey").status_code == 404
    assert client.get("/s/no-such-survey/thanks").status_code == 404


def test_thanks_page_without_a_submission_has_no_receipt(client, example_survey):
    page = client.get(URL + "/thanks").get_data(as_text=True)
    assert 'id="receipt"' not in page
    assert "Thank you" in page


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_pages_forbid_third_party_scripts(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_each_version_of_the_form_is_parsed_once_across_requests(client, example_survey, db, monkeypatch):
    tag = uuid.uuid4().hex[:8]
    first = import_survey(dict(example_survey.definition, version=f"first-{tag}"), publish=True)
    second = import_survey(
        dict(example_survey.definition, version=f"second-{tag}", title={"en": "Second edition", "es": "Segunda"})
    )
    db.session.commit()
    parsed: list[str] = []
    parse = surveys.parse_definition
    monkeypatch.setattr(surveys, "parse_definition", lambda data: parsed.append(data["version"]) or parse(data))

    client.get(URL)
    assert client.post(URL, data=form_data()).status_code == 302
    client.get(URL)
    assert parsed == [first.version]

    publish_version(second)
    db.session.commit()
    assert "Second edition" in client.get(URL).get_data(as_text=True)
    client.get(URL)
    assert parsed == [first.version, second.version]


def field_tag(page: str, name: str) -> str:
    """The <input> or <textarea> tag of one question's field."""
    found = re.search(rf'<(?:input|textarea)\b[^>]*\bid="q_{name}"[^>]*>', page)
    assert found, f"no field for {name}"
    return found.group()


def test_a_required_question_is_marked_so_on_the_page(client, example_survey):
    page = client.get(URL).get_data(as_text=True)
    assert "(required)" in page
    assert re.search(r"\srequired[\s>]", field_tag(page, "change_story"))
    assert not re.search(r"\srequired[\s>]", field_tag(page, "what_would_help"))


def test_a_text_question_tells_the_browser_its_length_limit(client, example_survey):
    page = client.get(URL).get_data(as_text=True)
    start = page.index('id="q_change_story"')
    assert 'maxlength="5000"' in page[start - 400 : start + 400]
