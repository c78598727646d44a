"""Surveys and their versions: a response always points at the version it answered."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow


class SurveyStatus(enum.StrEnum):
    """Whether residents can answer a survey."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class Survey(Base):
    """A questionnaire, addressed by its form id at /s/<slug>."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[SurveyStatus] = mapped_column(
        Enum(SurveyStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=SurveyStatus.DRAFT,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.id", cascade="all, delete-orphan"
    )


class SurveyVersion(Base):
    """One immutable definition of a survey's questions, as imported."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "version", name="uq_survey_version_survey_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    version: Mapped[str] = mapped_column(String(50))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    survey: Mapped[Survey] = relationship(back_populates="versions")

    def title(self, language: str) -> str:
        """The survey's title in the language, falling back to the form's default, then any."""
        titles = self.definition.get("title") or ""
        if isinstance(titles, str):
            return titles
        default = self.definition.get("default_language") or "en"
        return str(titles.get(language) or titles.get(default) or next(iter(titles.values()), ""))
