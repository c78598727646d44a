"""Monthly trend charts: round value axes, month labels, lines broken where a month has no value."""

from __future__ import annotations

import itertools

import pytest

from survey.analysis.trends import MAX_MONTH_LABELS, format_value, nice_step, trend_chart, value_axis


@pytest.mark.parametrize(("span", "step"), [(20, 5), (7, 2), (1, 0.5), (0.8, 0.2), (1234, 500), (0, 1)])
def test_steps_are_round(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_the_value_axis_starts_at_zero_unless_values_go_below():
    assert value_axis([3, 19]) == (0, 20, 5)
    assert value_axis([-0.3, 0.4], -1.0, 1.0) == (-1.0, 1.0, 0.5)
    assert value_axis([-7, 2]) == (-10, 5, 5)


def test_points_sit_on_the_axis_and_a_missing_month_breaks_the_line():
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    chart = trend_chart(months, [[10.0, 20.0, None, 0.0, 5.0]])
    (series,) = chart.series
    assert [p.month for p in series.points] == ["2026-01", "2026-02", "2026-04", "2026-05"]
    assert [p.y for p in series.points if p.value == 0.0] == [chart.bottom]
    top = next(t.at for t in chart.value_ticks if t.label == "20")
    assert [p.y for p in series.points if p.value == 20.0] == [top]
    assert series.points[0].x == chart.left and series.points[-1].x == chart.right
    assert len(series.runs) == 2 and series.runs[0].count(",") == 2  # Jan-Feb, then Apr-May


def test_month_labels_thin_out_and_percent_axes_say_so():
    months = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]
    chart = trend_chart(months, [[0.1] * 24, [None] * 24], low=0.0, high=1.0, percent=True)
    assert len(chart.month_ticks) <= MAX_MONTH_LABELS and chart.month_ticks[0].label == "2025-01"
    assert [t.label for t in chart.value_ticks] == ["0 %", "50 %", "100 %"]
    assert chart.series[1].points == () and chart.zero is None


def test_a_scale_through_zero_draws_its_zero_line_and_one_month_stands_in_the_middle():
    chart = trend_chart(["2026-03"], [[0.2]], low=-1.0, high=1.0)
    assert chart.zero == pytest.approx((chart.top + chart.bottom) / 2)
    assert chart.series[0].points[0].x == pytest.approx((chart.left + chart.right) / 2)
    assert chart.series[0].runs == ()


def test_values_are_shown_without_needless_decimals():
    assert [format_value(v) for v in (12.0, 2.5, 1234567.0, 0.125)] == ["12", "2.5", "1\u202f234\u202f567", "0.12"]


@pytest.mark.parametrize("count", range(2, 37))
def test_month_labels_never_run_into_each_other(count):
    months = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(count)]
    ticks = trend_chart(months, [[1.0] * count]).month_ticks
    assert all(b.at - a.at >= 60 for a, b in itertools.pairwise(ticks))  # "2026-07" takes about 50 units
