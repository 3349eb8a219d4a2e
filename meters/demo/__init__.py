"""Demo meter files for the Martin household, made by the project (not real data).

`write_demo_files()` writes a Linky load curve (Enedis customer-area CSV, the
last 14 days) and a Gazpar export (GRDF XLSX, the last 28 gas days), both
ending yesterday, to `PRIVATE_ROOT/demo-compteurs/`, so a new user signed in
as Anne Martin can try « Mes compteurs » at once. `manage.py seed_demo` calls
it; `python -m meters.demo DIR` writes them elsewhere. Deterministic for a
given day: the same file twice is the same bytes (the upload then says it
was already sent).
"""

import io
import math
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DEMO_PRM = "98800000000001"
DEMO_PCE = "98800000000002"
LOAD_CURVE_DAYS = 14
GAZPAR_DAYS = 28
LOAD_CURVE_NAME = "linky-courbe-de-charge-martin.csv"
GAZPAR_NAME = "gazpar-consommations-martin.xlsx"
GAS_COEFFICIENT = Decimal("11.21")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(UTC)


def _watts(moment: datetime, rng: random.Random) -> int:
    """A household's average power: a base, a morning and an evening peak."""
    local = moment.astimezone(PARIS)
    hour = local.hour + local.minute / 60
    base = 220 + 40 * math.sin(hour / 24 * 2 * math.pi)
    morning = 900 * math.exp(-((hour - 7.5) ** 2) / 1.5)
    evening = 1400 * math.exp(-((hour - 19.5) ** 2) / 3)
    return max(80, round((base + morning + evening) * rng.uniform(0.8, 1.25)))


def load_curve_csv(last_day: date, days: int = LOAD_CURVE_DAYS) -> bytes:
    """An Enedis load curve export: preamble, then W per 30 min, end-stamped."""
    first_day = last_day - timedelta(days=days - 1)
    rng = random.Random(f"linky-{first_day.isoformat()}")  # noqa: S311 - demo data
    lines = [
        "Identifiant PRM;Type de donnees;Date de debut;Date de fin;Grandeur physique;"
        "Grandeur metier;Etape metier;Unite;Pas en minutes",
        f"{DEMO_PRM};Courbe de charge;{first_day:%d/%m/%Y};"
        f"{last_day + timedelta(days=1):%d/%m/%Y};Puissance active;Consommation;"
        "Comptage Brut;W;30",
        "Horodate;Valeur",
    ]
    moment = _midnight(first_day) + timedelta(minutes=30)
    end = _midnight(last_day + timedelta(days=1))
    while moment <= end:
        start = moment - timedelta(minutes=30)
        lines.append(f"{moment.astimezone(PARIS).isoformat()};{_watts(start, rng)}")
        moment += timedelta(minutes=30)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _gas_m3(day: date, rng: random.Random) -> Decimal:
    # Heating follows the season: most in January, little in summer.
    season = (1 + math.cos((day.timetuple().tm_yday - 15) / 365 * 2 * math.pi)) / 2
    return Decimal(str(round((0.4 + 4.2 * season) * rng.uniform(0.8, 1.2), 2)))


def gazpar_xlsx(last_day: date, days: int = GAZPAR_DAYS) -> bytes:
    """A GRDF daily export: title, PCE, header, one row a gas day, in XLSX."""
    from openpyxl import Workbook

    first_day = last_day - timedelta(days=days - 1)
    rng = random.Random(f"gazpar-{first_day.isoformat()}")  # noqa: S311 - demo data
    book = Workbook()
    sheet = book.active
    sheet.title = "Historique de consommation"
    sheet.append(["Historique des consommations journalières"])
    sheet.append([f"PCE : {DEMO_PCE}"])
    sheet.append([])
    sheet.append(
        [
            "Date de relevé",
            "Journée gazière",
            "Index de début (m3)",
            "Index de fin (m3)",
            "Volume consommé (m3)",
            "Coefficient de conversion",
            "Energie consommée (kWh)",
            "Type de relevé",
        ]
    )
    index = Decimal("6512.40")
    for n in range(days):
        day = first_day + timedelta(days=n)
        volume = _gas_m3(day, rng)
        energy = (volume * GAS_COEFFICIENT).quantize(Decimal("0.01"))
        sheet.append(
            [
                datetime(day.year, day.month, day.day) + timedelta(days=1),  # noqa: DTZ001
                datetime(day.year, day.month, day.day),  # noqa: DTZ001 - Excel dates
                float(index),
                float(index + volume),
                float(volume),
                float(GAS_COEFFICIENT),
                float(energy),
                "Mesuré",
            ]
        )
        index += volume
    out = io.BytesIO()
    # A fixed modification time: the same day gives the same bytes.
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)  # noqa: DTZ001
    book.save(out)
    return out.getvalue()


def write_demo_files(
    directory: Path | None = None, today: date | None = None
) -> list[Path]:
    """Write both demo files, ending yesterday; their paths."""
    if directory is None:
        from django.conf import settings

        directory = Path(settings.PRIVATE_ROOT) / "demo-compteurs"
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    directory.mkdir(parents=True, exist_ok=True)
    yesterday = today - timedelta(days=1)
    written = []
    for name, data in (
        (LOAD_CURVE_NAME, load_curve_csv(yesterday)),
        (GAZPAR_NAME, gazpar_xlsx(yesterday)),
    ):
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written
