"""Quotes an evaluator pinned to a theme of a survey's printable report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.testimonial import Testimonial
from survey.models.user import User


class ReportPin(Base):
    """A testimony pinned to one of its themes in the survey's report; the report shows its redacted text."""

    __tablename__ = "report_pin"
    __table_args__ = (UniqueConstraint("testimonial_id", "theme", name="uq_report_pin_testimonial_id_theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # Looked up through the unique constraint, which starts with it. Erasing a response deletes its pins.
    testimonial_id: Mapped[int] = mapped_column(ForeignKey("testimonial.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(80))
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    testimonial: Mapped[Testimonial] = relationship()
    pinned_by: Mapped[User | None] = relationship()
