"""Storing submissions exactly once."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from survey.models import Response
from survey.questionnaire import parse_definition
from survey.services.submissions import record_submission, store_new_submission
from tests.conftest import GOOD_ANSWERS


def test_a_double_tap_that_races_the_first_returns_the_stored_response(example_survey, db, monkeypatch):
    definition = parse_definition(example_survey.definition)
    same = str(uuid.uuid4())
    first = record_submission(example_survey, definition, GOOD_ANSWERS, uuid=same, language="en")
    db.session.commit()
    # The second request looked before the first had committed: it does not see it and inserts.
    monkeypatch.setattr(
        "survey.services.submissions.find_response",
        lambda u, _calls=[]: _calls.append(u) or (None if len(_calls) == 1 else first),
    )
    again = record_submission(example_survey, definition, GOOD_ANSWERS, uuid=same, language="en")
    db.session.commit()
    assert again.id == first.id
    assert len(db.session.scalars(select(Response)).all()) == 1


def test_store_new_submission_refuses_a_known_uuid(example_survey, db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    definition = parse_definition(example_survey.definition)
    same = str(uuid.uuid4())
    kwargs = dict(uuid=same, language="en", channel=None, started_at=None, submitted_at=None, interviewer=None)
    record_submission(example_survey, definition, GOOD_ANSWERS, uuid=same, language="en")
    db.session.commit()
    from survey.models import Channel

    kwargs["channel"] = Channel.FIELD
    with pytest.raises(IntegrityError), db.session.begin_nested():
        store_new_submission(example_survey, definition, GOOD_ANSWERS, **kwargs)
