"""Residents' requests to withdraw their response, and what an administrator decided."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.response import Response
from survey.models.user import User


class WithdrawalStatus(enum.StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    DONE = "done"
    DECLINED = "declined"


class WithdrawalOrigin(enum.StrEnum):
    """Who asked: a resident on /withdraw, or an administrator acting on a code handed in another way."""

    RESIDENT = "resident"
    ADMINISTRATOR = "administrator"


class WithdrawalRequest(Base):
    """A request to withdraw one response; it never holds any of the response's content.

    Once done, the response is deleted and response_id is empty: a digest of the receipt code lets
    /withdraw say the code was withdrawn, and the response's UUID (random, made by the form or the
    tablet) stops a tablet's resend or a queue file imported again from storing it a second time.
    No address or anything else about the resident who asked is kept.
    """

    __tablename__ = "withdrawal_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a second request for a response waiting for a decision is the same request.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"), unique=True)
    receipt_digest: Mapped[str] = mapped_column(String(64), index=True)
    response_uuid: Mapped[str] = mapped_column(String(36), index=True)
    origin: Mapped[WithdrawalOrigin] = mapped_column(
        Enum(WithdrawalOrigin, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    status: Mapped[WithdrawalStatus] = mapped_column(
        Enum(WithdrawalStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=WithdrawalStatus.PENDING,
        index=True,
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    response: Mapped[Response | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
