"""What the field app's browser tests share: a server they control, a file database, a tablet.

A live server with a service worker needs a database that several threads can use at once, so
these tests serve their own app on a SQLite file, from a server they can stop and start again.
This module holds no test; the test_field_*.py modules import its fixtures and helpers.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from survey.extensions import db
from survey.models import Response, Role
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey_file
from survey.services.users import create_user
from tests.conftest import PASSWORD

TABLET = {"width": 800, "height": 1280}
FIELD_WORKER = "field@voces.example"
WAIT_MS = 15_000
SUBMISSIONS = ("POST", "/api/v1/submissions")


def whole_bodies(app: Callable[..., Any]) -> Callable[..., Any]:
    """Read each response body whole and close it before the server writes a byte.

    Werkzeug's development server never closes a response whose connection the browser dropped
    half-way (a favicon fetch cut off by a closing page, say), which leaves its file open.
    """

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        chunks = app(environ, start_response)
        try:
            return [b"".join(chunks)]
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return wsgi


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

        self.server = make_server("127.0.0.1", self.port, whole_bodies(wsgi), threaded=True)
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


@contextmanager
def out_of_reach(server: Server) -> Iterator[None]:
    """Nothing the tablet sends gets through: the server drops every connection, as no signal would.

    Chromium's offline emulation reaches a document or a service worker a moment after it starts,
    so a request made at once (by the worker that Background Sync wakes as the browser opens, say)
    can slip out past it. The requests that tried are still in server.requests.
    """
    server.intercept = lambda environ, start_response: drop_connection(environ)
    try:
        yield
    finally:
        server.intercept = None


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
    page.goto(f"{base}/auth/login?next=/")
    page.get_by_label("E-mail address").fill(FIELD_WORKER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def open_field_app(page: Any, base: str) -> None:
    """Open /field/ and wait until it can work offline (worker, surveys and token in place)."""
    page.goto(f"{base}/field/")
    expect(page.locator("#field-app[data-offline-ready]")).to_be_attached(timeout=WAIT_MS)
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")  # the app's own check is over
    page.wait_for_load_state("networkidle")  # and so are the start-up sync and survey refresh


def settled_right_edge(page: Any, selector: str) -> float:
    """The right edge of the first element matching selector, once it is drawn.

    The queue is drawn again whenever a record changes, so a box read between clearing the list
    and filling it would be None; this waits for a drawn element instead.
    """
    script = """selector => {
        const el = document.querySelector(selector);
        const box = el && el.getBoundingClientRect();
        return box && box.width > 0 ? box.right : null;
    }"""
    return float(page.wait_for_function(script, arg=selector, timeout=WAIT_MS).json_value())


def count(page: Any, status: str) -> Any:
    return page.locator(f"[data-count={status}]")


def interview(page: Any, answers: dict[str, Callable[[Any], None]], site: str = "Tumaco") -> None:
    """Go through the example survey from the list to "Interview saved", answering as told."""
    page.locator("[data-survey=community-safety]").click()
    page.get_by_label(site).check()
    page.get_by_label("In person", exact=True).check()
    page.get_by_role("button", name="Next").click()
    for _ in range(30):
        if page.get_by_role("button", name="Finish the interview").is_visible():  # on the answers to check
            page.get_by_role("button", name="Finish the interview").click()
            break
        for question in page.locator("[data-screen] [data-q]:visible").all():  # a group's questions share a screen
            name = question.get_attribute("data-q")
            if name in answers:
                answers[name](page)
        page.get_by_role("button", name="Next").click()
    expect(page.locator("#h-done")).to_be_visible()


def quick_answers(story: str) -> dict[str, Callable[[Any], None]]:
    return {
        "safe_at_night": lambda page: page.get_by_label("Safe", exact=True).check(),
        "change_story": lambda page: page.locator("#fq-change_story-input").fill(story),
        "consent": lambda page: page.get_by_label("You may quote my words", exact=True).check(),
    }


@contextmanager
def tablet_page(browser: Any, server: Server, **options: Any) -> Iterator[Any]:
    """A tablet-sized page, logged in as the field worker, with the field app ready for offline work."""
    context = browser.new_context(viewport=TABLET, **options)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    log_in(page, server.url)
    open_field_app(page, server.url)
    yield page
    context.close()


@pytest.fixture
def tablet(browser: Any, server: Server) -> Iterator[Any]:
    """The field app on a tablet."""
    with tablet_page(browser, server) as page:
        yield page


SEVERE = {"serious", "critical"}


def severe_violations(page: Any) -> list[str]:
    """Rule ids and targets of the serious and critical axe-core violations on the page."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SEVERE
    ]
