"""The sync API: one answer per record, exactly once, conflicts kept aside."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Answer, Channel, InterviewMode, Response, Role, SubmissionConflict
from survey.services.demo import SITES_FILE
from survey.services.devices import register_device, revoke_device
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey
from tests.conftest import GOOD_ANSWERS


@pytest.fixture
def token(make_user):
    device, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    _db.session.commit()
    return token


def record(**overrides):
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k not in ("site", "consent")}
    body = {
        "uuid": str(uuid.uuid4()),
        "survey": "community-safety",
        "version": "0",
        "site": "tumaco",
        "language": "es",
        "answers": answers,
        "started_at": "2026-11-20T09:00:00-05:00",
        "finished_at": "2026-11-20T09:14:00-05:00",
        "consent": "quote_anonymous",
        "mode": "in_person",
    }
    body.update(overrides)
    return body


def post(client, token, records):
    body = json.dumps({"records": records})  # ASCII escapes: a lone surrogate travels as a tablet sends it
    return client.post(
        "/api/v1/submissions", data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def version(example_survey):
    return example_survey.version


def test_records_are_created_with_who_where_and_how(client, token, version, db):
    rec = record(version=version)
    response = post(client, token, [rec])
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["status"] == "created" and result["code"] == 201 and result["receipt_code"]
    stored = db.session.scalars(select(Response)).one()
    assert stored.uuid == rec["uuid"] and stored.channel == Channel.FIELD
    assert stored.site.slug == "tumaco" and stored.mode == InterviewMode.IN_PERSON
    assert stored.consent_scope.value == "quote_anonymous"
    assert stored.interviewer_id is not None and stored.device_id is not None
    assert stored.started_at.isoformat() == "2026-11-20T14:00:00+00:00"
    assert stored.submitted_at.isoformat() == "2026-11-20T14:14:00+00:00"


def test_replaying_a_batch_stores_nothing_twice(client, token, version, db):
    batch = [record(version=version) for _ in range(3)]
    first = post(client, token, batch).json["results"]
    again = post(client, token, batch).json["results"]
    assert [r["status"] for r in first] == ["created"] * 3
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert [r["receipt_code"] for r in again] == [r["receipt_code"] for r in first]
    assert len(db.session.scalars(select(Response)).all()) == 3


def test_same_uuid_with_other_content_is_a_conflict_kept_aside(client, token, version, db):
    original = record(version=version)
    post(client, token, [original])
    changed = copy.deepcopy(original)
    changed["answers"]["change_story"] = "Something else entirely."
    result = post(client, token, [changed]).json["results"][0]
    assert result["status"] == "conflict" and result["code"] == 409
    stored = db.session.scalars(select(Response)).one()
    assert any(t.raw_text == GOOD_ANSWERS["change_story"] for t in stored_testimonials(db, stored))
    conflict = db.session.scalars(select(SubmissionConflict)).one()
    assert (
        conflict.uuid == original["uuid"] and conflict.payload["answers"]["change_story"] == "Something else entirely."
    )
    post(client, token, [changed])  # the same conflict again is not kept twice
    assert len(db.session.scalars(select(SubmissionConflict)).all()) == 1


def stored_testimonials(db, response):
    from survey.models import Testimonial

    return db.session.scalars(select(Testimonial).where(Testimonial.response_id == response.id)).all()


def test_one_bad_record_never_blocks_the_batch(client, token, version, db):
    good = record(version=version)
    bad_answers = record(version=version, answers={**record()["answers"], "safe_at_night": "9"})
    no_uuid = record(version=version, uuid="123")
    unknown_version = record(version="1999.1")
    not_an_object = "hello"
    results = post(client, token, [bad_answers, good, no_uuid, unknown_version, not_an_object]).json["results"]
    assert [r["status"] for r in results] == ["invalid", "created", "invalid", "invalid", "invalid"]
    assert "safe_at_night" in results[0]["errors"]
    assert "uuid" in results[2]["errors"] and "version" in results[3]["errors"]
    assert len(db.session.scalars(select(Response)).all()) == 1


def test_required_answers_are_checked_in_the_record_language(client, token, version):
    answers = {k: v for k, v in record()["answers"].items() if k != "change_story"}
    result = post(client, token, [record(version=version, answers=answers)]).json["results"][0]
    assert (
        result["errors"]["change_story"]
        == "Cuéntenos en pocas palabras cómo ha cambiado la vida, aunque no haya cambiado."
    )


def test_a_record_of_a_replaced_version_is_stored_against_it(client, token, example_survey, db):
    from survey.services.demo import EXAMPLE_SURVEY
    from survey.services.surveys import import_survey, read_survey_file

    old = example_survey.version
    newer = read_survey_file(EXAMPLE_SURVEY)
    newer["version"] = "2099.1"
    import_survey(newer, publish=True)
    db.session.commit()
    post(client, token, [record(version=old)])
    stored = db.session.scalars(select(Response)).one()
    assert stored.survey_version.version == old


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("finished_at", "2999-01-01T00:00:00Z"),
        ("finished_at", "1970-01-01T00:00:00Z"),
        ("started_at", "0001-01-01T00:00:00+05:00"),
        ("started_at", "9999-12-31T23:59:59-05:00"),
        ("finished_at", "yesterday"),
    ],
)
def test_times_a_tablet_clock_cannot_have_are_refused(client, token, version, field, value, db):
    result = post(client, token, [record(version=version, **{field: value})]).json["results"][0]
    assert result["status"] == "invalid" and field in result["errors"]
    assert db.session.scalars(select(Response)).all() == []


def test_a_start_after_the_finish_is_refused(client, token, version):
    rec = record(version=version, started_at="2026-11-20T10:00:00Z", finished_at="2026-11-20T09:00:00Z")
    assert "started_at" in post(client, token, [rec]).json["results"][0]["errors"]


def test_a_record_cannot_widen_the_consent_the_respondent_gave(client, token, version, db):
    rec = record(version=version, consent="quote")
    rec["answers"]["consent"] = "internal"
    result = post(client, token, [rec]).json["results"][0]
    assert result["status"] == "invalid" and "consent" in result["errors"]
    assert db.session.scalars(select(Response)).all() == []


@pytest.mark.parametrize(
    ("question", "value"),
    [("change_story", "broken emoji \ud800"), ("safe_at_night", {"a": 1}), ("age_band", ["x", {"y": 1}])],
)
def test_odd_answers_are_answered_never_a_500(client, token, version, question, value, db):
    rec = record(version=version)
    rec["answers"][question] = value
    good = record(version=version)
    response = post(client, token, [rec, good])
    assert response.status_code == 200
    statuses = [r["status"] for r in response.json["results"]]
    assert statuses[1] == "created" and statuses[0] in ("created", "invalid")


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer vdt_unknown", "Token abc"])
def test_requests_without_a_valid_token_get_401(client, header, example_survey):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/submissions", json={"records": []}, headers=headers)
    assert response.status_code == 401 and "token" in response.json["error"]


def test_a_revoked_token_stops_working(client, make_user, example_survey, db):
    user = make_user(Role.FIELD_WORKER)
    device, token = register_device(user, "lost tablet")
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoke_device(device, make_user(Role.ADMIN))
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_evaluators_device_token_is_refused(client, make_user, example_survey, db):
    _, token = register_device(make_user(Role.EVALUATOR), "laptop")
    db.session.commit()
    assert client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_surveys_gives_what_a_tablet_needs_offline(client, token, version):
    body = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).json
    [survey] = body["surveys"]
    assert survey["slug"] == "community-safety" and survey["version"] == version
    assert survey["definition"]["questions"]
    assert {"slug": "tumaco", "name": "Tumaco (Nariño, CO)"} in body["sites"]


def test_malformed_payloads_get_400_and_oversize_batches_413(client, token, example_survey):
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/submissions", data="nope", headers=headers).status_code == 400
    assert client.post("/api/v1/submissions", json={"records": {}}, headers=headers).status_code == 400
    big = client.post("/api/v1/submissions", json={"records": [{}] * 501}, headers=headers)
    assert big.status_code == 413 and "at most 500" in big.json["error"]


def test_the_api_is_rate_limited_per_token(client, token, example_survey, app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(4)]
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert codes == [200, 200, 200, 429]


def test_the_api_needs_no_csrf_token(app, token, example_survey):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post(
            "/api/v1/submissions", json={"records": []}, headers={"Authorization": f"Bearer {token}"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 200


def test_the_record_site_is_kept_when_the_survey_has_no_site_question(client, token, example_survey, db):
    from survey.services.surveys import import_survey

    data = dict(example_survey.definition)
    data["form_id"], data["version"] = "no-site", "1"
    data["questions"] = [  # the example's questions are in groups, one per page of the web form
        dict(group, questions=[q for q in group["questions"] if q.get("type") != "site"]) for group in data["questions"]
    ]
    import_survey(data, publish=True)
    db.session.commit()
    rec = record(survey="no-site", version="1", site="chilapa")
    assert post(client, token, [rec]).json["results"][0]["status"] == "created"
    assert db.session.scalars(select(Response)).one().site.slug == "chilapa"


def test_a_record_raced_by_another_request_is_answered_as_a_duplicate(client, token, version, db, monkeypatch):
    import survey.services.sync as sync

    rec = record(version=version)
    post(client, token, [rec])
    real = sync.find_responses
    calls = []

    def missed_once(uuids):  # the first look happens before the other request committed
        calls.append(uuids)
        return {} if len(calls) == 1 else real(uuids)

    monkeypatch.setattr(sync, "find_responses", missed_once)
    result = post(client, token, [rec]).json["results"][0]
    assert result["status"] == "duplicate" and len(calls) == 2
    assert len(db.session.scalars(select(Response)).all()) == 1


def test_records_are_stored_whole_with_the_sites_read_once_a_batch_and_nothing_patched(client, token, version, db):
    from sqlalchemy import event

    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    batch = [record(version=version), record(version=version, site="guaviare"), record(version=version)]
    event.listen(_db.engine, "before_cursor_execute", seen)
    try:
        assert [r["status"] for r in post(client, token, batch).json["results"]] == ["created"] * 3
    finally:
        event.remove(_db.engine, "before_cursor_execute", seen)
    assert not [s for s in statements if s.startswith("UPDATE response")]
    site_lookups = [s for s in statements if s.startswith("SELECT") and "FROM site" in s]
    assert len(site_lookups) == 1  # the known sites, read once for the checks and the stored responses alike
    stored = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert [r.site.slug for r in stored] == ["tumaco", "guaviare", "tumaco"]


def test_every_reason_for_refusing_a_record_is_worded_in_its_language(client, token, version):
    rec = record(version=version, site="atlantis", mode="bus", finished_at="yesterday")
    rec["answers"]["age_band"] = "nope"
    assert post(client, token, [rec]).json["results"][0]["errors"] == {
        "site": "'atlantis' no es una comunidad que Voces conozca.",
        "mode": "debe ser in_person o phone",
        "finished_at": "no es una fecha y hora ISO 8601",
    }
    rec = record(version=version)
    rec["answers"]["age_band"] = "nope"
    assert post(client, token, [rec]).json["results"][0]["errors"] == {"age_band": "'nope' no es una de las opciones."}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("es", {"language": "debe ser en o es"}), ("en", {"language": "must be en or es"})],
)
def test_a_record_in_a_language_voces_does_not_speak_is_answered_in_the_requests(
    client, token, version, accept, expected
):
    body = json.dumps({"records": [record(version=version, language="fr")]})
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": accept}
    response = client.post("/api/v1/submissions", data=body, content_type="application/json", headers=headers)
    assert response.json["results"][0]["errors"] == expected


def test_records_for_a_closed_survey_are_refused_with_a_reason_in_their_language(client, token, example_survey, db):
    from survey.services.surveys import close_survey

    version = example_survey.version
    close_survey(example_survey.survey)
    db.session.commit()
    results = post(client, token, [record(version=version), record(version=version, language="en")]).json["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid"]
    closed_es = "la encuesta 'community-safety' está cerrada: ya no se guarda nada para ella"
    assert results[0]["errors"] == {"survey": closed_es}
    assert results[1]["errors"] == {"survey": "survey 'community-safety' is closed: nothing more is stored for it"}
    assert db.session.scalars(select(Response)).all() == []


def test_records_for_a_draft_survey_or_a_never_published_version_are_refused(client, token, example_survey, db):
    from survey.models import SurveyStatus
    from survey.services.demo import EXAMPLE_SURVEY
    from survey.services.surveys import import_survey, read_survey_file

    unpublished = read_survey_file(EXAMPLE_SURVEY)
    unpublished["version"] = "2099.1"
    import_survey(unpublished)  # imported, not published: no tablet was ever given it
    db.session.commit()
    result = post(client, token, [record(version="2099.1", language="en")]).json["results"][0]
    assert result["status"] == "invalid"
    assert result["errors"] == {"survey": "version '2099.1' of survey 'community-safety' was never published"}
    example_survey.survey.status = SurveyStatus.DRAFT
    db.session.commit()
    result = post(client, token, [record(version=example_survey.version, language="en")]).json["results"][0]
    assert result["errors"] == {"survey": "survey 'community-safety' is not published yet: nothing is stored for it"}
    assert db.session.scalars(select(Response)).all() == []


def test_a_record_already_stored_is_still_a_duplicate_after_the_survey_closes(client, token, example_survey, db):
    from survey.services.surveys import close_survey

    rec = record(version=example_survey.version)
    assert post(client, token, [rec]).json["results"][0]["status"] == "created"
    close_survey(example_survey.survey)
    db.session.commit()
    assert post(client, token, [rec]).json["results"][0]["status"] == "duplicate"


def test_a_tablet_gets_the_files_a_form_looks_up_and_the_server_works_them_out_again(client, token, db, tmp_path):
    from tests.services.test_xlsform_data import FILES, form  # the household follow-up and its CSV files

    upsert_sites_from_file(SITES_FILE)
    version = import_survey(read_survey(form(tmp_path), FILES).definition, publish=True)
    db.session.commit()
    surveys = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).json["surveys"]
    [follow_up] = [s for s in surveys if s["slug"] == "household-follow-up"]
    assert follow_up["definition"]["data"]["households"][1]["head"] == "Luis Angulo"  # offline, on the tablet
    answers = {"hh_id": "H-002", "members": "9", "clinic": "c2", "head": "typed over"}
    sent = record(survey="household-follow-up", version=version.version, answers=answers, consent=None)
    [created] = post(client, token, [sent]).json["results"]
    assert created["status"] == "created", created
    stored = {a.question: a.value_text for a in db.session.scalars(select(Answer))}
    assert stored["head"] == "Luis Angulo" and stored["village_label"] == "El Charco" and stored["clinic_beds"] == "40"
    too_many = record(
        survey="household-follow-up", version=version.version, answers={"hh_id": "H-002", "members": "10"}
    )
    [refused] = post(client, token, [too_many]).json["results"]
    assert refused["status"] != "created" and "members" in str(refused)
