"""Meter files made to the real layouts (docs/meters.md, « Import »).

Enedis: the customer area's preamble, then `Horodate;Valeur` rows stamped in
Europe/Paris with their offset; a load curve's rows are stamped at the end of
each step. Gazpar: a title, a PCE line, a header row, then one row per gas
day, decimal commas; the same rows as an XLSX sheet.
"""

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
PRM = "09876543210123"
PCE = "21436587091234"
PREAMBLE = (
    "Identifiant PRM;Type de donnees;Date de debut;Date de fin;Grandeur physique;"
    "Grandeur metier;Etape metier;Unite;Pas en minutes"
)
GAZPAR_HEADER = [
    "Date de relevé",
    "Journée gazière",
    "Index de début (m3)",
    "Index de fin (m3)",
    "Volume consommé (m3)",
    "Coefficient de conversion",
    "Energie consommée (kWh)",
    "Type de relevé",
]


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(UTC)


def _encode(lines: list[str], encoding: str, newline: str) -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def load_curve_stamps(start: date, days: int, step: int = 30) -> list[datetime]:
    """Every end-of-step stamp of the local days start … start + days − 1."""
    first = local_midnight(start)
    last = local_midnight(start + timedelta(days=days))
    stamps = []
    moment = first + timedelta(minutes=step)
    while moment <= last:
        stamps.append(moment.astimezone(PARIS))
        moment += timedelta(minutes=step)
    return stamps


def enedis_load_curve(
    start: date,
    days: int,
    *,
    watts: Callable[[datetime], object] | int = 500,
    step: int = 30,
    prm: str = PRM,
    drop: Callable[[datetime], bool] | None = None,
    empty: Callable[[datetime], bool] | None = None,
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> bytes:
    """A load curve: average W per step, stamped at the end of the step."""
    end = start + timedelta(days=days)
    lines = [
        PREAMBLE,
        f"{prm};Courbe de charge;{start:%d/%m/%Y};{end:%d/%m/%Y};"
        f"Puissance active;Consommation;Comptage Brut;W;{step}",
        "Horodate;Valeur",
    ]
    for stamp in load_curve_stamps(start, days, step):
        if drop and drop(stamp):
            continue
        value = (
            "" if empty and empty(stamp) else watts(stamp) if callable(watts) else watts
        )
        lines.append(f"{stamp.isoformat()};{value}")
    return _encode(lines, encoding, newline)


def enedis_daily(
    start: date,
    days: int,
    *,
    wh: Callable[[date], object] | int = 9000,
    prm: str = PRM,
    skip: Callable[[date], bool] | None = None,
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
) -> bytes:
    """Daily energy: Wh per day, stamped at the local day's start."""
    end = start + timedelta(days=days)
    lines = [
        PREAMBLE,
        f"{prm};Energie;{start:%d/%m/%Y};{end:%d/%m/%Y};Energie active;"
        "Consommation;Comptage Brut;Wh;",
        "Horodate;Valeur",
    ]
    for n in range(days):
        day = start + timedelta(days=n)
        if skip and skip(day):
            continue
        value = wh(day) if callable(wh) else wh
        stamp = datetime(day.year, day.month, day.day, tzinfo=PARIS)
        lines.append(f"{stamp.isoformat()};{value}")
    return _encode(lines, encoding, newline)


def _french(value: Decimal) -> str:
    return str(value).replace(".", ",")


def gazpar_rows(
    start: date,
    days: int,
    *,
    m3: Callable[[date], Decimal] | Decimal = Decimal("1.5"),
    coefficient: Decimal = Decimal("11.25"),
    first_index: Decimal = Decimal("4120"),
    skip: Callable[[date], bool] | None = None,
) -> list[list[object]]:
    rows = []
    index = first_index
    for n in range(days):
        day = start + timedelta(days=n)
        volume = m3(day) if callable(m3) else m3
        end = index + volume
        if not (skip and skip(day)):
            rows.append(
                [
                    day + timedelta(days=1),
                    day,
                    index,
                    end,
                    volume,
                    coefficient,
                    (volume * coefficient).quantize(Decimal("0.01")),
                    "Mesuré",
                ]
            )
        index = end
    return rows


def gazpar_csv(
    start: date,
    days: int,
    *,
    encoding: str = "cp1252",
    newline: str = "\r\n",
    pce: str = PCE,
    **options: object,
) -> bytes:
    """The GRDF daily export as CSV: title, PCE line, header, one row a gas day."""
    lines = [
        "Données de consommation journalières",
        f"PCE : {pce}",
        "",
        ";".join(GAZPAR_HEADER),
    ]
    for row in gazpar_rows(start, days, **options):
        cells = [
            f"{cell:%d/%m/%Y}"
            if isinstance(cell, date)
            else _french(cell)
            if isinstance(cell, Decimal)
            else str(cell)
            for cell in row
        ]
        lines.append(";".join(cells))
    return _encode(lines, encoding, newline)


def gazpar_xlsx(start: date, days: int, *, pce: str = PCE, **options: object) -> bytes:
    """The same rows as an Excel sheet: real dates and numbers in the cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Historique de consommation"
    sheet.append(["Données de consommation journalières"])
    sheet.append([f"PCE : {pce}"])
    sheet.append([])
    sheet.append(GAZPAR_HEADER)
    for row in gazpar_rows(start, days, **options):
        sheet.append(
            [
                datetime(c.year, c.month, c.day)  # noqa: DTZ001 - Excel has no zone
                if isinstance(c, date)
                else float(c)
                if isinstance(c, Decimal)
                else c
                for c in row
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
