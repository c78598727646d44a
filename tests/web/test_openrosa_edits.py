"""Edits from ODK Collect and Enketo: a form sent again under a new instanceID that names the one it replaces."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree
from sqlalchemy import select

from survey.models import AuditEvent, MediaFile, Response, ResponseRevision, Testimonial
from survey.services.erasure import count_derived, erase_response
from tests.conftest import GOOD_ANSWERS, count
from tests.services.test_rollups import assert_equal, from_raw_rows, rollup
from tests.web import test_openrosa as collect
from tests.web.test_openrosa import FILES, JPEG, OGG, download_xform, fill, message, submit

field_worker, base, voices = collect.field_worker, collect.base, collect.voices  # the same fixtures

EDITED_STORY = "The clinic opened again and the nights are calmer."


def edit_of(instance: bytes, replaced: str, answers: dict[str, str] | None = None) -> tuple[bytes, str]:
    """The instance an edit sends: a new instanceID, the replaced one as deprecatedID, some answers changed."""
    root = etree.fromstring(instance)
    new_id = str(uuid.uuid4())
    for element in root.iter():
        name = etree.QName(element).localname
        if name in (answers or {}):
            element.text = (answers or {})[name]
        elif name == "instanceID":
            element.text = f"uuid:{new_id}"
            deprecated = etree.Element(etree.QName(element).text.replace("instanceID", "deprecatedID"))
            deprecated.text = f"uuid:{replaced}"
            element.addnext(deprecated)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), new_id


@pytest.fixture
def sent(client, base):
    """A form Collect sent: its instance and instanceID, and the response it made."""
    original = str(uuid.uuid4())
    instance = fill(download_xform(client, base), GOOD_ANSWERS, original)
    assert submit(client, base, instance).status_code == 201
    return instance, original


def told(db) -> str:
    """What the stored testimony to the change question says."""
    [testimony] = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).all()
    return testimony.raw_text


def only_response(db) -> Response:
    [response] = db.session.scalars(select(Response)).all()
    return response


def test_an_edit_replaces_the_answers_keeps_the_receipt_and_keeps_the_earlier_version(client, base, sent, db):
    instance, original = sent
    receipt = only_response(db).receipt_code
    edit, edited_id = edit_of(instance, original, {"change_story": EDITED_STORY, "safe_at_night": "4"})
    response = submit(client, base, edit)
    assert response.status_code == 201
    assert message(response) == "Received: thank you."
    stored = only_response(db)
    assert (stored.uuid, stored.receipt_code) == (edited_id, receipt)
    assert {a.question: a.value_text for a in stored.answers}["safe_at_night"] == "4"
    assert told(db) == EDITED_STORY
    [revision] = db.session.scalars(select(ResponseRevision)).all()
    assert (revision.response_id, revision.replaced_uuid) == (stored.id, original)
    assert revision.answers["change_story"] == GOOD_ANSWERS["change_story"]
    assert revision.answers["safe_at_night"] == "2"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "response_edited")).all()
    assert event.detail["replaced"] == original
    assert_equal(rollup(db), from_raw_rows(db))  # the summary counts the interview once, as edited


def test_resending_the_edit_or_the_version_it_replaced_stores_nothing(client, base, sent, db):
    instance, original = sent
    edit, _ = edit_of(instance, original, {"change_story": EDITED_STORY})
    assert submit(client, base, edit).status_code == 201
    assert submit(client, base, edit).status_code == 202
    again = submit(client, base, instance)
    assert again.status_code == 202 and message(again) == "Already received."
    assert count(Response) == 1 and count(ResponseRevision) == 1
    assert told(db) == EDITED_STORY


def test_an_edit_of_an_edit_keeps_every_earlier_version(client, base, sent, db):
    instance, original = sent
    first, first_id = edit_of(instance, original, {"change_story": EDITED_STORY})
    assert submit(client, base, first).status_code == 201
    second, second_id = edit_of(first, first_id, {"change_story": "Calmer still."})
    assert submit(client, base, second).status_code == 201
    assert only_response(db).uuid == second_id
    kept = db.session.scalars(select(ResponseRevision).order_by(ResponseRevision.id)).all()
    assert [r.replaced_uuid for r in kept] == [original, first_id]
    stale, _ = edit_of(instance, original, {"change_story": "Another tablet's edit."})
    refused = submit(client, base, stale)
    assert refused.status_code == 409 and "edited since" in message(refused)


def test_an_edit_of_a_form_voces_never_received_is_refused_and_stores_nothing(client, base, db):
    instance = fill(download_xform(client, base), GOOD_ANSWERS, str(uuid.uuid4()))
    edit, _ = edit_of(instance, str(uuid.uuid4()))
    response = submit(client, base, edit, headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert "no ha llegado a Voces" in message(response)
    assert count(Response) == 0


def test_an_edit_that_is_not_valid_leaves_the_earlier_version_as_it_was(client, base, sent, db):
    instance, original = sent
    edit, _ = edit_of(instance, original, {"consent": "", "change_story": EDITED_STORY})
    response = submit(client, base, edit)
    assert response.status_code == 400 and "consent" in message(response)
    stored = only_response(db)
    assert stored.uuid == original
    assert told(db) == GOOD_ANSWERS["change_story"]
    assert count(ResponseRevision) == 0


def test_withdrawing_an_edited_response_erases_its_earlier_versions(client, base, sent, db):
    instance, original = sent
    edit, _ = edit_of(instance, original, {"change_story": EDITED_STORY})
    assert submit(client, base, edit).status_code == 201
    response = only_response(db)
    assert count_derived(response).earlier_versions == 1  # the administrator's review page says so
    erase_response(response)
    assert count(Response) == 0 and count(ResponseRevision) == 0


def test_a_photo_the_edit_still_names_stays_with_the_response(client, voices, db):
    original = str(uuid.uuid4())
    instance = fill(download_xform(client, voices, "voices"), FILES, original)
    assert submit(client, voices, instance, **{"1700000000.jpg": JPEG, "1700000001.ogg": OGG}).status_code == 201
    edit, _ = edit_of(instance, original, {"story": "1700000009.ogg"})
    response = submit(client, voices, edit, **{"1700000009.ogg": OGG + b"2"})
    assert response.status_code == 201 and message(response) == "Received: thank you. 1 file kept."
    stored = only_response(db)
    kept = {m.question: (m.response_id, m.file_name) for m in db.session.scalars(select(MediaFile))}
    assert kept == {"photo": (stored.id, "1700000000.jpg"), "story": (stored.id, "1700000009.ogg")}
