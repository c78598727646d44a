"""The resident form a page at a time without JavaScript: each page checked, answers carried, a draft kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from survey.models import Response
from survey.services.surveys import import_survey
from tests.conftest import count, form_data

URL = "/s/community-safety"
PAGE_OF = {  # the example survey's groups, one page each
    "site": 1,
    "age_band": 1,
    "safe_at_night": 2,
    "dealing_seen": 2,
    "trust_police": 2,
    "support_access": 3,
    "support_used": 3,
    "support_experience": 3,
    "prevention_involvement": 4,
    "change_story": 4,
    "what_would_help": 4,
    "consent": 5,
}


def shown_page(html: str) -> int:
    """The one page section the server did not hide."""
    shown = re.findall(r'<section class="form-page" data-page="(\d+)"[^>]*?(?<!hidden)>', html)
    assert len(shown) == 1, shown
    return int(shown[0])


def turn(client: Any, page: int, step: str, url: str = URL, **answers: str | None) -> str:
    """Post the whole form, as a browser does with the other pages hidden, to turn a page."""
    data = form_data(**answers)
    return client.post(url, data={**data, "page": str(page), "step": step}).get_data(as_text=True)


def stored_answers(response: Response) -> dict[str, object]:
    return {a.question: (a.value_text, a.value_number) for a in response.answers}


def test_each_group_is_a_page_with_its_progress_in_both_languages(client, example_survey):
    page = client.get(URL).get_data(as_text=True)
    assert page.count('<section class="form-page"') == 5
    assert shown_page(page) == 1
    assert "Page 1 of 5" in page and '<progress max="5" value="1"' in page
    assert 'value="next"' in page and 'value="review"' in page
    spanish = client.get(URL + "?lang=es").get_data(as_text=True)
    assert "Página 2 de 5" in spanish and ">Siguiente<" in spanish and ">Atrás<" in spanish


def test_a_form_without_groups_stays_one_page(client, example_survey, db):
    definition = dict(example_survey.definition, form_id="flat", version="1")
    definition["questions"] = [q for group in definition["questions"] for q in group["questions"]]
    import_survey(definition, publish=True)
    db.session.commit()
    page = client.get("/s/flat").get_data(as_text=True)
    assert "form-page" not in page and 'value="next"' not in page
    assert "How safe do you feel walking alone in your area at night?" in page


def test_next_checks_only_the_page_being_left_and_keeps_what_was_typed(client, example_survey):
    page = turn(client, 1, "next", site=None, safe_at_night=None, change_story="Más tranquilo <b>ahora</b>")
    assert shown_page(page) == 1
    assert 'id="q_site-error"' in page and "Choose the community you live in.</" in page
    assert 'id="q_safe_at_night-error"' not in page  # page 2's turn comes later
    assert "Más tranquilo &lt;b&gt;ahora&lt;/b&gt;" in page
    assert count(Response) == 0


def test_next_moves_on_and_carries_the_earlier_pages_answers(client, example_survey):
    page = turn(client, 1, "next", safe_at_night=None)
    assert shown_page(page) == 2
    assert "error-summary" not in page  # page 2 is not judged before the resident has seen it
    assert re.search(r'value="tumaco"\s+selected|selected\s+value="tumaco"', page)
    assert "There are more shootings at night" in page  # a later page's answer, carried as well
    assert 'name="page" value="2"' in page


def test_back_keeps_answers_even_wrong_ones(client, example_survey):
    page = turn(client, 3, "back", site=None, change_story="Todo sigue igual.")
    assert shown_page(page) == 2
    assert "error-summary" not in page
    assert "Todo sigue igual." in page


def test_a_page_whose_questions_do_not_apply_is_skipped_both_ways(client, example_survey, db):
    definition = dict(example_survey.definition, form_id="skipping", version="1")
    groups = [dict(group) for group in definition["questions"]]
    groups[1]["relevant"] = "${age_band} != '60+'"  # safety questions only for those under 60
    definition["questions"] = groups
    import_survey(definition, publish=True)
    db.session.commit()
    assert shown_page(turn(client, 1, "next", "/s/skipping", age_band="60+")) == 3
    assert shown_page(turn(client, 3, "back", "/s/skipping", age_band="60+")) == 1
    assert shown_page(turn(client, 1, "next", "/s/skipping", age_band="18-24")) == 2


def test_the_paged_walk_stores_what_one_post_stores(client, example_survey, db, app):
    assert client.post(URL, data=form_data()).status_code == 302
    walker = app.test_client()  # another browser: the same answers are not a repeat of the first
    for number in range(1, 5):
        assert shown_page(turn(walker, number, "next")) == number + 1
    review = turn(walker, 5, "review")
    assert "Check your answers" in review
    hidden = dict(re.findall(r'<input type="hidden" name="(q_\w+)" value="([^"]*)">', review))
    assert walker.post(URL, data={**form_data(), **hidden, "step": "send"}).status_code == 302
    single, paged = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert stored_answers(paged) == stored_answers(single) and "safe_at_night" in stored_answers(single)


def test_a_review_change_opens_the_page_of_its_question(client, example_survey):
    review = turn(client, 5, "review")
    assert 'formaction="?page=4#q_change_story"' in review
    page = client.post(URL + "?page=4", data={**form_data(), "step": "change"}).get_data(as_text=True)
    assert shown_page(page) == 4


def test_an_error_on_the_last_step_opens_the_page_it_is_on(client, example_survey):
    page = turn(client, 5, "review", safe_at_night=None)
    assert shown_page(page) == 2
    assert 'id="q_safe_at_night-error"' in page


def test_coming_back_restores_the_answers_with_a_notice_and_a_way_to_start_again(client, example_survey, app):
    turn(client, 1, "next", change_story="Hay más luz en el parque.")
    page = client.get(URL).get_data(as_text=True)
    notice = re.search(r'<form method="post" class="panel draft-notice"[^>]*>.*?</form>', page, re.S)
    assert notice and " hidden" not in notice.group(0).split(">")[0]
    assert "We kept your answers from" in notice.group(0) and "Start again" in notice.group(0)
    assert "Hay más luz en el parque." in page and shown_page(page) == 2

    stranger = app.test_client().get(URL).get_data(as_text=True)  # another browser: nothing of this one's
    assert "Hay más luz en el parque." not in stranger
    assert re.search(r'class="panel draft-notice"[^>]*hidden', stranger)

    assert client.post(URL, data={"step": "restart"}).status_code == 302
    again = client.get(URL).get_data(as_text=True)
    assert "Hay más luz en el parque." not in again and shown_page(again) == 1


def test_the_draft_is_forgotten_once_the_answers_are_stored(client, example_survey):
    turn(client, 1, "next", change_story="Hay más luz en el parque.")
    assert client.post(URL, data=form_data(change_story="Hay más luz en el parque.")).status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "Hay más luz en el parque." not in page
    assert re.search(r'class="panel draft-notice"[^>]*hidden', page)


def test_a_draft_of_another_version_or_past_its_time_is_not_restored(client, example_survey, app, db):
    turn(client, 1, "next", change_story="Una respuesta vieja.")
    import_survey(dict(example_survey.definition, version="2027.1"), publish=True)
    db.session.commit()
    assert "Una respuesta vieja." not in client.get(URL).get_data(as_text=True)

    turn(client, 1, "next", change_story="Una respuesta vieja.")
    hours = app.config["RESIDENT_DRAFT_HOURS"]
    app.config["RESIDENT_DRAFT_HOURS"] = 0
    try:
        assert "Una respuesta vieja." not in client.get(URL).get_data(as_text=True)
    finally:
        app.config["RESIDENT_DRAFT_HOURS"] = hours


@pytest.mark.parametrize("name", list(PAGE_OF))
def test_every_question_is_on_its_groups_page(client, example_survey, name):
    page = client.get(URL).get_data(as_text=True)
    section = re.search(rf'<section class="form-page" data-page="{PAGE_OF[name]}".*?</section>', page, re.S)
    assert section and f'name="q_{name}"' in section.group(0)
