"""Field work with no signal: interviews survive a reload, a closed browser and a dying server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Channel, InterviewMode, SubmissionConflict
from survey.web.field import views as field_views
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.field_kit import (
    SUBMISSIONS,
    TABLET,
    WAIT_MS,
    count,
    drop_connection,
    interview,
    log_in,
    open_field_app,
    out_of_reach,
    quick_answers,
    responses,
)

OFFLINE_SENTENCE = "No connection. The interviews are kept on this tablet and sent when the connection returns."


def test_offline_interviews_survive_a_reload_and_a_closed_browser_then_arrive_once(
    browser, server, field_app, tmp_path
):
    profile = str(tmp_path / "profile")

    def launch(offline: bool = False) -> Any:
        # Offline from the start: the service worker wakes with the browser to send what waits
        # (Background Sync), and the browser's own view of the network is not the emulated one.
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=TABLET, offline=offline
        )
        context.set_default_timeout(WAIT_MS)
        return context

    context = launch()
    page = context.pages[0]
    log_in(page, server.url)
    open_field_app(page, server.url)
    installability = context.new_cdp_session(page).send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == []

    with out_of_reach(server):
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
        # No interview tried to leave the tablet while it said it was offline.
        assert [request for request in server.requests if request[0] != "GET"] == []
        assert len(saved["records"]) == 3
        assert {tuple(sorted(r)) for r in saved["records"]} == {
            ("answers", "consent", "finished_at", "language", "mode", "site", "started_at", "survey", "uuid", "version")
        }

        # The browser opens again with no signal; its service worker may try the queue at once.
        context = launch(offline=True)
        page = context.pages[0]
        page.goto(f"{server.url}/field/")
        expect(count(page, "pending")).to_have_text("3")
        assert responses(field_app) == []
    context.set_offline(False)
    expect(count(page, "sent")).to_have_text("3")
    expect(page.locator("[data-problem]")).to_be_hidden()
    context.close()

    stored = responses(field_app)
    assert sorted(r.uuid for r in stored) == sorted(r["uuid"] for r in saved["records"])
    assert {(r.channel, r.mode, r.site.slug) for r in stored} == {(Channel.FIELD, InterviewMode.IN_PERSON, "tumaco")}


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


def test_an_update_while_logged_out_keeps_the_app_openable_offline(tablet, server, monkeypatch):
    old_caches = tablet.evaluate("caches.keys()")
    monkeypatch.setattr(field_views, "_shell_version", lambda: "a-new-version")
    tablet.context.clear_cookies()  # the session is gone; the device token is not
    tablet.reload()  # the cached app opens, and the browser finds the new worker
    for _ in range(100):  # the new worker installs, then drops the old version's cache
        if tablet.evaluate("caches.keys()") == ["voces-field-a-new-version"]:
            break
        tablet.wait_for_timeout(100)
    assert tablet.evaluate("caches.keys()") == ["voces-field-a-new-version"] != old_caches
    tablet.context.set_offline(True)
    tablet.reload()
    expect(tablet.locator("[data-survey=community-safety]")).to_be_visible()


def test_a_reload_with_no_signal_says_so_in_the_queue(tablet, server):
    tablet.context.set_offline(True)
    tablet.reload()  # the cached app opens with no connection: nothing changes to announce it
    assert tablet.evaluate("navigator.onLine") is False
    expect(tablet.locator("[data-sync-state]")).to_have_text(OFFLINE_SENTENCE)
