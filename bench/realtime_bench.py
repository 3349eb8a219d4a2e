"""Real-time delivery to 600 websockets over two uvicorn processes, and the feed page.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \
        .venv/bin/python bench/realtime_bench.py [--clients 600] [--posts 30]

Needs PostgreSQL and Redis (`bash scripts/services.sh start`). The bench uses a
database of its own (`sc_bench`, dropped and created again unless `--reuse-db`,
then migrated and loaded with the demo town by `seed_demo`) and Redis database
12 (flushed at the start); `BENCH_DATABASE_NAME` and `BENCH_REDIS_URL` change
them. Elasticsearch is not used.

1. Two uvicorn processes serve `config.asgi` (`config.settings.test`) on loopback
   ports of their own, sharing the bench database and Redis (channels-redis).
2. `--clients` members of the demo town (the residents of its largest
   neighbourhood first, then other members of the town, who may read the
   neighbourhood stream too) are signed in by sessions written with the session
   engine; each opens a websocket (half on each process, `Origin` of the
   server) and subscribes to `neighbourhood:<id>`.
3. `--posts` posts are published to that neighbourhood through the normal action
   (`feeds.actions.check_create_post`, one author per post because of the post
   rate limit), every `--interval` seconds, from this process. A delivery's
   latency runs from just before the action call to the frame's arrival at a
   client (read as soon as the client's event loop gets it). Every client must
   get every post, once, in order.
4. Memory per connection: VmRSS of both uvicorn processes before and after the
   clients connected and subscribed, divided by the clients.
5. The neighbourhood feed page of one member, `--requests` GETs with
   `--concurrency` clients kept alive, against one uvicorn process (websockets
   closed by then).

The clients run in this process, on one event loop, on the same 2 cores as the
servers: their own work is part of the latency measured (an upper bound).
Figures go to stdout; docs/performance.md keeps the last ones.
"""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import configure  # noqa: E402

BENCH = configure("sc_bench", "redis://127.0.0.1:6379/12")
DB_NAME, PG_SERVER = BENCH.db_name, BENCH.pg_server
REDIS_URL, DATABASE_URL = BENCH.redis_url, BENCH.database_url

import httpx  # noqa: E402
import redis  # noqa: E402
import websockets  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.peer_data import sign_in  # noqa: E402
from bench.support import (  # noqa: E402
    Server,
    cpu_seconds,
    load_average,
    percentile,
    prepare_database,
    report,
    rss_kib,
    spread,
    start_server,
    stop_server,
    wait_healthy,
)

# Seconds. Every wait of the bench is bounded by one of these.
CONNECT_TIMEOUT = 120  # all clients connected and subscribed
DELIVERY_TIMEOUT = 15  # after the last post, for the last deliveries
FEED_TIMEOUT = 600  # the whole feed-page part
CONNECT_CONCURRENCY = 50
SUBSCRIBE_PROBE = {"op": "bench.probe"}  # answered with an error: subscribe done


@dataclass
class Cast:
    neighbourhood_id: int
    neighbourhood_slug: str
    neighbourhood_name: str
    cookies: list[str]  # session keys of the subscribers, residents first
    residents: int  # how many of them live in the neighbourhood
    authors: list[int]  # member ids of the authors, one per post and the warm-up


def make_cast(clients: int, posts: int) -> Cast:
    """Pick the neighbourhood, its subscribers and the authors; sign them in."""

    from django.db.models import Count

    from community.models import Member, Neighbourhood
    from demo.town import TOWN_SLUG

    neighbourhood = (
        Neighbourhood.objects.filter(town__slug=TOWN_SLUG)
        .annotate(people=Count("households__members"))
        .order_by("-people", "pk")
        .first()
    )
    members = Member.objects.filter(town_id=neighbourhood.town_id).select_related(
        "user", "household"
    )
    here = members.filter(household__neighbourhood=neighbourhood)
    residents = list(here.order_by("pk"))
    others = list(members.exclude(pk__in=here.values("pk")).order_by("pk"))
    chosen = (residents + others)[:clients]
    if len(chosen) < clients or len(residents) <= posts:
        sys.exit(
            f"the demo town has {len(residents) + len(others)} members and "
            f"{len(residents)} in {neighbourhood.name}: too few for "
            f"{clients} clients and {posts} authors"
        )
    cookies = sign_in(chosen)  # closes its connection
    return Cast(
        neighbourhood_id=neighbourhood.pk,
        neighbourhood_slug=neighbourhood.slug,
        neighbourhood_name=neighbourhood.name,
        cookies=cookies,
        residents=min(len(residents), clients),
        # Residents from the end of the list: not the feed page's viewer.
        authors=[m.pk for m in residents[-posts - 1 :]],
    )


