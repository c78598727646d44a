"""Record a resident's submission, exactly once; its testimonies are analysed once it commits."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Answer, Channel, ConsentScope, InterviewMode, Response, Site, SurveyVersion
from survey.models.base import utcnow
from survey.questionnaire import Definition
from survey.services.deferred import analyse_later
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


@dataclass(frozen=True)
class Submission:
    """One finished questionnaire as it arrives: from the web form, a tablet or a queue file alike.

    site and consent are what the record says besides its answers; an answer to the question bound
    to the site or to consent comes first.
    """

    uuid: str
    version: SurveyVersion
    definition: Definition
    answers: Mapping[str, object]
    language: str
    channel: Channel = Channel.WEB
    site: str | None = None
    consent: ConsentScope | None = None
    mode: InterviewMode | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    interviewer_id: int | None = None
    device_id: int | None = None
    content_hash: str | None = None  # of the record a tablet sent, to tell a resend from a conflict

    def bound_answer(self, bind: str) -> str | None:
        """The answer to the question bound to a response field (its site, its consent)."""
        for question in self.definition.questions:
            if question.bind == bind and self.answers.get(question.name):
                return str(self.answers[question.name])
        return None


def record_submission(submission: Submission, sites: Mapping[str, Site] | None = None) -> Response:
    """Store a validated submission, its testimonies analysed after the commit; a known UUID returns the stored one."""
    existing = find_response(submission.uuid)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            return store_submission(submission, sites)
    except IntegrityError:  # a double tap: the other request stored the same UUID meanwhile
        stored = find_response(submission.uuid)
        if stored is None:
            raise
        return stored


def store_submission(submission: Submission, sites: Mapping[str, Site] | None = None) -> Response:
    """Store a submission whose UUID is new, every field at once.

    sites holds the known sites by slug when the caller has read them already (the sync API reads
    them once a batch); without it the submission's site is looked up once. Raises IntegrityError
    if another request stored the UUID first: record_submission then returns that one, and the sync
    API judges it as a duplicate or a conflict.
    """
    definition, answers = submission.definition, submission.answers
    site_slug = submission.bound_answer("site") or submission.site
    consent = submission.bound_answer("consent")
    response = Response(
        uuid=submission.uuid,
        receipt_code=new_receipt_code(),
        survey_version=submission.version,
        site=_site(site_slug, sites),
        interviewer_id=submission.interviewer_id,
        channel=submission.channel,
        language=submission.language,
        consent_scope=ConsentScope(consent) if consent else submission.consent or ConsentScope.INTERNAL,
        mode=submission.mode,
        device_id=submission.device_id,
        content_hash=submission.content_hash,
        started_at=submission.started_at,
        submitted_at=submission.finished_at or utcnow(),
    )
    db.session.add(response)
    names = [str(answers[q.name]) for q in definition.questions if q.personal and answers.get(q.name)]
    for question in definition.questions:
        value = answers.get(question.name)
        if value is None or value == "" or question.testimony:
            continue
        number = question.kind.stored_number(question, str(value))
        response.answers.append(Answer(question=question.name, value_text=str(value), value_number=number))
    testimonies = [
        add_testimonial(response, question.name, text, names=names)
        for question in definition.testimonies
        if (text := str(answers.get(question.name) or "").strip())
    ]
    db.session.flush()
    analyse_later(t.id for t in testimonies)  # off the request path: a worker, or this process after the commit
    return response


def _site(slug: str | None, sites: Mapping[str, Site] | None) -> Site | None:
    if not slug:
        return None
    return sites.get(slug) if sites is not None else get_site(slug)
