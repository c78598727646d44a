"""Free-text testimonies and what the analysis found in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Index, String, Text, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.coding import CodedPassage
from survey.models.response import Response
from survey.models.tag_rule import NO_TAG_CONFIDENCE, UNTAGGED_IN_REVIEW, TagSource, counted

PENDING = "pending"  # the analyser and codebook version of a testimony stored but not analysed yet
# The polarity the list's sentiment orders give a text not scored, so that it comes last either way;
# written into the SQL, not bound, so that the ORDER BY is the expression of the index that serves it.
UNSCORED_AFTER_NEGATIVE = "9.0"
UNSCORED_AFTER_POSITIVE = "-9.0"


class Testimonial(Base):
    """A testimony: the raw text for administrators, the redacted text for everyone else.

    redacted_text is written when the testimony is stored, before its analysis, which may come
    later on a worker; until then analyser_version is PENDING.
    """

    __tablename__ = "testimonial"
    __table_args__ = (
        UniqueConstraint("response_id", "question", name="uq_testimonial_response_id_question"),
        Index("ix_testimonial_most_negative", text(f"coalesce(polarity, {UNSCORED_AFTER_NEGATIVE})"), "id"),
        Index("ix_testimonial_most_positive", text(f"coalesce(polarity, {UNSCORED_AFTER_POSITIVE})"), "id"),
        Index("ix_testimonial_confidence", "top_confidence", "id"),
        Index("ix_testimonial_least_certain", "review_order", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by uq_testimonial_response_id_question, whose first column it is.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(100))
    raw_text: Mapped[str] = mapped_column(Text)
    redacted_text: Mapped[str] = mapped_column(Text)
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    polarity: Mapped[float | None] = mapped_column(Float)
    subjectivity: Mapped[float | None] = mapped_column(Float)
    # Why it was not scored: a code of survey.analysis.sentiment.Reason ("language_not_scored:pt").
    sentiment_note: Mapped[str | None] = mapped_column(String(200))
    sentences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    analyser_version: Mapped[str] = mapped_column(String(40))
    codebook_version: Mapped[str] = mapped_column(String(40))
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Its places in the list's orders by tags (survey.models.tag_rule.list_orders), kept with its tags by
    # survey.services.rollups and the analysis, so that a page so sorted reads an index, not every tag.
    # A testimony is stored without tags: its defaults are those of a testimony without tags.
    top_confidence: Mapped[float] = mapped_column(
        Float, default=NO_TAG_CONFIDENCE, server_default=text(str(NO_TAG_CONFIDENCE))
    )
    review_order: Mapped[float] = mapped_column(
        Float, default=UNTAGGED_IN_REVIEW, server_default=text(str(UNTAGGED_IN_REVIEW))
    )

    response: Mapped[Response] = relationship()
    tags: Mapped[list[ThemeTag]] = relationship(
        back_populates="testimonial", cascade="all, delete-orphan", order_by="ThemeTag.theme"
    )
    passages: Mapped[list[CodedPassage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=(CodedPassage.start, CodedPassage.id)
    )

    @property
    def analysed(self) -> bool:
        """Whether the analysis has run on it (tags, language and sentiment are known)."""
        return self.analyser_version != PENDING

    @property
    def effective_tags(self) -> list[ThemeTag]:
        """The tags that count (the rule is in survey.models.tag_rule), by theme."""
        return sorted(counted(self.tags), key=lambda t: t.theme)


class ThemeTag(Base):
    """A theme on a testimony, with the words that caused it."""

    __tablename__ = "theme_tag"
    __table_args__ = (
        UniqueConstraint("testimonial_id", "theme", "source", name="uq_theme_tag_testimonial_theme_source"),
        # The list of a theme's testimonies, surest tag first, reads this index as far as a page.
        Index("ix_theme_tag_theme_confidence", "theme", "confidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    testimonial_id: Mapped[int] = mapped_column(ForeignKey("testimonial.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[TagSource] = mapped_column(
        Enum(TagSource, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])
    )
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    polarity: Mapped[float | None] = mapped_column(Float)  # sentiment of the sentences that carry it
    # Whether it counts after people's corrections (survey.models.tag_rule), kept up to date by every
    # write to the testimony's tags (survey.services.rollups): the summary reads it instead of the rule.
    # True by default: a machine's tag counts until a person sets it aside.
    counts: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    testimonial: Mapped[Testimonial] = relationship(back_populates="tags")
