"""Scoring core: actions logged per second over HTTP, and the household dashboard.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \
        .venv/bin/python bench/scoring_bench.py [--actions 3000] [--clients 16]

Needs PostgreSQL and Redis (`bash scripts/services.sh start`). The bench uses a
database of its own (`sc_bench_scoring`, dropped and created again unless
`--reuse-db`, then migrated and loaded with the demo town by `seed_demo`: 600
active households, the action catalogue) and Redis database 13 (flushed at the
start); `BENCH_DATABASE_NAME` and `BENCH_REDIS_URL` change them. Elasticsearch
is not used.

1. A year of daily readings (electricity kWh, gas kWh, water litres) for every
   active household, up to yesterday, loaded with COPY, and each household's
   first-4-weeks baselines computed in SQL (what `import_readings` stores).
2. One daphne process serves `config.asgi` with the embedded engine and the API
   token `SCORING_CORE_TOKEN` set, so `/api/scoring/v1/` is open.
3. Actions: `--clients` concurrent HTTP clients (httpx, kept-alive connections)
   POST `--actions` actions to `/api/scoring/v1/actions`, each with its own
   idempotency key, spread over the households and the active catalogue. Then
   every tenth key is sent again: each must answer 200 `replayed`, and the
   ledger must hold exactly one entry per key.
4. The dashboard: `--dashboard-requests` GETs of `/foyer/tableau-de-bord/`
   (the month, the default) and as many of `?periode=annee` (the year: 365
   days of 3 metrics, and the neighbourhood's means over ~100 households),
   each by a member of a different household (sessions written with the
   session engine), `--dashboard-concurrency` at a time.

The clients run in this process, on the same 2 cores as the server: their own
work is part of the latency measured (an upper bound). Figures go to stdout;
docs/performance.md keeps the last ones.
"""

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "sc_bench_scoring")
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES", "postgres://smartcitizen:smartcitizen@127.0.0.1:5432"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE_URL = f"{PG_SERVER}/{DB_NAME}"
TOKEN = "bench-scoring-token-" + uuid.uuid4().hex  # noqa: S105 (a bench's own)
KEY_PREFIX = f"bench-{uuid.uuid4().hex[:8]}-"  # this run's idempotency keys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["ELASTICSEARCH_URL"] = ""
os.environ["SEARCH_INDEX_PREFIX"] = f"bench-scoring-{os.getpid()}"
os.environ["SCORING_CORE_URL"] = ""
os.environ["SCORING_CORE_TOKEN"] = TOKEN
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.support import (  # noqa: E402
    Server,
    cpu_seconds,
    prepare_database,
    report,
    spread,
    start_server,
    stop_server,
    wait_healthy,
)

PART_TIMEOUT = 900  # seconds, each measured part
DAYS = 365


def _daily_value(rng: random.Random, metric: str, day_of_year: int, size: float):
    # Seasonal shapes: gas heats in winter, electricity a little too.
    import math

    winter = (1 + math.cos(2 * math.pi * (day_of_year - 15) / 365)) / 2
    if metric == "electricity_kwh":
        base = 6 + 4 * winter
    elif metric == "gas_kwh":
        base = 4 + 40 * winter
    else:
        base = 250.0
    return round(base * size * rng.uniform(0.7, 1.3), 3)


