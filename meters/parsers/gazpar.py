"""Gazpar daily data exported from the GRDF customer area, CSV or XLSX.

GRDF does not publish the export's layout, so it is found rather than fixed
(docs/meters.md, « Import »): a header row, within the first rows, that names
the gas day (« Journée gazière », or a date column), the start and end
indexes in m³, the volume and the energy in kWh; columns are matched by
those words, in any order, accents and case ignored. A row's energy is the
kWh column; without it, volume × the row's conversion coefficient (or the
default one). A line before the header that names the PCE gives the meter id.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime

from django.utils.translation import gettext as _

from meters.errors import MeterFileError
from meters.parsers.base import (
    GAS_KWH,
    DailyValue,
    ParsedFile,
    parse_decimal,
    plain,
    quantize,
)
from meters.parsers.index import GAS_KWH_PER_M3

SOURCE = "gazpar"
HEADER_SEARCH_ROWS = 30
MAX_ROWS = 20_000  # 50 years of days: more is not a customer-area export
SPARSE_FROM = 3
MAX_DAILY_KWH = 10_000  # a home's gas in a day, far above any real one
PCE_PATTERN = re.compile(r"\b(GI\d{6}|\d{14})\b")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y")

Cell = str | int | float | datetime | date | None


def _column(names: list[str], *words: str) -> int | None:
    for position, name in enumerate(names):
        if all(word in name for word in words):
            return position
    return None


def _header(names: list[str]) -> dict[str, int | None] | None:
    """Column positions when this row is a Gazpar header, else None."""
    day = _column(names, "journee gaziere")
    if day is None:
        day = _column(names, "date")
    energy = _column(names, "energie")
    volume = _column(names, "volume")
    if day is None or (energy is None and volume is None):
        return None
    return {
        "day": day,
        "start": _column(names, "index", "debut"),
        "end": _column(names, "index", "fin"),
        "volume": volume,
        "energy": energy,
        "coefficient": _column(names, "coefficient"),
        "kind": _column(names, "type", "releve"),
    }


def looks_like_gazpar(rows: Iterable[tuple[int, list[Cell]]]) -> bool:
    for count, (_number, cells) in enumerate(rows):
        if count >= HEADER_SEARCH_ROWS:
            return False
        if _header([plain(str(c)) if c is not None else "" for c in cells]):
            return True
    return False


def _day(cell: Cell, line: int) -> date | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell).strip()
    if not text:
        return None
    # « 01/03/2024 06:00 » or an ISO datetime: the date part names the gas day.
    head = text.split("T")[0].split(" ")[0]
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(head, layout).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise MeterFileError(
        _("date « %(text)s » illisible (JJ/MM/AAAA attendu).") % {"text": text[:40]},
        line,
    )


def _get(cells: list[Cell], position: int | None) -> Cell:
    if position is None or position >= len(cells):
        return None
    return cells[position]


def parse_gazpar(rows: list[tuple[int, list[Cell]]]) -> ParsedFile:
    """Read Gazpar rows given as (line or row number, cells)."""
    columns = None
    meter_id = ""
    data_start = 0
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [plain(str(c)) if c is not None else "" for c in cells]
        columns = _header(names)
        if columns is not None:
            data_start = position + 1
            break
        joined = " ".join(str(c) for c in cells if c is not None)
        if "pce" in plain(joined) and not meter_id:
            found = PCE_PATTERN.search(joined)
            if found:
                meter_id = found.group(1)
    if columns is None:
        raise MeterFileError(_("en-tête Gazpar introuvable."), 1)
    data = rows[data_start:]
    if len(data) > MAX_ROWS:
        raise MeterFileError(
            _("trop de lignes (%(count)d) pour un export Gazpar.")
            % {"count": len(data)},
            rows[data_start + MAX_ROWS][0],
        )
    values: dict[date, DailyValue] = {}
    lines_of: dict[date, int] = {}
    for number, cells in data:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        day = _day(_get(cells, columns["day"]), number)
        if day is None:
            raise MeterFileError(_("la journée gazière manque."), number)
        energy = parse_decimal(_get(cells, columns["energy"]), number, "énergie")
        volume = parse_decimal(_get(cells, columns["volume"]), number, "volume")
        start = parse_decimal(_get(cells, columns["start"]), number, "index de début")
        end = parse_decimal(_get(cells, columns["end"]), number, "index de fin")
        if volume is None and start is not None and end is not None and end >= start:
            volume = end - start
        if energy is None and volume is not None:
            coefficient = parse_decimal(
                _get(cells, columns["coefficient"]), number, "coefficient"
            )
            energy = volume * (coefficient or GAS_KWH_PER_M3)
        if energy is None:
            continue  # an empty day: reported as missing
        if energy > MAX_DAILY_KWH:
            raise MeterFileError(
                _("%(value)s kWh en un jour : valeur invraisemblable pour un logement.")
                % {"value": energy},
                number,
            )
        if day in lines_of:
            raise MeterFileError(
                _("journée du %(day)s en double (déjà ligne %(first)d).")
                % {"day": day.strftime("%d/%m/%Y"), "first": lines_of[day]},
                number,
            )
        lines_of[day] = number
        kind = plain(str(_get(cells, columns["kind"]) or ""))
        values[day] = DailyValue(
            day, GAS_KWH, quantize(energy), estimated="estim" in kind
        )
    if not values:
        raise MeterFileError(_("aucune journée avec une consommation dans ce fichier."))
    days = sorted(values)
    span = (days[-1] - days[0]).days + 1
    if len(days) >= SPARSE_FROM and len(days) * 2 < span:
        # A monthly (or half-yearly) export read as days would put a month on
        # one day: refused rather than guessed.
        raise MeterFileError(
            _(
                "ce fichier n'a pas une valeur par jour (%(count)d valeurs sur "
                "%(span)d jours : relevés mensuels ?). Exportez les consommations "
                "journalières."
            )
            % {"count": len(days), "span": span},
            lines_of[days[1]],
        )
    present = set(days)
    missing = [
        day
        for day in (
            date.fromordinal(days[0].toordinal() + offset) for offset in range(span)
        )
        if day not in present
    ]
    return ParsedFile(
        source=SOURCE,
        meter_kind="gas",
        meter_id=meter_id,
        daily=[values[day] for day in days],
        hourly=[],
        first_day=days[0],
        last_day=days[-1],
        missing_days=missing,
    )
