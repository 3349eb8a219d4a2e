"""The dashboard charts' geometry and the periods in words (no database)."""

import math
from datetime import date, timedelta

import pytest
from django.utils import translation

from challenges.charts import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    bar_chart,
    nice_step,
    weekly_means,
    y_ticks,
)
from challenges.periods import period_label, span_label, week_label


def month(year: int, month_: int, values: dict[int, float], estimated=()) -> list:
    first = date(year, month_, 1)
    days = []
    day = first
    while day.month == month_:
        days.append(
            {
                "date": day.isoformat(),
                "value": values.get(day.day),
                "estimated": day.day in estimated,
            }
        )
        day += timedelta(days=1)
    return days


@pytest.mark.parametrize("maximum", [0.7, 8.3, 10, 12.01, 263, 1234.5, 98765])
def test_ticks_are_round_and_cover_the_maximum(maximum):
    values, decimals = y_ticks(maximum)
    step = values[1] - values[0]
    assert values[0] == 0
    assert values[-1] >= maximum
    assert values[-2] < maximum  # no empty tick above the tallest bar
    assert 3 <= len(values) <= 6
    # Equal steps of 1, 2, 2.5 or 5 × 10ⁿ.
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in {1, 2, 2.5, 5}
    assert all(
        b - a == pytest.approx(step) for a, b in zip(values, values[1:], strict=False)
    )
    assert decimals == (1 if step in (0.2, 2.5) else 0)


def test_nice_step_picks_the_next_round_number():
    assert nice_step(0.13) == 0.2
    assert nice_step(2.1) == 2.5
    assert nice_step(70) == 100
    assert nice_step(0) == 1


def test_the_y_axis_maps_values_between_bottom_and_top():
    chart = bar_chart(month(2026, 12, {1: 10, 2: 4}), unit="kWh", baseline_per_day=5)
    assert [t.value for t in chart.ticks] == [0, 2.5, 5, 7.5, 10]
    assert chart.tick_decimals == 1
    assert chart.ticks[0].y == BOTTOM and chart.ticks[-1].y == TOP
    assert chart.bars[0].y == TOP  # 10 is the top tick
    assert chart.bars[1].height == pytest.approx((BOTTOM - TOP) * 4 / 10, abs=0.01)
    assert chart.baseline_y == pytest.approx((BOTTOM + TOP) / 2, abs=0.01)
    assert chart.unit == "kWh"


def test_today_is_a_line_in_the_middle_of_its_day():
    days = month(2026, 12, dict.fromkeys(range(1, 7), 8.0))
    chart = bar_chart(days, unit="kWh", today=date(2026, 12, 6))
    slot = (RIGHT - LEFT) / 31
    assert chart.today_x == pytest.approx(LEFT + 5.5 * slot, abs=0.01)
    # The 6th's bar is under the line; the days to come have none.
    assert chart.bars[-1].day == date(2026, 12, 6)
    assert chart.bars[-1].x < chart.today_x < chart.bars[-1].x + chart.bars[-1].width
    assert len(chart.bars) == 6
    # « aujourd'hui » beside the line, inside the viewBox.
    assert chart.today_anchor == "start" and chart.today_label_x > chart.today_x


def test_today_at_the_end_of_the_period_writes_its_label_to_the_left():
    chart = bar_chart(month(2026, 12, {31: 4}), unit="L", today=date(2026, 12, 31))
    assert chart.today_anchor == "end"
    assert chart.today_label_x < chart.today_x <= WIDTH


def test_no_today_line_outside_the_period():
    days = month(2026, 11, {1: 4})
    assert bar_chart(days, unit="L", today=date(2026, 12, 6)).today_x is None
    assert bar_chart(days, unit="L").today_x is None


def test_estimated_days_are_flagged():
    days = month(2026, 12, {1: 4, 2: 5, 3: 6}, estimated={2, 3})
    chart = bar_chart(days, unit="kWh")
    assert [bar.estimated for bar in chart.bars] == [False, True, True]
    assert chart.has_estimated
    assert not bar_chart(month(2026, 12, {1: 4}), unit="kWh").has_estimated


def test_a_month_is_labelled_every_week_from_the_first():
    chart = bar_chart(month(2026, 12, {1: 1}), unit="kWh")
    assert [label.day.day for label in chart.labels] == [1, 8, 15, 22, 29]
    assert all(0 <= label.x <= WIDTH for label in chart.labels)


def test_a_week_is_labelled_every_other_day():
    start = date(2026, 11, 30)
    days = [
        {"date": (start + timedelta(days=n)).isoformat(), "value": 3.0}
        for n in range(7)
    ]
    chart = bar_chart(days, unit="kWh", today=date(2026, 12, 6))
    assert [label.day for label in chart.labels] == [
        start + timedelta(days=n) for n in (0, 2, 4, 6)
    ]


def test_a_year_by_week_is_labelled_by_quarter_months_and_marks_today():
    daily = [
        {"date": (date(2026, 1, 1) + timedelta(days=n)).isoformat(), "value": 5.0}
        for n in range(365)
    ]
    chart = bar_chart(
        weekly_means(daily), unit="kWh", today=date(2026, 12, 6), by_week=True
    )
    assert [label.day for label in chart.labels] == [
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]
    assert len(chart.bars) == 53
    # Sunday 6 December: the end of the week of 30 November, the 49th bar.
    week = chart.bars[48]
    assert week.day == date(2026, 11, 30)
    assert week.x < chart.today_x < week.x + week.width + 1


@pytest.mark.parametrize(
    ("start", "end", "french", "english"),
    [
        (date(2026, 12, 1), date(2026, 12, 31), "décembre 2026", "December 2026"),
        (date(2026, 1, 1), date(2026, 12, 31), "année 2026", "2026"),
        (
            date(2026, 11, 30),
            date(2026, 12, 6),
            "semaine du 30 novembre",
            "November 30",
        ),
        (date(2027, 2, 1), date(2027, 2, 7), "semaine du 1er février", "February 1"),
    ],
)
def test_periods_in_words_in_both_languages(start, end, french, english):
    with translation.override("fr"):
        assert period_label(start, end) == french
    with translation.override("en"):
        words = period_label(start, end)
    assert english in words
    assert "1er" not in words
    assert "-" not in words  # never an ISO date


def test_a_span_in_words():
    with translation.override("fr"):
        assert span_label(date(2026, 12, 1), date(2026, 12, 6)) == (
            "du 1er au 6 décembre 2026"
        )
        assert span_label(date(2026, 11, 30), date(2026, 12, 6)) == (
            "du 30 novembre au 6 décembre 2026"
        )
        assert span_label(date(2025, 12, 28), date(2026, 1, 1)) == (
            "du 28 décembre 2025 au 1er janvier 2026"
        )
        assert span_label(date(2026, 12, 1), date(2026, 12, 1)) == (
            "le 1er décembre 2026"
        )
        assert week_label(date(2026, 11, 30)) == "semaine du 30 novembre"
    with translation.override("en"):
        words = span_label(date(2026, 12, 1), date(2026, 12, 6))
    assert "Dec. 6, 2026" in words
    assert "1er" not in words and "décembre" not in words
