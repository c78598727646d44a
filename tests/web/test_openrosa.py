"""OpenRosa spoken as ODK Collect speaks it: form list, form download, HEAD then multipart POST."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Channel, MediaFile, Response, Role, SubmissionConflict, Testimonial, User
from survey.services.devices import register_device, revoke_device
from survey.services.surveys import close_survey, import_survey
from tests.conftest import GOOD_ANSWERS, PASSWORD, count

LIST_NS = {"x": "http://openrosa.org/xforms/xformsList"}
RESPONSE_NS = {"r": "http://openrosa.org/http/response"}
XF = "http://www.w3.org/2002/xforms"


@pytest.fixture
def field_worker(make_user):
    return make_user(Role.FIELD_WORKER)


@pytest.fixture
def base(field_worker, example_survey):
    """The server URL a registered tablet is given."""
    _, token = register_device(field_worker, "tablet 1")
    _db.session.commit()
    return f"/openrosa/{token}"


def download_xform(client, base, slug="community-safety") -> bytes:
    response = client.get(f"{base}/forms/{slug}/form.xml")
    assert response.status_code == 200
    return response.data


def fill(xform: bytes, answers: dict[str, str], instance_id: str) -> bytes:
    """The instance Collect makes: the XForm's primary instance, its fields filled, its instanceID set."""
    root = etree.fromstring(xform, etree.XMLParser(resolve_entities=False, no_network=True))
    model = root.find(f"{{http://www.w3.org/1999/xhtml}}head/{{{XF}}}model")
    data = model.find(f"{{{XF}}}instance")[0]
    for element in data.iter():
        name = etree.QName(element).localname
        if name in answers:
            element.text = answers[name]
        elif name == "instanceID":
            element.text = f"uuid:{instance_id}"
    return etree.tostring(data, xml_declaration=True, encoding="UTF-8")


def submit(client, base, instance: bytes, headers=None, **attachments: bytes | tuple[bytes, str]):
    """Collect's submission: a HEAD first, then the multipart POST; a file is its bytes, or bytes and a type."""
    head = client.head(f"{base}/submission")
    assert head.status_code == 204
    files = {"xml_submission_file": (io.BytesIO(instance), "submission.xml", "text/xml")}
    for name, sent in attachments.items():
        body, kind = sent if isinstance(sent, tuple) else (sent, "application/octet-stream")
        files[name] = (io.BytesIO(body), name, kind)
    return client.post(f"{base}/submission", data=files, content_type="multipart/form-data", headers=headers)


def message(response) -> str:
    """The OpenRosaResponse message Collect shows the field worker."""
    assert response.content_type.startswith("text/xml")
    root = etree.fromstring(response.data)
    assert etree.QName(root).localname == "OpenRosaResponse"
    return root.findtext("r:message", namespaces=RESPONSE_NS)


def test_head_says_how_large_a_submission_may_be(client, base, app):
    response = client.head(f"{base}/submission")
    assert response.status_code == 204
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert int(response.headers["X-OpenRosa-Accept-Content-Length"]) >= app.config["MAX_CONTENT_LENGTH"]
    assert response.headers["Date"]


def test_the_form_list_names_each_open_form_with_the_hash_of_what_it_downloads(client, base, example_survey):
    response = client.get(f"{base}/formList")
    assert response.status_code == 200
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    [form] = etree.fromstring(response.data).findall("x:xform", LIST_NS)
    assert form.findtext("x:formID", namespaces=LIST_NS) == "community-safety"
    assert form.findtext("x:version", namespaces=LIST_NS) == example_survey.version
    assert form.findtext("x:name", namespaces=LIST_NS) == "Community safety and wellbeing"
    url = form.findtext("x:downloadUrl", namespaces=LIST_NS)
    assert url.startswith("http://localhost/openrosa/vdt_") and url.endswith("/forms/community-safety/form.xml")
    xform = client.get(url.removeprefix("http://localhost")).data
    assert form.findtext("x:hash", namespaces=LIST_NS) == "md5:" + hashlib.md5(xform).hexdigest()


