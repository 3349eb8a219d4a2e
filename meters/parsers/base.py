"""What every meter file becomes once read, and the helpers the formats share."""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from meters.errors import MeterFileError

# A year of load curve is about 0.6 MB; three years, under 2 MB. Anything
# bigger is not a customer-area export (docs/meters.md, « Import »).
MAX_FILE_BYTES = 5 * 1024 * 1024
# Values travel as decimal strings with three decimals (Wh, litres, m³ / 1000).
QUANTUM = Decimal("0.001")

ELECTRICITY_KWH = "electricity_kwh"
GAS_KWH = "gas_kwh"
WATER_L = "water_l"
UNITS = {ELECTRICITY_KWH: "kWh", GAS_KWH: "kWh", WATER_L: "L"}
MISSING_DATES_SHOWN = 10


@dataclass(frozen=True)
class DailyValue:
    day: date
    metric: str  # electricity_kwh | gas_kwh | water_l
    value: Decimal  # kWh, kWh, litres
    estimated: bool = False


@dataclass(frozen=True)
class HourlyValue:
    starts_at: datetime  # aware, UTC, start of the hour
    value: Decimal  # kWh


@dataclass
class ParsedFile:
    source: str  # scoring ReadingSource: enedis_daily | enedis_load_curve | gazpar
    meter_kind: str  # MeterKind: electricity | gas
    meter_id: str  # PRM / PCE as in the file, "" if none
    daily: list[DailyValue]
    hourly: list[HourlyValue]
    first_day: date
    last_day: date
    missing_days: list[date] = field(default_factory=list)

    @property
    def metric(self) -> str:
        return self.daily[0].metric if self.daily else ELECTRICITY_KWH

    def summary(self) -> dict:
        """What the preview shows, JSON-able (dates as ISO strings)."""
        total = sum((value.value for value in self.daily), Decimal(0))
        return {
            "source": self.source,
            "meter_kind": self.meter_kind,
            "meter_id": self.meter_id,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "days": len(self.daily),
            "estimated_days": sum(1 for value in self.daily if value.estimated),
            "hours": len(self.hourly),
            "total": str(total.quantize(QUANTUM)),
            "unit": UNITS[self.metric],
            "metric": self.metric,
            "missing_days": len(self.missing_days),
            "missing_dates": [
                day.isoformat() for day in self.missing_days[:MISSING_DATES_SHOWN]
            ],
        }

    def readings_body(self) -> dict:
        """The contract's `daily` and `hourly` lists (values as decimal strings)."""
        return {
            "daily": [
                {
                    "date": value.day.isoformat(),
                    "metric": value.metric,
                    "value": str(value.value.quantize(QUANTUM)),
                    "estimated": value.estimated,
                }
                for value in self.daily
            ],
            "hourly": [
                {
                    "starts_at": value.starts_at.isoformat(),
                    "value": str(value.value.quantize(QUANTUM)),
                }
                for value in self.hourly
            ],
        }


def quantize(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def plain(text: str) -> str:
    """Lower case, no accents, single spaces: how column names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().replace("\ufeff", "").split())


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as the exports come."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MeterFileError(
            _("caractère illisible : ce fichier n'est pas un export texte."), line
        ) from None


def parse_decimal(text: object, line: int, what: str) -> Decimal | None:
    """A French or English number; None when the cell is empty."""
    if text is None:
        return None
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return Decimal(str(text))
    cleaned = str(text).strip().replace("\u00a0", "").replace("\u202f", "")
    cleaned = cleaned.replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise MeterFileError(
            _("« %(text)s » n'est pas un nombre (%(what)s).")
            % {"text": str(text)[:40], "what": what},
            line,
        )
    if value < 0:
        raise MeterFileError(
            _("valeur négative (%(text)s) pour %(what)s.")
            % {"text": str(text)[:40], "what": what},
            line,
        )
    return value
