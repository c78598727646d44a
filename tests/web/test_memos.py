"""Memos: written on the project, a testimony, a passage or a code; searched; changed by their author only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Memo, Role, Testimonial
from survey.services.coding import code_passage
from survey.services.memos import MemoError, write_memo
from survey.services.surveys import get_survey
from tests.conftest import count, csrf_token

URL = "/evaluate/community-safety"


@pytest.fixture
def story(db, make_response):
    make_response(change_story="The clinic closed.", what_would_help="")
    return db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()


def test_memos_on_each_kind_of_thing_are_listed_searched_and_escaped(client, make_user, login, story, db):
    author = make_user(Role.EVALUATOR)
    code_passage(story, ["services"], 4, 10, author)
    db.session.commit()
    passage = story.passages[0].id
    login(author)
    for about, body in [
        ("project", "Sites differ <script>alert(1)</script>"),
        (f"testimony:{story.id}", "Ask about the clinic"),
        (f"passage:{passage}", "Clinic closures come up often"),
        ("code:services", "Services means public services"),
    ]:
        assert client.post(f"{URL}/memos", data={"about": about, "body": body}).status_code == 302
    page = client.get(f"{URL}/memos").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "On the code Services" in page and "On the project" in page
    assert "On a passage of testimony" in page
    found = client.get(f"{URL}/memos?q=clinic").get_data(as_text=True)
    assert "Ask about the clinic" in found and "Clinic closures" in found and "public services" not in found
    testimony = client.get(f"{URL}/testimonials/{story.id}").get_data(as_text=True)
    assert "Ask about the clinic" in testimony and "Clinic closures" in testimony and "Sites differ" not in testimony
    assert f'<option selected value="testimony:{story.id}">' in testimony
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "write_memo")).all()
    assert len(actions) == 4


def test_a_memo_about_another_surveys_testimony_or_an_unknown_code_is_refused(db, story, make_user, kobo_survey):
    other = get_survey(kobo_survey.survey.slug)
    for about in [f"testimony:{story.id}", "code:nope", "passage:999", "anything"]:
        with pytest.raises(MemoError):
            write_memo(other, about, "text", make_user())
    assert count(Memo) == 0


def test_only_the_author_edits_or_deletes_a_memo(client, make_user, login, db, example_survey):
    author, other = make_user(Role.EVALUATOR), make_user(Role.ADMIN)
    memo = write_memo(example_survey.survey, "project", "First thoughts", author)
    db.session.commit()
    login(other)
    assert client.get(f"{URL}/memos/{memo.id}/edit").status_code == 403
    assert client.post(f"{URL}/memos/{memo.id}/edit", data={"body": "Mine now"}).status_code == 403
    assert client.post(f"{URL}/memos/{memo.id}/delete").status_code == 403
    client.post("/auth/logout")
    login(author)
    assert "First thoughts</textarea>" in client.get(f"{URL}/memos/{memo.id}/edit").get_data(as_text=True)
    assert client.post(f"{URL}/memos/{memo.id}/edit", data={"body": "Second thoughts"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Memo, memo.id).body == "Second thoughts"
    assert client.post(f"{URL}/memos/{memo.id}/delete").status_code == 302
    assert count(Memo) == 0
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "memo")).all()
    assert sorted(actions) == ["delete_memo", "edit_memo", "write_memo"]


def test_memos_need_the_csrf_token_and_field_workers_write_none(
    client, make_user, login, example_survey, app, monkeypatch
):
    login(make_user(Role.FIELD_WORKER))
    assert client.post(f"{URL}/memos", data={"about": "project", "body": "x"}).status_code == 403
    client.post("/auth/logout")
    login(make_user(Role.EVALUATOR))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.post(f"{URL}/memos", data={"about": "project", "body": "no token"})
    assert count(Memo) == 0
    token = csrf_token(client.get(f"{URL}/memos").get_data(as_text=True))
    client.post(f"{URL}/memos", data={"about": "project", "body": "with token", "csrf_token": token})
    assert count(Memo) == 1
