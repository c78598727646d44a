"""The field app on a 10-inch tablet in headless Chromium: offline capture, sync, skip logic.

A live server with a service worker needs a database that several threads can use at once, so
these tests serve their own app on a SQLite file, from a server they can stop and start again.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Channel, InterviewMode, Response, Role, SubmissionConflict
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.devices import list_devices, revoke_device
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey_file
from survey.services.users import create_user, find_user
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from werkzeug.serving import BaseWSGIServer, make_server

TABLET = {"width": 800, "height": 1280}
FIELD_WORKER = "field@voces.example"
WAIT_MS = 15_000
SUBMISSIONS = ("POST", "/api/v1/submissions")


class Server:
    """Voces on a fixed loopback port, in a thread this test stops and starts again."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.requests: list[tuple[str, str]] = []
        self.intercept: Callable[..., Any] | None = None
        self.generation = 0
        self.server: BaseWSGIServer | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.generation += 1
        generation = self.generation

        def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if generation != self.generation or self.server is None:
                drop_connection(environ)  # a kept-alive connection to the server that was stopped
            self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
            if self.intercept is not None:
                return self.intercept(environ, start_response)
            return self.app(environ, start_response)

        self.server = make_server("127.0.0.1", self.port, wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self.thread.join(timeout=5)


def drop_connection(environ: dict[str, Any]) -> None:
    """Cut the client's connection without an answer, as a server that dies does."""
    environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
    raise ConnectionResetError("the server went away")


@pytest.fixture
def field_app(make_app: Callable[..., Flask], tmp_path: Any) -> Flask:
    """Voces on a SQLite file with the example survey, the demo sites and a field worker."""
    app = make_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'voces.db'}",
        WTF_CSRF_ENABLED=True,
        FIELD_SYNC_BATCH=2,
        FIELD_RETRY_BASE_MS=200,
        FIELD_RETRY_MAX_MS=1_000,
    )
    with app.app_context():
        upgrade()
        upsert_sites_from_file(SITES_FILE)
        import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
        create_user(FIELD_WORKER, PASSWORD, Role.FIELD_WORKER)
        db.session.commit()
    return app


@pytest.fixture
def server(field_app: Flask) -> Iterator[Server]:
    """The field app served on 127.0.0.1."""
    running = Server(field_app)
    running.start()
    yield running
    running.stop()


