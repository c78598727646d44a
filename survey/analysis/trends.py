"""Where the points, lines and labels of a monthly trend chart go: the template only draws them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 66, 30, 12, 44  # room for the value labels left and the months below
MAX_MONTH_LABELS = 4  # "2026-07" under a 264-unit axis: more would run into each other


@dataclass(frozen=True)
class Point:
    """One month's value, where it is drawn."""

    x: float
    y: float
    month: str
    value: float


@dataclass(frozen=True)
class Tick:
    """A labelled value or month on an axis."""

    at: float  # y for a value, x for a month
    label: str


@dataclass(frozen=True)
class Series:
    """One line: its points, and the runs of consecutive months that a line joins (a gap breaks it)."""

    points: tuple[Point, ...]
    runs: tuple[str, ...]  # each an SVG polyline's points attribute


@dataclass(frozen=True)
class TrendChart:
    """A chart of one or more monthly series on one value axis."""

    width: int
    height: int
    left: int
    top: int
    bottom: float  # y of the month axis
    right: float  # x where the plot ends
    series: tuple[Series, ...]
    value_ticks: tuple[Tick, ...]
    month_ticks: tuple[Tick, ...]
    zero: float | None  # y of the zero line when the axis crosses zero


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts the span into about this many parts."""
    if span <= 0:
        return 1.0
    rough = span / ticks
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def value_axis(
    values: Sequence[float], low: float | None = None, high: float | None = None
) -> tuple[float, float, float]:
    """The axis' lowest and highest value and its step: from zero unless values go below it, to a round top."""
    low = min([0.0, *values]) if low is None else low
    high = max([0.0, *values]) if high is None else high
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def format_value(value: float) -> str:
    """A value as an axis or a table shows it: no decimals for whole numbers, at most two otherwise."""
    if value == int(value):
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".rstrip("0").replace(",", "\u202f")


def trend_chart(
    months: Sequence[str],
    series: Sequence[Sequence[float | None]],
    *,
    low: float | None = None,
    high: float | None = None,
    percent: bool = False,
) -> TrendChart:
    """Place each series' months along the x axis and its values on one shared, round value axis."""
    known = [v for values in series for v in values if v is not None]
    bottom_value, top_value, step = value_axis(known, low, high)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    gap = plot_w / max(len(months) - 1, 1)

    def x_of(index: int) -> float:
        return LEFT + (index * gap if len(months) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return TOP + plot_h * (top_value - value) / (top_value - bottom_value)

    drawn = tuple(_series(months, values, x_of, y_of) for values in series)
    count = round((top_value - bottom_value) / step)
    value_ticks = tuple(
        Tick(round(y_of(v), 1), f"{v * 100:.0f} %" if percent else format_value(v))
        for v in (bottom_value + i * step for i in range(count + 1))
    )
    every = max(1, math.ceil(len(months) / MAX_MONTH_LABELS))
    shown = [i for i in range(len(months)) if i % every == 0]
    month_ticks = tuple(Tick(round(x_of(i), 1), months[i]) for i in shown)
    zero = round(y_of(0), 1) if bottom_value < 0 < top_value else None
    return TrendChart(WIDTH, HEIGHT, LEFT, TOP, TOP + plot_h, LEFT + plot_w, drawn, value_ticks, month_ticks, zero)


def _series(
    months: Sequence[str],
    values: Sequence[float | None],
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
) -> Series:
    points: list[Point] = []
    runs: list[list[Point]] = []
    previous: Point | None = None
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        if value is None:
            previous = None
            continue
        point = Point(round(x_of(index), 1), round(y_of(value), 1), month, value)
        points.append(point)
        if previous is None:
            runs.append([])
        runs[-1].append(point)
        previous = point
    return Series(tuple(points), tuple(" ".join(f"{p.x},{p.y}" for p in run) for run in runs if len(run) > 1))
