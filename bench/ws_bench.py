"""One post to K websockets: our 2 server processes against a bare broadcast server.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/ws_bench.py [--sockets 600 2400] [--posts 10]
        [--server uvicorn|daphne]

Needs PostgreSQL and Redis. Issue 14's target: p99 of one post's delivery to
600 and to 2,400 sockets on 2 processes at most twice a bare `websockets`
broadcast's, measured in the same run; under 40 KiB of memory per connection.

1. Data: a database of its own (`sc_bench_ws`: migrated, the demo town), Redis
   database 7 (flushed at the start). The largest neighbourhood's residents,
   then the other members of the town, are the subscribers; when the demo has
   fewer than the largest K, new households of one member are added to the
   neighbourhood (bench/peer_data.py). Each subscriber is signed in by a
   session written with the session engine.
2. Ours, for each K: two server processes (`python -m config.server`, as `make
   run`: uvicorn, or daphne with `--server daphne`), K/2 sockets on each;
   each subscribes to the neighbourhood's stream (a later unknown `op` is
   answered with an error: the subscribe is done).
   After one unmeasured post, `--posts` posts are published one every
   `--interval` seconds through `feeds.actions.check_create_post`, from this
   process. A socket's latency runs from just before the action to the frame's
   arrival at that socket.
3. The bare server (bench/ws_peer.py, one process): K sockets subscribe; a
   control socket asks for `--posts` broadcasts of our own frame's text (the
   last post's, so the same bytes), one every `--interval` seconds. A socket's
   latency runs from just before the control message is sent.
4. For both: every socket's own arrival time (p50, p99, max over all sockets
   and posts), the last socket per post, frames missed, and memory per
   connection (VmRSS of the server processes before and after the K sockets
   subscribed, divided by K), and the servers' CPU time per frame delivered
   (user + system time of the server processes from just before the first
   post to the last frame, divided by the frames delivered; ours does not
   count the action, which runs in this process). Who goes first alternates
   with K.

The clients run in this process on the same 2 cores as the servers: their
work is part of both sides' latency alike. Before each side's timed posts,
this process's objects are frozen out of the garbage collector's full passes
(one took 0.6 s on a loaded machine; `--collector-as-is` keeps them in); the
collections that remain are printed per post for both sides.
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import BASE_DIR, configure  # noqa: E402

BENCH = configure("sc_bench_ws", "redis://127.0.0.1:6379/7")
DB_NAME, PG_SERVER = BENCH.db_name, BENCH.pg_server
REDIS_URL, DATABASE_URL = BENCH.redis_url, BENCH.database_url

import redis  # noqa: E402
import websockets  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.peer_data import ensure_members, largest_neighbourhood, sign_in  # noqa: E402
from bench.support import (  # noqa: E402
    Server,
    _die_with_parent,
    cpu_seconds,
    load_average,
    loopback_listener,
    percentile,
    prepare_database,
    report,
    rss_kib,
    spread,
    start_server,
    stop_server,
    wait_healthy,
)

CONNECT_TIMEOUT = 600  # seconds for K sockets to connect and subscribe
DELIVERY_TIMEOUT = 30  # seconds after the last post for its last frames
CONNECT_CONCURRENCY = 50
SUBSCRIBE_PROBE = {"op": "bench.probe"}  # answered with an error: subscribe done
FD_MARGIN = 512  # descriptors beyond one per client socket


@dataclass
class Client:
    url: str
    origin: str
    cookie: str | None  # None: the bare server
    arrivals: list[tuple[float, str]] = field(default_factory=list)
    socket: object = None
    reader: asyncio.Task | None = None


async def open_socket(client: Client):
    headers = {"Cookie": client.cookie} if client.cookie else None
    return await websockets.connect(
        client.url,
        origin=client.origin,
        additional_headers=headers,
        compression=None,
        open_timeout=120,
        ping_interval=None,
        max_size=2**20,
    )


async def connect(client: Client, stream: str | None, gate: asyncio.Semaphore) -> None:
    """Open, subscribe, wait for the subscription to be done; then read."""
    async with gate:
        client.socket = await open_socket(client)
        if stream is None:  # the bare server
            await client.socket.send("subscribe")
            if await client.socket.recv() != "subscribed":
                raise RuntimeError("the bare server did not answer the subscribe")
        else:
            await client.socket.send(
                json.dumps({"op": "subscribe", "stream": stream, "since": None})
            )
            await client.socket.send(json.dumps(SUBSCRIBE_PROBE))
            while True:
                frame = json.loads(await client.socket.recv())
                if frame.get("op") == "error" and frame.get("code") == "bad_request":
                    break
    client.reader = asyncio.create_task(read(client))


async def read(client: Client) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for text in client.socket:
            client.arrivals.append((time.perf_counter(), text))


async def close_all(clients: list[Client]) -> None:
    async def close(client: Client) -> None:
        if client.socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.socket.close(), 5)
        if client.reader is not None:
            client.reader.cancel()

    await asyncio.gather(*(close(c) for c in clients))


@dataclass
class Result:
    side: str
    sockets: int
    latencies: list[float]
    last_per_post: list[float]
    missed: int
    kib_per_connection: float
    connect_seconds: float
    cpu_per_frame: float  # seconds of the servers' CPU per frame delivered
    # Ours: from just before the action to its commit and publish (the part of
    # each latency spent before any server sees the event).
    actions: list[float] = field(default_factory=list)
    # Ours: from just before the action to the layer's send of the subscribers'
    # stream (`group_send` returned), and from that send to each socket.
    to_live_send: list[float] = field(default_factory=list)
    after_live_send: list[float] = field(default_factory=list)
    # Seconds this process spent collecting garbage per post, from its start
    # to its last socket (ours: and from the start to the live send).
    collected: list[float] = field(default_factory=list)
    collected_to_send: list[float] = field(default_factory=list)
    frame: str = ""  # one delivered frame (ours), for the bare server to send


def gather(clients: list[Client], starts: dict[str, float], key) -> tuple:
    """Latencies of every socket, the last per post, and frames missed."""
    latencies, last, missed = [], {}, 0
    for client in clients:
        seen = {}
        for arrived, text in client.arrivals:
            name = key(text)
            if name in starts and name not in seen:
                seen[name] = arrived - starts[name]
        missed += len(starts) - len(seen)
        latencies.extend(seen.values())
        for name, delay in seen.items():
            last[name] = max(last.get(name, 0.0), delay)
    return latencies, list(last.values()), missed


class Collections:
    """The garbage collector's pauses in this process (clients and action alike)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int]] = []  # start, end, generation
        self.began = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.began = time.perf_counter()
        else:
            self.pauses.append((self.began, time.perf_counter(), info["generation"]))

    def within(self, start: float, end: float) -> float:
        """Seconds of collection between `start` and `end`."""
        return sum(max(0.0, min(b, end) - max(a, start)) for a, b, _gen in self.pauses)