def test_a_closed_survey_leaves_the_form_list(client, base, example_survey, db):
    close_survey(example_survey.survey)
    db.session.commit()
    assert etree.fromstring(client.get(f"{base}/formList").data).findall("x:xform", LIST_NS) == []
    assert client.get(f"{base}/forms/community-safety/form.xml").status_code == 404


def test_a_filled_form_is_stored_once_with_who_where_and_its_testimonies(client, base, field_worker, db):
    instance_id = str(uuid.uuid4())
    response = submit(client, base, fill(download_xform(client, base), GOOD_ANSWERS, instance_id))
    assert response.status_code == 201, response.data
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert message(response)
    stored = db.session.scalar(select(Response).where(Response.uuid == instance_id))
    assert stored.channel == Channel.FIELD
    assert stored.interviewer_id == field_worker.id and stored.device_id is not None
    assert stored.site.slug == "tumaco" and stored.consent_scope.value == "quote"
    texts = {t.question: t for t in db.session.scalars(select(Testimonial).where(Testimonial.response_id == stored.id))}
    assert set(texts) == {"change_story", "what_would_help"}


def test_a_resend_is_a_success_that_stores_nothing_new(client, base, db):
    instance = fill(download_xform(client, base), GOOD_ANSWERS, str(uuid.uuid4()))
    assert submit(client, base, instance).status_code == 201
    again = submit(client, base, instance)
    assert again.status_code == 202
    assert "Already received" in message(again)
    assert count(Response) == 1


def test_the_same_instance_id_with_other_answers_is_a_conflict_kept_aside(client, base, db):
    instance_id = str(uuid.uuid4())
    xform = download_xform(client, base)
    assert submit(client, base, fill(xform, GOOD_ANSWERS, instance_id)).status_code == 201
    other = fill(xform, {**GOOD_ANSWERS, "change_story": "Something else entirely."}, instance_id)
    response = submit(client, base, other)
    assert response.status_code == 409
    assert "kept aside" in message(response)
    db.session.remove()
    [kept] = db.session.scalars(select(SubmissionConflict)).all()
    assert (kept.uuid, kept.source) == (instance_id, "openrosa")
    assert kept.payload["answers"]["change_story"] == "Something else entirely."
    assert count(Response) == 1
    assert submit(client, base, other).status_code == 409
    assert count(SubmissionConflict) == 1  # kept once however often it is sent


def test_a_form_without_consent_is_refused_and_stores_nothing(client, base, db):
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "consent"}
    response = submit(client, base, fill(download_xform(client, base), answers, str(uuid.uuid4())))
    assert response.status_code == 400
    assert "consent" in message(response)
    assert count(Response) == 0 and count(Testimonial) == 0


VOICES = {
    "form_id": "voices",
    "version": "1",
    "title": {"en": "Voices", "es": "Voces"},
    "questions": [
        {"name": "photo", "type": "image", "label": {"en": "A photo of the place", "es": "Una foto del lugar"}},
        {"name": "story", "type": "audio", "label": {"en": "Tell us", "es": "Cuéntenos"}},
    ],
}
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 2000
OGG = b"OggS" + b"1" * 3000
FILES = {"photo": "1700000000.jpg", "story": "1700000001.ogg"}


@pytest.fixture
def voices(db, base):
    import_survey(VOICES, publish=True)
    db.session.commit()
    return base


def kept_files() -> dict[str, tuple[str, str, bytes]]:
    return {m.question: (m.file_name, m.content_type, m.data) for m in _db.session.scalars(select(MediaFile))}


def test_the_files_a_form_names_are_kept_beside_its_response(client, voices, db):
    instance = fill(download_xform(client, voices, "voices"), FILES, str(uuid.uuid4()))
    response = submit(client, voices, instance, **{"1700000000.jpg": JPEG, "1700000001.ogg": OGG})
    assert response.status_code == 201
    assert message(response) == "Received: thank you. 2 files kept."
    assert kept_files() == {
        "photo": ("1700000000.jpg", "image/jpeg", JPEG),
        "story": ("1700000001.ogg", "audio/ogg", OGG),
    }
    [stored] = db.session.scalars(select(Response)).all()
    assert {a.question: a.value_text for a in stored.answers} == FILES


