"""Coding passages on the testimony page: roles, CSRF, escaping, and the form without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import CodedPassage, Role, TagSource, Testimonial
from survey.services.coding import code_passage
from tests.conftest import count, csrf_token

URL = "/evaluate/community-safety/testimonials"
STORY = "Nothing <b>changed</b> & the clinic closed."


@pytest.fixture
def story(db, make_response):
    make_response(change_story=STORY, what_would_help="")
    return db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()


def test_an_evaluator_codes_a_passage_by_its_offsets_and_sees_it_highlighted_and_escaped(
    client, make_user, login, story, db
):
    login(make_user(Role.EVALUATOR))
    start = STORY.index("<b>")
    end = start + len("<b>changed</b>")
    data = {"codes": ["trust", "safety"], "start": start, "end": end}
    assert client.post(f"{URL}/{story.id}/passages", data=data).status_code == 302
    coded = sorted((p.code_key, p.start, p.end) for p in story.passages)
    assert coded == [("safety", start, end), ("trust", start, end)]
    page = client.get(f"{URL}/{story.id}").get_data(as_text=True)
    assert 'data-codes="safety trust">&lt;b&gt;changed&lt;/b&gt;</mark>' in page  # offsets become a <mark>, escaped
    assert "<b>changed</b>" not in page
    assert 'class="legend"' in page


def test_the_whole_testimony_can_be_coded_without_a_selection(client, make_user, login, story):
    login(make_user(Role.EVALUATOR))
    assert client.post(f"{URL}/{story.id}/passages", data={"codes": ["services"], "whole": "y"}).status_code == 302
    assert [(p.start, p.end) for p in story.passages] == [(0, len(STORY))]
    assert any(t.source == TagSource.PASSAGE and t.theme == "services" and t.counts for t in story.tags)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"codes": ["safety"]}, "Select a passage"),
        ({"codes": ["safety"], "start": 4, "end": 4}, "must end after it starts"),
        ({"codes": ["safety"], "start": 4, "end": 999}, "not within the testimony"),
        ({"start": 0, "end": 4}, "Choose at least one code."),
        ({"codes": ["<script>"], "start": 0, "end": 4}, "&lt;script&gt;&#39; is not a valid choice"),
    ],
)
def test_a_bad_passage_or_code_is_refused_with_a_message(client, make_user, login, story, data, message):
    login(make_user(Role.EVALUATOR))
    response = client.post(f"{URL}/{story.id}/passages", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "<script>" not in page
    assert count(CodedPassage) == 0


def test_field_workers_code_nothing(client, make_user, login, story):
    login(make_user(Role.FIELD_WORKER))
    assert client.post(f"{URL}/{story.id}/passages", data={"codes": ["safety"], "whole": "y"}).status_code == 403
    assert count(CodedPassage) == 0


def test_a_code_is_removed_by_its_coder_or_an_admin_and_no_other_evaluator(client, make_user, login, story, db):
    coder, other = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    code_passage(story, ["safety"], 0, 7, coder)
    code_passage(story, ["trust"], 0, 7, coder)
    db.session.commit()
    first, second = (p.id for p in story.passages)
    login(other)
    page = client.get(f"{URL}/{story.id}").get_data(as_text=True)
    assert f"/passages/{first}/delete" not in page  # no button for what one may not remove
    assert client.post(f"{URL}/{story.id}/passages/{first}/delete").status_code == 403
    client.post("/auth/logout")
    login(coder)
    assert f"/passages/{first}/delete" in client.get(f"{URL}/{story.id}").get_data(as_text=True)
    assert client.post(f"{URL}/{story.id}/passages/{first}/delete").status_code == 302
    client.post("/auth/logout")
    login(make_user(Role.ADMIN))
    assert client.post(f"{URL}/{story.id}/passages/{second}/delete").status_code == 302
    db.session.expire_all()
    assert count(CodedPassage) == 0


def test_coding_and_removing_need_the_csrf_token(client, make_user, login, story, db, app, monkeypatch):
    coder = make_user(Role.EVALUATOR)
    code_passage(story, ["safety"], 0, 7, coder)
    db.session.commit()
    passage = story.passages[0].id
    login(coder)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data = {"codes": ["trust"], "whole": "y"}
    assert client.post(f"{URL}/{story.id}/passages", data=data).status_code == 400
    client.post(f"{URL}/{story.id}/passages/{passage}/delete")
    db.session.expire_all()
    assert count(CodedPassage) == 1  # neither the new code nor the removal went through
    token = csrf_token(client.get(f"{URL}/{story.id}").get_data(as_text=True))
    assert client.post(f"{URL}/{story.id}/passages", data={**data, "csrf_token": token}).status_code == 302
    assert client.post(f"{URL}/{story.id}/passages/{passage}/delete", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert [p.code_key for p in db.session.scalars(select(CodedPassage))] == ["trust"]


def test_the_coding_form_speaks_spanish(client, make_user, login, story):
    login(make_user(Role.EVALUATOR))
    page = client.get(f"{URL}/{story.id}?lang=es").get_data(as_text=True)
    assert "Aplicar código" in page and "Codificar pasajes" in page
