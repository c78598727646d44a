"""Photo and recording questions: sent with the form, kept with a size limit, read back by administrators alone."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy import select

from survey.models import Answer, AuditEvent, MediaFile, Response, Role
from survey.services.devices import register_device
from survey.services.erasure import erase_response
from survey.services.surveys import import_survey

DEFINITION = {
    "form_id": "voices",
    "version": "1",
    "title": {"en": "Voices", "es": "Voces"},
    "questions": [
        {"name": "name_hint", "type": "note", "label": {"en": "Say what you saw.", "es": "Diga lo que vio."}},
        {"name": "photo", "type": "image", "label": {"en": "A photo of the place", "es": "Una foto del lugar"}},
        {"name": "story", "type": "audio", "label": {"en": "Tell us", "es": "Cuéntenos"}},
    ],
}
URL = "/s/voices"
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 2000
OGG = b"OggS" + bytes(range(256)) * 12


@pytest.fixture
def voices(db):
    version = import_survey(DEFINITION, publish=True)
    db.session.commit()
    return version


def send(client, **files):
    data = {"uuid": str(uuid.uuid4())}
    data.update({f"q_{name}": (io.BytesIO(body), file_name, kind) for name, (body, file_name, kind) in files.items()})
    return client.post(URL, data=data, content_type="multipart/form-data")


def test_the_form_asks_for_a_photo_and_a_recording_with_the_phones_camera_and_microphone(client, voices):
    page = client.get(URL).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert 'accept="audio/*"' in page and 'capture="user"' in page


def test_files_are_kept_beside_the_response_and_the_answers_name_them(client, voices, db):
    response = send(client, photo=(JPEG, "../../etc/la plaza.jpg", "image/jpeg"), story=(OGG, "story.ogg", "audio/ogg"))
    assert response.status_code == 302
    stored = db.session.scalars(select(Response)).one()
    assert {a.question: a.value_text for a in stored.answers} == {"photo": "etc_la_plaza.jpg", "story": "story.ogg"}
    files = {m.question: m for m in db.session.scalars(select(MediaFile))}
    assert files["photo"].data == JPEG and files["photo"].size == len(JPEG)
    assert files["photo"].content_type == "image/jpeg" and not files["photo"].to_transcribe
    assert files["story"].data == OGG and files["story"].to_transcribe  # a recorded testimony waits for its text


def test_a_file_of_the_wrong_kind_is_refused_and_nothing_is_kept(client, voices, db):
    page = send(client, photo=(b"<script>alert(1)</script>", "x.html", "text/html")).get_data(as_text=True)
    assert "This file is not a photo." in page
    assert db.session.scalars(select(Response)).first() is None
    assert db.session.scalars(select(MediaFile)).first() is None


def test_a_file_over_the_limit_is_refused_in_the_residents_language(client, voices, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 2500)
    page = send(client, photo=(JPEG, "a.jpg", "image/jpeg"), story=(OGG, "b.ogg", "audio/ogg"))
    assert page.status_code == 200
    assert "This file is larger than" in page.get_data(as_text=True)
    assert db.session.scalars(select(Response)).first() is None


def test_a_request_larger_than_every_file_allowed_is_a_413_page(client, voices, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 100)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = send(client, photo=(JPEG, "a.jpg", "image/jpeg"))
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)
    assert db.session.scalars(select(Response)).first() is None


def test_an_administrator_downloads_a_file_as_an_attachment_and_the_read_is_logged(
    client, voices, db, make_user, login
):
    send(client, photo=(JPEG, "plaza.jpg", "image/jpeg"), story=(OGG, "story.ogg", "audio/ogg"))
    media = db.session.scalars(select(MediaFile).where(MediaFile.question == "photo")).one()
    login(make_user(Role.ADMIN))
    listing = client.get("/admin/media").get_data(as_text=True)
    assert "plaza.jpg" in listing and "story.ogg" in listing and "to transcribe" in listing
    response = client.get(f"/admin/media/{media.id}")
    assert response.status_code == 200 and response.data == JPEG
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"] == 'attachment; filename="plaza.jpg"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read_media")).one()
    assert event.target_id == str(media.id)


def test_the_file_list_speaks_spanish(client, voices, make_user, login):
    login(make_user(Role.ADMIN))
    assert "Fotos, grabaciones y archivos" in client.get("/admin/media?lang=es").get_data(as_text=True)


def test_erasing_a_response_erases_its_files(client, voices, db):
    send(client, photo=(JPEG, "plaza.jpg", "image/jpeg"))
    erase_response(db.session.scalars(select(Response)).one())
    db.session.commit()
    assert db.session.scalars(select(MediaFile)).first() is None
    assert db.session.scalars(select(Answer)).first() is None


def test_a_tablet_record_naming_a_file_it_cannot_carry_is_refused(client, voices, db, make_user):
    device, token = register_device(make_user(Role.FIELD_WORKER), "tablet")
    db.session.commit()
    record = {
        "uuid": str(uuid.uuid4()),
        "survey": "voices",
        "version": "1",
        "language": "en",
        "answers": {"photo": "plaza.jpg"},
        "consent": "internal",
    }
    response = client.post(
        "/api/v1/submissions",
        data=json.dumps({"records": [record]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    [result] = response.get_json()["results"]
    assert result["status"] == "invalid"
    assert "only the tablet sends" in json.dumps(result)
    assert db.session.scalars(select(Response)).first() is None


def test_a_drawing_that_can_hold_a_script_is_no_photo(client, voices, db):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    page = send(client, photo=(svg, "a.svg", "image/svg+xml")).get_data(as_text=True)
    assert "This file is not a photo." in page
    assert db.session.scalars(select(MediaFile)).first() is None


def test_a_form_with_files_is_sent_from_its_own_page_since_a_review_page_cannot_carry_a_file(client, voices):
    page = client.get(URL).get_data(as_text=True)
    assert "Send my answers" in page
    assert 'value="review"' not in page


def test_a_file_question_takes_any_file_but_a_drawing_that_can_hold_a_script(client, db):
    definition = {
        **DEFINITION,
        "form_id": "minutes",
        "questions": [
            {"name": "minutes", "type": "file", "label": {"en": "The minutes", "es": "El acta"}},
        ],
    }
    import_survey(definition, publish=True)
    db.session.commit()
    page = client.get("/s/minutes").get_data(as_text=True)
    assert 'type="file"' in page and "accept=" not in page and "capture=" not in page  # no camera, any file
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    files = {"q_minutes": (io.BytesIO(svg), "acta.svg", "image/svg+xml")}
    refused = client.post("/s/minutes", data={"uuid": str(uuid.uuid4()), **files}, content_type="multipart/form-data")
    assert "This kind of file is not taken: it can hold a script." in refused.get_data(as_text=True)
    pdf = b"%PDF-1.4 minutes of the meeting"
    files = {"q_minutes": (io.BytesIO(pdf), "acta.pdf", "application/pdf")}
    kept = client.post("/s/minutes", data={"uuid": str(uuid.uuid4()), **files}, content_type="multipart/form-data")
    assert kept.status_code == 302
    media = db.session.scalars(select(MediaFile)).one()
    assert (media.file_name, media.content_type, media.data) == ("acta.pdf", "application/pdf", pdf)


@pytest.fixture
def sent_files(client, voices, db) -> dict[str, MediaFile]:
    """A photo and a recording kept from one form, by question."""
    send(client, photo=(JPEG, "plaza.jpg", "image/jpeg"), story=(OGG, "story.ogg", "audio/ogg"))
    return {m.question: m for m in db.session.scalars(select(MediaFile))}


def test_the_list_plays_each_recording_in_the_page_and_never_shows_a_photo(client, sent_files, make_user, login):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/media").get_data(as_text=True)
    story, photo = sent_files["story"], sent_files["photo"]
    assert f'<audio controls preload="none" src="/admin/media/{story.id}"' in page
    assert f'src="/admin/media/{photo.id}"' not in page  # a photo is downloaded, never played or shown


def test_a_recording_is_sent_inline_for_the_player_with_ranges_and_its_safety_headers(
    client, sent_files, make_user, login
):
    login(make_user(Role.ADMIN))
    story = sent_files["story"]
    played = client.get(f"/admin/media/{story.id}")
    assert played.status_code == 200 and played.data == OGG
    assert played.headers["Content-Type"] == "audio/ogg"
    assert played.headers["Content-Disposition"] == 'inline; filename="story.ogg"'
    assert played.headers["X-Content-Type-Options"] == "nosniff"
    assert played.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert played.headers["Cache-Control"] == "no-store"
    assert played.headers["Accept-Ranges"] == "bytes"
    seek = client.get(f"/admin/media/{story.id}", headers={"Range": "bytes=100-199"})
    assert seek.status_code == 206 and seek.data == OGG[100:200]
    assert seek.headers["Content-Range"] == f"bytes 100-199/{len(OGG)}"


@pytest.mark.parametrize(
    "content_type", ["image/svg+xml", "text/html", "audio/x-unheard-of", "image/jpeg", "application/pdf"]
)
def test_anything_but_a_playable_recording_goes_out_as_a_download(
    client, sent_files, make_user, login, db, content_type
):
    login(make_user(Role.ADMIN))
    media = sent_files["photo"]
    media.content_type = content_type
    db.session.commit()
    sent = client.get(f"/admin/media/{media.id}")
    assert sent.headers["Content-Disposition"] == 'attachment; filename="plaza.jpg"'
    assert sent.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in sent.headers["Content-Security-Policy"]
