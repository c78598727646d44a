"""Record submissions, exactly once, with their testimonies analysed: one from the web form, or a tablet's batch."""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple, cast

from sqlalchemy import Dialect, select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Answer, Channel, ConsentScope, InterviewMode, Response, Site, SurveyVersion, Testimonial
from survey.models.base import Base, table_of, utcnow
from survey.questionnaire import Definition
from survey.questionnaire.place_and_time_types import Point
from survey.questionnaire.validate import split_instances_key
from survey.services.bulk_rows import BulkTable, reserve_ids
from survey.services.deferred import analyse_later
from survey.services.lookups import one_of
from survey.services.raw_counts import NUMBER_TYPES, by_question_names
from survey.services.rollup_deltas import count_submission, defer_changes, new_changes
from survey.services.rollups import month_key
from survey.services.testimonies import pending_testimony_row

RESPONSE_COLUMNS = (
    "id",
    "uuid",
    "receipt_code",
    "survey_version_id",
    "site_id",
    "interviewer_id",
    "channel",
    "language",
    "consent_scope",
    "mode",
    "device_id",
    "content_hash",
    "started_at",
    "start_latitude",
    "start_longitude",
    "start_altitude",
    "start_accuracy",
    "submitted_at",
    "received_at",
)
START_COLUMNS = ("start_latitude", "start_longitude", "start_altitude", "start_accuracy")
ANSWER_COLUMNS = ("response_id", "question", "instance", "parent_instance", "value_text", "value_number")
TESTIMONY_COLUMNS = (
    "id",
    "response_id",
    "question",
    "raw_text",
    "redacted_text",
    "redactions",
    "sentences",
    "analyser_version",
    "codebook_version",
    "analysed_at",
)
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over a phone


def new_receipt_code() -> str:
    """A code the resident can quote to withdraw their words: XXXX-XXXX."""
    number = secrets.randbelow(len(RECEIPT_ALPHABET) ** 8)  # one draw, not eight: demo loads make millions
    raw = []
    for _ in range(8):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        raw.append(RECEIPT_ALPHABET[digit])
    return f"{''.join(raw[:4])}-{''.join(raw[4:])}"


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
    # by repeat; a repeat inside another by instances_key (child.2: its instances in the outer's 2nd)
    instances: Mapping[str, Sequence[Mapping[str, object]]] = field(default_factory=dict)
    channel: Channel = Channel.WEB
    site: str | None = None
    consent: ConsentScope | None = None
    mode: InterviewMode | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    start_point: Point | None = None  # where the interview began, for a form with a start-geopoint row
    interviewer_id: int | None = None
    device_id: int | None = None
    content_hash: str | None = None  # of the record a tablet sent, to tell a resend from a conflict

    def bound_answer(self, bind: str) -> str | None:
        """The answer to the question bound to a response field (its site, its consent)."""
        for question in self.definition.bound.get(bind, ()):
            if self.answers.get(question.name):
                return str(self.answers[question.name])
        return None


class StoredResponse(NamedTuple):
    """A response just stored: what a tablet is answered with."""

    id: int
    uuid: str
    receipt_code: str


class KnownResponse(NamedTuple):
    """What telling a resend from a conflict needs of a stored response."""

    content_hash: str | None
    receipt_code: str


def find_responses(uuids: Collection[str]) -> dict[str, KnownResponse]:
    """The responses already made with these client UUIDs, by UUID, in one query."""
    if not uuids:
        return {}
    query = select(Response.uuid, Response.content_hash, Response.receipt_code).where(one_of(Response.uuid, uuids))
    with db.session.no_autoflush:
        return {row.uuid: KnownResponse(row.content_hash, row.receipt_code) for row in db.session.execute(query)}


def record_submission(submission: Submission, sites: Mapping[str, SitePlace] | None = None) -> Response:
    """Store a validated submission and analyse its testimonies; a known UUID returns the stored one."""
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


def store_submission(submission: Submission, sites: Mapping[str, SitePlace] | None = None) -> Response:
    """Store a submission whose UUID is new, every field at once, and analyse its testimonies.

    Raises IntegrityError if another request stored the UUID first: record_submission then returns
    that one.
    """
    [stored] = store_submissions([submission], sites)
    return db.session.get_one(Response, stored.id)


