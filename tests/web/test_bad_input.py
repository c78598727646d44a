"""Odd input from a browser or a tablet gets a clear message in the caller's format, never a 500."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from survey.models import Answer, Response, Role
from survey.services.devices import register_device
from survey.services.queue_files import MAX_DEPTH
from tests.conftest import count, form_data
from tests.web.test_api import post, record

URL = "/s/community-safety"
NUL_MESSAGE = "This answer holds an invisible NUL character that cannot be stored"


@pytest.fixture
def token(make_user, db):
    _device, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    db.session.commit()
    return token


def api(client, token, body, **headers):
    return client.post(
        "/api/v1/submissions",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", **headers},
    )


@pytest.mark.parametrize("value", [" ", "   ", "NaN", "nan", "Infinity", "1e400", "\t"])
def test_a_blank_or_not_a_number_five_point_answer_is_refused_on_the_page(client, example_survey, value):
    response = client.post(URL, data=form_data(safe_at_night=value))
    assert response.status_code == 200
    assert 'class="error-message"' in response.get_data(as_text=True)
    assert count(Response) == 0 and count(Answer) == 0


@pytest.mark.parametrize("value", [" ", "NaN", "inf", "1e400", "1.5"])
def test_a_blank_or_not_a_number_integer_answer_never_reaches_the_answer_table(client, kobo_survey, db, value):
    page = client.get("/s/support-services")
    assert page.status_code == 200
    response = client.post("/s/support-services", data={"q_used_services": "yes", "q_visits": value})
    assert response.status_code == 200
    assert db.session.scalars(select(Answer).where(Answer.question == "visits")).all() == []


def test_a_nul_in_a_testimony_is_refused_on_the_page_and_the_rest_kept(client, example_survey):
    response = client.post(URL, data=form_data(change_story="The clinic\x00 closed."))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and NUL_MESSAGE in page
    assert count(Response) == 0


def test_a_nul_in_a_record_is_refused_with_its_reason_and_the_batch_goes_on(client, token, example_survey, db):
    in_answer, in_field, good = (record(version=example_survey.version, language="en") for _ in range(3))
    in_answer["answers"]["change_story"] = "a\x00b"
    in_field["mode"] = "in_person\x00"
    results = post(client, token, [in_answer, in_field, good]).json["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "created"]
    assert results[0]["errors"] == {"change_story": "holds a NUL character, which cannot be stored"}
    assert results[1]["errors"] == {"mode": "holds a NUL character, which cannot be stored"}
    assert count(Response) == 1


def test_a_nul_in_an_address_or_a_form_elsewhere_is_a_400_page(client, make_user, example_survey):
    assert client.get("/?lang=es\x00").status_code == 400
    response = client.post("/auth/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400 and "text/html" in response.content_type


def test_json_nested_a_thousand_deep_gets_a_json_400(client, token, example_survey):
    deep = '{"records": ' + "[" * 1000 + "]" * 1000 + "}"
    response = api(client, token, deep)
    assert response.status_code == 400 and response.is_json
    assert f"nested more than {MAX_DEPTH} levels" in response.json["error"]
    just_too_deep = {"records": [record(version=example_survey.version, answers=json.loads("[" * 40 + "]" * 40))]}
    assert api(client, token, json.dumps(just_too_deep)).status_code == 400


def test_a_queue_file_nested_too_deep_gets_a_message(client, make_user, login, example_survey):
    login(make_user(Role.ADMIN))
    data = ('{"records": ' + "[" * 2000 + "]" * 2000 + "}").encode()
    page = client.post(
        "/admin/submissions/import",
        data={"file": (io.BytesIO(data), "queue.json")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "levels deep" in page


def test_a_request_too_large_for_the_api_gets_a_json_413(client, token, app, example_survey):
    response = api(client, token, "x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413 and response.is_json
    assert "larger than" in response.json["error"]


def test_every_api_error_is_json_even_outside_its_views(app, client, token, example_survey, monkeypatch):
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/nowhere", headers=headers).is_json
    assert client.delete("/api/v1/submissions", headers=headers).is_json

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("survey.web.api.views.ingest_batch", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post("/api/v1/submissions", json={"records": []}, headers=headers)
    assert response.status_code == 500 and response.is_json
    assert "stored nothing" in response.json["error"]
    assert "text/html" in client.get("/no-such-page").content_type  # pages stay pages


def test_the_api_answers_json_when_a_device_is_over_its_rate_limit(app, client, token, example_survey, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/me", headers=headers)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 429 and response.is_json