COLLECTIONS = Collections()


class LiveSends:
    """When this process's channel layer sent the subscribers' stream's frame."""

    def __init__(self) -> None:
        self.group = ""
        self.sent: float | None = None
        self.wrapped = False

    def wrap(self) -> None:
        """Stamp the group's live send when the layer's `group_send` returns."""
        from channels.layers import get_channel_layer

        if self.wrapped:
            return
        self.wrapped = True
        layer = get_channel_layer()
        send = layer.group_send

        async def group_send(group: str, message: dict) -> None:
            await send(group, message)
            if group == self.group and self.sent is None:
                self.sent = time.perf_counter()

        layer.group_send = group_send


LIVE_SENDS = LiveSends()


def publish_post(author_id: int, neighbourhood_id: int, body: str, key: str):
    from community.models import Member
    from feeds.actions import check_create_post
    from feeds.models import PostTarget
    from realtime.groups import neighbourhood_stream, parse_stream

    author = Member.objects.select_related("user", "town").get(pk=author_id)
    LIVE_SENDS.group = parse_stream(neighbourhood_stream(neighbourhood_id)).group
    LIVE_SENDS.sent = None
    start = time.perf_counter()
    post = check_create_post(
        author,
        body=body,
        client_key=key,
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=neighbourhood_id,
    )
    # Committed, and sent to the channel layer (on_commit runs `send_live`).
    published = time.perf_counter()
    connection.close()
    return post.pk, start, published, LIVE_SENDS.sent


