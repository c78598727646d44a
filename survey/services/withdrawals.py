"""Residents withdraw their response with its receipt code; an administrator confirms or declines.

A receipt code is 8 characters drawn by `secrets` from 31 (survey.services.submissions): 31**8, about
8.5e11 codes, some 40 bits. Even with a million responses stored, a guess finds one about once in
850,000 tries, and /withdraw lets an address try a few an hour (WITHDRAW_RATE_LIMIT). So the page can
tell a resident plainly that no response has the code they typed, which catches a typo, without
helping anyone find other people's codes.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import (
    ImportRecord,
    LearnedModel,
    Response,
    User,
    WithdrawalOrigin,
    WithdrawalRequest,
    WithdrawalStatus,
)
from survey.models.base import SEARCH_TABLE, utcnow
from survey.services.audit import record_event
from survey.services.erasure import Derived, count_derived, erase_response, testimony_ids
from survey.services.export_jobs import forget_prepared_exports, prepared_exports
from survey.services.learning import drop_learned, models_trained_on
from survey.services.lookups import one_of
from survey.services.submissions import RECEIPT_ALPHABET

RECEIPT_LENGTH = 8
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.]+")  # spaces, hyphens and dashes a phone keyboard may put in


class ReceiptCodeError(ValueError):
    """Text that cannot be a receipt code."""


def normalise_receipt(text: str) -> str:
    """A receipt code as Voces prints it (XXXX-XXXX), from what a person typed, whatever the case and separators."""
    code = SEPARATORS.sub("", text).upper()
    if len(code) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        raise ReceiptCodeError(f"not a receipt code: {text!r}")
    return f"{code[:4]}-{code[4:]}"


def receipt_digest(code: str) -> str:
    """What a withdrawal keeps of a receipt code once its response is gone."""
    return hashlib.sha256(normalise_receipt(code).encode("ascii")).hexdigest()


def find_by_receipt(code: str) -> Response | None:
    """The stored response with this receipt code."""
    return db.session.scalar(select(Response).where(Response.receipt_code == normalise_receipt(code)))


def last_withdrawal(code: str) -> WithdrawalRequest | None:
    """The withdrawal carried out for this receipt code, if its response was withdrawn."""
    return db.session.scalar(
        select(WithdrawalRequest)
        .where(
            WithdrawalRequest.receipt_digest == receipt_digest(code), WithdrawalRequest.status == WithdrawalStatus.DONE
        )
        .order_by(WithdrawalRequest.id.desc())
        .limit(1)
    )


def is_withdrawn_uuid(uuid: str) -> bool:
    """Whether a response made with this UUID was withdrawn: a resend of it must not be stored again."""
    return (
        db.session.scalar(
            select(WithdrawalRequest.id).where(
                WithdrawalRequest.response_uuid == uuid, WithdrawalRequest.status == WithdrawalStatus.DONE
            )
        )
        is not None
    )


def withdrawn_uuids(uuids: Collection[str]) -> set[str]:
    """Which of these UUIDs belonged to responses that were withdrawn, in one query."""
    if not uuids:
        return set()
    query = select(WithdrawalRequest.response_uuid).where(
        one_of(WithdrawalRequest.response_uuid, set(uuids)), WithdrawalRequest.status == WithdrawalStatus.DONE
    )
    return {str(uuid) for uuid in db.session.scalars(query)}


def _open_request(response: Response) -> WithdrawalRequest | None:
    return db.session.scalar(select(WithdrawalRequest).where(WithdrawalRequest.response_id == response.id))


class RequestOutcome(enum.StrEnum):
    """What a resident's request came to."""

    RECORDED = "recorded"  # a new request, or one declined before and asked for again
    PENDING = "pending"  # already waiting for a decision
    WITHDRAWN = "withdrawn"  # the response was deleted already
    UNKNOWN = "unknown"  # no response has this code


def request_withdrawal(code: str) -> RequestOutcome:
    """Record a resident's request to withdraw the response with this code; asking twice records it once.

    Nothing about who asked is kept (no address, no audit line): the request is the resident's alone.
    """
    response = find_by_receipt(code)
    if response is None:
        return RequestOutcome.WITHDRAWN if last_withdrawal(code) is not None else RequestOutcome.UNKNOWN
    existing = _open_request(response)
    if existing is not None and existing.status == WithdrawalStatus.PENDING:
        return RequestOutcome.PENDING
    if existing is not None:  # declined before: the resident asks again, and an administrator decides again
        existing.status, existing.requested_at = WithdrawalStatus.PENDING, utcnow()
        existing.origin, existing.decided_by_id, existing.decided_at = WithdrawalOrigin.RESIDENT, None, None
        db.session.flush()
        return RequestOutcome.RECORDED
    try:
        with db.session.begin_nested():
            db.session.add(_new_request(response, WithdrawalOrigin.RESIDENT))
    except IntegrityError:  # the same code sent twice at once: the other request recorded it
        return RequestOutcome.PENDING
    return RequestOutcome.RECORDED


