"""Records from tablets and queue files, stored by the batch: each one stored once, conflicts kept
aside, one bad record never blocking the rest.

A batch reads its surveys, sites and already stored UUIDs once, stores its new records in a few
statements for them all (see store_submissions), and answers each record as if it had come alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from survey.extensions import db
from survey.models import Device, SubmissionConflict, Survey, SurveyVersion, User
from survey.models.base import table_of
from survey.questionnaire.messages import AnswerError
from survey.services.planner import analyse_young_tables
from survey.services.records import (
    NOT_STORED,
    Identified,
    RecordResult,
    Status,
    Versions,
    conflict,
    identify,
    invalid,
    judge,
    record_language,
)
from survey.services.submissions import SitePlace, Submission, find_responses, sites_by_slug, store_submissions
from survey.services.surveys import definition_of
from survey.services.withdrawals import withdrawn_uuids

log = logging.getLogger(__name__)
MAX_BATCH = 500  # records a request may send; a queue file is stored in batches of this size
ATTEMPTS = 2  # after a race, the second attempt finds what the other request stored


@dataclass(frozen=True)
class _Batch:
    """What every record of a batch shares: who sent it, and the surveys and sites read once for all."""

    user: User | None
    device: Device | None
    source: str  # api, openrosa or file
    language: str  # the request's: a record's reasons are in its own language when it has one
    versions: Versions
    sites: Mapping[str, SitePlace]


def ingest_batch(
    records: Sequence[Any], *, user: User | None, device: Device | None, source: str, language: str = "en"
) -> list[RecordResult]:
    """Store a batch of records together, each created, duplicate, conflict or invalid as if it came alone.

    language is the request's: each record's reasons are in the record's own language when it has one.
    """
    sites = sites_by_slug()
    results = []
    for start in range(0, len(records), MAX_BATCH):
        chunk = records[start : start + MAX_BATCH]
        results += _ingest(chunk, _Batch(user, device, source, language, _versions_named_in(chunk), sites))
    analyse_young_tables()
    return results


def ingest_record(
    record: Any, *, user: User | None, device: Device | None, source: str, language: str = "en"
) -> RecordResult:
    """Store one record unless it is a duplicate, a conflict or invalid: a batch of one."""
    [result] = ingest_batch([record], user=user, device=device, source=source, language=language)
    return result


def _ingest(records: Sequence[Any], batch: _Batch) -> list[RecordResult]:
    """The records in one savepoint; if they cannot be stored together, each in a savepoint of its own,
    so that a record nobody foresaw costs only itself."""
    for _attempt in range(ATTEMPTS):
        try:
            with db.session.begin_nested():
                return _ingest_together(records, batch)
        except IntegrityError:  # another request stored one of these UUIDs meanwhile: look again
            continue
        except Exception as error:  # an input nobody foresaw must not cost the rest of the batch
            if len(records) == 1:
                log.exception("record could not be stored")
            else:
                log.warning(
                    "%d records could not be stored together (%s): storing them one by one", len(records), error
                )
            break
    if len(records) > 1:
        return [result for record in records for result in _ingest([record], batch)]
    [record] = records
    uuid = record.get("uuid") if isinstance(record, dict) else None
    language = record_language(record, batch.language)
    return [invalid(str(uuid) if uuid else None, {"record": AnswerError(NOT_STORED)}, language)]


def _ingest_together(records: Sequence[Any], batch: _Batch) -> list[RecordResult]:
    """Judge every record against what is stored and what came before it in the batch, then store
    the new ones and keep the conflicts aside, in bulk."""
    identified = [identify(record, batch.language) for record in records]
    stored = find_responses({item.uuid for item in identified if isinstance(item, Identified)})
    # A tablet's resend of a withdrawn response, or a queue file imported again: sent, never stored again.
    withdrawn = withdrawn_uuids({item.uuid for item in identified if isinstance(item, Identified)} - stored.keys())
    sites = frozenset(batch.sites)
    results: list[RecordResult] = []
    created: dict[str, tuple[str, RecordResult]] = {}  # by UUID: the digest and answer of a record this batch stores
    receipts_to_come: list[RecordResult] = []  # created here, or a resend of one created here
    new: list[Submission] = []
    conflicts: list[Identified] = []
    for item in identified:
        if isinstance(item, RecordResult):
            results.append(item)
            continue
        if item.uuid in withdrawn:
            results.append(RecordResult(item.uuid, Status.DUPLICATE))
            continue
        if item.uuid in stored:
            known = stored[item.uuid]
            same = known.content_hash == item.digest
            result = (
                RecordResult(item.uuid, Status.DUPLICATE, receipt_code=known.receipt_code) if same else conflict(item)
            )
        elif item.uuid in created:
            digest, _ = created[item.uuid]
            result = RecordResult(item.uuid, Status.DUPLICATE) if digest == item.digest else conflict(item)
        else:
            judged = judge(item, batch.versions, sites, user=batch.user, device=batch.device, source=batch.source)
            if isinstance(judged, RecordResult):
                result = judged
            else:
                result = RecordResult(item.uuid, Status.CREATED)
                created[item.uuid] = (item.digest, result)
                new.append(judged)
        if result.status == Status.CONFLICT:
            conflicts.append(item)
        elif result.status in (Status.CREATED, Status.DUPLICATE) and result.receipt_code is None:
            receipts_to_come.append(result)
        results.append(result)
    receipts = {response.uuid: response.receipt_code for response in store_submissions(new, batch.sites)}
    for result in receipts_to_come:
        result.receipt_code = receipts[str(result.uuid)]
    _keep_aside(conflicts, batch)
    return results


def _keep_aside(conflicts: Sequence[Identified], batch: _Batch) -> None:
    """Keep each conflicting record for an administrator, once however often it is sent."""
    if not conflicts:
        return
    query = select(SubmissionConflict.uuid, SubmissionConflict.content_hash).where(
        SubmissionConflict.uuid.in_({item.uuid for item in conflicts})
    )
    kept = {(row.uuid, row.content_hash) for row in db.session.execute(query)}
    rows = []
    for item in conflicts:
        if (item.uuid, item.digest) in kept:
            continue
        kept.add((item.uuid, item.digest))
        rows.append(
            {
                "uuid": item.uuid,
                "content_hash": item.digest,
                "payload": item.record,
                "source": batch.source,
                "device_id": batch.device.id if batch.device else None,
                "user_id": batch.user.id if batch.user else None,
            }
        )
    if rows:
        db.session.execute(insert(table_of(SubmissionConflict)), rows)


def _versions_named_in(records: Sequence[Any]) -> Versions:
    """The survey versions the records name, with their surveys and definitions, in one query."""
    named = {
        (record["survey"], str(record["version"]))
        for record in records
        if isinstance(record, dict)
        and isinstance(record.get("survey"), str)
        and isinstance(record.get("version"), str | int)
    }
    found: dict[tuple[str, str], Any] = dict.fromkeys(named)
    # Text the database cannot take (NUL, a lone surrogate) names no version: its record is refused.
    askable = [pair for pair in named if all(_sendable(part) for part in pair)]
    if askable:
        query = (
            select(SurveyVersion)
            .join(SurveyVersion.survey)
            .options(contains_eager(SurveyVersion.survey))
            .where(tuple_(Survey.slug, SurveyVersion.version).in_(askable))
        )
        with db.session.no_autoflush:
            for version in db.session.scalars(query):
                found[version.survey.slug, version.version] = (version, definition_of(version))
    return found


def _sendable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def open_conflicts() -> list[SubmissionConflict]:
    """Conflicting records waiting for an administrator, oldest first."""
    return list(
        db.session.scalars(
            select(SubmissionConflict).where(SubmissionConflict.resolved_at.is_(None)).order_by(SubmissionConflict.id)
        )
    )
