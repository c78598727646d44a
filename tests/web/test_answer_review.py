"""Residents check their answers before sending; admins try a version's form without storing anything."""

from __future__ import annotations

import re

from survey.models import Response, Role, Testimonial
from tests.conftest import count, form_data

URL = "/s/community-safety"


def review(client, **answers):
    data = form_data(**answers)
    data["step"] = "review"
    return data, client.post(URL + "?lang=es", data=data)


def test_the_review_lists_the_answers_in_words_and_stores_nothing(client, example_survey, db):
    _data, response = review(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Response) == 0
    assert "Revise sus respuestas" in page
    assert "Pueden citar mis palabras" in page  # the choice's label, not its name
    assert "There are more shootings at night and the clinic closed." in page
    assert 'value="change" formaction="?page=5#q_consent"' in page  # the form opens at its page
    assert '<input type="hidden" name="q_consent" value="quote">' in page


def test_sending_from_the_review_stores_the_carried_answers(client, example_survey, db):
    _data, response = review(client, what_would_help="More light in the park.")
    page = response.get_data(as_text=True)
    carried = dict(re.findall(r'<input type="hidden" name="(q_\w+)" value="([^"]*)">', page))
    posted = {**carried, "step": "send"}
    posted["uuid"] = re.search(r'name="uuid" type="hidden" value="([^"]+)"', page).group(1)
    sent = client.post(URL, data=posted)
    assert sent.status_code == 302 and "/thanks" in sent.headers["Location"]
    stored = db.session.scalars(db.select(Testimonial).where(Testimonial.question == "what_would_help")).one()
    assert stored.raw_text == "More light in the park."
    assert {a.question: a.value_text for a in stored.response.answers}["consent"] == "quote"


def test_change_reopens_the_form_with_the_answers_kept(client, example_survey, db):
    data = form_data(what_would_help="More light in the park.")
    data["step"] = "change"
    page = client.post(URL, data=data).get_data(as_text=True)
    assert count(Response) == 0
    assert "More light in the park.</textarea>" in page
    assert 'value="review"' in page


def test_an_invalid_answer_goes_back_to_the_form_not_to_the_review(client, example_survey):
    _data, response = review(client, consent="")
    page = response.get_data(as_text=True)
    assert "Revise sus respuestas" not in page and "error-summary" in page


def test_the_preview_checks_answers_and_shows_what_would_be_stored_without_storing(
    client, make_user, login, example_survey, db
):
    login(make_user(Role.ADMIN))
    url = f"/admin/surveys/community-safety/versions/{example_survey.id}/preview"
    page = client.get(url).get_data(as_text=True)
    assert "Check these answers" in page
    data = form_data()
    shown = client.post(url, data=data).get_data(as_text=True)
    assert "This is what would be stored" in shown
    assert "You may quote my words" in shown and "A rehab centre for young people." in shown
    assert '<code class="review-stored">quote</code>' in shown  # the value stored, beside its label
    assert count(Response) == 0
    refused = client.post(url, data={**data, "q_consent": ""}).get_data(as_text=True)
    assert "This is what would be stored" not in refused and "error-summary" in refused
    assert count(Response) == 0


def test_the_preview_applies_skip_logic_and_constraints(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    url = f"/admin/surveys/community-safety/versions/{example_survey.id}/preview"
    skipped = form_data(support_used="no", support_experience="The clinic was closed.")
    shown = client.post(url, data={**skipped}).get_data(as_text=True)
    assert "This is what would be stored" in shown
    assert "The clinic was closed." not in shown.split('id="preview-answers"')[1].split("</section>")[0]
    too_long = form_data(support_used="yes", support_experience="x" * 2001)
    refused = client.post(url, data={**too_long}).get_data(as_text=True)
    assert "Please keep your answer under 2,000 characters." in refused
    assert count(Response) == 0
