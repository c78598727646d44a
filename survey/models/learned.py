"""Codebooks learned from people's coding, stored with when, from what and how well."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, UTCDateTime, utcnow


class LearnedModel(Base):
    """A trained classifier for a label set; the active one tags new testimonies with the terms."""

    __tablename__ = "learned_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(200))  # a file name, or "corrections"
    labels: Mapped[list[str]] = mapped_column(JSON)
    examples: Mapped[int]
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # The testimonies a codebook learned from corrections was trained on, so that withdrawing one
    # finds every model its words went into; None for a file's codebook, or one stored before this.
    trained_on: Mapped[list[int] | None] = mapped_column(JSON)
