"""Consumption between two typed indexes, spread evenly over the days between.

The index read on `previous_day` and the one read on `day` enclose the
consumption of the days previous_day … day − 1 (a reading counts as taken at
the start of its day, so nothing is attributed to a day not yet over). Units:
water m³ → litres (× 1000), gas m³ → kWh (× GAS_KWH_PER_M3), electricity kWh.
"""

from datetime import date, timedelta
from decimal import Decimal

from meters.parsers.base import (
    ELECTRICITY_KWH,
    GAS_KWH,
    WATER_L,
    DailyValue,
    quantize,
)

# kWh per m³ of natural gas: GRDF's conversion coefficient (PCS × pressure and
# temperature correction) is about 11.2 in most of France (10.7–11.6 across
# the year and the regions); bills and Gazpar files carry the exact one, a
# typed index does not, so this mean is used (docs/meters.md).
GAS_KWH_PER_M3 = Decimal("11.2")
LITRES_PER_M3 = Decimal(1000)

METRIC = {"electricity": ELECTRICITY_KWH, "gas": GAS_KWH, "water": WATER_L}
FACTOR = {"electricity": Decimal(1), "gas": GAS_KWH_PER_M3, "water": LITRES_PER_M3}


def spread_index(
    meter_kind: str,
    previous_day: date,
    previous_value: Decimal,
    day: date,
    value: Decimal,
) -> list[DailyValue]:
    """One estimated value per day from previous_day to day − 1, summing exactly.

    Raises ValueError when the days are not in order or the index went down.
    """
    days = (day - previous_day).days
    if days < 1:
        raise ValueError("the later index must be read on a later day")
    consumed = Decimal(value) - Decimal(previous_value)
    if consumed < 0:
        raise ValueError("an index cannot go down")
    total = quantize(consumed * FACTOR[meter_kind])
    share = quantize(total / days)
    metric = METRIC[meter_kind]
    spread = [
        DailyValue(previous_day + timedelta(days=n), metric, share, estimated=True)
        for n in range(days - 1)
    ]
    # The rounding remainder goes on the last day so the days sum to the total.
    last = total - share * (days - 1)
    spread.append(DailyValue(day - timedelta(days=1), metric, last, estimated=True))
    return spread