def test_a_photo_larger_than_a_form_may_be_is_kept(client, voices, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 3000)  # a form's fields; a phone's photo is larger
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 50_000)
    photo = JPEG + b"0" * 10_000
    instance = fill(download_xform(client, voices, "voices"), {"photo": FILES["photo"]}, str(uuid.uuid4()))
    response = submit(client, voices, instance, **{FILES["photo"]: photo})
    assert response.status_code == 201, response.data
    assert kept_files()["photo"][2] == photo


def test_an_osm_file_from_collect_answers_a_file_question_and_is_kept(client, base, db):
    maps = {**VOICES, "form_id": "maps", "questions": [{"name": "house", "type": "file", "label": "House"}]}
    import_survey(maps, publish=True)
    db.session.commit()
    osm = b'<osm version="0.6"><node id="-1" lat="2.5" lon="-72.6"/></osm>'
    instance = fill(download_xform(client, base, "maps"), {"house": "1700000002.osm"}, str(uuid.uuid4()))
    response = submit(client, base, instance, **{"1700000002.osm": osm})
    assert response.status_code == 201, message(response)
    [(name, _kind, data)] = kept_files().values()
    assert (name, data) == ("1700000002.osm", osm)


def test_a_split_submission_joins_its_files_to_one_response(client, voices, db):
    """Collect sends what does not fit in a second request: the same instance, the remaining file."""
    instance = fill(download_xform(client, voices, "voices"), FILES, str(uuid.uuid4()))
    first = submit(client, voices, instance, **{"1700000000.jpg": JPEG, "*isIncomplete*": b"yes"})
    assert first.status_code == 201
    assert message(first) == "Received: thank you. 1 file kept. Still to send: 1700000001.ogg."
    second = submit(client, voices, instance, **{"1700000001.ogg": OGG})
    assert second.status_code == 202
    assert message(second) == "Already received. 1 file kept."
    again = submit(client, voices, instance, **{"1700000001.ogg": OGG})
    assert message(again) == "Already received."
    assert count(Response) == 1 and count(MediaFile) == 2
    assert set(kept_files()) == {"photo", "story"}


def test_a_file_no_answer_names_or_of_the_wrong_kind_is_not_kept_and_said_so(client, voices, db):
    instance = fill(download_xform(client, voices, "voices"), FILES, str(uuid.uuid4()))
    response = submit(client, voices, instance, **{"1700000000.jpg": (b"#!/bin/sh\n", "text/x-sh"), "other.jpg": JPEG})
    assert response.status_code == 201
    assert message(response) == (
        "Received: thank you. 1700000000.jpg is not the kind of file its question asks for: it was not kept. "
        "other.jpg answers no question of this form: it was not kept. "
        "Still to send: 1700000000.jpg, 1700000001.ogg."
    )
    assert count(MediaFile) == 0 and count(Response) == 1


def test_what_became_of_the_files_is_said_in_spanish(client, voices, db):
    instance = fill(download_xform(client, voices, "voices"), FILES, str(uuid.uuid4()))
    response = submit(client, voices, instance, headers={"Accept-Language": "es"}, **{"1700000000.jpg": JPEG})
    assert message(response) == "Recibido: gracias. 1 archivo guardado. Falta por enviar: 1700000001.ogg."


