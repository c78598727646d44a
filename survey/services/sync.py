"""Records from tablets and queue files: each one stored once, conflicts kept aside, never blocking."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import (
    Channel,
    ConsentScope,
    Device,
    InterviewMode,
    Response,
    Site,
    SubmissionConflict,
    Survey,
    SurveyStatus,
    SurveyVersion,
    User,
)
from survey.questionnaire import Definition
from survey.questionnaire.messages import ANSWER_MESSAGES, N_, SITE, AnswerError, echoed
from survey.questionnaire.validate import validate_answers
from survey.services.answers import describe_answer_errors
from survey.services.sites import list_sites
from survey.services.submissions import Submission, find_response, store_submission
from survey.services.surveys import definition_of
from survey.services.withdrawals import is_withdrawn_uuid

log = logging.getLogger(__name__)
MAX_BATCH = 500
CLOCK_SKEW = timedelta(days=1)  # tablets' clocks drift; a finish time further ahead is refused
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # a tablet whose clock was reset says 1970
LANGUAGES = ("en", "es")
# What can be wrong with a record besides its answers; worded, like the answers' problems, in the
# record's language (the request's when the record names none Voces speaks).
NOT_AN_OBJECT, NOT_A_UUID, NOT_ANSWERS = "not_an_object", "not_a_uuid", "not_answers"
LANGUAGE, MODE, CONSENT, NO_SURVEY, NO_VERSION = "language", "mode", "consent", "no_survey", "no_version"
NOT_A_TIME, OUTSIDE_YEARS, AFTER_FINISH = "not_a_time", "outside_years", "after_finish"
BIND_MISMATCH, CONFLICTING, NOT_STORED = "bind_mismatch", "conflicting", "not_stored"
DRAFT, CLOSED, UNPUBLISHED = "draft", "closed", "unpublished"
NUL_IN_RECORD = "nul_in_record"
RECORD_MESSAGES: Mapping[str, str] = {
    **ANSWER_MESSAGES,
    NOT_AN_OBJECT: N_("must be an object"),
    NOT_A_UUID: N_("must be a UUID made on the device"),
    NOT_ANSWERS: N_("must be an object of answers by question name"),
    LANGUAGE: N_("must be en or es"),
    MODE: N_("must be in_person or phone"),
    CONSENT: N_("must be quote, quote_anonymous or internal"),
    NO_SURVEY: N_("survey and version are required"),
    NO_VERSION: N_("no version '%(version)s' of survey '%(survey)s'"),
    NOT_A_TIME: N_("not an ISO 8601 date and time"),
    OUTSIDE_YEARS: N_("is outside the years Voces accepts: check the tablet's clock"),
    AFTER_FINISH: N_("is after finished_at"),
    BIND_MISMATCH: N_("says '%(value)s' but the answer to %(question)s says '%(answer)s'"),
    CONFLICTING: N_("already stored with other content; kept aside for review"),
    NOT_STORED: N_("could not be stored"),
    DRAFT: N_("survey '%(survey)s' is not published yet: nothing is stored for it"),
    CLOSED: N_("survey '%(survey)s' is closed: nothing more is stored for it"),
    UNPUBLISHED: N_("version '%(version)s' of survey '%(survey)s' was never published"),
    NUL_IN_RECORD: N_("holds a NUL character, which cannot be stored"),
}


class Status:
    """What happened to a record, with the HTTP code the API reports for it."""

    CREATED, DUPLICATE, CONFLICT, INVALID = "created", "duplicate", "conflict", "invalid"
    CODES = {CREATED: 201, DUPLICATE: 200, CONFLICT: 409, INVALID: 422}


@dataclass
class RecordResult:
    """The answer for one record of a batch."""

    uuid: str | None
    status: str
    errors: dict[str, str] = field(default_factory=dict)
    receipt_code: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The record's result as the API sends it."""
        body: dict[str, Any] = {"uuid": self.uuid, "status": self.status, "code": Status.CODES[self.status]}
        if self.errors:
            body["errors"] = self.errors
        if self.receipt_code:
            body["receipt_code"] = self.receipt_code
        return body


def content_hash(record: Mapping[str, Any]) -> str:
    """A digest of the whole record: the same UUID with the same digest is the same submission."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _invalid(record_uuid: str | None, errors: Mapping[str, AnswerError], language: str) -> RecordResult:
    """A refused record, its reasons worded in one language."""
    return RecordResult(record_uuid, Status.INVALID, describe_answer_errors(errors, language, RECORD_MESSAGES))


def record_language(record: Any, fallback: str) -> str:
    """The language a record's reasons are worded in: its own if Voces speaks it, else the request's."""
    language = record.get("language") if isinstance(record, dict) else None
    return language if isinstance(language, str) and language in LANGUAGES else fallback


def _time(value: Any, name: str, errors: dict[str, AnswerError]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        errors[name] = AnswerError(NOT_A_TIME)
        return None
    if not EARLIEST <= parsed <= datetime.now(UTC) + CLOCK_SKEW:
        errors[name] = AnswerError(OUTSIDE_YEARS)
        return None
    return parsed


class _Versions:
    """Survey versions looked up once per batch."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], tuple[SurveyVersion, Definition] | None] = {}

    def get(self, slug: str, version: str) -> tuple[SurveyVersion, Definition] | None:
        key = (slug, version)
        if key not in self._found:
            row = db.session.scalar(
                select(SurveyVersion).join(Survey).where(Survey.slug == slug, SurveyVersion.version == version)
            )
            self._found[key] = (row, definition_of(row)) if row else None
        return self._found[key]


