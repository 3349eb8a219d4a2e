"""Check a town's heating degree-day file (`date;DJU`) before anything is stored.

One line per day: a date (`2026-01-15` or `15/01/2026`) and the day's DJU
(`7,4` or `7.4`), separated by `;` (a `,` separator works when the decimals
use a point). A first line that is not a date is a header. Every bad line is
reported with its number; one bad line and nothing of the file is stored.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

# No French town sees more than this in a day (Météo-France, base 18 °C).
MAX_DJU = Decimal(40)


@dataclass
class CheckedDegreeDays:
    rows: dict[date, Decimal] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _day(raw: str) -> date | None:
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, layout).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    return None


def _value(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_DJU:
        return None
    return value.quantize(Decimal("0.01"))


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first or "," not in first else ","


def check_degree_days(data: bytes) -> CheckedDegreeDays:
    """Parse every line; collect errors instead of stopping at the first."""
    result = CheckedDegreeDays()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    today = timezone.localdate()
    seen: dict[date, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if len(cells) < 2:
                result.errors.append((line, _("deux colonnes attendues : date;DJU")))
                continue
            day = _day(cells[0])
            if day is None and not seen and not result.rows and line == 1:
                continue  # a header line
            problems = []
            if day is None:
                problems.append(
                    _("date invalide « %(date)s » (AAAA-MM-JJ ou JJ/MM/AAAA)")
                    % {"date": cells[0]}
                )
            elif day > today:
                problems.append(
                    _("date dans le futur « %(date)s »") % {"date": cells[0]}
                )
            value = _value(cells[1])
            if value is None:
                problems.append(
                    _("DJU invalide « %(value)s » (nombre entre 0 et %(max)s)")
                    % {"value": cells[1], "max": MAX_DJU}
                )
            if problems:
                result.errors.append((line, " ; ".join(problems)))
                continue
            if day in seen:
                result.errors.append(
                    (
                        line,
                        _("jour en double (déjà ligne %(line)d)") % {"line": seen[day]},
                    )
                )
                continue
            seen[day] = line
            result.rows[day] = value
    except csv.Error as error:
        result.errors.append(
            (reader.line_num, _("CSV illisible : %(error)s") % {"error": error})
        )
    if not result.rows and not result.errors:
        result.errors.append((1, _("aucun jour dans le fichier")))
    return result
