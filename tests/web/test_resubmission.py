"""A resend of the resident form: a double tap shows the browser's own receipt, never another's."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import Response
from tests.conftest import count, form_data

URL = "/s/community-safety"


def issued_uuid(client) -> str:
    """The form id the server gives this browser with the form."""
    page = client.get(URL).get_data(as_text=True)
    match = re.search(r'name="uuid" type="hidden" value="([0-9a-f-]{36})"', page)
    assert match, "no form id in the page"
    return match.group(1)


def send(client, **answers):
    """Open the form and send it, as a browser does."""
    data = form_data(**answers)
    data["uuid"] = issued_uuid(client)
    return client.post(URL, data=data), data


def receipt_on(page: str) -> str | None:
    match = re.search(r'id="receipt">([A-Z0-9-]+)<', page)
    return match.group(1) if match else None


def test_posting_someone_elses_uuid_stores_a_new_response_and_never_shows_their_receipt(app, example_survey, db):
    resident, intruder = app.test_client(), app.test_client()
    send(resident)
    theirs = db.session.scalars(select(Response)).one()
    data = form_data(change_story="Something else entirely.")
    data["uuid"] = theirs.uuid
    response = intruder.post(URL, data=data)
    assert response.status_code == 302
    page = intruder.get(response.headers["Location"]).get_data(as_text=True)
    assert theirs.receipt_code not in page
    mine = db.session.scalars(select(Response).where(Response.uuid != theirs.uuid)).one()
    assert receipt_on(page) == mine.receipt_code
    assert count(Response) == 2


def test_the_receipt_is_shown_once_and_not_to_the_browsers_next_user(client, example_survey, db):
    response, _ = send(client)
    first = client.get(response.headers["Location"]).get_data(as_text=True)
    assert receipt_on(first) == db.session.scalars(select(Response)).one().receipt_code
    assert receipt_on(client.get(URL + "/thanks").get_data(as_text=True)) is None
    with client.session_transaction() as session:
        assert "receipt" not in session


def test_a_double_tap_stores_once_and_shows_the_same_receipt(client, example_survey, db):
    data = form_data()
    data["uuid"] = issued_uuid(client)
    with client.session_transaction() as before:
        cookie_before = dict(before)
    first = client.post(URL, data=data)
    first_receipt = receipt_on(client.get(first.headers["Location"]).get_data(as_text=True))
    with client.session_transaction() as session:  # the second tap left with the cookie the first had
        session.clear()
        session.update(cookie_before)
    second = client.post(URL, data=data)
    assert second.status_code == 302
    assert receipt_on(client.get(second.headers["Location"]).get_data(as_text=True)) == first_receipt
    assert count(Response) == 1


def test_going_back_and_sending_the_same_answers_again_asks_before_storing_twice(client, example_survey, db):
    send(client)
    again, data = send(client)  # back: the form comes again with a new id and the same answers
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert 'id="repeat"' in page and 'name="repeat" type="hidden" value="1"' in page
    assert count(Response) == 1
    confirmed = client.post(URL, data={**data, "repeat": "1"})  # someone else with the same answers
    assert confirmed.status_code == 302
    assert count(Response) == 2


def test_other_answers_from_the_same_browser_are_a_new_response(client, example_survey, db):
    send(client)
    response, _ = send(client, change_story="The next resident at the same kiosk.")
    assert response.status_code == 302
    assert count(Response) == 2


def test_the_repeat_notice_is_in_spanish(client, example_survey, db):
    data = form_data()
    data["uuid"] = issued_uuid(client)
    client.post(URL + "?lang=es", data=data)
    data["uuid"] = issued_uuid(client)
    page = client.post(URL + "?lang=es", data=data).get_data(as_text=True)
    assert "ya se enviaron desde este navegador" in page