def post_id_of(text: str) -> str:
    with contextlib.suppress(ValueError, KeyError, TypeError):
        frame = json.loads(text)
        if frame.get("event") == "post.created":
            return str(frame["data"]["post_id"])
    return ""


async def run_ours(
    args, sockets: int, servers: list[Server], cookies: list[str], cast: dict
) -> Result:
    stream = f"neighbourhood:{cast['neighbourhood_id']}"
    clients = [
        Client(
            servers[n % 2].url.replace("http://", "ws://") + "/ws/",
            servers[n % 2].url,
            f"{settings.SESSION_COOKIE_NAME}={cookies[n]}",
        )
        for n in range(sockets)
    ]
    pids = [s.process.pid for s in servers]
    rss_before = sum(rss_kib(pid) for pid in pids)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    began = time.perf_counter()
    action = sync_to_async(publish_post, thread_sensitive=True)
    authors = cast["authors"]
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            await asyncio.gather(*(connect(c, stream, gate) for c in clients))
        connected = time.perf_counter() - began
        await asyncio.sleep(2)
        grown = sum(rss_kib(pid) for pid in pids) - rss_before
        freeze_collector(args)
        run = f"{os.getpid()}-{sockets}-{int(time.time())}"
        starts: dict[str, float] = {}
        actions: list[float] = []  # start to commit and publish, per post
        sends: dict[str, float] = {}  # post id -> its live send to the group
        LIVE_SENDS.wrap()
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        for number in range(args.posts + 1):  # the first is the warm-up
            post_id, start, published, sent = await action(
                authors.pop(),
                cast["neighbourhood_id"],
                f"Banc websockets {run} : publication {number} pour {sockets} sockets.",
                f"bench-ws-{run}-{number}",
            )
            if number:
                starts[str(post_id)] = start
                actions.append(published - start)
                if sent is not None:
                    sends[str(post_id)] = sent
            await asyncio.sleep(args.interval)
        await wait_for(clients, len(starts) + 1)
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    finally:
        gc.unfreeze()
        await close_all(clients)
    latencies, last, missed = gather(clients, starts, post_id_of)
    after_send, _last, _missed = gather(clients, sends, post_id_of)
    frame = next(
        (text for _, text in reversed(clients[0].arrivals) if post_id_of(text)), ""
    )
    delivered = sum(len(c.arrivals) for c in clients)
    to_send = [sends[name] - starts[name] for name in sends]
    result = Result(f"ours ({args.server} × 2)", sockets, latencies, last, missed,
                    grown / sockets, connected, cpu / max(delivered, 1),
                    actions, to_send, after_send, frame=frame)  # fmt: skip
    result.collected = collected(clients, starts, post_id_of)
    result.collected_to_send = [
        COLLECTIONS.within(starts[name], sends[name]) for name in sends
    ]
    return result


def freeze_collector(args) -> None:
    """Keep this process's objects so far (Django, the K clients) out of the
    collector's full passes while the posts are timed, for both sides.

    This process is the clients' (and our action's): a full pass over its
    heap took 0.6 s once on a loaded machine, and every socket's arrival
    waited for it, on whichever side was measuring (the GC figures of each
    side's line). `--collector-as-is` measures without it.
    """
    if args.collector_as_is:
        return
    gc.collect()
    gc.freeze()


def collected(clients: list[Client], starts: dict[str, float], key) -> list[float]:
    """This process's collection time per post, from its start to its last socket."""
    ends: dict[str, float] = {}
    for client in clients:
        for arrived, text in client.arrivals:
            name = key(text)
            if name in starts:
                ends[name] = max(ends.get(name, 0.0), arrived)
    return [COLLECTIONS.within(starts[name], ends[name]) for name in ends]


