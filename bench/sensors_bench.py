"""Town sensor values per second through the gateways' HTTP door.

`POST /api/sensors/v1/readings` with a sensors API key of the demo town, on a
real server process (`python -m config.server`, uvicorn, one process), with
the embedded scoring core: batched (`--batch` values per request, 500 by
default) and one value per request, from `--clients` concurrent clients.
Each value is a new (sensor, instant): every request stores and publishes.
The key's rate limit is lifted for the server (API_KEY_RATE_COUNT).
Figures go to the end of docs/performance.md by hand.

    make bench-sensors
    SENSORS_BENCH_ARGS="--reuse-db --batched 40000 --single 2000" make bench-sensors
"""

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.environment import configure

BENCH = configure("sc_bench_sensors", "redis://127.0.0.1:6379/6")

import httpx  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402

from bench.support import (  # noqa: E402
    load_average,
    prepare_database,
    report,
    spread,
    start_server,
    stop_server,
    wait_healthy,
)

URL = "/api/sensors/v1/readings"


def make_key() -> tuple[str, list[str]]:
    """A fresh sensors key of the demo town, and its sensors' public ids."""
    from community.apikeys import do_create_api_key
    from community.models import ApiKeyPurpose, TownPage
    from demo.town import TOWN_SLUG
    from townsensors.models import TownSensor

    town = TownPage.objects.get(slug=TOWN_SLUG)
    key = do_create_api_key(town, ApiKeyPurpose.SENSORS, "bench")[1]
    ids = list(
        TownSensor.objects.filter(town=town, active=True).values_list(
            "public_id", flat=True
        )
    )
    return key, ids


def bodies(ids: list[str], total: int, batch: int, start: datetime) -> list[list]:
    """`total` values in bodies of `batch`: every value a new instant (a
    millisecond apart), sensors in turn, in the last hour."""
    items = [
        {
            "sensor": ids[n % len(ids)],
            "observed_at": (start + timedelta(milliseconds=n)).isoformat(),
            "value": float(n % 100),
        }
        for n in range(total)
    ]
    return [items[i : i + batch] for i in range(0, total, batch)]


async def run(url: str, key: str, batches: list[list], clients: int) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for body in batches:
        queue.put_nowait(body)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    accepted = 0

    async def client_loop(http: httpx.AsyncClient) -> None:
        nonlocal accepted
        while not queue.empty():
            body = queue.get_nowait()
            sent = time.perf_counter()
            answer = await http.post(URL, json=body[0] if len(body) == 1 else body)
            latencies.append(time.perf_counter() - sent)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            if answer.status_code == 200:
                accepted += answer.json()["accepted"]

    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=60
    ) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(http) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return {
        "accepted": accepted,
        "elapsed": elapsed,
        "statuses": statuses,
        "latencies": latencies,
    }


def figures(label: str, result: dict, total: int) -> None:
    rate = result["accepted"] / result["elapsed"]
    report(
        f"{label}: {result['accepted']}/{total} values accepted in "
        f"{result['elapsed']:.2f} s = {rate:,.0f} values/s; statuses "
        f"{result['statuses']}; per request {spread(result['latencies'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batched", type=int, default=20000, help="values, batched")
    parser.add_argument("--batch", type=int, default=500, help="values per request")
    parser.add_argument("--single", type=int, default=1000, help="values, one each")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--reuse-db", action="store_true")
    args = parser.parse_args()

    report(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
        f"{os.cpu_count()} CPUs"
    )
    redis.Redis.from_url(BENCH.redis_url).flushdb()
    prepare_database(BENCH.pg_server, BENCH.db_name, reuse=args.reuse_db)
    key, ids = make_key()
    report(f"{len(ids)} sensors of the demo town")
    env = {
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": BENCH.database_url,
        "REDIS_URL": BENCH.redis_url,
        "ELASTICSEARCH_URL": "",
        "SCORING_CORE_URL": "",
        "API_KEY_RATE_COUNT": "100000000",
    }
    # Distinct instants for each run (and each bench run): all new values.
    start = datetime.now(UTC) - timedelta(minutes=50)
    with tempfile.TemporaryDirectory(prefix="sc-sensors-bench-") as logs:
        server = start_server(Path(logs) / "server.log", env)
        try:
            wait_healthy(server)
            warm = bodies(ids, 50, 10, start - timedelta(minutes=5))
            asyncio.run(run(server.url, key, warm, 1))
            batched = bodies(ids, args.batched, args.batch, start)
            result = asyncio.run(run(server.url, key, batched, args.clients))
            figures(f"batched ({args.batch} per request)", result, args.batched)
            single = bodies(ids, args.single, 1, start + timedelta(minutes=20))
            result = asyncio.run(run(server.url, key, single, args.clients))
            figures("single (1 per request)", result, args.single)
        except Exception:
            report(f"--- server log (last lines)\n{server.tail()}")
            raise
        finally:
            stop_server(server)
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
