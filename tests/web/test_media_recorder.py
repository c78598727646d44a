"""A testimony recorded in the resident's browser: the form offers the recorder, the server keeps its formats."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import MediaFile, Response, Role
from survey.services.surveys import import_survey
from tests.web.test_media import DEFINITION, URL, send

WEBM = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 8


@pytest.fixture
def voices(db):
    version = import_survey(DEFINITION, publish=True)
    db.session.commit()
    return version


def test_the_recording_question_is_marked_for_the_recorder_with_its_words_and_the_limit(client, voices, app):
    page = client.get(URL).get_data(as_text=True)
    assert 'data-record-audio="story"' in page
    assert page.count("data-record-audio") == 1  # the photo is not recorded
    assert f'data-record-max-bytes="{app.config["MEDIA_MAX_BYTES"]}"' in page
    assert 'data-record-start="Start recording"' in page
    assert "a recording can be at most 10.0 MB" in page
    assert "js/audio-recorder.js" in page


def test_the_recorders_words_speak_spanish(client, voices):
    page = client.get(f"{URL}?lang=es").get_data(as_text=True)
    assert 'data-record-start="Empezar a grabar"' in page
    assert "No se pudo usar el micrófono" in page


def test_a_form_without_a_recording_question_has_no_recorder(client, example_survey):
    page = client.get("/s/community-safety").get_data(as_text=True)
    assert "audio-recorder.js" not in page and "data-record-" not in page


def test_the_page_lets_its_player_play_a_recording_just_made(client, voices):
    csp = client.get(URL).headers["Content-Security-Policy"]
    assert "media-src 'self' blob:" in csp


@pytest.mark.parametrize(
    ("sent_type", "file_name", "kept_type"),
    [
        ("audio/webm;codecs=opus", "recording-story.webm", "audio/webm"),  # Chromium's recorder
        ("audio/ogg;codecs=opus", "recording-story.ogg", "audio/ogg"),  # Firefox's
        ("audio/mp4", "recording-story.m4a", "audio/mp4"),  # Safari's
    ],
)
def test_a_browsers_recording_is_kept_and_played_in_the_admin_page(
    client, voices, db, make_user, login, sent_type, file_name, kept_type
):
    assert send(client, story=(WEBM, file_name, sent_type)).status_code == 302
    stored = db.session.scalars(select(Response)).one()
    assert {a.question: a.value_text for a in stored.answers} == {"story": file_name}
    media = db.session.scalars(select(MediaFile)).one()
    assert media.content_type == kept_type and media.data == WEBM and media.to_transcribe
    login(make_user(Role.ADMIN))
    listing = client.get("/admin/media").get_data(as_text=True)
    assert f'<audio controls preload="none" src="/admin/media/{media.id}"' in listing
    played = client.get(f"/admin/media/{media.id}")
    assert played.headers["Content-Type"] == kept_type
    assert played.headers["Content-Disposition"] == f'inline; filename="{file_name}"'
