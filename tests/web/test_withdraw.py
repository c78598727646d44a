"""/withdraw for residents and /admin/withdrawals for administrators: messages, limits, languages, decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Response, Role, WithdrawalRequest, WithdrawalStatus
from survey.services.withdrawals import request_withdrawal
from tests.conftest import count, form_data

UNKNOWN = "ZZZZ-2345"  # well formed; the tests' few responses almost surely hold another


def ask(client, code: str, address: str = "192.0.2.1"):
    return client.post("/withdraw", data={"code": code}, environ_base={"REMOTE_ADDR": address})


def test_residents_find_the_page_from_the_home_page_and_their_receipt(client, example_survey):
    assert 'href="/withdraw"' in client.get("/").get_data(as_text=True)
    thanks = client.get(client.post("/s/community-safety", data=form_data()).headers["Location"])
    assert 'href="/withdraw"' in thanks.get_data(as_text=True)


def test_the_page_in_spanish(client):
    page = client.get("/withdraw?lang=es").get_data(as_text=True)
    assert "Retirar sus respuestas" in page and "Código de recibo" in page
    refused = client.post("/withdraw", data={"code": ""}).get_data(as_text=True)
    assert "Escriba el código de recibo" in refused


def test_an_empty_code_is_asked_for(client):
    page = client.post("/withdraw", data={"code": "  "})
    assert page.status_code == 200
    assert "Enter the receipt code you were given" in page.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["ABCD-23O5", "abc", "ABCD-2345-X"])
def test_a_malformed_code_is_explained_and_kept(client, typed):
    page = ask(client, typed).get_data(as_text=True)
    assert "A receipt code has 8 letters and digits, like ABCD-2345" in page
    assert f'value="{typed}"' in page
    assert count(WithdrawalRequest) == 0


def test_an_unknown_code_is_said_so_and_kept(client, make_response):
    make_response()
    page = ask(client, UNKNOWN.lower()).get_data(as_text=True)
    assert "No response has this code" in page and f'value="{UNKNOWN.lower()}"' in page
    assert count(WithdrawalRequest) == 0


def test_a_request_is_recorded_once(client, make_response):
    code = make_response().receipt_code
    first = ask(client, code.replace("-", " ").lower())
    assert first.status_code == 302
    assert "Your request is recorded" in client.get("/withdraw").get_data(as_text=True)
    again = client.post("/withdraw", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    assert "already waiting for the programme team" in again
    request = select(WithdrawalRequest)
    assert count(WithdrawalRequest) == 1
    assert client.application.extensions["sqlalchemy"].session.scalars(request).one().status == WithdrawalStatus.PENDING


def test_nothing_about_the_resident_is_kept(client, make_response, db):
    ask(client, make_response().receipt_code, address="198.51.100.7")
    assert db.session.scalars(select(AuditEvent)).all() == []  # no line, so no address, for a resident's request


def test_codes_not_found_are_rate_limited_and_the_typed_code_kept(app, client, make_response):
    code = make_response().receipt_code
    for _ in range(15):  # a code that is found is no guess: it does not count
        assert ask(client, code).status_code == 302
    limit = int(app.config["WITHDRAW_RATE_LIMIT"].split()[0])
    assert [ask(client, UNKNOWN).status_code for _ in range(limit)] == [200] * limit
    refused = ask(client, "QQQQ-7777")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many codes were tried from this connection" in page and 'value="QQQQ-7777"' in page
    assert ask(client, UNKNOWN, address="192.0.2.200").status_code == 200  # another connection is not blocked


def test_the_form_needs_a_csrf_token(app, client, make_response, monkeypatch):
    code = make_response().receipt_code
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert ask(client, code).status_code == 400
    assert count(WithdrawalRequest) == 0


@pytest.fixture
def pending(make_response, db) -> WithdrawalRequest:
    response = make_response(change_story="Only the administrators' counts should show, never this sentence.")
    request_withdrawal(response.receipt_code)
    db.session.commit()
    return db.session.scalars(select(WithdrawalRequest)).one()


def test_admins_see_requests_without_content(client, login, make_user, pending):
    login(make_user(Role.ADMIN))
    assert "(1 waiting)" in client.get("/admin/").get_data(as_text=True)
    for url in ("/admin/withdrawals", f"/admin/withdrawals/{pending.id}"):
        page = client.get(url).get_data(as_text=True)
        assert f"#{pending.id}" in page and "never this sentence" not in page


def test_confirming_needs_the_box_ticked(client, login, make_user, pending, db):
    login(make_user(Role.ADMIN))
    page = client.post(f"/admin/withdrawals/{pending.id}/confirm", data={})
    assert page.status_code == 200
    assert "Tick the box to confirm" in page.get_data(as_text=True)
    assert count(Response) == 1 and pending.status == WithdrawalStatus.PENDING


def test_declining_keeps_the_response_and_the_resident_may_ask_again(client, login, make_user, pending, db):
    admin = make_user(Role.ADMIN)
    login(admin)
    assert client.post(f"/admin/withdrawals/{pending.id}/decline").status_code == 302
    assert (pending.status, pending.decided_by_id, count(Response)) == (WithdrawalStatus.DECLINED, admin.id, 1)
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "decline_withdrawal"
    assert client.get(f"/admin/withdrawals/{pending.id}").status_code == 404  # decided: nothing more to do
    client.post("/auth/logout")
    assert ask(client, pending.response.receipt_code).status_code == 302
    assert pending.status == WithdrawalStatus.PENDING and count(WithdrawalRequest) == 1


def test_the_admin_forms_need_a_csrf_token(app, client, login, make_user, pending, monkeypatch):
    login(make_user(Role.ADMIN))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(f"/admin/withdrawals/{pending.id}/confirm", data={"understood": "y"}).status_code == 400
    assert client.post(f"/admin/withdrawals/{pending.id}/decline").status_code == 400
    assert count(Response) == 1


def test_admin_pages_in_spanish(client, login, make_user, pending):
    login(make_user(Role.ADMIN))
    page = client.get(f"/admin/withdrawals/{pending.id}?lang=es").get_data(as_text=True)
    assert "Retirar y borrar" in page and "2 testimonios" in page


def test_a_second_click_on_confirm_says_it_was_decided(client, login, make_user, pending):
    login(make_user(Role.ADMIN))
    url = f"/admin/withdrawals/{pending.id}/confirm"
    assert client.post(url, data={"understood": "y"}).status_code == 302
    again = client.post(url, data={"understood": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "That request was already decided" in again and count(Response) == 0
