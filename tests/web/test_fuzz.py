"""Hypothesis sends the resident form and the sync API whatever it likes: nothing gets a 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.extensions import limiter
from survey.models import Role
from survey.services.devices import register_device
from tests.conftest import GOOD_ANSWERS
from tests.web.test_api import record

URL = "/s/community-safety"
FUZZ = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
# Text a browser can send: anything but lone surrogates, with the troublemakers made likely.
typed = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from([" ", "\t", "NaN", "nan", "-inf", "1e400", "-0", "0x10", "\x00", "a\x00b", "２", "5" * 400]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | typed,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@pytest.fixture
def token(make_user, db):
    _device, token = register_device(make_user(Role.FIELD_WORKER), "fuzz tablet")
    db.session.commit()
    return token


@FUZZ
@given(
    answers=st.dictionaries(st.sampled_from(sorted(GOOD_ANSWERS)), typed, max_size=5),
    extra=st.dictionaries(st.sampled_from(["uuid", "started_at", "repeat", "q_nowhere", "lang"]), typed, max_size=3),
)
def test_the_resident_form_never_answers_5xx(client, example_survey, answers, extra):
    data = {f"q_{k}": v for k, v in {**GOOD_ANSWERS, **answers}.items()} | extra
    assert client.post(URL, data=data).status_code < 500


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["uuid", "survey", "version", "site", "language", "mode", "consent", "started_at", "answers"]),
        json_values,
        max_size=3,
    ),
    answers=st.dictionaries(st.sampled_from(sorted(GOOD_ANSWERS)), json_values, max_size=4),
)
def test_the_sync_api_never_answers_5xx_and_always_json(client, token, example_survey, fields, answers):
    limiter.reset()
    rec = record(version=example_survey.version)
    rec["answers"].update(answers)
    rec.update(fields)
    body = json.dumps({"records": [rec, record(version=example_survey.version)]})
    response = client.post(
        "/api/v1/submissions", data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code < 500 and response.is_json
    assert response.status_code != 200 or response.json["results"][1]["status"] == "created"


@FUZZ
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_api_body_gets_json_never_5xx(client, token, example_survey, body):
    limiter.reset()
    response = client.post(
        "/api/v1/submissions", data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code < 500 and response.is_json
