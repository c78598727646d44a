"""People's coding: codes the team adds to the codebook's themes, and codes applied to passages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.user import User


class Code(Base):
    """A code the team added: it joins the codebook's themes and sub-themes in the list of codes."""

    __tablename__ = "code"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    label_en: Mapped[str] = mapped_column(String(120))
    label_es: Mapped[str] = mapped_column(String(120), default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    definition_es: Mapped[str] = mapped_column(Text, default="")
    when_to_use_en: Mapped[str] = mapped_column(Text, default="")
    when_to_use_es: Mapped[str] = mapped_column(Text, default="")
    when_not_en: Mapped[str] = mapped_column(Text, default="")
    when_not_es: Mapped[str] = mapped_column(Text, default="")
    example_en: Mapped[str] = mapped_column(Text, default="")
    example_es: Mapped[str] = mapped_column(Text, default="")
    parent_theme: Mapped[str | None] = mapped_column(String(80))
    # A retired code is offered no more; the passages already coded with it keep it.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A code merged into another: retired, its passages and decisions moved to this code's key.
    merged_into: Mapped[str | None] = mapped_column(String(80))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def label_in(self, language: str) -> str:
        """The code's label in a language, falling back to English."""
        return (self.label_es if language == "es" else "") or self.label_en


class CodedPassage(Base):
    """A code a person applied to a passage of a testimony's redacted text; passages may overlap."""

    __tablename__ = "coded_passage"

    id: Mapped[int] = mapped_column(primary_key=True)
    testimonial_id: Mapped[int] = mapped_column(ForeignKey("testimonial.id", ondelete="CASCADE"), index=True)
    code_key: Mapped[str] = mapped_column(String(80), index=True)
    # Character offsets into the redacted text, end excluded (as Python slices and REFI-QDA count).
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The agreed version of an agreement round's disagreement, recorded by its lead: a later decision
    # on the same code replaces it.
    agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    coder: Mapped[User | None] = relationship()


class Memo(Base):
    """A note a person writes on a survey's project, a testimony, a coded passage or a code."""

    __tablename__ = "memo"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # At most one of these is set; none: a memo on the project (the survey) as a whole.
    testimonial_id: Mapped[int | None] = mapped_column(ForeignKey("testimonial.id", ondelete="CASCADE"), index=True)
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("coded_passage.id", ondelete="CASCADE"), index=True)
    code_key: Mapped[str | None] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[User | None] = relationship()
    passage: Mapped[CodedPassage | None] = relationship()


class CodebookVersion(Base):
    """One change to the codebook the team keeps (a code added, renamed, described, retired, merged, split)."""

    __tablename__ = "codebook_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The version's number: each change is the next one, without the gaps a sequence may leave.
    number: Mapped[int] = mapped_column(Integer, unique=True)
    change: Mapped[str] = mapped_column(String(20))
    code_key: Mapped[str] = mapped_column(String(80))
    # What changed, to say it in either language: fields renamed, the code merged into, codes split off.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class ThemeTerms(Base):
    """An administrator's terms for one theme or sub-theme, in place of the codebook file's.

    `fields` maps a field of the file (terms, weak_terms, exclusions) to its lists by language; only
    the fields that differ from the file are kept, so the file stays the starting point.
    """

    __tablename__ = "theme_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_key: Mapped[str] = mapped_column(String(80), unique=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
