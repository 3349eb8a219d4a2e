"""A sensor's last 7 days as a server-side SVG line chart.

Geometry only, as `challenges.charts` does for the dashboard's bars (the round
axes are `common.charts`'): the template draws the polyline, the ticks and a
label per day; the page gives the same values as a table beside it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from common.charts import Tick, range_ticks

WIDTH = 360
HEIGHT = 220
LEFT = 46
RIGHT = WIDTH - 10
TOP = 24
BOTTOM = HEIGHT - 28
# A gap longer than this between two values breaks the line (a silent sensor
# is not drawn as a straight line across its silence).
MAX_GAP = timedelta(hours=3)


@dataclass(frozen=True)
class DayLabel:
    x: float
    day: datetime


@dataclass
class LineChart:
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    ticks: list[Tick] = field(default_factory=list)
    tick_decimals: int = 0
    labels: list[DayLabel] = field(default_factory=list)
    # Each run of values without a long gap: "x,y x,y …" for a <polyline>.
    lines: list[str] = field(default_factory=list)
    # A lone value between two gaps: drawn as a dot.
    dots: list[tuple[float, float]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines and not self.dots


def line_chart(
    points: list[tuple[datetime, float]], *, since: datetime, now: datetime, unit: str
) -> LineChart:
    """`points` (aware instants, values; oldest first) from `since` to `now`."""
    values = [value for _at, value in points]
    chart = LineChart(unit=unit)
    if values:
        tick_values, chart.tick_decimals = range_ticks(min(values), max(values))
    else:
        tick_values, chart.tick_decimals = [0.0, 1.0], 0
    low, high = tick_values[0], tick_values[-1]
    span = (now - since).total_seconds() or 1.0

    def x_of(at: datetime) -> float:
        return round(LEFT + (RIGHT - LEFT) * (at - since).total_seconds() / span, 2)

    def y_of(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * (value - low) / (high - low), 2)

    chart.ticks = [Tick(value, y_of(value)) for value in tick_values]
    zone = timezone.get_current_timezone()
    midnight = timezone.localtime(since, zone).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + timedelta(days=1)
    while midnight < now:
        chart.labels.append(DayLabel(x_of(midnight), midnight))
        midnight += timedelta(days=1)  # wall-clock: the next local midnight
    runs: list[list[tuple[float, float]]] = []
    previous = None
    for at, value in points:
        if at < since or at > now:
            continue
        if previous is None or at - previous > MAX_GAP:
            runs.append([])
        runs[-1].append((x_of(at), y_of(value)))
        previous = at
    for run in runs:
        if len(run) == 1:
            chart.dots.append(run[0])
        else:
            chart.lines.append(" ".join(f"{x},{y}" for x, y in run))
    return chart
