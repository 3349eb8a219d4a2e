"""Check a CSV file of daily readings before anything is stored.

Columns (header on line 1): `household_id, date, metric, value`, and an
optional `unit` that must match the metric (kWh, kWh, L). Every bad row is
reported with its line number; one bad row and nothing of the file is stored.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TextIO

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from community.models import Household
from scoring.actions import ReadingRow
from scoring.engine.validation import PUBLIC_ID
from scoring.models import Metric
from scoring.models.sensors import METRIC_UNITS

REQUIRED_COLUMNS = ("household_id", "date", "metric", "value")
# Above this a daily reading is a typing or unit mistake (kWh entered as Wh).
MAX_DAILY_VALUE = Decimal("100000")


@dataclass
class CheckedFile:
    rows: list[ReadingRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _value(raw: str) -> Decimal | None:
    # A French spreadsheet writes 12,5; accepted when quoted in the CSV.
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value


def check_readings(handle: TextIO) -> CheckedFile:
    """Parse and check every row; collect errors instead of stopping at the first."""
    result = CheckedFile()
    reader = csv.reader(handle)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        result.errors.append((1, _("CSV illisible : %(error)s") % {"error": error}))
        return result
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        result.errors.append(
            (1, _("colonnes manquantes : %(names)s") % {"names": ", ".join(missing)})
        )
        return result
    column = {name: header.index(name) for name in header}
    raw_rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines (a trailing newline) are not rows
            raw_rows.append((reader.line_num, row))
    except csv.Error as error:
        result.errors.append(
            (reader.line_num, _("CSV illisible : %(error)s") % {"error": error})
        )
        return result
    public_ids = {
        row[column["household_id"]].strip()
        for _line, row in raw_rows
        if len(row) == len(header)
    }
    households = dict(
        Household.objects.filter(
            public_id__in=[p for p in public_ids if PUBLIC_ID.fullmatch(p)]
        ).values_list("public_id", "pk")
    )
    today = timezone.localdate()
    seen: dict[tuple[int, str, date], int] = {}
    for line, row in raw_rows:
        if len(row) != len(header):
            result.errors.append(
                (
                    line,
                    _("%(found)d colonnes au lieu de %(expected)d")
                    % {"found": len(row), "expected": len(header)},
                )
            )
            continue
        problems = []
        public_id = row[column["household_id"]].strip()
        household = households.get(public_id)
        if household is None:
            problems.append(_("foyer inconnu « %(id)s »") % {"id": public_id})
        raw_date = row[column["date"]].strip()
        try:
            day = parse_date(raw_date)
        except ValueError:
            day = None
        if day is None:
            problems.append(
                _("date invalide « %(date)s » (AAAA-MM-JJ attendu)")
                % {"date": raw_date}
            )
        elif day > today:
            problems.append(_("date dans le futur « %(date)s »") % {"date": raw_date})
        metric = row[column["metric"]].strip()
        if metric not in Metric.values:
            problems.append(
                _("mesure inconnue « %(metric)s » (attendu : %(choices)s)")
                % {"metric": metric, "choices": ", ".join(Metric.values)}
            )
        elif "unit" in column:
            unit = row[column["unit"]].strip()
            if unit.lower() != METRIC_UNITS[metric].lower():
                problems.append(
                    _("unité « %(unit)s » incompatible avec %(metric)s (%(expected)s)")
                    % {
                        "unit": unit,
                        "metric": metric,
                        "expected": METRIC_UNITS[metric],
                    }
                )
        raw_value = row[column["value"]]
        value = _value(raw_value)
        if value is None or value < 0 or value > MAX_DAILY_VALUE:
            problems.append(
                _("valeur invalide « %(value)s » (nombre entre 0 et %(max)s)")
                % {"value": raw_value.strip(), "max": MAX_DAILY_VALUE}
            )
        if problems:
            result.errors.append((line, " ; ".join(problems)))
            continue
        key = (household, metric, day)
        if key in seen:
            result.errors.append(
                (
                    line,
                    _("relevé en double (déjà ligne %(line)d)") % {"line": seen[key]},
                )
            )
            continue
        seen[key] = line
        result.rows.append(ReadingRow(household, metric, day, value))
    return result
