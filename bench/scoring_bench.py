"""Scoring core: actions logged per second over HTTP, and the household dashboard.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/scoring_bench.py [--actions 3000] [--clients 16]

Needs PostgreSQL and Redis (`bash scripts/services.sh start`); the first run
with a server other than daphne also needs PyPI, for bench/.venvs/servers. The
bench uses a database of its own (`sc_bench_scoring`, dropped and created again
unless `--reuse-db`, then migrated and loaded with the demo town by
`seed_demo`: 600 active households, the action catalogue) and Redis database 13
(flushed at the start); `BENCH_DATABASE_NAME` and `BENCH_REDIS_URL` change
them. Elasticsearch is not used.

1. For the dashboard (unless `--dashboard-requests 0`): a year of daily
   readings (electricity kWh, gas kWh, water litres) for every active
   household, up to yesterday, loaded with COPY, and each household's
   first-4-weeks baselines computed in SQL (what `import_readings` stores).
2. For each `--server` (daphne, as `make run` serves, then uvicorn, granian
   and gunicorn from bench/.venvs/servers: `bench.support.start_site`), in
   turn and `--rounds` times (the order reversed every other round), the
   site is served by `--workers` processes with the embedded engine and the
   API token `SCORING_CORE_TOKEN` set, so `/api/scoring/v1/` is open.
3. Actions: `--clients` kept-alive HTTP/1.1 connections POST `--actions`
   actions to `/api/scoring/v1/actions`, each with its own idempotency key,
   spread over the households and the active catalogue (after one unmeasured
   action per connection). Then every tenth key is sent again: each must
   answer 200 `replayed` with the points first awarded, and the ledger must
   hold exactly one entry per key. Measured: actions/s, latency p50 / p99,
   and CPU per action of the server's processes, of the PostgreSQL backends
   of the bench's database and of this client.
4. The dashboard, on the first server of the first round: `--dashboard-requests`
   GETs of `/foyer/tableau-de-bord/` (the month, the default) and as many of
   `?periode=annee` (the year: 365 days of 3 metrics, and the neighbourhood's
   means over ~100 households), each by a member of a different household
   (sessions written with the session engine), `--dashboard-concurrency` at a
   time.

`--profile N` measures instead, in this process, N actions and N replays
through Django's test client (the whole middleware stack, no server): CPU per
action of Django and of PostgreSQL, the SQL queries of one action and of one
replay, and cProfile's top entries.

`--asgi N` measures, in this process, `--rounds` rounds of N actions through
config.asgi's HTTP paths without a server (Django's ASGIHandler, then the
application `config.server` serves, alternately; `--clients` at a time, on
uvloop): CPU per action of this process's threads and of PostgreSQL. It is the
figure to compare when the machine is too loaded for actions/s to mean much.

The clients run in one asyncio process, on the same cores as the servers: a
raw HTTP/1.1 client (a prepared request, the status and body read back) costs
a fraction of httpx's CPU per request; its own CPU is printed. Figures go to
stdout; docs/performance.md keeps the last ones.
"""

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import configure  # noqa: E402

TOKEN = "bench-scoring-token-" + uuid.uuid4().hex  # noqa: S105 (a bench's own)
RUN = uuid.uuid4().hex[:8]  # this run's idempotency keys start with bench-RUN-
os.environ["SCORING_CORE_URL"] = ""
os.environ["SCORING_CORE_TOKEN"] = TOKEN
BENCH = configure("sc_bench_scoring", "redis://127.0.0.1:6379/13")
DB_NAME, PG_SERVER = BENCH.db_name, BENCH.pg_server
REDIS_URL, DATABASE_URL = BENCH.redis_url, BENCH.database_url

