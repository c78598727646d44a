"""The summary's counts kept per survey version, site and month, so that reading them does not grow with the data."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base


class SummaryCount(Base):
    """One count of the summary: a part of a statistic (a sentiment band, a theme, a choice) in one cell.

    A cell is a survey version, a site and a month ("YYYY-MM", UTC); the rows of a cell are replaced
    together, from the raw rows, in the transaction that changes them (survey.services.rollups). A part
    with nothing in it has no row.
    """

    __tablename__ = "summary_count"
    __table_args__ = (Index("ix_summary_count_cell", "survey_version_id", "site_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    statistic: Mapped[str] = mapped_column(String(120))
    part: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer)
    polarity_sum: Mapped[float] = mapped_column(Float, default=0.0)  # of the scored rows among those counted
    polarity_count: Mapped[int] = mapped_column(Integer, default=0)
