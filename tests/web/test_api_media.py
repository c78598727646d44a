"""A tablet's record sent alone with its photos and recordings: stored together as the web form stores
them, or not at all, and exactly once however often it is resent."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy import select

from survey.models import Channel, MediaFile, Response, Role
from survey.services.devices import register_device
from survey.services.queue_files import import_queue_file
from survey.services.surveys import import_survey
from tests.web.test_media import DEFINITION, JPEG, OGG

REQUIRED_PHOTO = {
    "form_id": "walls",
    "version": "1",
    "title": {"en": "Walls", "es": "Muros"},
    "questions": [{"name": "wall", "type": "image", "label": {"en": "The wall", "es": "El muro"}, "required": True}],
}


@pytest.fixture
def voices(db):
    version = import_survey(DEFINITION, publish=True)
    import_survey(REQUIRED_PHOTO, publish=True)
    db.session.commit()
    return version


@pytest.fixture
def token(make_user, db):
    _device, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    db.session.commit()
    return token


def record(survey="voices", language="en", **answers):
    return {
        "uuid": str(uuid.uuid4()),
        "survey": survey,
        "version": "1",
        "language": language,
        "answers": answers,
        "consent": "internal",
        "mode": "in_person",
        "started_at": "2026-11-20T09:00:00-05:00",
        "finished_at": "2026-11-20T09:14:00-05:00",
    }


def send(client, token, rec, uuid_in_address=None, **files):
    """POST the record as the field app does: its JSON as the part "record", each file as "file.<question>"."""
    data = {"record": (io.BytesIO(json.dumps(rec).encode()), "record.json", "application/json")}
    data |= {f"file.{name}": (io.BytesIO(body), file_name, kind) for name, (body, file_name, kind) in files.items()}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    address = f"/api/v1/records/{uuid_in_address or rec['uuid']}"
    return client.post(address, data=data, content_type="multipart/form-data", headers=headers)


def stored(db):
    return db.session.scalars(select(Response)).all(), db.session.scalars(select(MediaFile)).all()


def test_a_record_and_its_files_are_stored_together_as_the_web_form_stores_them(client, voices, token, db):
    rec = record(photo="plaza.jpg", story="story.webm")
    answer = send(client, token, rec, photo=(JPEG, "plaza.jpg", "image/jpeg"), story=(OGG, "story.webm", "audio/webm"))
    assert answer.status_code == 200
    [result] = answer.get_json()["results"]
    assert result["status"] == "created" and result["receipt_code"]
    [response], media = stored(db)
    assert response.uuid == rec["uuid"] and response.channel == Channel.FIELD and response.device_id is not None
    files = {m.question: m for m in media}
    photo = files["photo"]
    assert (photo.file_name, photo.content_type, photo.data) == ("plaza.jpg", "image/jpeg", JPEG)
    assert not files["photo"].to_transcribe
    assert files["story"].data == OGG and files["story"].content_type == "audio/webm"
    assert files["story"].to_transcribe  # a recorded testimony waits for its text, as from the web form


def test_a_resend_after_a_dropped_connection_is_a_duplicate_and_keeps_no_second_file(client, voices, token, db):
    rec = record(photo="plaza.jpg")
    first = send(client, token, rec, photo=(JPEG, "plaza.jpg", "image/jpeg")).get_json()["results"][0]
    again = send(client, token, rec, photo=(JPEG, "plaza.jpg", "image/jpeg")).get_json()["results"][0]
    assert first["status"] == "created"
    assert again["status"] == "duplicate" and again["receipt_code"] == first["receipt_code"]
    responses, media = stored(db)
    assert len(responses) == 1 and len(media) == 1


def test_a_resend_is_a_duplicate_even_when_the_size_limit_fell_since(client, voices, token, db, app, monkeypatch):
    rec = record(photo="plaza.jpg")
    send(client, token, rec, photo=(JPEG, "plaza.jpg", "image/jpeg"))
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 1000)
    again = send(client, token, rec, photo=(JPEG, "plaza.jpg", "image/jpeg"))
    assert again.status_code == 200 and again.get_json()["results"][0]["status"] == "duplicate"
    assert len(stored(db)[1]) == 1


def test_no_device_token_or_a_role_that_does_not_collect_stores_nothing(client, voices, make_user, db):
    rec = record(photo="plaza.jpg")
    assert send(client, None, rec, photo=(JPEG, "plaza.jpg", "image/jpeg")).status_code == 401
    _device, evaluators = register_device(make_user(Role.EVALUATOR), "an evaluator's laptop")
    db.session.commit()
    assert send(client, evaluators, rec, photo=(JPEG, "plaza.jpg", "image/jpeg")).status_code == 401
    assert stored(db) == ([], [])


def test_a_file_over_the_size_limit_is_a_413_and_its_record_is_not_kept(client, voices, token, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 1000)
    rec = record(photo="plaza.jpg")
    answer = send(client, token, rec, photo=(JPEG, "plaza.jpg", "image/jpeg"))
    assert answer.status_code == 413
    [result] = answer.get_json()["results"]
    assert result["status"] == "invalid" and "larger than" in result["errors"]["photo"]
    assert stored(db) == ([], [])


def test_a_photo_larger_than_a_batch_may_be_is_stored_with_its_record(client, voices, token, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4000)  # a batch of text; a phone's photo is larger
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 50_000)
    photo = JPEG + b"\x00" * 10_000
    answer = send(client, token, record(photo="plaza.jpg"), photo=(photo, "plaza.jpg", "image/jpeg"))
    assert answer.status_code == 200 and answer.get_json()["results"][0]["status"] == "created"
    [_response], [media] = stored(db)
    assert media.data == photo


def test_a_record_sent_as_a_text_part_is_read_as_one_sent_as_a_file(client, voices, token, db):
    rec = record(photo="plaza.jpg")
    data = {"record": json.dumps(rec), "file.photo": (io.BytesIO(JPEG), "plaza.jpg", "image/jpeg")}
    answer = client.post(
        f"/api/v1/records/{rec['uuid']}",
        data=data,
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and answer.get_json()["results"][0]["status"] == "created"


def test_a_request_larger_than_every_file_allowed_is_a_413_in_json(client, voices, token, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 10)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 300)
    answer = send(client, token, record(photo="plaza.jpg"), photo=(JPEG, "plaza.jpg", "image/jpeg"))
    assert answer.status_code == 413 and "send smaller files" in answer.get_json()["error"]
    assert stored(db) == ([], [])


def test_a_file_of_the_wrong_kind_is_refused_with_its_record_in_the_records_language(client, voices, token, db):
    rec = record(language="es", photo="x.html")
    answer = send(client, token, rec, photo=(b"<script>alert(1)</script>", "x.html", "text/html"))
    assert answer.status_code == 200
    [result] = answer.get_json()["results"]
    assert result["status"] == "invalid" and "no es el tipo de archivo" in result["errors"]["photo"]
    assert stored(db) == ([], [])


def test_a_required_photo_named_without_its_file_is_not_stored(client, voices, token, db):
    rec = record(survey="walls", wall="wall.jpg")
    [result] = send(client, token, rec).get_json()["results"]
    assert result["status"] == "invalid" and "wall.jpg, which did not arrive" in result["errors"]["wall"]
    [unanswered] = send(client, token, record(survey="walls")).get_json()["results"]
    assert unanswered["status"] == "invalid" and "wall" in unanswered["errors"]
    assert stored(db) == ([], [])


def test_a_file_for_a_question_the_record_does_not_answer_refuses_the_record(client, voices, token, db):
    rec = record(story="story.ogg")
    answer = send(client, token, rec, story=(OGG, "story.ogg", "audio/ogg"), photo=(JPEG, "plaza.jpg", "image/jpeg"))
    [result] = answer.get_json()["results"]
    assert result["status"] == "invalid" and list(result["errors"]) == ["photo"]
    assert stored(db) == ([], [])


def test_the_address_names_the_records_uuid(client, voices, token, db):
    answer = send(client, token, record(photo="plaza.jpg"), uuid_in_address=str(uuid.uuid4()))
    assert answer.status_code == 400 and "uuid" in answer.get_json()["error"]
    assert stored(db) == ([], [])


def test_a_queue_file_cannot_carry_a_photo_so_its_record_is_refused_with_the_reason(voices, db):
    queue = json.dumps({"records": [record(photo="plaza.jpg"), record(story="")]}).encode()
    refused, kept = import_queue_file(queue)
    assert refused.status == "invalid" and "a queue file cannot carry it" in refused.errors["photo"]
    assert kept.status == "created"  # a record that names no file is stored as before
    [response], media = stored(db)
    assert response.uuid == kept.uuid and media == []
