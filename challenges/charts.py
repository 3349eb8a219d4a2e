"""Server-side SVG bar charts of a period's daily values against the baseline.

Pure geometry: the template draws the shapes, so the chart reads without
JavaScript, and the page gives the same figures as a table.
"""

from dataclasses import dataclass, field
from datetime import date

WIDTH = 600
HEIGHT = 200
PADDING = 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    date: str
    value: float | None
    # Spread from meter indexes: drawn as an outline, said in the bar's title.
    estimated: bool = False


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    baseline_y: float | None = None
    baseline_per_day: float | None = None
    maximum: float = 0.0


def daily_chart(
    daily: list[dict], baseline: float | None, days_with_data: int
) -> Chart:
    """Bars for each day (none for a day without reading), a line at the baseline.

    The baseline of the contract is a mean per day times the days with data, so
    the line sits at baseline / days_with_data.
    """
    per_day = baseline / days_with_data if baseline and days_with_data else None
    values = [d["value"] for d in daily if d.get("value") is not None]
    top = max([*values, per_day or 0.0, 0.0]) or 1.0
    inner_h = HEIGHT - 2 * PADDING
    slot = (WIDTH - 2 * PADDING) / max(len(daily), 1)
    chart = Chart(baseline_per_day=per_day, maximum=top)
    for position, day in enumerate(daily):
        value = day.get("value")
        height = 0.0 if value is None else inner_h * float(value) / top
        chart.bars.append(
            Bar(
                x=round(PADDING + position * slot + slot * 0.1, 2),
                y=round(HEIGHT - PADDING - height, 2),
                width=round(max(slot * 0.8, 0.5), 2),
                height=round(height, 2),
                date=day.get("date", ""),
                value=value,
                estimated=bool(day.get("estimated")),
            )
        )
    if per_day is not None:
        chart.baseline_y = round(HEIGHT - PADDING - inner_h * per_day / top, 2)
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