# --- uvicorn ------------------------------------------------------------------------


def server_env() -> dict[str, str]:
    """What a uvicorn process of the bench sees: the bench's settings and stores."""
    return {
        # The bench's own settings (config.settings.test under `make bench`).
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ELASTICSEARCH_URL": "",
    }


# --- websocket clients -------------------------------------------------------------


@dataclass
class Client:
    index: int
    server: Server
    session_key: str
    arrivals: dict[int, float] = field(default_factory=dict)  # post id -> time
    event_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    socket: object = None
    reader: asyncio.Task | None = None


async def connect_client(client: Client, stream: str, gate: asyncio.Semaphore) -> None:
    """Open the socket, subscribe, and wait for the answer to a later frame."""
    async with gate:
        client.socket = await websockets.connect(
            client.server.url.replace("http://", "ws://") + "/ws/",
            origin=client.server.url,
            additional_headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={client.session_key}"
            },
            compression=None,
            open_timeout=60,
            ping_interval=None,
            max_size=2**20,
        )
        await client.socket.send(
            json.dumps({"op": "subscribe", "stream": stream, "since": None})
        )
        await client.socket.send(json.dumps(SUBSCRIBE_PROBE))
        while True:
            frame = json.loads(await client.socket.recv())
            if frame.get("op") == "error" and frame.get("code") == "bad_request":
                break
            client.errors.append(f"before the probe's answer: {frame}")
    client.reader = asyncio.create_task(read_frames(client, stream))


async def read_frames(client: Client, stream: str) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for text in client.socket:
            now = time.perf_counter()
            frame = json.loads(text)
            if frame.get("stream") != stream or frame.get("event") != "post.created":
                client.errors.append(str(frame)[:200])
                continue
            post_id = frame["data"]["post_id"]
            if post_id in client.arrivals:
                client.duplicates += 1
                continue
            client.arrivals[post_id] = now
            client.event_ids.append(frame["id"])


async def close_clients(clients: list[Client]) -> None:
    async def close(client: Client) -> None:
        if client.socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.socket.close(), 5)
        if client.reader is not None:
            client.reader.cancel()

    await asyncio.gather(*(close(c) for c in clients))


def publish_post(author_id: int, neighbourhood_id: int, body: str, key: str):
    """One post through the action; (post id, start, end) by perf_counter."""
    from community.models import Member
    from feeds.actions import check_create_post
    from feeds.models import PostTarget

    author = Member.objects.select_related("user", "town").get(pk=author_id)
    start = time.perf_counter()
    post = check_create_post(
        author,
        body=body,
        client_key=key,
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=neighbourhood_id,
    )
    return post.pk, start, time.perf_counter()


def close_db() -> None:
    connection.close()


