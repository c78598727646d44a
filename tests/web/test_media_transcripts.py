"""Recorded testimonies: played to administrators in the page, typed out, and analysed as typed testimonies."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from sqlalchemy import delete, select

from survey.models import AuditEvent, CodedPassage, MediaFile, Response, Role, Testimonial
from survey.services.coding import code_passage
from survey.services.erasure import erase_response
from survey.services.surveys import import_survey
from survey.services.transcripts import TRANSCRIPT_MAX_CHARS
from survey.services.withdrawals import confirm_withdrawal, pending_requests, request_withdrawal
from tests.conftest import csrf_token

DEFINITION = {
    "form_id": "voices",
    "version": "1",
    "title": {"en": "Voices", "es": "Voces"},
    "questions": [
        {"name": "name", "type": "text", "personal": True, "label": {"en": "Your name", "es": "Su nombre"}},
        {"name": "photo", "type": "image", "label": {"en": "A photo of the place", "es": "Una foto del lugar"}},
        {"name": "story", "type": "audio", "label": {"en": "Tell us", "es": "Cuéntenos"}},
    ],
}
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 2000
OGG = b"OggS" + bytes(range(256)) * 12
SAID = "Rosa Quiñones says the clinic closed and the shootings came back at night."


def send_recording(client, name: str = "Rosa Quiñones") -> None:
    """Answer the form with a photo and a recorded testimony."""
    files = {
        "q_photo": (io.BytesIO(JPEG), "plaza.jpg", "image/jpeg"),
        "q_story": (io.BytesIO(OGG), "story.ogg", "audio/ogg"),
    }
    data = {"uuid": str(uuid.uuid4()), "q_name": name, **files}
    assert client.post("/s/voices", data=data, content_type="multipart/form-data").status_code == 302


@pytest.fixture
def recorded(client, db) -> dict[str, MediaFile]:
    """A response with a photo and a recorded testimony, sent through the web form."""
    import_survey(DEFINITION, publish=True)
    db.session.commit()
    send_recording(client)
    return {m.question: m for m in db.session.scalars(select(MediaFile))}


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def transcribe(client, media: MediaFile, text: str):
    return client.post(f"/admin/media/{media.id}/transcript", data={"text": text})


def test_the_list_offers_a_transcript_for_each_recording_alone(client, recorded, admin):
    page = client.get("/admin/media").get_data(as_text=True)
    story, photo = recorded["story"], recorded["photo"]
    assert f'href="/admin/media/{story.id}/transcript"' in page
    assert f'href="/admin/media/{photo.id}/transcript"' not in page
    assert "Type the transcript" in page


def test_a_saved_transcript_is_analysed_as_a_typed_testimony(client, recorded, admin, db):
    story = recorded["story"]
    form = client.get(f"/admin/media/{story.id}/transcript").get_data(as_text=True)
    assert f'<audio controls preload="none" src="/admin/media/{story.id}"' in form
    response = transcribe(client, story, f"  {SAID}  ")
    assert response.status_code == 302
    db.session.expire_all()
    testimony = db.session.scalars(select(Testimonial)).one()
    assert (testimony.question, testimony.raw_text) == ("story", SAID)
    assert testimony.analysed and testimony.language == "en" and testimony.polarity is not None
    assert {tag.theme.split(".")[0] for tag in testimony.tags} >= {"safety"}
    assert "Rosa" not in testimony.redacted_text and "Quiñones" not in testimony.redacted_text  # the name given
    media = db.session.get(MediaFile, story.id)
    assert media.transcript_id == testimony.id and not media.to_transcribe
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "transcript_saved")).one()
    assert event.target_id == str(story.id)
    listing = client.get("/admin/media").get_data(as_text=True)
    assert "<strong>to transcribe</strong>" not in listing and "Edit the transcript" in listing


def test_evaluators_read_the_transcripts_redacted_among_the_testimonies(client, recorded, db, make_user, login):
    for n in range(4):  # fewer than five responses are not shown on their own
        send_recording(client, f"Rosa Quiñones {n}")  # not the same answers twice: that is a resend
    login(make_user(Role.ADMIN))
    for story in db.session.scalars(select(MediaFile).where(MediaFile.question == "story")):
        transcribe(client, story, SAID)
    client.post("/auth/logout")
    login(make_user(Role.EVALUATOR))
    page = client.get("/evaluate/voices/testimonies").get_data(as_text=True)
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())  # sentences are marked up by their sentiment
    assert words.count("[name] says the clinic closed and the shootings came back") == 5
    assert "Quiñones" not in page
    summary = client.get("/evaluate/voices").get_data(as_text=True)
    assert "Safety" in summary
    exported = list(csv.DictReader(io.StringIO(client.get("/evaluate/voices/export.csv").get_data(as_text=True))))
    assert [row["story"] for row in exported] == ["story.ogg"] * 5  # the recording's file, as before
    assert {row["story_transcript"] for row in exported} == {SAID.replace("Rosa Quiñones", "[name]")}
    assert all("safety" in row["story_transcript_themes"] and row["story_transcript_sentiment"] for row in exported)


def test_editing_a_transcript_analyses_the_new_words_and_drops_passages_coded_on_the_old(
    client, recorded, admin, db, make_user
):
    story = recorded["story"]
    transcribe(client, story, SAID)
    testimony = db.session.scalars(select(Testimonial)).one()
    code_passage(testimony, ["safety"], 0, 5, make_user(Role.EVALUATOR))
    db.session.commit()
    assert transcribe(client, story, "The new bus route is wonderful, we are very happy.").status_code == 302
    db.session.expire_all()
    edited = db.session.scalars(select(Testimonial)).one()
    assert edited.id == testimony.id and edited.raw_text.startswith("The new bus route")
    assert edited.analysed and edited.polarity > 0
    assert "safety" not in {tag.theme.split(".")[0] for tag in edited.tags}
    assert db.session.scalars(select(CodedPassage)).first() is None
    form = client.get(f"/admin/media/{story.id}/transcript").get_data(as_text=True)
    assert "The new bus route is wonderful" in form  # the form opens on the transcript as saved


def test_a_transcript_too_long_or_empty_is_refused_and_keeps_what_was_typed(client, recorded, admin, db):
    story = recorded["story"]
    typed = "word " * (TRANSCRIPT_MAX_CHARS // 5 + 1)
    page = transcribe(client, story, typed)
    assert page.status_code == 200
    assert f"A transcript holds at most {TRANSCRIPT_MAX_CHARS} characters." in page.get_data(as_text=True)
    assert typed.strip() in page.get_data(as_text=True)
    assert "Type what the recording says." in transcribe(client, story, "").get_data(as_text=True)
    assert "Type what the recording says." in transcribe(client, story, " \n\t ").get_data(as_text=True)
    assert db.session.scalars(select(Testimonial)).first() is None
    assert db.session.get(MediaFile, story.id).to_transcribe


def test_a_photo_has_no_transcript(client, recorded, admin):
    photo = recorded["photo"]
    assert client.get(f"/admin/media/{photo.id}/transcript").status_code == 404
    assert transcribe(client, photo, SAID).status_code == 404


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.FIELD_WORKER, Role.LEAD_EVALUATOR])
def test_only_administrators_type_transcripts(client, recorded, make_user, login, db, role):
    login(make_user(role))
    assert transcribe(client, recorded["story"], SAID).status_code == 403
    assert client.get(f"/admin/media/{recorded['story'].id}").status_code == 403
    assert db.session.scalars(select(Testimonial)).first() is None


def test_a_transcript_needs_the_csrf_token(client, recorded, admin, app, monkeypatch, db):
    story = recorded["story"]
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    transcribe(client, story, SAID)
    assert db.session.scalars(select(Testimonial)).first() is None
    token = csrf_token(client.get(f"/admin/media/{story.id}/transcript").get_data(as_text=True))
    saved = client.post(f"/admin/media/{story.id}/transcript", data={"text": SAID, "csrf_token": token})
    assert saved.status_code == 302
    assert db.session.scalars(select(Testimonial)).one().raw_text == SAID


def test_withdrawing_the_response_erases_the_transcript_with_the_recording(client, recorded, admin, db):
    transcribe(client, recorded["story"], SAID)
    response = db.session.scalars(select(Response)).one()
    request_withdrawal(response.receipt_code)
    confirm_withdrawal(pending_requests()[0], by=admin)
    db.session.commit()
    assert db.session.scalars(select(Testimonial)).first() is None
    assert db.session.scalars(select(MediaFile)).first() is None


def test_the_transcript_page_speaks_spanish(client, recorded, admin):
    page = client.get(f"/admin/media/{recorded['story'].id}/transcript?lang=es").get_data(as_text=True)
    assert "Transcripción de story.ogg" in page and "Guardar la transcripción" in page


def test_a_recording_an_edit_keeps_waits_again_for_the_transcript_erased_with_the_earlier_version(
    client, recorded, admin, db
):
    story = recorded["story"]
    transcribe(client, story, SAID)
    client.post("/auth/logout")
    send_recording(client, "Ana")
    earlier, edited = db.session.scalars(select(Response).order_by(Response.id)).all()
    db.session.execute(delete(MediaFile).where(MediaFile.response_id == edited.id))  # an edit sends no file again
    media = db.session.get(MediaFile, story.id)
    media.response_id = edited.id  # it moves the file the edit still names across
    db.session.flush()
    erase_response(earlier)
    db.session.commit()
    db.session.expire_all()
    media = db.session.get(MediaFile, story.id)
    assert media.transcript_id is None and media.to_transcribe
    assert db.session.scalars(select(Testimonial)).first() is None
