"""What a record from a tablet or a queue file must be, and the answer it gets."""

from __future__ import annotations

import hashlib
import json
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from survey.models import Channel, ConsentScope, Device, InterviewMode, SurveyStatus, SurveyVersion, User
from survey.questionnaire import Definition
from survey.questionnaire.logic import MAX_MADE
from survey.questionnaire.media_types import MediaType
from survey.questionnaire.messages import ANSWER_MESSAGES, GEOPOINT, N_, SITE, AnswerError, echoed
from survey.questionnaire.place_and_time_types import Point, point_parts
from survey.questionnaire.validate import validate_answers, validate_instances
from survey.services.answers import describe_answer_errors
from survey.services.record_repeats import REPEAT_MESSAGES, REPEATS, read_repeats
from survey.services.submissions import Submission

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
NO_FILE = "no_file"
FILE_MISSING, FILE_UNASKED, FILE_KIND, FILE_TOO_LARGE, FILE_EMPTY = (
    "file_missing",
    "file_unasked",
    "file_kind",
    "file_too_large",
    "file_empty",
)
IN_REPEAT = "in_repeat"
INSTANCE_COUNT = "instance_count"
FIELD_SOURCES = frozenset({"api", "api_files", "openrosa"})  # from a tablet: the field channel
# A multipart submission brings its files beside the answers: ODK Collect's, and the field app's
# record sent alone with its files (survey/services/record_files.py).
FILE_CARRYING_SOURCES = frozenset({"openrosa", "api_files"})
START_LOCATION = "start_geopoint"  # a record's key for where the interview began: an ODK point
# An XForm instance holds each repeat instance under its own element, read into "instances"; a JSON
# record or a queue file carries them under "repeats" (see record_repeats).
INSTANCE_CARRYING_SOURCES = frozenset({"openrosa"})
RECORD_MESSAGES: Mapping[str, str] = {
    **ANSWER_MESSAGES,
    **REPEAT_MESSAGES,
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
    NO_FILE: N_(
        "is answered with a photo or recording, which only the tablet sends, with its record, when it has a "
        "connection: a batch of records or a queue file cannot carry it"
    ),
    FILE_MISSING: N_("names the file %(file)s, which did not arrive with the record: nothing was stored"),
    FILE_UNASKED: N_("is not a photo or recording question this record answers: nothing was stored"),
    FILE_KIND: N_("is not the kind of file this question asks for: nothing was stored"),
    FILE_TOO_LARGE: N_("is larger than %(mb)s MB: nothing was stored"),
    FILE_EMPTY: N_("is an empty file: nothing was stored"),
    IN_REPEAT: N_("belongs to a repeat: send it in its instance, under repeats"),
    INSTANCE_COUNT: N_(
        "instances sent: %(sent)s, where the form asks for %(made)s: none was stored, so that none is lost"
    ),
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
    return _digest(_canonical(record))


def _canonical(record: Mapping[str, Any]) -> str:
    """The record as JSON in one spelling: keys sorted, no spaces, every character beyond ASCII escaped."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def _digest(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def invalid(record_uuid: str | None, errors: Mapping[str, AnswerError], language: str) -> RecordResult:
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


def storable_time(value: Any) -> datetime | None:
    """A time a client sent, in UTC, if it is one a record may hold (read, and within the years Voces takes)."""
    return _time(value, "time", {})


Versions = Mapping[tuple[str, str], tuple[SurveyVersion, Definition] | None]  # by survey slug and version


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
    record: Mapping[str, Any], versions: Versions, known_sites: frozenset[str]
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
        found = versions.get((record["survey"], str(record["version"])))
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


@dataclass(frozen=True)
class Identified:
    """A record with a UUID and nothing that cannot be stored: its digest tells a resend from a conflict."""

    record: dict[str, Any]
    uuid: str
    digest: str
    language: str  # the reasons are worded in it


def identify(record: Any, language: str) -> Identified | RecordResult:
    """The record's UUID and digest, or why it has none; language is the request's."""
    language = record_language(record, language)
    if not isinstance(record, dict):
        return invalid(None, {"record": AnswerError(NOT_AN_OBJECT)}, language)
    try:
        record_uuid = str(uuidlib.UUID(str(record.get("uuid"))))
    except ValueError:
        return invalid(None, {"uuid": AnswerError(NOT_A_UUID)}, language)
    canonical = _canonical(record)
    # PostgreSQL can neither store nor compare text holding NUL. The canonical form spells a NUL
    # \u0000 wherever it stands, so a record without that spelling needs no walk through its fields.
    if "\\u0000" in canonical and (nul := _fields_holding_nul(record)):
        return invalid(record_uuid, dict.fromkeys(nul, AnswerError(NUL_IN_RECORD)), language)
    return Identified(record, record_uuid, _digest(canonical), language)


def conflict(item: Identified) -> RecordResult:
    """The answer for a record whose UUID was stored with other content."""
    return RecordResult(
        item.uuid,
        Status.CONFLICT,
        describe_answer_errors({"uuid": AnswerError(CONFLICTING)}, item.language, RECORD_MESSAGES),
    )


def _miscounted(
    sent: Mapping[str, Sequence[Mapping[str, object]]], kept: Mapping[str, Sequence[object]]
) -> dict[str, AnswerError]:
    """The repeats, by instances_key, whose instances sent are not as many as the form's rules make.

    The web form shows as many instances as a repeat_count makes, so validate_instances drops one
    beyond it and makes up one it lacks; an ODK client or the field app makes them as the form says, so a
    disagreement means an instance filled by other rules, and keeping part of it would lose answers.
    A repeat that does not apply has none: a client that sends it along anyway (Enketo unless told
    to leave out what is not relevant) has emptied its instances, and dropping them loses nothing.
    """
    wrong = {}
    for key in sorted(sent.keys() | kept.keys()):
        instances, made = sent.get(key, ()), len(kept.get(key, ()))
        emptied = made == 0 and not any(value not in (None, "") for i in instances for value in i.values())
        if len(instances) != made and not emptied:
            wrong[key] = AnswerError(INSTANCE_COUNT, {"sent": len(instances), "made": made})
    return wrong


def _start_point(value: object, errors: dict[str, AnswerError]) -> Point | None:
    """Where the interview began, read from an ODK point; a value that is not one is an error."""
    if value is None or value == "":
        return None
    point = point_parts(value) if isinstance(value, str) else None
    if point is None:
        errors[START_LOCATION] = AnswerError(GEOPOINT)
    return point


def judge(
    item: Identified,
    versions: Versions,
    sites: frozenset[str],
    *,
    user: User | None,
    device: Device | None,
    source: str,
) -> Submission | RecordResult:
    """The submission a new record makes, or why it is refused; versions and sites are what the batch read."""
    record, record_uuid, language = item.record, item.uuid, item.language
    errors, found = _check_shape(record, versions, sites)
    started = _time(record.get("started_at"), "started_at", errors)
    finished = _time(record.get("finished_at"), "finished_at", errors)
    if started and finished and started > finished:
        errors["started_at"] = AnswerError(AFTER_FINISH)
    start_point = _start_point(record.get(START_LOCATION), errors)
    if errors:
        return invalid(record_uuid, errors, language)
    version, definition = found
    raw = dict(record["answers"])
    for bind in ("site", "consent"):
        if not definition.bound.get(bind) or not record.get(bind):
            continue
        question = definition.bound[bind][0]
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
    # The answers hold one answer per name: a repeat's instances would be lost but one, so none is taken.
    repeated = {r.name for r in definition.repeats.values()} | {
        q.name for r in definition.repeats.values() for q in r.questions
    }
    errors |= {name: AnswerError(IN_REPEAT) for name in sorted(repeated & raw.keys())}
    carries_instances = source in INSTANCE_CARRYING_SOURCES
    if "instances" in record and not carries_instances:
        errors["instances"] = AnswerError(IN_REPEAT)
    sent: dict[str, Any] = {}
    if carries_instances:
        sent = record.get("instances") or {}
    elif REPEATS in record:
        sent, shape = read_repeats(definition, record[REPEATS])
        errors |= shape
    if errors:
        return invalid(record_uuid, errors, language)
    answers, problems = validate_answers(definition, raw, language, known_sites=sites, typed=sent, count_limit=MAX_MADE)
    instances: dict[str, list[dict[str, object]]] = {}
    if definition.repeats:  # a record that sends no instances is judged as one that sends none
        instances, wrong = validate_instances(definition, raw, sent, language, count_limit=MAX_MADE)
        problems |= wrong | _miscounted(sent, instances)
    # a file's name without the file would be an answer that was lost: refuse it rather than keep half
    if source not in FILE_CARRYING_SOURCES:
        problems |= {
            q.name: AnswerError(NO_FILE)
            for q in definition.questions
            if isinstance(q.kind, MediaType) and answers.get(q.name)
        }
    if problems:
        return invalid(record_uuid, problems, language)
    binds_consent = "consent" in definition.bound
    return Submission(
        uuid=record_uuid,
        version=version,
        definition=definition,
        answers=answers,
        language=language,
        instances=instances,
        channel=Channel.FIELD if source in FIELD_SOURCES else Channel.IMPORT,
        site=str(record["site"]) if record.get("site") else None,
        consent=ConsentScope(record["consent"]) if record.get("consent") and not binds_consent else None,
        mode=InterviewMode(record["mode"]) if record.get("mode") else None,
        started_at=started,
        finished_at=finished,
        start_point=start_point if definition.asks_start_location else None,
        interviewer_id=user.id if user else None,
        device_id=device.id if device else None,
        content_hash=item.digest,
    )
