"""Linky files exported from the Enedis customer area (docs/meters.md, « Import »).

Layout: a header line `Identifiant PRM;Type de donnees;Date de debut;Date de fin;
Grandeur physique;Grandeur metier;Etape metier;Unite;Pas en minutes`, one line
of values, then `Horodate;Valeur` rows whose ISO 8601 timestamps carry their
offset. Daily energy: Wh per day, stamped at the start of the (local) day.
Load curve: the average power in W over each step (30 minutes, or the file's
`Pas en minutes`), stamped at the END of the step; the step's energy is
W × step. A step is counted on the day and hour where it starts, so a step
stamped 00:00 belongs to the day before.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from meters.errors import MeterFileError
from meters.parsers.base import (
    ELECTRICITY_KWH,
    DailyValue,
    HourlyValue,
    ParsedFile,
    parse_decimal,
    plain,
    quantize,
)

PARIS = ZoneInfo("Europe/Paris")
SOURCE_DAILY = "enedis_daily"
SOURCE_LOAD_CURVE = "enedis_load_curve"
PREAMBLE_FIRST = "identifiant prm"
STEPS_ALLOWED = (10, 15, 30, 60)
# A day with at least this share of its steps gets a value extrapolated from
# them, marked estimated; with fewer, only its complete hours are kept.
ESTIMATE_FROM = Decimal("0.75")
THOUSAND = Decimal(1000)
WATT_MINUTES_PER_KWH = Decimal(60_000)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DATE_ONLY = len("2024-03-01")
# A home meter is at most 36 kVA; these bounds also keep every value within
# what the contract takes (100,000 kWh a day, 1,000 kWh an hour).
MAX_WATTS = 100_000
MAX_DAILY_WH = 10_000_000
WINTER = timedelta(hours=1)
SUMMER = timedelta(hours=2)


def is_enedis(first_line: str) -> bool:
    return plain(first_line).startswith(PREAMBLE_FIRST)


def _cells(text: str) -> list[str]:
    return [cell.strip().strip('"').strip() for cell in text.split(";")]


def _preamble(lines: list[tuple[int, str]]) -> tuple[dict[str, str], int]:
    """The preamble's fields by plain name, and the index of the next line."""
    (head_no, head), rest = lines[0], lines[1:]
    names = [plain(cell) for cell in _cells(head)]
    for needed in ("identifiant prm", "type de donnees", "unite"):
        if needed not in names:
            raise MeterFileError(
                _("l'en-tête Enedis n'a pas la colonne « %(name)s ».")
                % {"name": needed},
                head_no,
            )
    if not rest:
        raise MeterFileError(
            _("l'en-tête Enedis n'est suivi d'aucune ligne de valeurs."), head_no
        )
    values_no, values = rest[0]
    cells = _cells(values)
    if len(cells) < len(names) - 1:
        raise MeterFileError(
            _("la ligne qui suit l'en-tête Enedis n'a que %(count)d champs.")
            % {"count": len(cells)},
            values_no,
        )
    cells += [""] * (len(names) - len(cells))
    return dict(zip(names, cells, strict=False)), 2


def _kind(fields: dict[str, str], line: int) -> tuple[str, int]:
    """The file's source and its step in minutes (0 for daily energy)."""
    data_type = plain(fields.get("type de donnees", ""))
    unit = plain(fields.get("unite", "")).replace(" ", "")
    step_text = fields.get("pas en minutes", "").strip()
    if "index" in data_type:
        raise MeterFileError(
            _(
                "ce fichier contient des index, pas des consommations : exportez "
                "la consommation journalière ou la courbe de charge."
            ),
            line,
        )
    if "puissance max" in data_type or unit == "va":
        raise MeterFileError(
            _(
                "ce fichier contient des puissances maximales, pas des "
                "consommations : exportez la consommation journalière ou la "
                "courbe de charge."
            ),
            line,
        )
    if unit == "w" or "courbe" in data_type:
        if unit != "w":
            raise MeterFileError(
                _("une courbe de charge doit être en W, pas en « %(unit)s ».")
                % {"unit": fields.get("unite", "")},
                line,
            )
        step = 30
        if step_text:
            if not step_text.isdigit() or int(step_text) not in STEPS_ALLOWED:
                raise MeterFileError(
                    _("pas de mesure de « %(step)s » minutes non pris en charge.")
                    % {"step": step_text[:10]},
                    line,
                )
            step = int(step_text)
        return SOURCE_LOAD_CURVE, step
    if unit in ("wh", "kwh"):
        return SOURCE_DAILY, 0
    raise MeterFileError(
        _("unité « %(unit)s » inconnue : Wh (par jour) ou W (courbe) attendus.")
        % {"unit": fields.get("unite", "")[:20]},
        line,
    )