async def bench_delivery(args, cast: Cast, servers: list[Server]) -> None:
    stream = f"neighbourhood:{cast.neighbourhood_id}"
    clients = [Client(n, servers[n % 2], key) for n, key in enumerate(cast.cookies)]
    pids = [s.process.pid for s in servers]
    rss_before = [rss_kib(pid) for pid in pids]
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    start = time.perf_counter()
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            await asyncio.gather(*(connect_client(c, stream, gate) for c in clients))
        report(
            f"{len(clients)} clients connected and subscribed to {stream} "
            f"({cast.neighbourhood_name}; {cast.residents} residents of it, the "
            f"others members of the town) in {time.perf_counter() - start:.1f} s"
        )
        await asyncio.sleep(2)  # let the servers settle before reading RSS
        rss_after = [rss_kib(pid) for pid in pids]
        grown = sum(rss_after) - sum(rss_before)
        report(
            "uvicorn RSS before/after: "
            + ", ".join(
                f"{b / 1024:.1f} → {a / 1024:.1f} MiB"
                for b, a in zip(rss_before, rss_after, strict=True)
            )
            + f"; {grown / len(clients):.0f} KiB per connection"
        )

        published: dict[int, tuple[float, float]] = {}  # post id -> (start, end)
        run = f"{os.getpid()}-{int(time.time())}"
        action = sync_to_async(publish_post, thread_sensitive=True)
        # One post first, not measured: the first render and the first live
        # event of each process load templates and code paths.
        warm_id, _, _ = await action(
            cast.authors[-1],
            cast.neighbourhood_id,
            f"Bench {run} : publication d'échauffement.",
            f"bench-{run}-warm-up",
        )
        deadline = time.perf_counter() + DELIVERY_TIMEOUT
        while time.perf_counter() < deadline and any(
            warm_id not in c.arrivals for c in clients
        ):
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        for client in clients:
            client.arrivals.pop(warm_id, None)
        cpu_start = {
            "uvicorn A": cpu_seconds(pids[0]),
            "uvicorn B": cpu_seconds(pids[1]),
            "bench (clients + action)": cpu_seconds(os.getpid()),
        }
        redis_start = redis_cpu()
        first = time.perf_counter()
        for number in range(args.posts):
            await asyncio.sleep(
                max(0.0, first + number * args.interval - time.perf_counter())
            )
            post_id, began, ended = await action(
                cast.authors[number],
                cast.neighbourhood_id,
                f"Bench {run} : publication {number + 1} sur {args.posts}, "
                "pour mesurer la livraison en direct.",
                f"bench-{run}-{number}",
            )
            published[post_id] = (began, ended)
        await sync_to_async(close_db, thread_sensitive=True)()
        deadline = time.perf_counter() + DELIVERY_TIMEOUT
        expected = len(published)
        while time.perf_counter() < deadline and any(
            len(c.arrivals) < expected for c in clients
        ):
            await asyncio.sleep(0.05)
        wall = time.perf_counter() - first
        cpu_used = {
            name: cpu_seconds(pid) - cpu_start[name]
            for name, pid in zip(cpu_start, [*pids, os.getpid()], strict=True)
        }
        redis_used = redis_cpu() - redis_start
    finally:
        await close_clients(clients)

    latencies, by_server = [], {0: [], 1: []}
    missed = out_of_order = 0
    per_post_last: dict[int, float] = {}
    per_post_first: dict[int, float] = {}
    for client in clients:
        for post_id, (began, _) in published.items():
            arrived = client.arrivals.get(post_id)
            if arrived is None:
                missed += 1
                continue
            delay = arrived - began
            latencies.append(delay)
            by_server[client.index % 2].append(delay)
            per_post_last[post_id] = max(per_post_last.get(post_id, 0), delay)
            per_post_first[post_id] = min(per_post_first.get(post_id, 1e9), delay)
        if client.event_ids != sorted(set(client.event_ids)):
            out_of_order += 1
    actions = [end - began for began, end in published.values()]
    report(
        f"published {expected} posts every {args.interval * 1000:.0f} ms through "
        f"check_create_post; the action itself (DB + group_send): {spread(actions)}"
    )
    report(f"delivery, all {len(clients)} clients × {expected} posts: "
           f"{spread(latencies)}")  # fmt: skip
    for index, name in ((0, "A"), (1, "B")):
        report(f"  clients on uvicorn {name}: {spread(by_server[index])}")
    report(f"  first client per post: {spread(list(per_post_first.values()))}")
    report(f"  last client per post:  {spread(list(per_post_last.values()))}")
    report(
        f"missed deliveries: {missed}, duplicates: "
        f"{sum(c.duplicates for c in clients)}, clients with ids out of order: "
        f"{out_of_order}, other frames: {sum(len(c.errors) for c in clients)}"
    )
    report(
        f"CPU during the publish phase ({wall:.1f} s wall): "
        + ", ".join(f"{name} {used:.1f} s" for name, used in cpu_used.items())
        + f", redis-server {redis_used:.1f} s"
    )
    # The figure to compare between changes: less sensitive than latency to
    # what else runs on the machine.
    report(
        "CPU per delivered frame: "
        + ", ".join(
            f"uvicorn {name} {cpu_used[f'uvicorn {name}'] * 1000 / frames:.3f} ms"
            for name, frames in (("A", len(by_server[0])), ("B", len(by_server[1])))
            if frames
        )
        + f" (load average now {load_average()})"
    )
    target = percentile(latencies, 0.99) < 0.250 if latencies else False
    report(
        "target p99 < 250 ms to all clients, none missed: "
        + ("MET" if target and missed == 0 else "NOT MET")
    )
    examples = [e for c in clients for e in c.errors][:3]
    for example in examples:
        report(f"  unexpected frame: {example}")


