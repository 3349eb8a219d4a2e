"""Meter files imported through the real path: parse, preview, confirm, core.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \
        .venv/bin/python bench/meters_bench.py [--years 5] [--households 600]

Needs PostgreSQL and Redis (`bash scripts/services.sh start`). The bench uses a
database of its own (`sc_bench_meters`, dropped and created again unless
`--reuse-db`, then migrated and loaded with the demo town by `seed_demo`: 600
active households) and Redis database 11 (`BENCH_DATABASE_NAME`,
`BENCH_REDIS_URL` change them). The scoring core is the embedded engine, in
this process, on the same database: what `make run` and a one-machine town run.

1. One household's year of Linky load curve: an Enedis export of 17,520
   half-hours (a calendar year, both daylight-saving days included), read by
   `parse_meter_file`, kept pending by `check_preview_upload` (which parses
   again, as the upload view does), stored by `do_confirm_upload` through
   `scoring.client.send_readings` (365 days and 8,760 hours). `--years` runs,
   each for another household. Target: under 2 s for one year.
2. `--households` households each upload a year of daily energy (an Enedis
   daily export, 365 days), one after the other, through the same actions.

Figures go to stdout; docs/performance.md keeps the last ones.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "sc_bench_meters")
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES", "postgres://smartcitizen:smartcitizen@127.0.0.1:5432"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"{PG_SERVER}/{DB_NAME}"
os.environ["REDIS_URL"] = REDIS_URL
os.environ["ELASTICSEARCH_URL"] = ""
os.environ["SEARCH_INDEX_PREFIX"] = f"bench-meters-{os.getpid()}"
os.environ["SCORING_CORE_URL"] = ""
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from bench.support import (  # noqa: E402
    cpu_seconds,
    load_average,
    prepare_database,
    report,
    spread,
)

PARIS = ZoneInfo("Europe/Paris")
PREAMBLE = (
    "Identifiant PRM;Type de donnees;Date de debut;Date de fin;Grandeur physique;"
    "Grandeur metier;Etape metier;Unite;Pas en minutes"
)
TARGET_SECONDS = 2.0


def load_curve_year(year: int, seed: int) -> bytes:
    """An Enedis load curve of one calendar year: W per 30 min, end-stamped."""
    first = datetime(year, 1, 1, tzinfo=PARIS)
    last = datetime(year + 1, 1, 1, tzinfo=PARIS)
    lines = [
        PREAMBLE,
        f"{seed:014d};Courbe de charge;01/01/{year};01/01/{year + 1};"
        "Puissance active;Consommation;Comptage Brut;W;30",
        "Horodate;Valeur",
    ]
    moment = first + timedelta(minutes=30)
    step = 0
    while moment <= last:
        watts = 200 + (step * 37 + seed) % 1800
        lines.append(f"{moment.astimezone(PARIS).isoformat()};{watts}")
        moment = (
            moment.astimezone(ZoneInfo("UTC")) + timedelta(minutes=30)
        ).astimezone(PARIS)
        step += 1
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def daily_year(year: int, seed: int) -> bytes:
    """An Enedis daily energy export of one year: Wh per day."""
    lines = [
        PREAMBLE,
        f"{seed:014d};Energie;01/01/{year};01/01/{year + 1};Energie active;"
        "Consommation;Comptage Brut;Wh;",
        "Horodate;Valeur",
    ]
    day = date(year, 1, 1)
    while day.year == year:
        stamp = datetime(day.year, day.month, day.day, tzinfo=PARIS)
        lines.append(
            f"{stamp.isoformat()};{5000 + (day.toordinal() * 7 + seed) % 9000}"
        )
        day += timedelta(days=1)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def members(count: int) -> list:
    from community.models import HouseholdStatus, Member

    chosen = []
    seen = set()
    for member in (
        Member.objects.filter(household__status=HouseholdStatus.ACTIVE)
        .select_related("household", "user")
        .order_by("household_id", "pk")
    ):
        if member.household_id in seen:
            continue
        seen.add(member.household_id)
        chosen.append(member)
        if len(chosen) == count:
            break
    return chosen


def backend_pid() -> int:
    """The PostgreSQL process serving this bench's connection (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class Clock:
    """Wall time, this process's CPU, and its PostgreSQL backend's CPU."""

    def __init__(self) -> None:
        self.pid = backend_pid()

    def now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), cpu_seconds(self.pid)


