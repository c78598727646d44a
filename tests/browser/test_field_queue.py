"""The queue on the tablet: what the server said about each record, and a revoked token."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import SubmissionConflict, SurveyVersion
from survey.services.devices import list_devices, revoke_device
from survey.services.sync import ingest_record
from survey.services.users import find_user
from tests.browser.field_kit import (
    FIELD_WORKER,
    SUBMISSIONS,
    count,
    interview,
    quick_answers,
    responses,
)
from tests.conftest import GOOD_ANSWERS, PASSWORD


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


INJECT = """async (records) => {
  const [survey] = await VocesStore.currentSurveys();
  const user = document.getElementById('field-app').dataset.user;
  for (const record of records) {
    const now = new Date().toISOString();
    const payload = {uuid: record.uuid, survey: survey.slug, version: survey.version, site: 'tumaco',
      language: 'en', answers: record.answers, started_at: now, finished_at: now, consent: 'quote', mode: 'phone'};
    await VocesStore.saveRecord({...payload, payload, status: 'pending', user, created_at: now, screen: 'setup'});
  }
}"""


def test_the_queue_shows_the_server_answer_for_each_record_and_a_refused_one_can_be_corrected(
    tablet, server, field_app
):
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k not in ("site", "consent")}
    held = str(uuid.uuid4())
    with field_app.app_context():
        version = db.session.scalars(select(SurveyVersion)).one().version
        kept = ingest_record(
            {
                "uuid": held,
                "survey": "community-safety",
                "version": version,
                "language": "en",
                "answers": answers,
                "consent": "internal",
                "site": "guaviare",
            },
            user=None,
            device=None,
            source="file",
        )
        db.session.commit()
    assert kept.status == "created", kept.errors
    tablet.context.set_offline(True)
    interview(tablet, quick_answers("The bus comes twice a day now."))
    tablet.get_by_role("button", name="Back to the list").click()
    tablet.evaluate(
        INJECT,
        [
            {
                "uuid": str(uuid.uuid4()),
                "answers": {**answers, "consent": "quote", "safe_at_night": "<b>9</b>"},
            },  # no such choice
            {"uuid": held, "answers": {**answers, "consent": "quote", "change_story": "Another story, same number."}},
        ],
    )
    asked, busy = [], [True]

    def busy_until_insisted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if (environ["REQUEST_METHOD"], environ["PATH_INFO"]) == SUBMISSIONS:
            if busy:  # the page and its service worker may both try as the signal returns: both are told to wait
                start_response("429 Too Many Requests", [("Retry-After", "120"), ("Content-Type", "application/json")])
                return [b'{"error": "slow down"}']
            asked.append(environ["PATH_INFO"])
        return field_app(environ, start_response)

    server.intercept = busy_until_insisted
    tablet.context.set_offline(False)
    expect(tablet.locator("[data-sync-state]")).to_contain_text("the server asked the tablet to wait")
    next_try = int(tablet.locator("#field-app").get_attribute("data-next-try"))
    assert next_try / 1000 - time.time() > 100  # Retry-After is honoured...
    busy.clear()
    tablet.get_by_role("button", name="Send now").click()  # ...unless the field worker insists
    for status, number in (("sent", "1"), ("failed", "1"), ("conflict", "1")):
        expect(count(tablet, status)).to_have_text(number)
    assert len(asked) == 2  # after the wait, the two batches
    expect(tablet.locator("[data-status=conflict]")).to_contain_text("kept aside for review")
    refused = tablet.locator("[data-status=failed]")
    expect(refused).to_contain_text(  # the server repeats what was sent; the app shows it as text
        "How safe do you feel walking alone in your area at night?: '<b>9</b>' is not one of the choices."
    )
    assert refused.locator("b").count() == 0

    refused.get_by_role("button", name="Correct it").click()
    expect(tablet.locator("[data-server-errors]")).to_contain_text("'<b>9</b>' is not one of the choices.")
    assert tablet.locator("[data-server-errors] b").count() == 0
    while tablet.locator("[data-q=safe_at_night]").count() == 0:
        tablet.get_by_role("button", name="Next").click()
    tablet.get_by_label("Unsafe", exact=True).check()
    while not tablet.get_by_role("button", name="Finish the interview").is_visible():
        tablet.get_by_role("button", name="Next").click()
    tablet.get_by_role("button", name="Finish the interview").click()
    tablet.get_by_role("button", name="Back to the list").click()
    expect(count(tablet, "sent")).to_have_text("2")
    expect(count(tablet, "failed")).to_have_text("0")
    assert len(responses(field_app)) == 3  # the one held before, the interview, the corrected one
    expect(tablet.locator("[data-problem]")).to_be_hidden()
    with field_app.app_context():
        assert len(db.session.scalars(select(SubmissionConflict)).all()) == 1
