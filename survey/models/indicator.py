"""Other evidence beside the voices: figures such as homicides or clinic visits, per site and month."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.site import Site


class Combine(enum.StrEnum):
    """How the values of several sites make one figure: counts add up, rates are averaged."""

    SUM = "sum"
    MEAN = "mean"


def _values(e: type[enum.Enum]) -> list[str]:
    return [member.value for member in e]


class Indicator(Base):
    """A figure kept by someone else (police, clinics, a ministry), imported by an administrator."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)  # the name folded: the same in any spelling
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    combine: Mapped[Combine] = mapped_column(
        Enum(Combine, native_enum=False, length=10, values_callable=_values), default=Combine.SUM
    )

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", passive_deletes=True
    )


class IndicatorValue(Base):
    """An indicator's value at one site in one month (its first day)."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "site_id", "month", name="uq_indicator_value_indicator_id_site_id_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    month: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")  # the file it came from
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    site: Mapped[Site] = relationship()