def store_submissions(
    submissions: Sequence[Submission], sites: Mapping[str, SitePlace] | None = None
) -> list[StoredResponse]:
    """Store submissions whose UUIDs are new, a few statements for them all, then analyse their testimonies.

    sites holds the known sites by slug when the caller has read them already (the sync API reads
    them once a batch); without it the submissions' sites are read in one query. Returns what was
    stored, in the submissions' order. Raises IntegrityError if another request stored one of the
    UUIDs first, and stores none of them then: the caller undoes its savepoint and looks again.
    """
    if not submissions:
        return []
    known = _sites(submissions, sites)
    site_ids = {slug: site.id for slug, site in known.items()}
    received = utcnow()
    rows = [_response_row(s, site_ids, received) for s in submissions]
    # In the batch's order, as they arrived. Two batches that hold the same UUIDs in another order
    # may wait each for the other on PostgreSQL: it then stops one, whose caller stores its records
    # one by one, finding the other's.
    connection = db.session.connection()
    for response_id, row in zip(reserve_ids(connection, table_of(Response), len(rows)), rows, strict=True):
        row["id"] = response_id
    _bulk_table(connection.dialect, Response, RESPONSE_COLUMNS).write_dicts(connection, rows)
    ids = {str(row["uuid"]): cast(int, row["id"]) for row in rows}
    answers, testimonies = _answer_rows(submissions, ids, known)
    if answers:
        _bulk_table(connection.dialect, Answer, ANSWER_COLUMNS).write_dicts(connection, answers)
    if testimonies:
        stored = reserve_ids(connection, table_of(Testimonial), len(testimonies))
        for testimony_id, testimony in zip(stored, testimonies, strict=True):
            testimony |= {"id": testimony_id, "analysed_at": received}
        _bulk_table(connection.dialect, Testimonial, TESTIMONY_COLUMNS).write_dicts(connection, testimonies)
        analyse_later(stored)  # the one place stored testimonies are sent for analysis: a worker, or after the commit
    _count(submissions, rows, ids, answers, testimonies)
    return [StoredResponse(ids[str(row["uuid"])], str(row["uuid"]), str(row["receipt_code"])) for row in rows]


@lru_cache(maxsize=8)
def _bulk_table(dialect: Dialect, model: type[Base], columns: tuple[str, ...]) -> BulkTable:
    """How to write these columns of a model's table on this database, worked out once."""
    return BulkTable(dialect, table_of(model), columns)


