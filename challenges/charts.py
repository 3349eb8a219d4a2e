"""Server-side SVG bar charts of a period's values against the baseline.

Pure geometry: `bar_chart` turns a series into ticks, labels, bars and lines
in the coordinates of one viewBox; the template draws them. The chart reads
without JavaScript, scales to any width (viewBox, width 100 %), and the page
gives the same figures as a table (docs/decisions.md, session 6).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from common.charts import Tick, nice_step, y_ticks

__all__ = ["Chart", "Tick", "bar_chart", "nice_step", "weekly_means", "y_ticks"]

# The viewBox: narrow enough that 13-unit text stays about 12 px on a 375 px
# phone, where the chart is about 340 px wide.
WIDTH = 360
HEIGHT = 240
LEFT = 46  # room for the y tick labels
RIGHT = WIDTH - 10
TOP = 34  # room for the unit, then « aujourd'hui », above the plot
BOTTOM = HEIGHT - 28  # the x axis; its labels below
# Two date labels closer than this (in viewBox units) would overlap.
MIN_LABEL_GAP = 56
LABEL_HALF_WIDTH = 22
TODAY_WIDTH = 80  # « aujourd'hui » at 13 units
DAY_LABEL_STEPS = (1, 2, 7, 14)
MONTH_LABEL_STEPS = (1, 2, 3, 6)
WEEKS_PER_MONTH = 4.35


@dataclass(frozen=True)
class DateLabel:
    """A date under the x axis: a day (« 1 déc. ») or, by week, a month."""

    x: float
    day: date
    anchor: str = "middle"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    value: float
    # Spread from meter indexes: drawn hatched, said in the legend and table.
    estimated: bool = False


@dataclass
class Chart:
    unit: str
    by_week: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    ticks: list[Tick] = field(default_factory=list)
    tick_decimals: int = 0
    labels: list[DateLabel] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    baseline_per_day: float | None = None
    baseline_y: float | None = None
    today_x: float | None = None
    today_label_x: float | None = None
    today_anchor: str = "start"

    @property
    def has_estimated(self) -> bool:
        return any(bar.estimated for bar in self.bars)

    @property
    def maximum(self) -> float:
        return self.ticks[-1].value if self.ticks else 0.0


def _anchored(x: float, half: float) -> tuple[float, str]:
    """Keep a centred text inside the viewBox: anchor it at an edge if needed."""
    if x - half < 0:
        return x, "start"
    if x + half > WIDTH:
        return x, "end"
    return x, "middle"


def _day_labels(days: list[date], slot: float) -> list[DateLabel]:
    step = next(
        (s for s in DAY_LABEL_STEPS if slot * s >= MIN_LABEL_GAP), DAY_LABEL_STEPS[-1]
    )
    labels = []
    for index in range(0, len(days), step):
        x, anchor = _anchored(LEFT + (index + 0.5) * slot, LABEL_HALF_WIDTH)
        labels.append(DateLabel(round(x, 2), days[index], anchor))
    return labels


def _month_labels(weeks: list[date], slot: float) -> list[DateLabel]:
    """By week (a year): the first week of every month, or every 2, 3, 6 months."""
    step = next(
        (s for s in MONTH_LABEL_STEPS if slot * WEEKS_PER_MONTH * s >= MIN_LABEL_GAP),
        MONTH_LABEL_STEPS[-1],
    )
    labels = []
    for index, start in enumerate(weeks):
        # The week holding a month's 1st carries that month (the first bar, its own).
        end = weeks[index + 1] - timedelta(days=1) if index + 1 < len(weeks) else start
        month = start if index == 0 else end
        if (index and end.day > 7) or (month.month - 1) % step:
            continue
        x, anchor = _anchored(LEFT + (index + 0.5) * slot, LABEL_HALF_WIDTH)
        labels.append(DateLabel(round(x, 2), month.replace(day=1), anchor))
    return labels


def _today_x(days: list[date], slot: float, by_week: bool, today: date) -> float | None:
    """The middle of today's slot (by week, today's place in its week)."""
    length = 7 if by_week else 1
    for index, start in enumerate(days):
        end = days[index + 1] if index + 1 < len(days) else start + timedelta(length)
        if start <= today < end:
            fraction = ((today - start).days + 0.5) / (end - start).days
            return round(LEFT + (index + fraction) * slot, 2)
    return None


def bar_chart(
    series: list[dict],
    *,
    unit: str,
    baseline_per_day: float | None = None,
    today: date | None = None,
    by_week: bool = False,
) -> Chart:
    """A bar per day (by week: a bar per week's mean per day) on round axes.

    `series` items are `{"date": "YYYY-MM-DD", "value": float | None,
    "estimated": bool}`; a None value (no reading, or a day to come) leaves its
    place empty, so the x axis always spans the whole period. The baseline is
    a line at its mean per day; today, when in the period, a vertical line.
    """
    days = [date.fromisoformat(item["date"]) for item in series]
    values = [float(item["value"]) for item in series if item.get("value") is not None]
    tick_values, decimals = y_ticks(max([*values, baseline_per_day or 0.0, 0.0]))
    top_value = tick_values[-1]
    plot_height = BOTTOM - TOP

    def y_of(value: float) -> float:
        return round(BOTTOM - plot_height * value / top_value, 2)

    slot = (RIGHT - LEFT) / max(len(series), 1)
    chart = Chart(
        unit=unit,
        by_week=by_week,
        ticks=[Tick(value, y_of(value)) for value in tick_values],
        tick_decimals=decimals,
        labels=_month_labels(days, slot) if by_week else _day_labels(days, slot),
        baseline_per_day=baseline_per_day,
        baseline_y=None if baseline_per_day is None else y_of(baseline_per_day),
    )
    for index, item in enumerate(series):
        if item.get("value") is None:
            continue
        value = float(item["value"])
        y = y_of(value)
        chart.bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 2),
                y=y,
                width=round(max(slot * 0.7, 1.0), 2),
                height=round(BOTTOM - y, 2),
                day=days[index],
                value=value,
                estimated=bool(item.get("estimated")),
            )
        )
    if today is not None and days:
        x = _today_x(days, slot, by_week, today)
        if x is not None:
            # « aujourd'hui » beside the line, on the side with room for it.
            chart.today_x = x
            if x + 4 + TODAY_WIDTH > WIDTH:
                chart.today_label_x, chart.today_anchor = round(x - 4, 2), "end"
            else:
                chart.today_label_x, chart.today_anchor = round(x + 4, 2), "start"
    return chart


def weekly_means(daily: list[dict]) -> list[dict]:
    """The days grouped by ISO week: each week's mean per day, dated its first day.

    A year drawn day by day is 365 bars and 365 table rows per metric (about
    170 KiB of page for a phone); by week, 53. A mean per day, not a sum, so
    that a week cut by the period's ends compares with the baseline's daily
    line like any other; a week without any reading has no value.
    """
    weeks: dict[tuple[int, int], list] = {}
    for day in daily:
        iso = date.fromisoformat(day["date"]).isocalendar()
        weeks.setdefault((iso.year, iso.week), []).append(day)
    grouped = []
    for days in weeks.values():
        values = [float(d["value"]) for d in days if d.get("value") is not None]
        week = {
            "date": days[0]["date"],
            "value": round(sum(values) / len(values), 3) if values else None,
        }
        if any(d.get("estimated") for d in days):
            week["estimated"] = True
        grouped.append(week)
    return grouped
