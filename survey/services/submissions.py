"""Record a resident's submission, exactly once, with its testimonies analysed."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Answer, Channel, ConsentScope, Response, SurveyVersion, User
from survey.models.base import utcnow
from survey.questionnaire import Definition
from survey.services.sites import get_site
from survey.services.testimonies import add_testimonial

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over a phone


def new_receipt_code() -> str:
    """A code the resident can quote to withdraw their words: XXXX-XXXX."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def find_response(uuid: str) -> Response | None:
    """The response made with this client UUID."""
    with db.session.no_autoflush:
        return db.session.scalar(select(Response).where(Response.uuid == uuid))


def _bound_answer(definition: Definition, answers: Mapping[str, object], bind: str) -> str | None:
    """The answer to the question bound to a response field (its site, its consent)."""
    for question in definition.questions:
        if question.bind == bind and answers.get(question.name):
            return str(answers[question.name])
    return None


def record_submission(
    version: SurveyVersion,
    definition: Definition,
    answers: Mapping[str, object],
    *,
    uuid: str,
    language: str,
    channel: Channel = Channel.WEB,
    started_at: datetime | None = None,
    submitted_at: datetime | None = None,
    interviewer: User | None = None,
) -> Response:
    """Store a validated submission and analyse its testimonies; a known UUID returns the stored one."""
    existing = find_response(uuid)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            return store_new_submission(
                version,
                definition,
                answers,
                uuid=uuid,
                language=language,
                channel=channel,
                started_at=started_at,
                submitted_at=submitted_at,
                interviewer=interviewer,
            )
    except IntegrityError:  # a double tap: the other request stored the same UUID meanwhile
        stored = find_response(uuid)
        if stored is None:
            raise
        return stored


def store_new_submission(
    version: SurveyVersion,
    definition: Definition,
    answers: Mapping[str, object],
    *,
    uuid: str,
    language: str,
    channel: Channel,
    started_at: datetime | None,
    submitted_at: datetime | None,
    interviewer: User | None,
) -> Response:
    """Store a submission whose UUID is new; raises IntegrityError if another request stored it first."""
    site_slug = _bound_answer(definition, answers, "site")
    consent = _bound_answer(definition, answers, "consent")
    response = Response(
        uuid=uuid,
        receipt_code=new_receipt_code(),
        survey_version=version,
        site=get_site(site_slug) if site_slug else None,
        interviewer_id=interviewer.id if interviewer else None,
        channel=channel,
        language=language,
        consent_scope=ConsentScope(consent) if consent else ConsentScope.INTERNAL,
        started_at=started_at,
        submitted_at=submitted_at or utcnow(),
    )
    db.session.add(response)
    names = [str(answers[q.name]) for q in definition.questions if q.personal and answers.get(q.name)]
    for question in definition.questions:
        value = answers.get(question.name)
        if value is None or value == "" or question.testimony:
            continue
        number = question.kind.stored_number(question, str(value))
        response.answers.append(Answer(question=question.name, value_text=str(value), value_number=number))
    for question in definition.testimonies:
        text = str(answers.get(question.name) or "").strip()
        if text:
            add_testimonial(response, question.name, text, names=names)
    db.session.flush()
    return response
