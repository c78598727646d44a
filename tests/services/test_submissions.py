"""Storing submissions exactly once, every field at once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.models import Channel, ConsentScope, InterviewMode, Response
from survey.questionnaire import parse_definition
from survey.services.submissions import Submission, record_submission
from tests.conftest import GOOD_ANSWERS


def submission(version, **fields):
    """A submission of the example survey with good answers."""
    values = {
        "uuid": str(uuid.uuid4()),
        "version": version,
        "definition": parse_definition(version.definition),
        "answers": GOOD_ANSWERS,
        "language": "en",
    }
    return Submission(**(values | fields))


def test_a_double_tap_that_races_the_first_returns_the_stored_response(example_survey, db, monkeypatch):
    same = submission(example_survey)
    first = record_submission(same)
    db.session.commit()
    # The second request looked before the first had committed: it does not see it and inserts.
    monkeypatch.setattr(
        "survey.services.submissions.find_response",
        lambda u, _calls=[]: _calls.append(u) or (None if len(_calls) == 1 else first),
    )
    again = record_submission(same)
    db.session.commit()
    assert again.id == first.id
    assert len(db.session.scalars(select(Response)).all()) == 1


def test_the_database_refuses_a_known_uuid_that_the_lookup_missed(example_survey, db, monkeypatch):
    same = submission(example_survey)
    record_submission(same)
    db.session.commit()
    monkeypatch.setattr("survey.services.submissions.find_response", lambda u: None)
    with pytest.raises(IntegrityError):
        record_submission(same)


def test_the_answers_bound_to_site_and_consent_come_before_what_the_record_says(example_survey, db):
    stored = record_submission(
        submission(example_survey, site="guaviare", consent=ConsentScope.INTERNAL, mode=InterviewMode.PHONE)
    )
    assert stored.site.slug == GOOD_ANSWERS["site"] and stored.consent_scope == ConsentScope.QUOTE
    assert stored.mode == InterviewMode.PHONE and stored.channel == Channel.WEB


def test_what_the_record_says_counts_when_no_answer_binds_it(example_survey, db):
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "site"}
    stored = record_submission(submission(example_survey, answers=answers, site="guaviare", content_hash="abc"))
    assert stored.site.slug == "guaviare" and stored.content_hash == "abc"


def test_a_testimony_hides_peoples_names_and_keeps_its_sites_name(make_response, db):
    from survey.analysis import ANALYSER_VERSION
    from survey.models import Testimonial

    story = "Mi vecino Carlos Ramírez se fue y Chilapa quedó sola."
    stored = {site: make_response(change_story=story, site=site).id for site in ("chilapa", "tumaco")}
    rows = {
        site: db.session.scalars(
            select(Testimonial).where(Testimonial.response_id == rid, Testimonial.question == "change_story")
        ).one()
        for site, rid in stored.items()
    }
    assert all(row.analyser_version == ANALYSER_VERSION for row in rows.values())  # analysed after the commit
    assert rows["chilapa"].redacted_text == "Mi vecino [name] se fue y Chilapa quedó sola."
    # Elsewhere "Chilapa" is a capitalised word no list knows: taken for a name
    assert rows["tumaco"].redacted_text == "Mi vecino [name] se fue y [name] quedó sola."