import httpx  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.support import (  # noqa: E402
    SERVERS,
    Side,
    cpu_seconds,
    load_average,
    percentile,
    prepare_database,
    report,
    side_connections_by_process,
    side_cpu,
    side_cpu_by_process,
    spread,
    start_site,
    stop_side,
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
    from scoring.models import MetricBaseline, ReadingSource, SensorReading

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
    source = ReadingSource.CSV_IMPORT.value
    start = time.perf_counter()
    rows = 0
    raw = connection.connection if connection.connection else None
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    with raw.cursor() as cursor:
        # Every column without a database default (the model's defaults are
        # Python's): the meters' `estimated` and `source` came after this bench.
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


# --- servers ----------------------------------------------------------------------


def server_env() -> dict[str, str]:
    """What a server of the bench sees: the bench's settings and stores."""
    return {
        # The bench's own settings (config.settings.test under `make bench`).
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ELASTICSEARCH_URL": "",
        "SCORING_CORE_URL": "",
        "SCORING_CORE_TOKEN": TOKEN,
    }


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend on the bench's database.

    The servers' pools keep their connections for the whole run, so the
    difference of two readings is what PostgreSQL spent on their requests; a
    backend that is not readable here (another machine) is left out.
    """
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        pids = [
            pid
            for (pid,) in admin.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    readings = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            readings[pid] = cpu_seconds(pid)
    return readings


def postgres_cpu_since(before: dict[int, float]) -> float:
    return sum(
        seconds - before.get(pid, 0.0) for pid, seconds in postgres_cpu().items()
    )


# --- 3. actions per second ----------------------------------------------------------


class Connection:
    """One kept-alive HTTP/1.1 connection that POSTs JSON: the bench's client.

    It writes prepared bytes and reads back the status line, the headers and a
    `Content-Length` or chunked body, nothing more: a fraction of httpx's CPU
    per request, which matters when the clients share the servers' two cores.
    A server that answers `Connection: close` (gunicorn's sync workers) is
    connected to again for the next request; a request that finds the
    connection closed before any answer is sent once more, which is safe here
    (an action's idempotency key awards it once).
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    self.host, self.port
                )
            self.writer.write(head + body)
            try:
                return await self._answer()
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _answer(self) -> tuple[int, bytes]:
        assert self.reader is not None  # noqa: S101
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before an answer")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, status_line.startswith(b"HTTP/1.0")
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif name == b"connection":
                close = value == b"close"
        if chunked:
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            body = b"".join(parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body, close = await self.reader.read(), True
        if close:
            self.close()
        return status, body


@dataclass
class ActionsRun:
    """What one server did with one round's actions and replays."""

    server: str
    actions: int
    wall: float
    samples: list[float]
    statuses: dict[int, int]
    server_cpu: float
    postgres_cpu: float
    client_cpu: float
    replays: int = 0
    replayed: int = 0
    replay_samples: list[float] = field(default_factory=list)
    ledger_entries: int = 0
    server_cpu_by_process: list[float] = field(default_factory=list)
    connections_by_process: list[int] = field(default_factory=list)

    @property
    def split(self) -> str:
        """Each server process's share of the server's CPU, busiest first."""
        total = sum(self.server_cpu_by_process) or 1.0
        shares = [s / total for s in self.server_cpu_by_process if s / total >= 0.01]
        connections = "/".join(map(str, self.connections_by_process))
        return " / ".join(f"{share:.0%}" for share in shares) + f" ({connections})"

    @property
    def rate(self) -> float:
        return self.actions / self.wall

    def per_action(self, seconds: float) -> str:
        return f"{seconds * 1000 / self.actions:.2f}"

    @property
    def ledger_ok(self) -> bool:
        return self.ledger_entries == self.actions and self.replayed == self.replays


def action_bodies(cast: Cast, count: int, prefix: str, seed: int) -> list[bytes]:
    rng = random.Random(seed)  # noqa: S311 (bench data)
    occurred_at = (timezone.now() - timedelta(hours=1)).isoformat()
    bodies = []
    for index in range(count):
        code, domain = rng.choice(cast.actions)
        body = {
            "household_id": cast.public_ids[index % len(cast.public_ids)],
            "action": code,
            "domain": domain,
            "occurred_at": occurred_at,
            "idempotency_key": f"{prefix}{index}",
        }
        bodies.append(json.dumps(body).encode())
    return bodies


async def _send_all(
    connections: list[Connection], bodies: list[bytes]
) -> tuple[list[float], dict[int, int], list[bytes], float]:
    """Every body POSTed by the connections at once; latencies, statuses, answers."""
    path = "/api/scoring/v1/actions"
    samples: list[float] = []
    statuses: dict[int, int] = {}
    answers: list[bytes] = [b""] * len(bodies)
    turns = list(reversed(range(len(bodies))))

    async def worker(conn: Connection) -> None:
        while turns:
            turn = turns.pop()
            began = time.perf_counter()
            status, answer = await conn.post(path, bodies[turn])
            samples.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
            answers[turn] = answer

    began = time.perf_counter()
    async with asyncio.timeout(PART_TIMEOUT):
        await asyncio.gather(*(worker(conn) for conn in connections))
    return samples, statuses, answers, time.perf_counter() - began


async def bench_actions(side: Side, cast: Cast, args, prefix: str) -> ActionsRun:
    connections = [Connection(side.url) for _ in range(args.clients)]
    try:
        # One unmeasured action per connection: every worker process has
        # served a few and opened its database connections.
        warm = action_bodies(cast, args.clients, f"{prefix}warm-", seed=1)
        _, statuses, _, _ = await _send_all(connections, warm)
        if statuses != {201: args.clients}:
            raise RuntimeError(f"warm-up actions answered {statuses}")
        connections_split = side_connections_by_process(side)
        bodies = action_bodies(cast, args.actions, prefix, seed=7)
        postgres_before = postgres_cpu()
        server_before = side_cpu_by_process(side)
        client_before = time.process_time()
        samples, statuses, answers, wall = await _send_all(connections, bodies)
        server_after = side_cpu_by_process(side)
        by_process = sorted(
            (
                after - server_before.get(pid, 0.0)
                for pid, after in server_after.items()
            ),
            reverse=True,
        )
        run = ActionsRun(
            server=side.name,
            actions=args.actions,
            wall=wall,
            samples=samples,
            statuses=dict(sorted(statuses.items())),
            client_cpu=time.process_time() - client_before,
            server_cpu=sum(by_process),
            server_cpu_by_process=by_process,
            connections_by_process=connections_split,
            postgres_cpu=postgres_cpu_since(postgres_before),
        )
        # Replays: every tenth key again, at once; each answers the first
        # award again and awards nothing.
        chosen = range(0, len(bodies), 10)
        replay_samples, _, replay_answers, _ = await _send_all(
            connections, [bodies[index] for index in chosen]
        )
    finally:
        for conn in connections:
            conn.close()
    run.replays = len(chosen)
    run.replay_samples = replay_samples
    for index, answer in zip(chosen, replay_answers, strict=True):
        first, again = json.loads(answers[index]), json.loads(answer or b"{}")
        if again.get("replayed") is True and again.get("points_awarded") == first.get(
            "points_awarded"
        ):
            run.replayed += 1
    return run


def ledger_entries(prefix: str) -> int:
    from scoring.models import LedgerEntry

    entries = LedgerEntry.objects.filter(idempotency_key__startswith=prefix).count()
    connection.close()
    return entries


def report_run(run: ActionsRun) -> None:
    report(
        f"{run.server}: {run.actions} actions, {run.rate:.1f} actions/s; latency "
        f"{spread(run.samples)}; statuses {run.statuses}; CPU per action "
        f"{run.per_action(run.server_cpu)} ms server (by process {run.split}), "
        f"{run.per_action(run.postgres_cpu)} ms PostgreSQL, "
        f"{run.per_action(run.client_cpu)} ms client; replays "
        f"{run.replayed}/{run.replays} answered 200 replayed "
        f"({spread(run.replay_samples)}); ledger {run.ledger_entries} entries for "
        f"{run.actions} keys ({'OK' if run.ledger_ok else 'MISMATCH'}); "
        f"load average {load_average()}"
    )


def actions_table(runs: list[tuple[int, ActionsRun]]) -> None:
    report()
    report(
        "| round | server | actions/s | p50 / p99 | CPU per action: server / "
        "PostgreSQL / client | server CPU (connections) by process | replays p99 | "
        "checks |"
    )
    report("|---|---|---|---|---|---|---|---|")
    for number, run in runs:
        checks = (
            "OK"
            if run.ledger_ok and run.statuses == {201: run.actions}
            else (
                f"**MISMATCH** {run.statuses}, {run.replayed}/{run.replays} replayed, "
                f"{run.ledger_entries} entries"
            )
        )
        report(
            f"| {number} | {run.server} | {run.rate:.0f} | "
            f"{statistics.median(run.samples) * 1000:.0f} / "
            f"{percentile(run.samples, 0.99) * 1000:.0f} ms | "
            f"{run.per_action(run.server_cpu)} / {run.per_action(run.postgres_cpu)}"
            f" / {run.per_action(run.client_cpu)} ms | {run.split} | "
            f"{percentile(run.replay_samples, 0.99) * 1000:.0f} ms | {checks} |"
        )
    report()


# --- 4. the dashboard ----------------------------------------------------------------


async def bench_dashboard(server: Side, cast: Cast, args) -> None:
    for label, query in (("month (default)", ""), ("year", "?periode=annee")):
        await _dashboard_period(server, cast, args, label, query)


async def _dashboard_period(
    server: Side, cast: Cast, args, label: str, query: str
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
        cpu_start = side_cpu(server)
        began = time.perf_counter()
        async with asyncio.timeout(PART_TIMEOUT):
            await asyncio.gather(*(worker() for _ in range(args.dashboard_concurrency)))
        wall = time.perf_counter() - began
        cpu_used = side_cpu(server) - cpu_start
    report(
        f"dashboard {label}, {args.dashboard_requests} GETs by as many "
        f"households, {args.dashboard_concurrency} at a time: "
        f"{len(samples) / wall:.1f} pages/s, {spread(samples)}; failures: "
        f"{len(failures)}; {server.name} CPU {cpu_used:.1f} s in {wall:.1f} s"
    )
    for failure in failures[:3]:
        report(f"  failure: {failure}")


# --- --profile: in process ---------------------------------------------------------


def profile(cast: Cast, count: int) -> None:
    """CPU and SQL per action and per replay through Django's test client."""
    from django.db import reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    prefix = f"bench-{RUN}-profile-"

    def send(bodies: list[bytes], expected: int) -> None:
        for body in bodies:
            answer = client.post(
                "/api/scoring/v1/actions", body, content_type="application/json"
            )
            if answer.status_code != expected:
                raise RuntimeError(f"{answer.status_code}: {answer.content[:300]!r}")

    send(action_bodies(cast, 20, f"{prefix}warm-", seed=1), 201)
    bodies = action_bodies(cast, count, f"{prefix}a-", seed=7)
    for label, expected in (("action", 201), ("replay", 200)):
        postgres_before = postgres_cpu()
        began = time.process_time()
        send(bodies, expected)
        python = time.process_time() - began
        postgres = postgres_cpu_since(postgres_before)
        report(
            f"{label}: {count} through the test client: CPU per {label} "
            f"{python * 1000 / count:.2f} ms Django (this process), "
            f"{postgres * 1000 / count:.2f} ms PostgreSQL"
        )
    body = action_bodies(cast, 1, f"{prefix}q-", seed=3)[0]
    for label, expected in (("action", 201), ("replay", 200)):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            send([body], expected)
        report(f"SQL of one {label}: {len(queries)} queries")
        for query in queries.captured_queries:
            report(f"  {query['sql'][:160]}")
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
    bodies = action_bodies(cast, count, f"{prefix}p-", seed=5)
    profiler.enable()
    send(bodies, 201)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(30)
        report(f"--- cProfile of {count} actions, by {order}")
        report(out.getvalue())


# --- --asgi: the ASGI application in process ----------------------------------------


async def _asgi_send_all(app, bodies: list[bytes], clients: int) -> dict[int, int]:
    """Every body POSTed to the ASGI `app`, `clients` at a time; the statuses."""
    path = "/api/scoring/v1/actions"
    common = [
        (b"host", b"127.0.0.1"),
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-type", b"application/json"),
    ]
    statuses: dict[int, int] = {}
    turns = list(reversed(range(len(bodies))))

    async def one(body: bytes) -> int:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": path,
            "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [*common, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000),
        }  # fmt: skip
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        status = 0

        async def receive() -> dict:
            if messages:
                return messages.pop()
            await asyncio.Event().wait()  # the client never goes away
            raise AssertionError("unreachable")

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    async def worker() -> None:
        while turns:
            status = await one(bodies[turns.pop()])
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(worker() for _ in range(clients)))
    return statuses


def profile_asgi(cast: Cast, count: int, clients: int, rounds: int) -> None:
    """CPU per action of config.asgi's HTTP paths, in this process, no server.

    Django's ASGIHandler (what serves every other path) against the
    application `python -m config.server` serves, alternately, on uvloop as
    uvicorn runs it; `clients` requests at a time. The process's CPU counts
    every thread (the event loop's and the request threads).
    """
    import uvloop

    from config import asgi

    paths = {
        "Django's ASGIHandler": asgi.django_asgi_app,
        "config.asgi.application": asgi.application,
    }
    prefix = f"bench-{RUN}-asgi-"
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        for app in paths.values():  # warm-up: imports, pool, threads
            label = "django" if app is asgi.django_asgi_app else "site"
            warm = action_bodies(cast, clients * 2, f"{prefix}warm-{label}-", 1)
            runner.run(_asgi_send_all(app, warm, clients))
        for number in range(1, rounds + 1):
            order = list(paths.items())
            if number % 2 == 0:
                order.reverse()
            for name, app in order:
                label = "django" if app is asgi.django_asgi_app else "site"
                bodies = action_bodies(cast, count, f"{prefix}{number}-{label}-", 7)
                postgres_before = postgres_cpu()
                began, wall = time.process_time(), time.perf_counter()
                statuses = runner.run(_asgi_send_all(app, bodies, clients))
                cpu, wall = time.process_time() - began, time.perf_counter() - wall
                postgres = postgres_cpu_since(postgres_before)
                report(
                    f"round {number}, {name}: {count} actions, {clients} at a time: "
                    f"CPU per action {cpu * 1000 / count:.2f} ms (this process), "
                    f"{postgres * 1000 / count:.2f} ms PostgreSQL; "
                    f"{count / wall:.0f} actions/s; statuses {statuses}; "
                    f"load average {load_average()}"
                )


# --- main --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--server", nargs="+", choices=SERVERS, default=list(SERVERS),
        help="servers measured in turn (default: all of them)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dashboard-requests", type=int, default=300)
    parser.add_argument("--dashboard-concurrency", type=int, default=1)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N",
        help="N actions and replays in process through the test client instead",
    )  # fmt: skip
    parser.add_argument(
        "--asgi", type=int, default=0, metavar="N",
        help="N actions a round through config.asgi's HTTP paths in process instead",
    )  # fmt: skip
    parser.add_argument("--reuse-db", action="store_true")
    args = parser.parse_args()

    report(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
           f"{os.cpu_count()} CPUs")  # fmt: skip
    redis.Redis.from_url(REDIS_URL).flushdb()
    prepare_database(PG_SERVER, DB_NAME, reuse=args.reuse_db)
    if args.profile:
        profile(make_cast(), args.profile)
        return
    if args.asgi:
        profile_asgi(make_cast(), args.asgi, args.clients, args.rounds)
        return
    if args.dashboard_requests:  # the readings serve the dashboard only
        load_readings()
    cast = make_cast()
    report(f"{len(cast.public_ids)} active households, {len(cast.cookies)} signed in")
    runs: list[tuple[int, ActionsRun]] = []
    with tempfile.TemporaryDirectory(prefix="sc-scoring-bench-") as logs:
        for number in range(1, args.rounds + 1):
            order = args.server if number % 2 else args.server[::-1]
            for server in order:
                log = Path(logs) / f"{server}-{number}.log"
                side = start_site(server, args.workers, log, server_env())
                try:
                    wait_healthy(side)
                    prefix = f"bench-{RUN}-{server}-{number}-"
                    run = asyncio.run(bench_actions(side, cast, args, prefix))
                    run.ledger_entries = ledger_entries(prefix) - ledger_entries(
                        f"{prefix}warm-"
                    )
                    runs.append((number, run))
                    report_run(run)
                    if number == 1 and server == order[0] and args.dashboard_requests:
                        asyncio.run(bench_dashboard(side, cast, args))
                except Exception:
                    report(f"--- {side.name} log (last lines)\n{side.tail()}")
                    raise
                finally:
                    stop_side(side)
    actions_table(runs)
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
