"""Indicators beside the voices: import them from a file, list and delete them, and read their monthly trend."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, func, select

from survey.analysis.trends import TrendChart, format_value, trend_chart
from survey.disclosure import Month, month_range
from survey.extensions import db
from survey.models import Combine, Indicator, IndicatorValue, User
from survey.models.base import utcnow
from survey.services.audit import record_event
from survey.services.indicator_files import IndicatorRow
from survey.services.monthly_voices import MonthVoices
from survey.services.sites import sites_chosen
from survey.services.summaries import SummaryFilters


@dataclass(frozen=True)
class IndicatorImport:
    """What an import did, cell by cell (an indicator at a site in a month)."""

    created: int
    updated: int
    unchanged: int
    new_indicators: int


@dataclass(frozen=True)
class IndicatorListing:
    """An indicator, how many values it holds, at how many sites, over which months."""

    indicator: Indicator
    values: int
    sites: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class IndicatorTrend:
    """An indicator's monthly figure over the sites asked for, month by month (None: no site reported)."""

    indicator: Indicator
    values: list[float | None]
    reporting: list[int]  # how many sites the month's figure combines


@dataclass(frozen=True)
class Evidence:
    """The indicators and what residents said, over the same sites and months."""

    months: list[Month]
    trends: list[IndicatorTrend]
    voices: list[MonthVoices | None]  # None: the month's responses count with a later month, or there are none
    themes: list[str]  # the main themes, followed month by month

    @staticmethod
    def shown(value: float) -> str:
        """A value as the table shows it."""
        return format_value(value)

    def chart(self, trend: IndicatorTrend) -> TrendChart:
        """An indicator's trend as a chart."""
        return trend_chart(self.months, [trend.values])

    def sentiment_chart(self) -> TrendChart:
        """The mean sentiment per month, on its whole scale from -1 to 1."""
        return trend_chart(self.months, [[None if v is None else v.sentiment for v in self.voices]], low=-1.0, high=1.0)

    def themes_chart(self) -> TrendChart:
        """Each main theme's share of the month's testimonies, from 0 to 100 %."""
        shares = [[None if v is None else v.shares.get(theme) for v in self.voices] for theme in self.themes]
        return trend_chart(self.months, shares, low=0.0, high=1.0, percent=True)


def other_evidence(filters: SummaryFilters, monthly: list[MonthVoices]) -> Evidence | None:
    """The indicators' trends beside the voices' months for the summary's filters; None when there is none."""
    if db.session.scalar(select(Indicator.id).limit(1)) is None:
        return None
    sites = sites_chosen(filters.site_id, filters.region)
    span = indicator_span(sites, filters.month_from, filters.month_to)
    voiced = [v for v in monthly if v.responses]
    ends = [*(v.month for v in voiced), *(span or ())]
    if not ends:
        return Evidence([], [], [], [])
    months = month_range(min(ends), max(ends))
    by_month = {v.month: v for v in voiced}
    themes = list(monthly[0].shares) if monthly else []
    return Evidence(months, indicator_trends(sites, months), [by_month.get(m) for m in months], themes)


def month_start(month: Month) -> date:
    """The first day of a "YYYY-MM" month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def month_name(day: date) -> Month:
    """A date's month as "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def import_indicator_rows(rows: list[IndicatorRow], *, source: str, actor: User | None = None) -> IndicatorImport:
    """Add the new cells and update the changed ones, all or nothing, audited as one import."""
    indicators, new_indicators = _indicators_for(rows)
    known = _values_for(rows, indicators)
    now = utcnow()
    created = updated = 0
    for row in rows:
        value = known.get((indicators[row.code].id, row.site_id, row.month))
        if value is None:
            db.session.add(
                IndicatorValue(
                    indicator=indicators[row.code],
                    site_id=row.site_id,
                    month=row.month,
                    value=row.value,
                    source=source[:200],
                    imported_at=now,
                )
            )
            created += 1
        elif value.value != row.value:
            value.value, value.source, value.imported_at = row.value, source[:200], now
            updated += 1
    db.session.flush()
    result = IndicatorImport(created, updated, len(rows) - created - updated, new_indicators)
    record_event(
        "import_indicators",
        actor=actor,
        target_type="indicator",
        source=source,
        indicators=sorted(indicators),
        created=created,
        updated=updated,
        unchanged=result.unchanged,
    )
    return result


