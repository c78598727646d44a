"""Background Sync: interviews left waiting are sent by the service worker with the field app closed."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Testimonial
from tests.browser.field_kit import SUBMISSIONS, count, interview, out_of_reach, quick_answers, responses

SYNC_TAG = "voces-queue"


def field_registration(page: Any, cdp: Any, base: str) -> str:
    """The field app's service worker registration, as DevTools names it."""
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [r for r in registrations if r["scopeURL"] == f"{base}/field/" and not r["isDeleted"]]
        if found:
            return str(found[0]["registrationId"])
        page.wait_for_timeout(100)  # Playwright delivers DevTools events while it waits
    raise AssertionError(f"no service worker registration for {base}/field/: {registrations}")


def test_the_queue_is_sent_by_the_service_worker_with_the_app_closed(tablet, server, field_app):
    context = tablet.context
    with out_of_reach(server):
        context.set_offline(True)
        interview(tablet, quick_answers("Sent in the background: the clinic opened again."))
        tablet.get_by_role("button", name="Back to the list").click()
        expect(count(tablet, "pending")).to_have_text("1")
        # The app asked the browser to send the queue when it can.
        assert SYNC_TAG in tablet.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())")
        assert responses(field_app) == []

        # The field worker closes the app; the signal comes back while no page of Voces is open.
        other = context.new_page()
        tablet.close()
    server.requests.clear()  # before the signal returns: the browser may fire the sync itself at once
    context.set_offline(False)
    other.goto(f"{server.url}/healthz")  # DevTools reports the registrations of the page's origin
    cdp = context.new_cdp_session(other)
    registration = field_registration(other, cdp, server.url)
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": server.url, "registrationId": registration, "tag": SYNC_TAG, "lastChance": False},
    )
    deadline = time.monotonic() + 15
    while not responses(field_app) and time.monotonic() < deadline:
        other.wait_for_timeout(200)
    assert len(responses(field_app)) == 1
    with field_app.app_context():
        texts = list(db.session.scalars(select(Testimonial.raw_text)))
    assert texts == ["Sent in the background: the clinic opened again."]
    assert SUBMISSIONS in server.requests

    # Opened again, the app shows the interview as sent, and a second event sends nothing twice.
    page = context.new_page()
    page.goto(f"{server.url}/field/")
    expect(count(page, "sent")).to_have_text("1")
    expect(count(page, "pending")).to_have_text("0")
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": server.url, "registrationId": registration, "tag": SYNC_TAG, "lastChance": False},
    )
    page.wait_for_timeout(1000)
    assert len(responses(field_app)) == 1