def _answer_rows(
    submissions: Sequence[Submission], response_ids: Mapping[str, int], sites: Mapping[str, SitePlace]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The rows of the submissions' answers, and of their testimonies not yet analysed."""
    answers, testimonies = [], []
    for submission in submissions:
        response_id = response_ids[submission.uuid]
        site = sites.get(submission.bound_answer("site") or submission.site or "")
        places = [p for p in (site.name, site.region) if p] if site else []
        names = [
            str(submission.answers[q.name])
            for q in submission.definition.questions
            if q.personal and submission.answers.get(q.name)
        ]
        for question in submission.definition.questions:
            value = submission.answers.get(question.name)
            if question.testimony:
                text = str(value or "").strip()
                if text:
                    testimonies.append(pending_testimony_row(response_id, question.name, text, names, places))
            elif value is not None and value != "":
                number = question.kind.stored_number(question, str(value))
                row = {"response_id": response_id, "question": question.name, "instance": 0, "parent_instance": ""}
                answers.append(row | {"value_text": str(value), "value_number": number})
        answers.extend(_instance_rows(submission, response_id))
    return answers, testimonies


def _instance_rows(submission: Submission, response_id: int) -> Iterator[dict[str, object]]:
    """The rows of the answers given in each repeat instance, numbered from 1 within their repeat.

    A repeat inside another is numbered within each outer instance, whose path the row keeps.
    """
    repeats = submission.definition.repeats
    for key, instances in submission.instances.items():
        name, parent = split_instances_key(key)
        if name not in repeats:
            continue
        for position, answers in enumerate(instances, start=1):
            for question in repeats[name].questions:
                value = answers.get(question.name)
                if value is not None and value != "":
                    number = question.kind.stored_number(question, str(value))
                    row = {"response_id": response_id, "question": question.name, "instance": position}
                    yield row | {"parent_instance": parent, "value_text": str(value), "value_number": number}


def _response_row(submission: Submission, site_ids: Mapping[str, int], received: datetime) -> dict[str, object]:
    site_slug = submission.bound_answer("site") or submission.site
    consent = submission.bound_answer("consent")
    return {
        "uuid": submission.uuid,
        "receipt_code": new_receipt_code(),
        "survey_version_id": submission.version.id,
        "site_id": site_ids.get(site_slug) if site_slug else None,
        "interviewer_id": submission.interviewer_id,
        "channel": submission.channel,
        "language": submission.language,
        "consent_scope": ConsentScope(consent) if consent else submission.consent or ConsentScope.INTERNAL,
        "mode": submission.mode,
        "device_id": submission.device_id,
        "content_hash": submission.content_hash,
        "started_at": submission.started_at,
        **dict(zip(START_COLUMNS, submission.start_point or (None,) * len(START_COLUMNS), strict=True)),
        "submitted_at": submission.finished_at or received,
        "received_at": received,
    }


def _count(
    submissions: Sequence[Submission],
    rows: Sequence[Mapping[str, object]],
    ids: Mapping[str, int],
    answers: Sequence[Mapping[str, object]],
    testimonies: Sequence[Mapping[str, object]],
) -> None:
    """Add the stored responses to the summary's counts."""
    answered: dict[object, list[tuple[str, object]]] = defaultdict(list)
    for answer in answers:
        if answer["instance"]:
            continue  # the summary counts the questions asked once; a repeat's answers are exported
        answered[answer["response_id"]].append((str(answer["question"]), answer["value_text"]))
    told = Counter(testimony["response_id"] for testimony in testimonies)
    changes = new_changes()
    counted: dict[int, CountedQuestions] = {}  # by definition: a batch's submissions share a few
    for submission, row in zip(submissions, rows, strict=True):
        response_id = ids[submission.uuid]
        cell = (submission.version.id, _site_of(row), month_key(_submitted(row)))
        questions = counted.get(id(submission.definition))
        if questions is None:
            questions = counted[id(submission.definition)] = _counted_questions(submission.definition)
        count_submission(
            changes, cell, answered[response_id], questions.choices, told[response_id], questions.numbers, questions.by
        )
    defer_changes(changes)


class CountedQuestions(NamedTuple):
    """The questions of a definition whose answers the summary counts, by how it counts them."""

    choices: frozenset[str]
    numbers: frozenset[str]
    by: frozenset[str]  # select-one questions that cross-tabs split the others by


def _counted_questions(definition: Definition) -> CountedQuestions:
    return CountedQuestions(
        frozenset(q.name for q in definition.questions if q.choices),
        frozenset(q.name for q in definition.questions if q.type in NUMBER_TYPES),
        frozenset(by_question_names(definition.questions)),
    )


def _site_of(row: Mapping[str, object]) -> int | None:
    return cast(int | None, row["site_id"])


def _submitted(row: Mapping[str, object]) -> datetime:
    return cast(datetime, row["submitted_at"])


class SitePlace(NamedTuple):
    """A site as storing a submission needs it: its id, and its name and region (kept by redaction)."""

    id: int
    name: str
    region: str


def sites_by_slug(slugs: Collection[str] | None = None) -> dict[str, SitePlace]:
    """The sites with these slugs (every site when None), as storing submissions needs them, in one query."""
    query = select(Site.slug, Site.id, Site.name, Site.region)
    if slugs is not None:
        query = query.where(Site.slug.in_(slugs))
    with db.session.no_autoflush:
        return {row.slug: SitePlace(row.id, row.name, row.region) for row in db.session.execute(query)}


def _sites(submissions: Sequence[Submission], sites: Mapping[str, SitePlace] | None) -> Mapping[str, SitePlace]:
    if sites is not None:
        return sites
    slugs = {slug for s in submissions if (slug := s.bound_answer("site") or s.site)}
    return sites_by_slug(slugs) if slugs else {}
