"""What residents said, month by month: responses, mean sentiment and the main themes' shares.

Each month counts the atoms whose last month it is, as the summary's responses over time do; the figures
are the published parts the summary already holds, so nothing is counted again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from survey.disclosure import ALL, BANDS, RESPONSES, SENTIMENT, TESTIMONIES, YES, Month, Protected, Site, View

THEMES_BY_MONTH = 3  # the summary's most frequent themes, followed month by month


@dataclass(frozen=True)
class MonthVoices:
    """One month's published figures; a month whose responses count with a later one has none."""

    month: Month
    responses: int
    sentiment: float | None  # None: no sentiment published for the month
    shares: dict[str, float | None]  # theme key -> share of the month's testimonies where it is counted


def voices_by_month(
    protected: Protected, sites: Collection[Site] | None, months: list[Month], themes: list[str]
) -> list[MonthVoices]:
    """Each month's responses, mean sentiment and share of testimonies for each of the themes."""
    monthly = []
    for month in months:
        view = View(protected, sites, month, month)
        shares: dict[str, float | None] = {}
        for theme in themes:
            figure = view.count(f"theme:{theme}", YES)
            counted_in = view.count(TESTIMONIES, ALL, figure.sources).value
            shares[theme] = figure.value / counted_in if counted_in else None
        sentiment, _ = view.mean(SENTIMENT, BANDS)
        monthly.append(MonthVoices(month, view.count(RESPONSES).value, sentiment, shares))
    return monthly