async def wait_for(clients: list[Client], frames: int) -> None:
    deadline = time.perf_counter() + DELIVERY_TIMEOUT
    while time.perf_counter() < deadline and any(
        len(c.arrivals) < frames for c in clients
    ):
        await asyncio.sleep(0.05)


async def run_bare(args, sockets: int, server: Server, frame: str) -> Result:
    url = server.url.replace("http://", "ws://") + "/"
    clients = [Client(url, server.url, None) for _ in range(sockets)]
    rss_before = rss_kib(server.process.pid)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    control = await open_socket(Client(url, server.url, None))
    began = time.perf_counter()
    starts: dict[str, float] = {}
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            await asyncio.gather(*(connect(c, None, gate) for c in clients))
        connected = time.perf_counter() - began
        await asyncio.sleep(2)
        grown = rss_kib(server.process.pid) - rss_before
        freeze_collector(args)
        cpu_before = cpu_seconds(server.process.pid)
        for number in range(args.posts + 1):  # the first is the warm-up
            # Our frame's bytes, told apart by a prefix of the same length.
            name = f"{number:06d}"
            start = time.perf_counter()
            await control.send(f"broadcast:{name}{frame[6:]}")
            if number:
                starts[name] = start
            await asyncio.sleep(args.interval)
        await wait_for(clients, len(starts) + 1)
        cpu = cpu_seconds(server.process.pid) - cpu_before
    finally:
        gc.unfreeze()
        await close_all(clients)
        await control.close()
    latencies, last, missed = gather(clients, starts, lambda text: text[:6])
    delivered = sum(len(c.arrivals) for c in clients)
    result = Result("bare websockets (1 process)", sockets, latencies, last, missed,
                    grown / sockets, connected, cpu / max(delivered, 1))  # fmt: skip
    result.collected = collected(clients, starts, lambda text: text[:6])
    return result


def start_bare(log: Path) -> Server:
    listener = loopback_listener()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(BASE_DIR / "bench" / "ws_peer.py"),
             "--fd", str(listener.fileno())],
            pass_fds=(listener.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )  # fmt: skip
    listener.close()
    return Server(url, process, log)


def wait_bare(server: Server) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError):
            socket.create_connection((host, int(port)), timeout=2).close()
            return
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the bare server did not start:\n{server.tail()}")
        time.sleep(0.2)