def _indicators_for(rows: list[IndicatorRow]) -> tuple[dict[str, Indicator], int]:
    """The indicators the rows name, made when new (and how many were); a unit or way to combine the file
    gives replaces the old."""
    codes = {row.code for row in rows}
    found = {i.code: i for i in db.session.scalars(select(Indicator).where(Indicator.code.in_(codes)))}
    new = len(codes) - len(found)
    for row in rows:
        indicator = found.get(row.code)
        if indicator is None:
            indicator = found[row.code] = Indicator(code=row.code, name=row.name, unit="", description="")
            indicator.combine = Combine.SUM
            db.session.add(indicator)
        if row.unit is not None:
            indicator.unit = row.unit
        if row.combine is not None:
            indicator.combine = row.combine
    return found, new


def _values_for(
    rows: list[IndicatorRow], indicators: dict[str, Indicator]
) -> dict[tuple[int, int, date], IndicatorValue]:
    db.session.flush()  # the new indicators get their ids
    ids = [i.id for i in indicators.values()]
    first, last = min(row.month for row in rows), max(row.month for row in rows)
    values = db.session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_id.in_(ids), IndicatorValue.month.between(first, last))
    )
    return {(v.indicator_id, v.site_id, v.month): v for v in values}


def list_indicators() -> list[IndicatorListing]:
    """Every indicator by name, with its number of values, sites and its first and last month."""
    rows = db.session.execute(
        select(
            Indicator,
            func.count(IndicatorValue.id),
            func.count(func.distinct(IndicatorValue.site_id)),
            func.min(IndicatorValue.month),
            func.max(IndicatorValue.month),
        )
        .outerjoin(IndicatorValue)
        .group_by(Indicator.id)
        .order_by(Indicator.name, Indicator.id)
    ).all()
    return [IndicatorListing(*row) for row in rows]


def delete_indicator(indicator: Indicator, actor: User | None = None) -> int:
    """Delete an indicator and every value of it, audited; return how many values went."""
    of_it = IndicatorValue.indicator_id == indicator.id
    gone = db.session.scalar(select(func.count(IndicatorValue.id)).where(of_it)) or 0
    record_event(
        "delete_indicator",
        actor=actor,
        target_type="indicator",
        target_id=indicator.id,
        code=indicator.code,
        values=gone,
    )
    db.session.execute(delete(IndicatorValue).where(of_it))
    db.session.delete(indicator)
    db.session.flush()
    return gone


def indicator_span(
    sites: Collection[int] | None, month_from: Month | None, month_to: Month | None
) -> tuple[Month, Month] | None:
    """The first and last month with a value at these sites (None: any), within the months asked for."""
    query = select(func.min(IndicatorValue.month), func.max(IndicatorValue.month))
    first, last = db.session.execute(query.where(*_within(sites, month_from, month_to))).one()
    return None if first is None else (month_name(first), month_name(last))


def indicator_trends(sites: Collection[int] | None, months: list[Month]) -> list[IndicatorTrend]:
    """Each indicator's figure per month, combined over the sites asked for (None: every site) that report it."""
    if not months:
        return []
    query = (
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.month,
            func.sum(IndicatorValue.value),
            func.avg(IndicatorValue.value),
            func.count(IndicatorValue.id),
        )
        .where(*_within(sites, months[0], months[-1]))
        .group_by(IndicatorValue.indicator_id, IndicatorValue.month)
    )
    figures: dict[tuple[int, Month], tuple[float, float, int]] = {
        (indicator_id, month_name(month)): (total, mean, n)
        for indicator_id, month, total, mean, n in db.session.execute(query)
    }
    ids = sorted({indicator_id for indicator_id, _ in figures})
    trends = []
    for indicator in db.session.scalars(select(Indicator).where(Indicator.id.in_(ids)).order_by(Indicator.name)):
        cells = [figures.get((indicator.id, m)) for m in months]
        values = [None if c is None else float(c[1] if indicator.combine == Combine.MEAN else c[0]) for c in cells]
        trends.append(IndicatorTrend(indicator, values, [0 if c is None else c[2] for c in cells]))
    return trends


def _within(
    sites: Collection[int] | None, month_from: Month | None, month_to: Month | None
) -> list[ColumnElement[bool]]:
    """The values of these sites (None: every site) in a range of months."""
    conditions: list[ColumnElement[bool]] = []
    if sites is not None:
        conditions.append(IndicatorValue.site_id.in_(sorted(sites)))
    if month_from is not None:
        conditions.append(IndicatorValue.month >= month_start(month_from))
    if month_to is not None:
        conditions.append(IndicatorValue.month <= month_start(month_to))
    return conditions