def _new_request(response: Response, origin: WithdrawalOrigin) -> WithdrawalRequest:
    return WithdrawalRequest(
        response=response,
        receipt_digest=receipt_digest(response.receipt_code),
        response_uuid=response.uuid,
        origin=origin,
        status=WithdrawalStatus.PENDING,
    )


def pending_requests() -> list[WithdrawalRequest]:
    """Requests waiting for an administrator, oldest first."""
    return list(
        db.session.scalars(
            select(WithdrawalRequest)
            .where(WithdrawalRequest.status == WithdrawalStatus.PENDING)
            .order_by(WithdrawalRequest.requested_at, WithdrawalRequest.id)
        )
    )


def decided_requests(limit: int = 50) -> list[WithdrawalRequest]:
    """The latest requests carried out or declined, newest first."""
    return list(
        db.session.scalars(
            select(WithdrawalRequest)
            .where(WithdrawalRequest.status != WithdrawalStatus.PENDING)
            .order_by(WithdrawalRequest.decided_at.desc(), WithdrawalRequest.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Preview:
    """What withdrawing a response would delete: rows, and learned codebooks trained on its words."""

    derived: Derived
    learned: list[LearnedModel]
    request: WithdrawalRequest | None
    exports: int  # prepared exports of the survey, deleted with it

    @property
    def drops_active_codebook(self) -> bool:
        """Whether the codebook tagging new testimonies is among those to drop."""
        return any(model.active for model in self.learned)


def preview_withdrawal(response: Response) -> Preview:
    """Count what withdrawing a response would delete, without deleting anything."""
    return Preview(
        count_derived(response),
        models_trained_on(testimony_ids(response)),
        _open_request(response),
        len(prepared_exports(response.survey_version.survey.slug)),
    )


@dataclass(frozen=True)
class Withdrawal:
    """What a withdrawal deleted."""

    request: WithdrawalRequest
    derived: Derived
    learned_dropped: int
    active_dropped: bool  # the codebook that tagged new testimonies was among them
    retrained: LearnedModel | None  # learned again from the remaining corrections, when the active one went


def withdraw_response(response: Response, *, by: User | None) -> Withdrawal:
    """Delete a response and everything derived from it, drop the learned codebooks trained on its
    words, and mark its request done (making one if nobody asked on /withdraw); audited without content.

    The one way a response is withdrawn: an administrator's confirmation on /admin/withdrawals and
    `flask responses withdraw` both come here. by is None from the command line.
    """
    request = _open_request(response) or _new_request(response, WithdrawalOrigin.ADMINISTRATOR)
    db.session.add(request)
    learned = models_trained_on(testimony_ids(response))  # before the corrections that show it go
    active_dropped = any(model.active for model in learned)
    request.response = None
    db.session.flush()
    exports_deleted = forget_prepared_exports(response.survey_version.survey.slug)
    derived = erase_response(response)
    forget_waiting_records(response.uuid)
    _purge_search_index()
    retrained = drop_learned(learned)
    request.status, request.decided_at = WithdrawalStatus.DONE, utcnow()
    request.decided_by_id = by.id if by is not None else None
    record_event(
        "withdraw_response",
        actor=by,
        target_type="withdrawal_request",
        target_id=request.id,
        learned_codebooks_dropped=len(learned),
        prepared_exports_deleted=exports_deleted,
    )
    db.session.flush()
    return Withdrawal(request, derived, len(learned), active_dropped, retrained)


def _purge_search_index() -> None:
    """SQLite's FTS5 keeps a deleted text's words in older segments of its index until they are merged:
    merge them now, so that secure_delete overwrites the pages that held them."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')"))


def confirm_withdrawal(request: WithdrawalRequest, *, by: User) -> Withdrawal | None:
    """Carry out a pending request; None if it is no longer pending (another administrator decided)."""
    if request.status != WithdrawalStatus.PENDING or request.response is None:
        return None
    return withdraw_response(request.response, by=by)


def decline_withdrawal(request: WithdrawalRequest, *, by: User) -> bool:
    """Decline a pending request: the response stays, and the resident may ask again; False if not pending."""
    if request.status != WithdrawalStatus.PENDING:
        return False
    request.status, request.decided_at, request.decided_by_id = WithdrawalStatus.DECLINED, utcnow(), by.id
    record_event("decline_withdrawal", actor=by, target_type="withdrawal_request", target_id=request.id)
    db.session.flush()
    return True


def forget_waiting_records(uuid: str) -> int:
    """Keep only the UUID of any record with this UUID that an unfinished import still holds, so that a
    withdrawn response's words do not wait there; how many. Stored later, it answers "duplicate", as a
    withdrawn response sent again does."""
    marked = f'"uuid": {json.dumps(uuid)}'  # as start_import wrote it
    waiting = db.session.scalars(
        select(ImportRecord).where(ImportRecord.record.is_not(None), ImportRecord.record.contains(marked))
    ).all()
    for row in waiting:
        row.record = json.dumps({"uuid": uuid})
    return len(waiting)
