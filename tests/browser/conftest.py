"""Headless Chromium through Playwright, and Voces served on a free loopback port."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.field_kit import field_app, server, tablet, whole_bodies  # noqa: F401  (fixtures for the field app tests)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip browser tests where Chromium is missing, unless CI demands them."""
    if CHROMIUM or os.environ.get("VOCES_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
    for item in items:
        if "/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Chromium is required here: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


FAKE_MICROPHONE = "--use-fake-device-for-media-stream"
ALLOW_MICROPHONE = "--use-fake-ui-for-media-stream"  # no prompt: the microphone is allowed


def launched(browser: Any, *flags: str) -> Any:
    """Another Chromium, started as the session's is plus the given flags (a microphone is set at launch)."""
    return browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *flags])


@pytest.fixture(scope="module")
def microphone(browser: Any) -> Iterator[Any]:
    """A Chromium with a microphone the page may use."""
    chromium = launched(browser, FAKE_MICROPHONE, ALLOW_MICROPHONE)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page; closed after the test."""
    context = browser.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def one_at_a_time(app: Callable[..., Any]) -> Callable[..., Any]:
    """Serve one request at a time. The suite's in-memory SQLite is one connection that every thread
    shares, so two requests at once (a page and its recording's range requests, say) could commit
    each other's transactions ("cannot commit - no transaction is active")."""
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with lock:
            return app(environ, start_response)

    return serve


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app on 127.0.0.1 in a thread; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, one_at_a_time(whole_bodies(app)), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)