Row = tuple[int, datetime, "int | Decimal | None", int]


def _stamp(text: str, number: int) -> datetime:
    if len(text) == DATE_ONLY:
        # A bare date (some daily exports): the start of that day in Paris.
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return datetime(day.year, day.month, day.day, tzinfo=PARIS)
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise MeterFileError(
            _("horodate « %(text)s » illisible (ISO 8601 attendu).")
            % {"text": text[:40]},
            number,
        ) from None
    if stamp.tzinfo is None:
        raise MeterFileError(
            _("l'horodate « %(text)s » n'indique pas son décalage horaire.")
            % {"text": text[:40]},
            number,
        )
    return stamp


def _rows(lines: list[tuple[int, str]]) -> list[Row]:
    """The `Horodate;Valeur` rows: (line, aware stamp, value or None, epoch s).

    A year of load curve is 17,520 rows: the common row (digits, `;`, an
    integer) takes a short path, anything else the careful one.
    """
    if not lines or plain(_cells(lines[0][1])[0]) != "horodate":
        line = lines[0][0] if lines else None
        raise MeterFileError(
            _("la ligne « Horodate;Valeur » manque après l'en-tête Enedis."), line
        )
    rows: list[Row] = []
    seen: dict[int, tuple[int, object]] = {}
    for number, text in lines[1:]:
        head, _sep, rest = text.partition(";")
        head = head.strip().strip('"')
        if not head[:1].isdigit():
            if plain(head) == "horodate":
                continue
            if plain(head).startswith(PREAMBLE_FIRST):
                raise MeterFileError(
                    _(
                        "un second en-tête Enedis : envoyez un fichier par compteur "
                        "et par type de données."
                    ),
                    number,
                )
        stamp = _stamp(head, number)
        cell = rest.partition(";")[0].strip().strip('"')
        value = int(cell) if cell.isdigit() else parse_decimal(cell, number, "Valeur")
        epoch = int(stamp.timestamp())
        previous = seen.get(epoch)
        if previous is not None:
            if previous[1] != value:
                raise MeterFileError(
                    _(
                        "horodate en double (déjà ligne %(first)d) avec une autre "
                        "valeur."
                    )
                    % {"first": previous[0]},
                    number,
                )
            continue
        seen[epoch] = (number, value)
        rows.append((number, stamp, value, epoch))
    if not any(row[2] is not None for row in rows):
        raise MeterFileError(_("aucune valeur dans ce fichier."), lines[0][0])
    return rows


def _day_minutes(day: date) -> int:
    """23, 24 or 25 hours: the local day's length, daylight saving included."""
    start = datetime(day.year, day.month, day.day, tzinfo=PARIS)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=PARIS)
    return int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _daily(meter_id: str, rows: list[Row]) -> ParsedFile:
    values: dict[date, Decimal] = {}
    for number, stamp, value, _epoch in rows:
        if value is None:
            continue
        if value > MAX_DAILY_WH:
            raise MeterFileError(_implausible(value, "Wh"), number)
        day = stamp.astimezone(PARIS).date()
        values[day] = values.get(day, Decimal(0)) + value
    days = sorted(values)
    daily = [
        DailyValue(day, ELECTRICITY_KWH, quantize(values[day] / THOUSAND))
        for day in days
    ]
    return ParsedFile(
        source=SOURCE_DAILY,
        meter_kind="electricity",
        meter_id=meter_id,
        daily=daily,
        hourly=[],
        first_day=days[0],
        last_day=days[-1],
        missing_days=[d for d in _days_between(days[0], days[-1]) if d not in values],
    )


