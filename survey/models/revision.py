"""An earlier version of a response that a tablet edited and sent again under a new instanceID."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, UTCDateTime, utcnow


class ResponseRevision(Base):
    """The answers a response held before an edit replaced them, and the instanceID they came under.

    Raw answers, testimonies included: they are erased with the response when it is withdrawn.
    """

    __tablename__ = "response_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    replaced_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