def _holds_nul(value: Any) -> bool:
    stack = [value]
    while stack:  # without recursion: a record may nest as deep as the API lets it
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _fields_holding_nul(record: Mapping[str, Any]) -> list[str]:
    """The record's fields, or its answers by question, whose text holds a NUL character."""
    answers = record.get("answers")
    nested = answers.items() if isinstance(answers, dict) else []
    fields = [(k, v) for k, v in record.items() if not (k == "answers" and isinstance(answers, dict))]
    return [str(k).replace("\x00", "") for k, v in [*fields, *nested] if _holds_nul(k) or _holds_nul(v)]


def _check_shape(
    record: Mapping[str, Any], versions: _Versions, known_sites: frozenset[str]
) -> tuple[dict[str, AnswerError], Any]:
    errors: dict[str, AnswerError] = {}
    found = None
    if not isinstance(record.get("answers"), dict):
        errors["answers"] = AnswerError(NOT_ANSWERS)
    if record.get("language") not in LANGUAGES:
        errors["language"] = AnswerError(LANGUAGE)
    if record.get("mode") not in (None, *[m.value for m in InterviewMode]):
        errors["mode"] = AnswerError(MODE)
    if record.get("consent") not in (None, *[c.value for c in ConsentScope]):
        errors["consent"] = AnswerError(CONSENT)
    if record.get("site") and str(record["site"]) not in known_sites:
        errors["site"] = AnswerError(SITE, {"value": echoed(str(record["site"]))})
    if not isinstance(record.get("survey"), str) or not isinstance(record.get("version"), str | int):
        errors["survey"] = AnswerError(NO_SURVEY)
    else:
        found = versions.get(record["survey"], str(record["version"]))
        if found is None:
            params = {"version": echoed(str(record["version"])), "survey": echoed(record["survey"])}
            errors["version"] = AnswerError(NO_VERSION, params)
        elif (refusal := _not_open(found[0])) is not None:
            errors["survey"] = refusal
    return errors, found


def _not_open(version: SurveyVersion) -> AnswerError | None:
    """Why a version takes no records: its survey is a draft or closed, or it never reached a tablet.

    A published version that a newer one replaced still takes records while its survey is open:
    tablets keep interviews begun on it for days.
    """
    params = {"survey": echoed(version.survey.slug), "version": echoed(version.version)}
    if version.survey.status == SurveyStatus.DRAFT:
        return AnswerError(DRAFT, params)
    if version.survey.status == SurveyStatus.CLOSED:
        return AnswerError(CLOSED, params)
    if version.published_at is None:
        return AnswerError(UNPUBLISHED, params)
    return None