def since(start: tuple[float, float, float], end: tuple[float, float, float]):
    return tuple(b - a for a, b in zip(start, end, strict=True))


def import_one(clock: Clock, member, data: bytes, name: str) -> dict:
    """Parse, preview, confirm: (wall, cpu, postgres cpu) of each step."""
    from meters import actions
    from meters.models import UploadStatus
    from meters.parsers import parse_meter_file

    t0 = clock.now()
    parse_meter_file(data)
    t1 = clock.now()
    upload = actions.check_preview_upload(
        member, member.household, data=data, filename=name
    )
    t2 = clock.now()
    upload = actions.do_confirm_upload(member, upload)
    t3 = clock.now()
    if upload.status != UploadStatus.STORED:
        sys.exit(f"upload {upload.pk} not stored: {upload.status}")
    return {"parse": since(t0, t1), "preview": since(t1, t2), "confirm": since(t2, t3)}


def figures(label: str, samples: list[tuple[float, float, float]]) -> None:
    report(f"{label}: wall {spread([s[0] for s in samples])}")
    report(
        f"{' ' * len(label)}  cpu: this process p50 "
        f"{statistics.median([s[1] for s in samples]) * 1000:.0f} ms, "
        f"PostgreSQL p50 {statistics.median([s[2] for s in samples]) * 1000:.0f} ms"
    )


def bench_load_curves(cast: list, year: int) -> None:
    from scoring.models import HourlyReading

    report(f"== one household's year of load curve ({year}), {len(cast)} runs ==")
    data = [load_curve_year(year, n + 1) for n in range(len(cast))]
    steps = data[0].count(b"\n") - 3
    report(f"file: {len(data[0]) / 1024:.0f} KiB, {steps} half-hours")
    clock = Clock()
    runs = [
        import_one(clock, m, body, "courbe.csv")
        for m, body in zip(cast, data, strict=True)
    ]
    hours = HourlyReading.objects.filter(
        household=cast[0].household, starts_at__year=year
    ).count()
    report(f"hours of {year} stored for one household: {hours}")
    figures("parse alone        ", [r["parse"] for r in runs])
    figures("preview (parse+row)", [r["preview"] for r in runs])
    figures("confirm (core)     ", [r["confirm"] for r in runs])
    both = [
        tuple(a + b for a, b in zip(r["preview"], r["confirm"], strict=True))
        for r in runs
    ]
    figures("preview + confirm  ", both)
    worst = max(b[0] for b in both)
    cpu = statistics.median([b[1] + b[2] for b in both])
    verdict = "met" if worst < TARGET_SECONDS else "MISSED"
    report(
        f"target {TARGET_SECONDS:.0f} s for one year (preview + confirm, wall): "
        f"{verdict}; CPU spent (process + PostgreSQL) p50 {cpu * 1000:.0f} ms"
    )


def bench_daily(cast: list, year: int) -> None:
    report(f"== {len(cast)} households' year of daily energy ({year}) ==")
    data = [daily_year(year, n + 1) for n in range(len(cast))]
    clock = Clock()
    samples = []
    start = time.perf_counter()
    for member, body in zip(cast, data, strict=True):
        run = import_one(clock, member, body, "quotidien.csv")
        samples.append(
            tuple(a + b for a, b in zip(run["preview"], run["confirm"], strict=True))
        )
    elapsed = time.perf_counter() - start
    report(
        f"{len(cast)} files ({len(cast) * 365} days) in {elapsed:.1f} s, "
        f"{len(cast) / elapsed:.1f} files/s, one process"
    )
    figures("per file (preview + confirm)", samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--years", type=int, default=5, help="load-curve runs")
    parser.add_argument("--households", type=int, default=600)
    parser.add_argument("--reuse-db", action="store_true")
    options = parser.parse_args()
    report(f"load average before: {load_average()}")
    prepare_database(PG_SERVER, DB_NAME, reuse=options.reuse_db)
    # Each run its own year (not a leap one: 17,520 half-hours), so a reused
    # database is unlikely to find the same file again.
    years = [y for y in range(2001, 2024) if y % 4]
    year = years[int(time.time()) % len(years)]
    cast = members(max(options.years, options.households))
    if len(cast) < max(options.years, options.households):
        sys.exit(f"only {len(cast)} households with a member in the demo town")
    bench_load_curves(cast[: options.years], year)
    if options.households:
        bench_daily(cast[: options.households], year + 1)
    report(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
