"""Photos and recordings on the tablet with no signal: kept with the interview through a reload,
checked against the size limit, and sent with their record once the connection returns."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import MediaFile, Response
from survey.services.surveys import import_survey
from tests.browser.field_kit import count, drop_connection, tablet_page
from tests.browser.test_audio_recording import EBML, record
from tests.web.test_media import DEFINITION as VOICES
from tests.web.test_media import JPEG, OGG

MAX_BYTES = 3500  # the photo and the recording fit; TOO_LONG does not


def file(name, mime, data):
    return {"name": name, "mimeType": mime, "buffer": data}


def to_the_photo(tablet: Any) -> Any:
    """Start an interview of the voices survey and go to its photo question; the Next button."""
    tablet.locator("[data-survey=voices]").click()
    tablet.get_by_label("Guaviare").check()
    tablet.get_by_label("In person").check()
    tablet.get_by_label("Their words may be quoted", exact=True).check()
    next_screen = tablet.get_by_role("button", name="Next")
    next_screen.click()
    next_screen.click()  # past the note
    return next_screen


def test_a_photo_and_a_recording_taken_offline_survive_reloads_and_arrive_with_their_interview(
    browser, server, field_app
):
    field_app.config["MEDIA_MAX_BYTES"] = MAX_BYTES
    with field_app.app_context():
        import_survey(VOICES, publish=True)
        db.session.commit()
    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        next_screen = to_the_photo(tablet)
        photo = tablet.locator("#fq-photo-input")
        expect(photo).to_have_attribute("type", "file")
        expect(photo).to_have_attribute("accept", "image/*")
        expect(photo).to_have_attribute("capture", "environment")
        photo.set_input_files(file("plaza.html", "text/html", b"<p>not a photo</p>"))
        expect(tablet.locator("#fq-photo")).to_contain_text("This file is not the kind this question asks for.")
        photo.set_input_files(file("la plaza.jpg", "image/jpeg", JPEG))
        expect(tablet.locator("[data-media-chosen=photo]")).to_have_text(
            "la_plaza.jpg (2 KB) Remove the file la_plaza.jpg"
        )
        next_screen.click()
        story = tablet.locator("#fq-story-input")
        expect(story).to_have_attribute("data-record-audio", "story")
        expect(story).to_have_attribute("capture", "user")
        story.set_input_files(file("long.ogg", "audio/ogg", OGG * 2))
        expect(tablet.locator("#fq-story")).to_contain_text("This file is larger than 3 KB")
        expect(tablet.locator("[data-media-chosen=story]")).to_be_hidden()
        story.set_input_files(file("wrong.ogg", "audio/ogg", OGG))
        tablet.get_by_role("button", name="Remove the file wrong.ogg").click()
        expect(tablet.locator("[data-media-chosen=story]")).to_be_hidden()
        story.set_input_files(file("story.ogg", "audio/ogg", OGG))
        expect(tablet.locator("[data-media-chosen=story]")).to_contain_text("story.ogg (3 KB)")

        tablet.reload()  # the files are in IndexedDB with the draft, not in the page
        expect(tablet.locator("[data-media-chosen=story]")).to_contain_text("story.ogg (3 KB)")
        tablet.get_by_role("button", name="Next").click()  # to the answers to check
        expect(tablet.locator("[data-review=photo]")).to_contain_text("la_plaza.jpg (2 KB)")
        expect(tablet.locator("[data-review=story]")).to_contain_text("story.ogg (3 KB)")
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        tablet.get_by_role("button", name="Save the queue to a file").click()
        expect(tablet.locator("[data-save-message]")).to_contain_text(
            "1 interview with photos or recordings is not in the file"
        )

        tablet.reload()  # the finished interview waits with its files
        expect(count(tablet, "pending")).to_have_text("1")
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert {a.question: a.value_text for a in response.answers} == {"photo": "la_plaza.jpg", "story": "story.ogg"}
        files = {m.question: m for m in db.session.scalars(select(MediaFile))}
        assert files["photo"].data == JPEG and files["photo"].content_type == "image/jpeg"
        assert files["story"].data == OGG and files["story"].to_transcribe


def test_a_record_with_a_photo_resent_after_a_dropped_answer_is_stored_once_with_one_file(browser, server, field_app):
    with field_app.app_context():
        import_survey(VOICES, publish=True)
        db.session.commit()
    stored_once = threading.Event()

    def store_then_die(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not environ["PATH_INFO"].startswith("/api/v1/records/") or stored_once.is_set():
            return field_app(environ, start_response)
        b"".join(field_app(environ, lambda *args: None))  # the record and its photo are stored...
        stored_once.set()
        drop_connection(environ)  # ...and the answer never reaches the tablet

    with tablet_page(browser, server) as tablet:
        tablet.context.set_offline(True)
        next_screen = to_the_photo(tablet)
        tablet.locator("#fq-photo-input").set_input_files(file("plaza.jpg", "image/jpeg", JPEG))
        next_screen.click()
        next_screen.click()  # no recording: to the answers to check
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        server.intercept = store_then_die
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
        assert stored_once.is_set()
        expect(tablet.locator("[data-status=sent]")).to_contain_text("already had it")
    with field_app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1
        [media] = db.session.scalars(select(MediaFile)).all()
        assert (media.question, media.data) == ("photo", JPEG)


def test_a_testimony_recorded_on_the_tablet_offline_is_kept_and_arrives_as_a_recording(microphone, server, field_app):
    with field_app.app_context():
        import_survey(VOICES, publish=True)
        db.session.commit()
    with tablet_page(microphone, server) as tablet:
        tablet.context.set_offline(True)
        next_screen = to_the_photo(tablet)
        next_screen.click()  # no photo
        record(tablet, 1)
        expect(tablet.locator("[data-media-chosen=story]")).to_contain_text("recording-story.webm")
        tablet.get_by_role("button", name="Remove the recording").click()  # the resident asks for it gone
        expect(tablet.locator("[data-media-chosen=story]")).to_be_hidden()
        record(tablet, 2, start="Start recording")
        expect(tablet.locator("[data-media-chosen=story]")).to_contain_text("recording-story.webm")
        tablet.reload()  # the recording is in IndexedDB with the draft, not in the page
        expect(tablet.locator("[data-media-chosen=story]")).to_contain_text("recording-story.webm")
        next_screen.click()
        expect(tablet.locator("[data-review=story]")).to_contain_text("recording-story.webm")
        tablet.get_by_role("button", name="Finish the interview").click()
        tablet.get_by_role("button", name="Back to the list").click()
        expect(count(tablet, "pending")).to_have_text("1")
        tablet.context.set_offline(False)
        expect(count(tablet, "sent")).to_have_text("1")
    with field_app.app_context():
        [media] = db.session.scalars(select(MediaFile)).all()
        assert (media.question, media.content_type, media.data[:4]) == ("story", "audio/webm", EBML)
        assert media.to_transcribe and len(media.data) > 1000
