"""A resident records a testimony in the browser: Chromium's fake microphone plays a tone into the recorder."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import MediaFile, Response, Role
from survey.services.surveys import import_survey
from tests.browser.conftest import ALLOW_MICROPHONE, FAKE_MICROPHONE, launched
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD
from tests.web.test_media import DEFINITION, OGG, URL

EBML = b"\x1a\x45\xdf\xa3"  # how a WebM file starts


@pytest.fixture
def voices(db):
    version = import_survey(DEFINITION, publish=True)
    db.session.commit()
    return version


def new_page(chromium: Any, **options: Any) -> Any:
    page = chromium.new_context(viewport={"width": 412, "height": 915}, **options).new_page()
    page.set_default_timeout(10_000)
    return page


def record(page: Any, seconds: int, start: str = "Start recording") -> None:
    """Press the start button, let the timer reach the given seconds, press Stop recording, wait for the take."""
    page.get_by_role("button", name=start).click()
    expect(page.get_by_role("status").filter(has_text="Recording…")).to_be_visible()
    expect(page.locator(".audio-recorder-time")).to_have_text(f"0:0{seconds}", timeout=seconds * 1000 + 5000)
    page.get_by_role("button", name="Stop recording").click()
    expect(page.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()  # the take is in the input


def chosen_file(page: Any) -> dict[str, Any]:
    return page.eval_on_selector(
        "#q_story", "i => i.files.length ? {name: i.files[0].name, type: i.files[0].type, size: i.files[0].size} : null"
    )


PLAYABLE = """async audio => {
  audio.preload = 'auto';
  if (audio.readyState < 1) {
    await new Promise((done, failed) => {
      audio.addEventListener('loadedmetadata', done, { once: true });
      const refused = () => failed(new Error('cannot play: ' + (audio.error && audio.error.code)));
      audio.addEventListener('error', refused, { once: true });
      audio.load();
    });
  }
  return audio.readyState >= 1 && !audio.error;
}"""


def test_a_testimony_recorded_in_the_page_is_sent_kept_and_played_by_an_administrator(
    microphone, live_server, voices, db, make_user
):
    page = new_page(microphone)
    page.goto(f"{live_server}{URL}")
    record(page, 2)
    taken = chosen_file(page)
    assert taken["name"] == "recording-story.webm" and taken["type"].startswith("audio/webm") and taken["size"] > 0
    preview = page.get_by_label("Your recording")
    assert preview.evaluate(PLAYABLE)  # the page's own policy lets its player read the take
    expect(page.get_by_role("button", name="Record again")).to_be_visible()
    expect(page.locator("#q_story")).to_be_enabled()  # a file can still be chosen instead
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()

    stored = db.session.scalars(select(MediaFile)).one()
    assert stored.question == "story" and stored.file_name == "recording-story.webm"
    assert stored.content_type == "audio/webm" and stored.size == taken["size"] and stored.data.startswith(EBML)
    answers = {a.question: a.value_text for a in db.session.scalars(select(Response)).one().answers}
    assert answers["story"] == "recording-story.webm"

    admin = make_user(Role.ADMIN)
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/admin/media")
    assert page.locator(f'audio[src="/admin/media/{stored.id}"]').evaluate(PLAYABLE)
    page.context.close()


def test_record_again_replaces_the_take_remove_empties_the_input_and_a_chosen_file_wins(
    microphone, live_server, voices
):
    page = new_page(microphone)
    page.goto(f"{live_server}{URL}")
    record(page, 1)
    preview = page.get_by_label("Your recording")
    first = preview.get_attribute("src")
    record(page, 2, start="Record again")
    assert preview.get_attribute("src") != first  # the take heard is the new one
    assert chosen_file(page)["name"] == "recording-story.webm"
    page.get_by_role("button", name="Remove the recording").click()
    expect(page.get_by_role("status")).to_have_text("The recording was removed.")
    assert chosen_file(page) is None
    expect(page.get_by_label("Your recording")).to_be_hidden()
    expect(page.get_by_role("button", name="Start recording")).to_be_focused()

    record(page, 1)
    page.locator("#q_story").set_input_files({"name": "story.ogg", "mimeType": "audio/ogg", "buffer": OGG})
    expect(page.get_by_label("Your recording")).to_be_hidden()  # the file chosen instead is what is sent
    expect(page.get_by_role("button", name="Start recording")).to_be_visible()
    assert chosen_file(page)["name"] == "story.ogg"
    page.context.close()


def test_a_recording_stops_itself_before_the_largest_file_taken(microphone, live_server, voices, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 12_000)  # a few seconds of speech
    page = new_page(microphone)
    page.goto(f"{live_server}{URL}")
    page.get_by_role("button", name="Start recording").click()
    expect(page.get_by_role("status")).to_have_text(
        "The recording stopped: a recording can be at most 0.0 MB.", timeout=30_000
    )
    taken = chosen_file(page)
    assert 0 < taken["size"] <= 12_000
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()
    assert db.session.scalars(select(MediaFile)).one().size == taken["size"]
    page.context.close()


def test_a_refused_microphone_says_so_and_a_file_can_still_be_chosen(browser, live_server, voices, db):
    refusing = launched(browser, FAKE_MICROPHONE)  # no fake prompt: headless Chromium refuses the microphone
    try:
        page = new_page(refusing)
        page.goto(f"{live_server}{URL}?lang=es")
        page.get_by_role("button", name="Empezar a grabar").click()
        expect(page.get_by_role("status")).to_have_text(
            "No se pudo usar el micrófono. Permítalo en su navegador o elija un archivo de grabación."
        )
        expect(page.get_by_role("button", name="Empezar a grabar")).to_be_visible()
        page.locator("#q_story").set_input_files({"name": "story.ogg", "mimeType": "audio/ogg", "buffer": OGG})
        page.get_by_role("button", name="Enviar mis respuestas").click()
        expect(page.locator("#receipt")).to_be_visible()
        stored = db.session.scalars(select(MediaFile)).one()
        assert stored.file_name == "story.ogg" and stored.data == OGG
    finally:
        refusing.close()


def test_no_microphone_at_all_says_so(browser, live_server, voices):
    deaf = launched(browser, ALLOW_MICROPHONE)  # allowed, but this machine has no microphone
    try:
        page = new_page(deaf)
        page.goto(f"{live_server}{URL}")
        page.get_by_role("button", name="Start recording").click()
        expect(page.get_by_role("status")).to_have_text(
            "No microphone was found. You can choose a recording file instead."
        )
        expect(page.locator("#q_story")).to_be_enabled()
    finally:
        deaf.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_recorder_and_its_take_are_accessible(microphone, live_server, voices, lang):
    page = new_page(microphone, bypass_csp=True)  # axe-core is injected as a script
    page.goto(f"{live_server}{URL}?lang={lang}")
    assert severe_violations(page) == []
    page.locator(".audio-recorder .button-primary").click()
    expect(page.locator(".audio-recorder-time")).to_have_text("0:01", timeout=6000)
    page.locator(".audio-recorder-controls button").nth(1).click()  # stop, in either language
    expect(page.locator(".audio-recorder audio")).to_be_visible()
    assert severe_violations(page) == []
    page.context.close()