def responses(app: Flask) -> list[Response]:
    with app.app_context():
        found = list(db.session.scalars(select(Response)))
        for response in found:
            _ = response.site, response.channel
        db.session.expunge_all()
        return found


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(FIELD_WORKER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/field/")


def open_field_app(page: Any, base: str) -> None:
    """Open /field/ and wait until it can work offline (worker, surveys and token in place)."""
    page.goto(f"{base}/field/")
    expect(page.locator("#field-app[data-offline-ready]")).to_be_attached(timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")  # the start-up sync and survey refresh are over


def count(page: Any, status: str) -> Any:
    return page.locator(f"[data-count={status}]")


def interview(page: Any, answers: dict[str, Callable[[Any], None]], site: str = "Tumaco") -> None:
    """Go through the example survey from the list to "Interview saved", answering as told."""
    page.locator("[data-survey=community-safety]").click()
    page.get_by_label(site).check()
    page.get_by_label("In person", exact=True).check()
    page.get_by_role("button", name="Next").click()
    for _ in range(30):
        question = page.locator("[data-screen] [data-q]:visible").first.get_attribute("data-q")
        if question in answers:
            answers[question](page)
        if page.get_by_role("button", name="Finish the interview").is_visible():
            page.get_by_role("button", name="Finish the interview").click()
            break
        page.get_by_role("button", name="Next").click()
    expect(page.locator("#h-done")).to_be_visible()


def quick_answers(story: str) -> dict[str, Callable[[Any], None]]:
    return {
        "safe_at_night": lambda page: page.get_by_label("Safe", exact=True).check(),
        "change_story": lambda page: page.locator("#fq-change_story-input").fill(story),
        "consent": lambda page: page.get_by_label("You may quote my words", exact=True).check(),
    }


def test_offline_interviews_survive_a_reload_and_a_closed_browser_then_arrive_once(browser, server, field_app, tmp_path):
    profile = str(tmp_path / "profile")

    def launch() -> Any:
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=TABLET
        )
        context.set_default_timeout(WAIT_MS)
        return context

    context = launch()
    page = context.pages[0]
    log_in(page, server.url)
    open_field_app(page, server.url)
    installability = context.new_cdp_session(page).send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == []

    context.set_offline(True)
    server.requests.clear()
    for number in range(3):
        interview(page, quick_answers(f"Story number {number}: the clinic opened again."))
        page.get_by_role("button", name="Back to the list").click()
    page.reload()
    expect(count(page, "pending")).to_have_text("3")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save the queue to a file").click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    context.close()
    assert server.requests == []  # nothing left the tablet while it was offline
    assert len(saved["records"]) == 3
    assert {tuple(sorted(r)) for r in saved["records"]} == {
        ("answers", "consent", "finished_at", "language", "mode", "site", "started_at", "survey", "uuid", "version")
    }

    context = launch()
    context.set_offline(True)
    page = context.pages[0]
    page.goto(f"{server.url}/field/")
    expect(count(page, "pending")).to_have_text("3")
    context.set_offline(False)
    expect(count(page, "sent")).to_have_text("3")
    context.close()

    stored = responses(field_app)
    assert sorted(r.uuid for r in stored) == sorted(r["uuid"] for r in saved["records"])
    assert {(r.channel, r.mode, r.site.slug) for r in stored} == {(Channel.FIELD, InterviewMode.IN_PERSON, "tumaco")}


@pytest.fixture
def tablet(browser: Any, server: Server) -> Iterator[Any]:
    """A tablet-sized page, logged in as the field worker, with the field app ready for offline work."""
    context = browser.new_context(viewport=TABLET)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    log_in(page, server.url)
    open_field_app(page, server.url)
    yield page
    context.close()


def test_a_server_that_dies_mid_sync_loses_nothing_and_doubles_nothing(tablet, server, field_app):
    tablet.context.set_offline(True)
    for number in range(4):  # two batches of two
        interview(tablet, quick_answers(f"Interview {number}: the road to the school was repaired."))
        tablet.get_by_role("button", name="Back to the list").click()
    expect(count(tablet, "pending")).to_have_text("4")

    stored_first_batch = threading.Event()

    def store_then_die(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if (environ["REQUEST_METHOD"], environ["PATH_INFO"]) != SUBMISSIONS or stored_first_batch.is_set():
            return field_app(environ, start_response)
        b"".join(field_app(environ, lambda *args: None))  # the batch is stored and committed...
        stored_first_batch.set()
        drop_connection(environ)  # ...and the answer never reaches the tablet

    server.intercept = store_then_die
    tablet.context.set_offline(False)
    assert stored_first_batch.wait(timeout=10)
    server.stop()
    expect(tablet.locator("#field-app[data-sync=waiting]")).to_be_attached()
    time.sleep(1)  # the tablet keeps trying a closed port, waiting longer each time
    server.start()
    expect(count(tablet, "sent")).to_have_text("4")

    assert len(responses(field_app)) == 4
    assert server.requests.count(SUBMISSIONS) >= 3
    assert tablet.locator("[data-status=sent]", has_text="already had it").count() == 2
    with field_app.app_context():
        assert db.session.scalars(select(SubmissionConflict)).all() == []


def test_skip_logic_constraints_and_required_answers_work_offline_in_spanish(tablet):
    tablet.context.set_offline(True)
    tablet.locator("[data-survey=community-safety]").click()
    tablet.get_by_role("button", name="Next").click()
    summary = tablet.locator("[data-error-summary]")
    expect(summary).to_contain_text("Choose the community where the interview takes place.")
    tablet.get_by_label("Español").check()
    tablet.get_by_label("Tumaco").check()
    tablet.get_by_label("By phone").check()
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("[data-screen] legend")).to_have_text("¿Qué edad tiene?")
    progress = tablet.locator("[data-progress-text]")
    expect(progress).to_have_text("Screen 2 of 11")

    def go_to(question: str) -> None:
        while tablet.locator(f"[data-q={question}]").count() == 0:
            tablet.get_by_role("button", name="Next").click()

    go_to("safe_at_night")
    tablet.get_by_role("button", name="Next").click()
    expect(summary).to_contain_text("Elija qué tan seguro(a) se siente de noche.")
    tablet.get_by_label("Seguro(a)", exact=True).check()
    go_to("support_used")
    tablet.get_by_label("No", exact=True).check()
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("[data-screen] [data-q]")).to_have_attribute("data-q", "prevention_involvement")

    tablet.get_by_role("button", name="Back").click()
    expect(progress).to_have_text("Screen 7 of 11")
    tablet.get_by_label("Sí", exact=True).check()
    expect(progress).to_have_text("Screen 7 of 12")  # the follow-up question now applies
    tablet.get_by_role("button", name="Next").click()
    experience = tablet.locator("#fq-support_experience-input")
    expect(experience).to_be_visible()
    experience.fill("x" * 2001)
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("#fq-support_experience")).to_contain_text("Por favor escriba menos de 2.000 caracteres.")
    experience.fill("Me ayudó el grupo de apoyo de la parroquia.")
    expect(tablet.locator("#fq-support_experience .error-message")).to_be_hidden()
    tablet.get_by_role("button", name="Next").click()
    expect(tablet.locator("[data-screen] [data-q]")).to_have_attribute("data-q", "prevention_involvement")

    for width, height in (TABLET["width"], TABLET["height"]), (TABLET["height"], TABLET["width"]):
        tablet.set_viewport_size({"width": width, "height": height})
        targets = tablet.locator("[data-view=interview] button:visible, [data-screen] .choice:visible")
        heights = [box["height"] for box in (t.bounding_box() for t in targets.all())]
        assert heights and min(heights) >= 48, heights
        assert tablet.get_by_role("button", name="Next").bounding_box()["y"] < height  # in reach without scrolling


def test_a_revoked_tablet_keeps_its_queue_and_asks_for_a_new_login(tablet, server, field_app):
    tablet.context.set_offline(True)
    interview(tablet, quick_answers("The market is open again on Sundays."))
    tablet.get_by_role("button", name="Back to the list").click()
    with field_app.app_context():
        [device] = list_devices()
        revoke_device(device, by=find_user(FIELD_WORKER))
        db.session.commit()

    tablet.context.set_offline(False)
    login_needed = tablet.locator("[data-login]")
    expect(login_needed).to_contain_text("Log in again to go on sending")
    expect(count(tablet, "pending")).to_have_text("1")
    assert responses(field_app) == []

    tablet.get_by_role("link", name="Log in again").click()
    tablet.get_by_label("E-mail address").fill(FIELD_WORKER)
    tablet.get_by_label("Password").fill(PASSWORD)
    tablet.get_by_role("button", name="Log in").click()
    expect(count(tablet, "sent")).to_have_text("1")
    expect(login_needed).to_be_hidden()
    [response] = responses(field_app)
    with field_app.app_context():
        devices = list_devices()
        assert [d.revoked_at is None for d in devices] == [True, False]  # newest first
        assert response.device_id == devices[0].id