def test_a_tablet_may_send_a_file_as_large_as_the_media_limit_beside_its_answers(client, voices, app):
    head = client.head(f"{voices}/submission")
    limit = int(head.headers["X-OpenRosa-Accept-Content-Length"])
    assert limit == app.config["MAX_CONTENT_LENGTH"] + app.config["MEDIA_MAX_BYTES"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<data id="community-safety"><change_story>&b;</change_story></data>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<data id="community-safety" version="0"><change_story>&x;</change_story></data>"""


def instance_of(form: str, version: str, instance_id: str | None = None) -> bytes:
    meta = f"<meta><instanceID>uuid:{instance_id}</instanceID></meta>" if instance_id else ""
    return f'<data id="{form}" version="{version}"><site>tumaco</site>{meta}</data>'.encode()


DEEP = (
    f"<data id='community-safety' version='VERSION'><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta>".encode()
    + b"<g>" * 5000
    + b"</g>" * 5000
    + b"</data>"
)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"this is not XML", 400),
        (b"<data id='community-safety'><unclosed></data>", 400),
        (BILLION_LAUGHS, 400),
        (EXTERNAL_ENTITY, 400),
        (instance_of("community-safety", "VERSION"), 400),  # no instanceID
        (instance_of("no-such-form", "1", str(uuid.uuid4())), 404),
        (instance_of("community-safety", "99", str(uuid.uuid4())), 404),
        (instance_of("community-safety", "VERSION", "not-a-uuid"), 400),
        (instance_of("community-safety", "VERSION", str(uuid.uuid4())), 400),  # required answers missing
        (DEEP, 400),  # no form nests so deep
    ],
    ids=["text", "broken", "entities", "external-entity", "no-id", "form", "version", "bad-id", "unanswered", "deep"],
)
def test_bad_submissions_get_an_openrosa_message_never_a_500(client, base, example_survey, body, code, db):
    body = body.replace(b"VERSION", example_survey.version.encode())
    response = submit(client, base, body)
    assert response.status_code == code
    assert message(response)
    assert count(Response) == 0


def test_a_post_without_the_submission_file_is_refused(client, base):
    response = client.post(f"{base}/submission", data={"other": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "xml_submission_file" in message(response)


def test_a_closed_survey_takes_no_more_submissions(client, base, example_survey, db):
    instance = fill(download_xform(client, base), GOOD_ANSWERS, str(uuid.uuid4()))
    close_survey(example_survey.survey)
    db.session.commit()
    response = submit(client, base, instance)
    assert response.status_code == 403
    assert "not open" in message(response)
    assert count(Response) == 0


def test_an_oversize_submission_gets_413_with_a_message(app, client, base, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = submit(client, base, b"<data>" + b"x" * 4096 + b"</data>")
    assert response.status_code == 413
    assert "larger" in message(response)
    assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_a_revoked_token_stops_working(client, field_worker, example_survey, db):
    device, token = register_device(field_worker, "lost tablet")
    revoke_device(device, field_worker)
    db.session.commit()
    response = client.get(f"/openrosa/{token}/formList")
    assert response.status_code == 403
    assert message(response)
    assert client.get("/openrosa/vdt_made-up/formList").status_code == 403


def test_an_evaluators_token_or_password_is_refused(client, make_user, example_survey, db):
    evaluator = make_user(Role.EVALUATOR)
    _, token = register_device(evaluator, "tablet")
    db.session.commit()
    assert client.get(f"/openrosa/{token}/formList").status_code == 403
    assert client.get("/openrosa/formList", auth=(evaluator.email, PASSWORD)).status_code == 403


def test_http_basic_with_a_field_workers_password_works(client, field_worker, example_survey, db):
    anonymous = client.get("/openrosa/formList")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert client.get("/openrosa/formList", auth=(field_worker.email, "wrong password")).status_code == 401
    assert client.get("/openrosa/formList", auth=(field_worker.email, PASSWORD)).status_code == 200
    xform = client.get("/openrosa/forms/community-safety/form.xml", auth=(field_worker.email, PASSWORD)).data
    instance = fill(xform, GOOD_ANSWERS, str(uuid.uuid4()))
    files = {"xml_submission_file": (io.BytesIO(instance), "submission.xml", "text/xml")}
    response = client.post("/openrosa/submission", data=files, auth=(field_worker.email, PASSWORD))
    assert response.status_code == 201
    assert db.session.scalar(select(Response)).interviewer_id == field_worker.id


def test_failed_passwords_are_counted_although_the_answer_is_401(client, field_worker, db):
    user_id = field_worker.id
    client.get("/openrosa/formList", auth=(field_worker.email, "wrong password"))
    db.session.remove()
    assert db.session.get(User, user_id).failed_logins == 1


def test_a_password_over_plain_http_is_refused_where_https_is_required(
    app, client, field_worker, example_survey, monkeypatch
):
    monkeypatch.setitem(app.config, "OPENROSA_BASIC_HTTPS_ONLY", True)
    assert client.get("/openrosa/formList", auth=(field_worker.email, PASSWORD)).status_code == 403
    secure = client.get("/openrosa/formList", auth=(field_worker.email, PASSWORD), base_url="https://localhost")
    assert secure.status_code == 200


def test_a_browser_session_alone_opens_nothing(client, login, field_worker, example_survey):
    login(field_worker)
    assert client.get("/openrosa/formList").status_code == 401


def _stored(instance_id):
    return _db.session.scalar(select(Response).where(Response.uuid == instance_id))


def test_when_collect_says_the_interview_began_and_ended_is_when_the_response_did(client, base, db):
    instance_id = str(uuid.uuid4())
    times = {"start": "2026-01-10T09:00:05.123-05:00", "end": "2026-01-10T09:14:50.000-05:00"}
    response = submit(client, base, fill(download_xform(client, base), GOOD_ANSWERS | times, instance_id))
    assert response.status_code == 201, response.data
    stored = _stored(instance_id)
    assert stored.started_at == datetime(2026, 1, 10, 14, 0, 5, 123000, tzinfo=UTC)
    assert stored.submitted_at == datetime(2026, 1, 10, 14, 14, 50, tzinfo=UTC)
    assert "start" not in {a.question for a in stored.answers}  # metadata, not an answer


@pytest.mark.parametrize(
    "times",
    [
        {"start": "yesterday", "end": "2026-01-10T09:14:50-05:00"},
        {"start": "2026-01-10T09:20:00-05:00", "end": "2026-01-10T09:14:50-05:00"},  # a start after the end
        {"start": "1970-01-01T00:00:00Z", "end": "2026-01-10T09:14:50-05:00"},  # a tablet whose clock was reset
    ],
)
def test_a_start_voces_cannot_take_is_not_recorded_and_the_interview_is_stored(client, base, db, times):
    instance_id = str(uuid.uuid4())
    response = submit(client, base, fill(download_xform(client, base), GOOD_ANSWERS | times, instance_id))
    assert response.status_code == 201, response.data
    stored = _stored(instance_id)
    assert stored.started_at is None and stored.submitted_at == datetime(2026, 1, 10, 14, 14, 50, tzinfo=UTC)


def test_an_end_voces_cannot_take_leaves_the_response_sent_when_it_was_received(client, base, db):
    instance_id = str(uuid.uuid4())
    times = {"start": "2026-01-10T09:00:00Z", "end": "3026-01-10T09:14:50Z"}  # a clock a thousand years ahead
    response = submit(client, base, fill(download_xform(client, base), GOOD_ANSWERS | times, instance_id))
    assert response.status_code == 201, response.data
    stored = _stored(instance_id)
    assert stored.started_at == datetime(2026, 1, 10, 9, tzinfo=UTC)
    assert stored.submitted_at == stored.received_at


def test_an_instance_without_start_and_end_is_stored_as_before(client, base, db):
    instance_id = str(uuid.uuid4())
    instance = etree.fromstring(fill(download_xform(client, base), GOOD_ANSWERS, instance_id))
    for name in ("start", "end"):
        instance.remove(instance.find(f"{{{XF}}}{name}"))
    response = submit(client, base, etree.tostring(instance))
    assert response.status_code == 201, response.data
    stored = _stored(instance_id)
    assert stored.started_at is None and stored.submitted_at == stored.received_at


def test_what_the_tablet_fills_in_for_deviceid_and_username_is_not_taken_for_an_answer(
    client, base, example_survey, db
):
    example_survey.definition = {**example_survey.definition, "metadata": ["deviceid", "username"]}
    db.session.commit()
    xform = download_xform(client, base)
    assert b'jr:preloadParams="deviceid"' in xform and b'jr:preloadParams="username"' in xform
    instance_id = str(uuid.uuid4())
    filled = GOOD_ANSWERS | {"deviceid": "collect:Xy12Ab34", "username": "ana", "start": "2026-01-10T09:00:00Z"}
    response = submit(client, base, fill(xform, filled, instance_id))
    assert response.status_code == 201, response.data
    stored = _stored(instance_id)
    assert stored.started_at == datetime(2026, 1, 10, 9, tzinfo=UTC)
    assert not {"deviceid", "username"} & {a.question for a in stored.answers}