def raise_open_files(sockets: int) -> None:
    """Room for every client socket here and the servers' (they inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = sockets + FD_MARGIN
    if hard != resource.RLIM_INFINITY and hard < needed:
        sys.exit(f"open files: {needed} needed, the hard limit is {hard}")
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def make_cast(sockets: int, posts: int, sizes: int) -> tuple[list[str], dict]:
    neighbourhood = largest_neighbourhood()
    members = ensure_members(neighbourhood, sockets)
    residents = [m for m in members if m.household is not None
                 and m.household.neighbourhood_id == neighbourhood.pk]  # fmt: skip
    # One author per post (the post rate limit), from the end of the residents.
    needed = (posts + 1) * sizes
    if len(residents) < needed:
        sys.exit(f"{len(residents)} residents, {needed} authors needed")
    authors = [m.pk for m in residents[-needed:]]
    start = time.perf_counter()
    cookies = sign_in(members)
    report(f"{len(members)} members signed in ({len(residents)} residents of "
           f"{neighbourhood.name}) in {time.perf_counter() - start:.1f} s")  # fmt: skip
    connection.close()
    return cookies, {"neighbourhood_id": neighbourhood.pk, "authors": authors}


def show(result: Result) -> None:
    report(
        f"{result.side}, {result.sockets} sockets (connected and subscribed in "
        f"{result.connect_seconds:.1f} s): every socket's arrival "
        f"{spread(result.latencies)}; last socket per post "
        f"{spread(result.last_per_post)}; missed {result.missed}; memory "
        f"{result.kib_per_connection:.1f} KiB per connection; server CPU "
        f"{result.cpu_per_frame * 1e6:.0f} µs per frame delivered"
        + (f"; action to commit and publish {spread(result.actions)}"
           if result.actions else "")
        + (f"; action to the live send {spread(result.to_live_send)}; live send "
           f"to each socket {spread(result.after_live_send)}"
           if result.to_live_send else "")
        + f"; this process's garbage collection per post {spread(result.collected)}"
        + (f" (before the live send {spread(result.collected_to_send)})"
           if result.collected_to_send else "")
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, nargs="+", default=[600, 2400])
    parser.add_argument("--posts", type=int, default=10, help="per size, measured")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds")
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument(
        "--collector-as-is", action="store_true",
        help="no gc.freeze() of this process before the timed posts",
    )  # fmt: skip
    parser.add_argument(
        "--server", choices=("uvicorn", "daphne"), default="uvicorn",
        help="what serves our side (`python -m config.server --server`)",
    )  # fmt: skip
    args = parser.parse_args()

    raise_open_files(max(args.sockets))
    gc.callbacks.append(COLLECTIONS)
    open_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    report(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
           f"{os.cpu_count()} CPUs, open files {open_files}")  # fmt: skip
    redis.Redis.from_url(REDIS_URL).flushdb()
    prepare_database(PG_SERVER, DB_NAME, reuse=args.reuse_db)
    cookies, cast = make_cast(max(args.sockets), args.posts, len(args.sockets))

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    servers: list[Server] = []
    results: list[tuple[Result, Result]] = []
    with tempfile.TemporaryDirectory(prefix="sc-ws-bench-") as logs:
        env = {"DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
               "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
               "ELASTICSEARCH_URL": ""}  # fmt: skip
        try:
            ours = [
                start_server(Path(logs) / f"{args.server}-{n}.log", env,
                             server=args.server)
                for n in "AB"
            ]  # fmt: skip
            servers.extend(ours)
            bare = start_bare(Path(logs) / "bare.log")
            servers.append(bare)
            for server in ours:
                wait_healthy(server)
            wait_bare(bare)
            for index, sockets in enumerate(args.sockets):
                # Ours gives the frame the bare server sends: ours runs first
                # the first time; later, a frame of the previous size is kept.
                if index % 2 == 0 or not results:
                    mine = asyncio.run(run_ours(args, sockets, ours, cookies, cast))
                    theirs = asyncio.run(run_bare(args, sockets, bare, mine.frame))
                else:
                    frame = results[-1][0].frame
                    theirs = asyncio.run(run_bare(args, sockets, bare, frame))
                    mine = asyncio.run(run_ours(args, sockets, ours, cookies, cast))
                show(mine)
                show(theirs)
                results.append((mine, theirs))
        except BaseException:
            for server in servers:
                report(f"--- log {server.url} (last lines)\n{server.tail()}")
            raise
        finally:
            for server in servers:
                stop_server(server)

    report()
    report("| sockets | ours p50 / p99 / max | bare p50 / p99 / max | p99 ours ÷ bare "
           "| missed ours / bare | KiB per connection ours / bare "
           "| server CPU per frame ours / bare |")  # fmt: skip
    report("|---|---|---|---|---|---|---|")
    for mine, theirs in results:

        def cells(result: Result) -> str:
            values = result.latencies or [float("nan")]
            return (f"{percentile(values, 0.5) * 1000:.0f} / "
                    f"{percentile(values, 0.99) * 1000:.0f} / "
                    f"{max(values) * 1000:.0f} ms")  # fmt: skip

        ratio = (percentile(mine.latencies, 0.99) / percentile(theirs.latencies, 0.99)
                 if mine.latencies and theirs.latencies else float("nan"))  # fmt: skip
        report(f"| {mine.sockets} | {cells(mine)} | {cells(theirs)} | **{ratio:.2f}** "
               f"(target ≤ 2) | {mine.missed} / {theirs.missed} | "
               f"{mine.kib_per_connection:.1f} / {theirs.kib_per_connection:.1f} "
               f"(target < 40) | {mine.cpu_per_frame * 1e6:.0f} / "
               f"{theirs.cpu_per_frame * 1e6:.0f} µs |")  # fmt: skip
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