def ingest_record(
    record: Any,
    *,
    user: User | None,
    device: Device | None,
    source: str,
    versions: _Versions | None = None,
    sites: Mapping[str, Site] | None = None,
    language: str = "en",
) -> RecordResult:
    """Store one record unless it is a duplicate, a conflict or invalid.

    The reasons are worded in the record's language, or in the given one (the request's) when the
    record names none Voces speaks. Raises IntegrityError when another request stored the same
    UUID meanwhile: the caller's savepoint undoes this attempt, and a second one finds the stored record.
    versions and sites (by slug) are what a batch has read already.
    """
    versions = versions or _Versions()
    language = record_language(record, language)
    if not isinstance(record, dict):
        return _invalid(None, {"record": AnswerError(NOT_AN_OBJECT)}, language)
    try:
        record_uuid = str(uuidlib.UUID(str(record.get("uuid"))))
    except ValueError:
        return _invalid(None, {"uuid": AnswerError(NOT_A_UUID)}, language)
    if nul := _fields_holding_nul(record):  # PostgreSQL can neither store nor compare such text
        return _invalid(record_uuid, dict.fromkeys(nul, AnswerError(NUL_IN_RECORD)), language)
    digest = content_hash(record)
    existing = find_response(record_uuid)
    if existing is not None:
        return _known(existing, digest, record, user, device, source, language)
    if is_withdrawn_uuid(record_uuid):  # a tablet's resend, or a queue file imported again: sent, never stored again
        return RecordResult(record_uuid, Status.DUPLICATE)
    sites = _sites_by_slug() if sites is None else sites
    known_sites = frozenset(sites)
    errors, found = _check_shape(record, versions, known_sites)
    started = _time(record.get("started_at"), "started_at", errors)
    finished = _time(record.get("finished_at"), "finished_at", errors)
    if started and finished and started > finished:
        errors["started_at"] = AnswerError(AFTER_FINISH)
    if errors:
        return _invalid(record_uuid, errors, language)
    version, definition = found
    raw = dict(record["answers"])
    for bind in ("site", "consent"):
        question = next((q for q in definition.questions if q.bind == bind), None)
        if question is None or not record.get(bind):
            continue
        if not raw.get(question.name):
            raw[question.name] = record[bind]
        elif str(raw[question.name]) != str(record[bind]):
            # Never widen what a respondent agreed to, nor move them to another place.
            params = {
                "value": echoed(str(record[bind])),
                "question": question.name,
                "answer": echoed(str(raw[question.name])),
            }
            errors[bind] = AnswerError(BIND_MISMATCH, params)
    if errors:
        return _invalid(record_uuid, errors, language)
    answers, problems = validate_answers(definition, raw, language, known_sites=known_sites)
    if problems:
        return _invalid(record_uuid, problems, language)
    binds_consent = any(q.bind == "consent" for q in definition.questions)
    submission = Submission(
        uuid=record_uuid,
        version=version,
        definition=definition,
        answers=answers,
        language=language,
        channel=Channel.FIELD if source == "api" else Channel.IMPORT,
        site=str(record["site"]) if record.get("site") else None,
        consent=ConsentScope(record["consent"]) if record.get("consent") and not binds_consent else None,
        mode=InterviewMode(record["mode"]) if record.get("mode") else None,
        started_at=started,
        finished_at=finished,
        interviewer_id=user.id if user else None,
        device_id=device.id if device else None,
        content_hash=digest,
    )
    response = store_submission(submission, sites)
    return RecordResult(record_uuid, Status.CREATED, receipt_code=response.receipt_code)


def _known(
    stored: Response,
    digest: str,
    record: dict[str, Any],
    user: User | None,
    device: Device | None,
    source: str,
    language: str,
) -> RecordResult:
    """A UUID already stored: the same content is a duplicate, other content a conflict kept aside."""
    record_uuid = stored.uuid
    if stored.content_hash == digest:
        return RecordResult(record_uuid, Status.DUPLICATE, receipt_code=stored.receipt_code)
    already = db.session.scalar(
        select(SubmissionConflict).where(
            SubmissionConflict.uuid == record_uuid, SubmissionConflict.content_hash == digest
        )
    )
    if already is None:
        db.session.add(
            SubmissionConflict(
                uuid=record_uuid,
                content_hash=digest,
                payload=record,
                source=source,
                device_id=device.id if device else None,
                user_id=user.id if user else None,
            )
        )
        db.session.flush()
    conflict = describe_answer_errors({"uuid": AnswerError(CONFLICTING)}, language, RECORD_MESSAGES)
    return RecordResult(record_uuid, Status.CONFLICT, conflict)


def ingest_batch(
    records: Sequence[Any], *, user: User | None, device: Device | None, source: str, language: str = "en"
) -> list[RecordResult]:
    """Ingest each record on its own: one bad record never blocks the rest.

    language is the request's: each record's reasons are in the record's own language when it has one.
    """
    versions, sites = _Versions(), _sites_by_slug()
    return [
        _ingest_in_savepoint(
            r, user=user, device=device, source=source, versions=versions, sites=sites, language=language
        )
        for r in records
    ]


def _sites_by_slug() -> dict[str, Site]:
    return {site.slug: site for site in list_sites()}


def _ingest_in_savepoint(
    record: Any,
    *,
    user: User | None,
    device: Device | None,
    source: str,
    versions: _Versions,
    sites: Mapping[str, Site],
    language: str,
) -> RecordResult:
    """One record in a savepoint of its own, so that its failure undoes only itself."""
    for _attempt in range(2):  # after a race, the second attempt finds what the other request stored
        try:
            with db.session.begin_nested():
                return ingest_record(
                    record, user=user, device=device, source=source, versions=versions, sites=sites, language=language
                )
        except IntegrityError:
            continue
        except Exception:  # an input nobody foresaw must not cost the rest of the batch
            log.exception("record could not be stored")
            break
    uuid = record.get("uuid") if isinstance(record, dict) else None
    return _invalid(str(uuid) if uuid else None, {"record": AnswerError(NOT_STORED)}, record_language(record, language))


def open_conflicts() -> list[SubmissionConflict]:
    """Conflicting records waiting for an administrator, oldest first."""
    return list(
        db.session.scalars(
            select(SubmissionConflict).where(SubmissionConflict.resolved_at.is_(None)).order_by(SubmissionConflict.id)
        )
    )
