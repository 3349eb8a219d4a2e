"""Round axes of the site's server-side SVG charts (challenges' bar charts,
town sensors' line charts): pure arithmetic, no layout."""

import math
from dataclasses import dataclass

TICK_COUNT = 4
NICE_MULTIPLES = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True)
class Tick:
    """A round value on the y axis, at `y` in the chart's viewBox."""

    value: float
    y: float


def nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at least `raw` (a tick step)."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in NICE_MULTIPLES if raw <= m * power * (1 + 1e-9))


def step_decimals(step: float) -> int:
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return decimals


def y_ticks(maximum: float, count: int = TICK_COUNT) -> tuple[list[float], int]:
    """Round tick values from 0 to at least `maximum`, and their decimals."""
    step = nice_step(maximum / count) if maximum > 0 else 1.0
    steps = max(1, math.ceil(maximum / step - 1e-9))
    decimals = step_decimals(step)
    return [round(step * n, decimals) for n in range(steps + 1)], decimals


def range_ticks(
    low: float, high: float, count: int = TICK_COUNT
) -> tuple[list[float], int]:
    """Round tick values spanning `low` to `high` (negatives too: a temperature
    below zero), and their decimals; 0 is a tick when the span crosses it."""
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - 1, high + 1
    step = nice_step((high - low) / count)
    decimals = step_decimals(step)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(step * n, decimals) for n in range(first, last + 1)], decimals
