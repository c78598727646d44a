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


class JointCount(Base):
    """How many responses gave one answer to a select-one question (the "by" question) and one to another
    select question, in one cell: what a cross-tab of the two adds up, without reading the answers.

    Kept like SummaryCount, in the same transaction and over the same cells (a survey version, a site, a
    month: the disclosure control merges months, never days, so a finer cell would only add rows). A
    select-multiple question's part is the combination of choices ticked, as SummaryCount keeps it.
    """

    __tablename__ = "joint_count"
    __table_args__ = (
        Index("ix_joint_count_cell", "survey_version_id", "site_id", "month"),
        Index("ix_joint_count_by", "survey_version_id", "by_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    by_question: Mapped[str] = mapped_column(String(120))
    by_choice: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(String(120))
    part: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer)