def _implausible(value: object, unit: str) -> str:
    return _(
        "%(value)s %(unit)s : valeur invraisemblable pour un logement, ce fichier "
        "n'est pas celui d'un compteur domestique."
    ) % {"value": value, "unit": unit}


def _local_day(start: datetime) -> date:
    # Enedis stamps carry Paris's offset (+01:00 or +02:00): the wall date in
    # that offset is the local day (the clocks change at 2-3 h, never near
    # midnight). Any other offset is converted.
    offset = start.utcoffset()
    if offset == WINTER or offset == SUMMER:
        return start.date()
    return start.astimezone(PARIS).date()


def _load_curve(meter_id: str, rows: list[Row], step: int) -> ParsedFile:
    step_delta = timedelta(minutes=step)
    step_seconds = step * 60
    per_hour = 60 // step if step <= 60 else 1
    # Energies summed as W × minutes (integers for integer watts): exact, and
    # about ten times faster than Decimal arithmetic on every step.
    day_energy: dict[date, int | Decimal] = defaultdict(int)
    day_steps: dict[date, int] = defaultdict(int)
    hour_energy: dict[int, int | Decimal] = defaultdict(int)
    hour_steps: dict[int, int] = defaultdict(int)
    seen_days: set[date] = set()
    for number, stamp, watts, epoch in rows:
        day = _local_day(stamp - step_delta)
        seen_days.add(day)
        if watts is None:
            continue
        if watts > MAX_WATTS:
            raise MeterFileError(_implausible(watts, "W"), number)
        energy = watts * step
        day_energy[day] += energy
        day_steps[day] += 1
        hour = (epoch - step_seconds) // 3600
        hour_energy[hour] += energy
        hour_steps[hour] += 1
    first, last = min(seen_days), max(seen_days)
    daily: list[DailyValue] = []
    missing: list[date] = []
    for day in _days_between(first, last):
        expected = _day_minutes(day) // step
        present = day_steps.get(day, 0)
        if present >= expected:
            kwh = Decimal(day_energy[day]) / WATT_MINUTES_PER_KWH
            daily.append(DailyValue(day, ELECTRICITY_KWH, quantize(kwh)))
            continue
        missing.append(day)
        if present and Decimal(present) / expected >= ESTIMATE_FROM:
            # Mean power of the steps present over the whole day.
            kwh = Decimal(day_energy[day]) * expected / present / WATT_MINUTES_PER_KWH
            daily.append(
                DailyValue(day, ELECTRICITY_KWH, quantize(kwh), estimated=True)
            )
    # Only complete hours: a partial hour would read as a drop in consumption.
    hourly = [
        HourlyValue(
            EPOCH + timedelta(hours=hour),
            quantize(Decimal(hour_energy[hour]) / WATT_MINUTES_PER_KWH),
        )
        for hour in sorted(hour_energy)
        if hour_steps[hour] >= per_hour
    ]
    if not daily:
        raise MeterFileError(
            _(
                "aucune journée assez complète dans cette courbe de charge "
                "(%(count)d jour(s) incomplet(s))."
            )
            % {"count": len(missing)}
        )
    return ParsedFile(
        source=SOURCE_LOAD_CURVE,
        meter_kind="electricity",
        meter_id=meter_id,
        daily=daily,
        hourly=hourly,
        first_day=first,
        last_day=last,
        missing_days=missing,
    )


def parse_enedis(lines: list[tuple[int, str]]) -> ParsedFile:
    """Read an Enedis export given as (line number, text) for non-empty lines."""
    fields, used = _preamble(lines)
    source, step = _kind(fields, lines[1][0])
    meter_id = fields.get("identifiant prm", "")[:32]
    rows = _rows(lines[used:])
    if source == SOURCE_DAILY:
        return _daily(meter_id, rows)
    return _load_curve(meter_id, rows, step)
