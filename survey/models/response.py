"""A resident's submission and the answers it holds."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.site import Site
from survey.models.survey import SurveyVersion


class Channel(enum.StrEnum):
    """How a response reached Voces."""

    WEB = "web"
    FIELD = "field"
    IMPORT = "import"


class InterviewMode(enum.StrEnum):
    """How a field worker reached the respondent."""

    IN_PERSON = "in_person"
    PHONE = "phone"


class ConsentScope(enum.StrEnum):
    """What the respondent allowed to be done with their words."""

    QUOTE = "quote"
    QUOTE_ANONYMOUS = "quote_anonymous"
    INTERNAL = "internal"


def _values(e: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in e]


class Response(Base):
    """One person's submission of one survey version."""

    __tablename__ = "response"
    # A survey's rows by time, and one site's: the summary's cells (version, site, month) are ranges of these.
    __table_args__ = (
        Index("ix_response_version_submitted", "survey_version_id", "submitted_at"),
        Index("ix_response_version_site_submitted", "survey_version_id", "site_id", "submitted_at"),
        # The list of one site's testimonies, newest first, reads this index as far as a page.
        Index("ix_response_site_submitted", "site_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    # Looked up by ix_response_version_submitted and ix_response_site_submitted, whose first columns they are.
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=10, values_callable=_values))
    language: Mapped[str] = mapped_column(String(8))
    consent_scope: Mapped[ConsentScope] = mapped_column(
        Enum(ConsentScope, native_enum=False, length=20, values_callable=_values)
    )
    mode: Mapped[InterviewMode | None] = mapped_column(
        Enum(InterviewMode, native_enum=False, length=20, values_callable=_values)
    )
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    # A digest of what the client sent: the same UUID with the same digest is a duplicate, not a conflict.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the interview began (an XLSForm's start-geopoint), in degrees and metres; empty unless the
    # form asks for it and the browser or tablet could tell. It locates a person: never published.
    start_latitude: Mapped[float | None] = mapped_column(Float)
    start_longitude: Mapped[float | None] = mapped_column(Float)
    start_altitude: Mapped[float | None] = mapped_column(Float)
    start_accuracy: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    survey_version: Mapped[SurveyVersion] = relationship()
    site: Mapped[Site | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(Base):
    """The answer to one question; numbers are kept apart so they can be counted."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint(
            "response_id", "question", "parent_instance", "instance", name="uq_answer_response_id_question_instance"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(100), index=True)
    # 0 for a question asked once; n for the n-th instance of the repeat the question is in.
    instance: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # In a repeat inside another, the path of the outer instance this one is in ("2", or "2.1" two
    # deep); "" otherwise. The answer's instance is then numbered within that outer instance.
    parent_instance: Mapped[str] = mapped_column(String(100), default="", server_default="")
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)

    response: Mapped[Response] = relationship(back_populates="answers")