def redis_cpu() -> float:
    info = redis.Redis.from_url(REDIS_URL).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


# --- the feed page -----------------------------------------------------------------


async def bench_feed_page(args, cast: Cast, server: Server) -> None:
    path = f"/quartiers/{cast.neighbourhood_slug}/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cast.cookies[0]}"}
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    samples: list[float] = []
    failures: list[str] = []
    remaining = args.requests

    async with httpx.AsyncClient(
        base_url=server.url, headers=headers, limits=limits, timeout=30
    ) as client:

        async def get() -> None:
            began = time.perf_counter()
            answer = await client.get(path)
            elapsed = time.perf_counter() - began
            if answer.status_code != 200 or b"post-" not in answer.content:
                failures.append(f"{answer.status_code} {answer.text[:120]!r}")
            else:
                samples.append(elapsed)

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await get()

        first = await client.get(path)
        if first.status_code != 200:
            raise RuntimeError(f"{path} answered {first.status_code}: not signed in?")
        report(f"feed page {path}: {len(first.content) / 1024:.0f} KiB, "
               f"{first.content.count(b'<article')} posts shown")  # fmt: skip
        for _ in range(args.concurrency):  # warm-up: one round of connections
            await get()
        samples.clear()
        cpu_start = cpu_seconds(server.process.pid)
        began = time.perf_counter()
        async with asyncio.timeout(FEED_TIMEOUT):
            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        wall = time.perf_counter() - began
        cpu_used = cpu_seconds(server.process.pid) - cpu_start
    report(
        f"feed page, {args.requests} GETs, {args.concurrency} concurrent clients, "
        f"one uvicorn process: {len(samples) / wall:.1f} requests/s, "
        f"{spread(samples)}; failures: {len(failures)}; uvicorn CPU "
        f"{cpu_used:.1f} s in {wall:.1f} s"
    )
    for failure in failures[:3]:
        report(f"  failure: {failure}")


# --- main --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=600)
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--interval", type=float, default=0.3, help="seconds")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="keep the bench database if it exists (posts of earlier runs stay)",
    )
    parser.add_argument("--skip-feed", action="store_true")
    args = parser.parse_args()

    report(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
           f"{os.cpu_count()} CPUs")  # fmt: skip
    redis.Redis.from_url(REDIS_URL).flushdb()
    prepare_database(PG_SERVER, DB_NAME, reuse=args.reuse_db)
    cast = make_cast(args.clients, args.posts)

    # SIGTERM (a killed `make`) unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="sc-bench-") as logs:
        try:
            servers = [
                start_server(Path(logs) / f"uvicorn-{name}.log", server_env())
                for name in ("A", "B")
            ]
            for server in servers:
                wait_healthy(server)
            report("uvicorn A " + servers[0].url + ", uvicorn B " + servers[1].url)
            asyncio.run(bench_delivery(args, cast, servers))
            if not args.skip_feed:
                asyncio.run(bench_feed_page(args, cast, servers[0]))
        except BaseException:
            for server in servers:
                report(f"--- uvicorn log {server.url} (last lines)\n{server.tail()}")
            raise
        finally:
            for server in servers:
                stop_server(server)
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