def load_readings() -> tuple[int, int]:
    """A year of daily readings of the 3 metrics for every active household."""
    from community.models import Household, HouseholdStatus
    from scoring.actions import FIRST_WEEKS_DAYS
    from scoring.models import MetricBaseline, SensorReading

    households = list(
        Household.objects.filter(status=HouseholdStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    readings = SensorReading._meta.db_table
    baselines = MetricBaseline._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {readings}")  # noqa: S608
        if cursor.fetchone()[0] >= len(households) * 3 * DAYS:
            report("readings already loaded (--reuse-db)")
            return len(households), 0
        # The demo town's few households with 400 days of readings: replaced,
        # so that every household has the same year.
        cursor.execute(f"TRUNCATE {readings}, {baselines}")
    rng = random.Random(20261122)  # noqa: S311 (bench data)
    last = timezone.localdate() - timedelta(days=1)
    first = last - timedelta(days=DAYS - 1)
    now = timezone.now().isoformat()
    source = SensorReading._meta.get_field("source").default
    start = time.perf_counter()
    rows = 0
    raw = connection.connection if connection.connection else None
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    with raw.cursor() as cursor:
        columns = "household_id, metric, date, value, estimated, source, imported_at"
        with cursor.copy(f"COPY {readings} ({columns}) FROM STDIN") as copy:
            for pk in households:
                size = rng.uniform(0.6, 1.6)
                for offset in range(DAYS):
                    day = first + timedelta(days=offset)
                    doy = day.timetuple().tm_yday
                    for metric in ("electricity_kwh", "gas_kwh", "water_l"):
                        value = _daily_value(rng, metric, doy, size)
                        copy.write_row((pk, metric, day, value, False, source, now))
                        rows += 1
        cursor.execute(
            f"""
            INSERT INTO {baselines} (household_id, metric, first_date, days, daily_mean)
            SELECT r.household_id, r.metric, f.first, count(*), avg(r.value)
            FROM {readings} r
            JOIN (SELECT household_id, metric, min(date) AS first
                  FROM {readings} GROUP BY household_id, metric) f
              ON f.household_id = r.household_id AND f.metric = r.metric
            WHERE r.date < f.first + {int(FIRST_WEEKS_DAYS)}
            GROUP BY r.household_id, r.metric, f.first
            ON CONFLICT DO NOTHING
            """  # noqa: S608 (table names from the models)
        )
        cursor.execute(f"ANALYZE {readings}")
    raw.commit()
    report(
        f"{rows} readings ({len(households)} households × 3 metrics × {DAYS} days) "
        f"loaded in {time.perf_counter() - start:.1f} s"
    )
    return len(households), rows


@dataclass
class Cast:
    public_ids: list[str]
    actions: list[tuple[str, str]]  # (code, domain)
    cookies: list[str]  # one signed-in member per household


def make_cast() -> Cast:
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from community.models import Household, HouseholdStatus, Member
    from scoring.models import ActionType

    households = list(
        Household.objects.filter(status=HouseholdStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "public_id")
    )
    catalogue = list(
        ActionType.objects.filter(active=True).values_list("code", "domain")
    )
    if not catalogue:
        sys.exit("the demo town has no active action in its catalogue")
    members = {}
    for member in Member.objects.filter(
        household_id__in=[pk for pk, _ in households]
    ).select_related("user"):
        members.setdefault(member.household_id, member)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for pk, _public_id in households:
        member = members.get(pk)
        if member is None:
            continue
        session = store()
        session[SESSION_KEY] = str(member.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    connection.close()
    return Cast([public_id for _, public_id in households], catalogue, cookies)


# --- daphne ------------------------------------------------------------------------


def server_env() -> dict[str, str]:
    """What a daphne process of the bench sees: the bench's settings and stores."""
    return {
        # The bench's own settings (config.settings.test under `make bench`).
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ELASTICSEARCH_URL": "",
        "SCORING_CORE_URL": "",
        "SCORING_CORE_TOKEN": TOKEN,
    }


# --- 3. actions per second ----------------------------------------------------------


async def bench_actions(server: Server, cast: Cast, args) -> None:
    rng = random.Random(7)  # noqa: S311
    occurred_at = (timezone.now() - timedelta(hours=1)).isoformat()
    bodies = []
    for index in range(args.actions):
        code, domain = rng.choice(cast.actions)
        bodies.append(
            {
                "household_id": cast.public_ids[index % len(cast.public_ids)],
                "action": code,
                "domain": domain,
                "occurred_at": occurred_at,
                "idempotency_key": f"{KEY_PREFIX}{uuid.uuid4().hex}",
            }
        )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    limits = httpx.Limits(
        max_connections=args.clients, max_keepalive_connections=args.clients
    )
    samples: list[float] = []
    statuses: dict[int, int] = {}
    queue = list(reversed(bodies))

    async with httpx.AsyncClient(
        base_url=f"{server.url}/api/scoring/v1/",
        headers=headers,
        limits=limits,
        timeout=30,
    ) as client:

        async def post(body: dict) -> httpx.Response:
            began = time.perf_counter()
            answer = await client.post("actions", json=body)
            samples.append(time.perf_counter() - began)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            return answer

        async def worker() -> None:
            while queue:
                await post(queue.pop())

        warm = await client.get("")
        if warm.status_code != 200:
            raise RuntimeError(f"API root answered {warm.status_code}: {warm.text}")
        cpu_start = cpu_seconds(server.process.pid)
        began = time.perf_counter()
        async with asyncio.timeout(PART_TIMEOUT):
            await asyncio.gather(*(worker() for _ in range(args.clients)))
        wall = time.perf_counter() - began
        cpu_used = cpu_seconds(server.process.pid) - cpu_start
        report(
            f"actions: {args.actions} POSTs, {args.clients} concurrent clients, "
            f"one daphne process: {args.actions / wall:.1f} actions/s; latency "
            f"{spread(samples)}; statuses {dict(sorted(statuses.items()))}; "
            f"daphne CPU {cpu_used:.1f} s in {wall:.1f} s"
        )
        # Replays: every tenth key again, concurrently; each awards nothing.
        replays = bodies[::10]
        samples.clear()
        statuses.clear()
        answers: list[httpx.Response] = []
        queue.extend(replays)

        async def replayer() -> None:
            while queue:
                answers.append(await post(queue.pop()))

        async with asyncio.timeout(PART_TIMEOUT):
            await asyncio.gather(*(replayer() for _ in range(args.clients)))
        replayed = sum(
            1
            for answer in answers
            if answer.status_code == 200 and answer.json().get("replayed") is True
        )
        report(
            f"replays: {len(replays)} keys sent again by {args.clients} clients: "
            f"{replayed} answered 200 "
            f"replayed; latency {spread(samples)}"
        )


def check_ledger(keys: int) -> None:
    from scoring.models import LedgerEntry

    entries = LedgerEntry.objects.filter(idempotency_key__startswith=KEY_PREFIX).count()
    connection.close()
    verdict = "OK" if entries == keys else "MISMATCH"
    report(f"ledger: {entries} entries for {keys} keys ({verdict})")


# --- 4. the dashboard ----------------------------------------------------------------


async def bench_dashboard(server: Server, cast: Cast, args) -> None:
    for label, query in (("month (default)", ""), ("year", "?periode=annee")):
        await _dashboard_period(server, cast, args, label, query)


async def _dashboard_period(
    server: Server, cast: Cast, args, label: str, query: str
) -> None:
    cookie_name = settings.SESSION_COOKIE_NAME
    path = f"/foyer/tableau-de-bord/{query}"
    samples: list[float] = []
    failures: list[str] = []
    turns = list(range(args.dashboard_requests))

    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:

        async def get(turn: int, keep: bool = True) -> None:
            cookie = cast.cookies[turn % len(cast.cookies)]
            began = time.perf_counter()
            answer = await client.get(
                path, headers={"Cookie": f"{cookie_name}={cookie}"}
            )
            elapsed = time.perf_counter() - began
            if answer.status_code != 200 or b"<svg" not in answer.content:
                failures.append(f"{answer.status_code} {answer.text[:120]!r}")
            elif keep:
                samples.append(elapsed)

        async def worker() -> None:
            while turns:
                await get(turns.pop())

        first = await client.get(
            path, headers={"Cookie": f"{cookie_name}={cast.cookies[0]}"}
        )
        if first.status_code != 200:
            raise RuntimeError(f"{path} answered {first.status_code}")
        report(
            f"dashboard {label}: {len(first.content) / 1024:.0f} KiB, "
            f"{first.content.count(b'<svg')} charts"
        )
        for turn in range(3):  # warm-up
            await get(len(cast.cookies) - 1 - turn, keep=False)
        cpu_start = cpu_seconds(server.process.pid)
        began = time.perf_counter()
        async with asyncio.timeout(PART_TIMEOUT):
            await asyncio.gather(*(worker() for _ in range(args.dashboard_concurrency)))
        wall = time.perf_counter() - began
        cpu_used = cpu_seconds(server.process.pid) - cpu_start
    report(
        f"dashboard {label}, {args.dashboard_requests} GETs by as many "
        f"households, {args.dashboard_concurrency} at a time: "
        f"{len(samples) / wall:.1f} pages/s, {spread(samples)}; failures: "
        f"{len(failures)}; daphne CPU {cpu_used:.1f} s in {wall:.1f} s"
    )
    for failure in failures[:3]:
        report(f"  failure: {failure}")


# --- main --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--dashboard-requests", type=int, default=300)
    parser.add_argument("--dashboard-concurrency", type=int, default=1)
    parser.add_argument("--reuse-db", action="store_true")
    args = parser.parse_args()

    report(f"load before: {os.getloadavg()}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    prepare_database(PG_SERVER, DB_NAME, reuse=args.reuse_db)
    households, _rows = load_readings()
    cast = make_cast()
    report(f"{households} active households, {len(cast.cookies)} signed in")
    with tempfile.TemporaryDirectory() as log_dir:
        server = start_server(Path(log_dir) / "daphne.log", server_env())
        try:
            wait_healthy(server)
            asyncio.run(bench_actions(server, cast, args))
            check_ledger(args.actions)
            asyncio.run(bench_dashboard(server, cast, args))
        except Exception:
            report(f"--- daphne log (last lines)\n{server.tail()}")
            raise
        finally:
            stop_server(server)
    report(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
