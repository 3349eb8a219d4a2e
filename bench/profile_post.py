"""One live post's way from `check_create_post` to its Redis publish, in process.

    BENCH_REDIS_URL=redis://127.0.0.1:6379/<n> \\
    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/profile_post.py [--posts 20] [--profile 10]

What bench/ws_bench.py times before any server sees a post, without servers or
sockets: on its database (`sc_bench_ws`, `BENCH_DATABASE_NAME` to change; it
must be migrated already: nothing is made here), a resident of the largest
neighbourhood posts to it through `feeds.actions.check_create_post`, called
from an event loop by `sync_to_async` as the bench calls it (so the live sends
go through that loop's channel layer, as there). Each post has an author of
its own who never posted (the rate limits), taken from the neighbourhood's
residents below the bench's own authors (its last 100 are left alone). The
only writes are the posts and what their action writes.

Printed per post, then p50 / p99 / max: wall time from the action's start to
the neighbourhood stream's publish to Redis (the channel layer's
`group_send` returned: the frame the bench's sockets get), and to the
action's return; this process's CPU time (all threads) over the same spans;
SQL queries before that publish and in all. With `--profile N`, N more posts
under cProfile (CPU timer, the action's thread, stopped once the live sends
are done) and its top entries.
"""

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import configure  # noqa: E402

BENCH = configure("sc_bench_ws", "redis://127.0.0.1:6379/7")

from asgiref.sync import sync_to_async  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, connections  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.peer_data import largest_neighbourhood  # noqa: E402
from bench.support import load_average, percentile, report  # noqa: E402
from realtime import publish as publishing  # noqa: E402
from realtime.groups import neighbourhood_stream, parse_stream  # noqa: E402

BENCH_AUTHORS_KEPT = 100  # the neighbourhood's last residents: ws_bench's authors


class Stamps:
    """What the channel layer saw of the current post (set by its wrapper)."""

    def __init__(self) -> None:
        self.group = ""
        self.capture: CaptureQueriesContext | None = None
        self.published: tuple[float, float, int] | None = None
        self.profiler: cProfile.Profile | None = None


STAMPS = Stamps()


def wrap_layer() -> None:
    """Stamp the neighbourhood stream's publish when the layer's send returns."""
    layer = get_channel_layer()
    send = layer.group_send

    async def group_send(group: str, message: dict) -> None:
        await send(group, message)
        if group == STAMPS.group and STAMPS.published is None:
            queries = len(STAMPS.capture) if STAMPS.capture is not None else -1
            STAMPS.published = (time.perf_counter(), time.process_time(), queries)

    layer.group_send = group_send

    # The profile stops once the block's live sends are done (the search
    # index's sync and the rest of the commit hooks come after).
    send_all = publishing._send_all

    def profiled_send_all(messages: list[dict]) -> None:
        send_all(messages)
        if STAMPS.profiler is not None:
            STAMPS.profiler.disable()

    publishing._send_all = profiled_send_all


def fresh_authors(count: int) -> tuple[list[int], int]:
    from community.models import Member

    neighbourhood = largest_neighbourhood()
    residents = list(
        Member.objects.filter(
            household__neighbourhood=neighbourhood, is_former_member=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    kept = set(residents[-BENCH_AUTHORS_KEPT:])
    never_posted = set(
        Member.objects.filter(pk__in=residents, posts__isnull=True).values_list(
            "pk", flat=True
        )
    )
    authors = [pk for pk in reversed(residents) if pk in never_posted - kept]
    if len(authors) < count:
        sys.exit(f"{len(authors)} residents never posted, {count} needed")
    return authors[:count], neighbourhood.pk


def post_once(author_id: int, neighbourhood_id: int, body: str, key: str, profile):
    """As ws_bench.publish_post, with the stamps."""
    from community.models import Member
    from feeds.actions import check_create_post
    from feeds.models import PostTarget

    author = Member.objects.select_related("user", "town").get(pk=author_id)
    STAMPS.group = parse_stream(neighbourhood_stream(neighbourhood_id)).group
    STAMPS.published = None
    STAMPS.profiler = cProfile.Profile(time.thread_time) if profile else None
    # The action thread's own connection: the stamp is taken in the loop's.
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as capture:
        STAMPS.capture = capture
        cpu = time.process_time()
        start = time.perf_counter()
        if STAMPS.profiler is not None:
            STAMPS.profiler.enable()
        check_create_post(
            author,
            body=body,
            client_key=key,
            target=PostTarget.NEIGHBOURHOOD,
            neighbourhood_id=neighbourhood_id,
        )
        returned = time.perf_counter()
        cpu_returned = time.process_time()
        if STAMPS.profiler is not None:
            STAMPS.profiler.disable()
    STAMPS.capture = None
    if STAMPS.published is None:
        raise RuntimeError("the neighbourhood stream's live send was not seen")
    published, cpu_published, queries = STAMPS.published
    connection.close()
    return {
        "to_publish": published - start,
        "cpu_to_publish": cpu_published - cpu,
        "queries_to_publish": queries,
        "to_return": returned - start,
        "cpu_to_return": cpu_returned - cpu,
        "queries": len(capture),
        "sql": [(q["sql"], float(q["time"])) for q in capture.captured_queries],
        "profiler": STAMPS.profiler,
    }


async def run(args, authors: list[int], neighbourhood_id: int) -> list[dict]:
    action = sync_to_async(post_once, thread_sensitive=True)
    tag = f"{os.getpid()}-{int(time.time())}"
    results = []
    for number in range(1 + args.posts + args.profile):  # the first: warm-up
        result = await action(
            authors.pop(0),
            neighbourhood_id,
            f"Banc websockets {tag} : publication {number} pour 600 sockets.",
            f"profile-post-{tag}-{number}",
            number > args.posts,
        )
        if number:
            results.append(result)
        await asyncio.sleep(args.interval)
    return results


def line(name: str, values: list[float], scale: float = 1000, unit: str = "ms") -> str:
    return (
        f"| {name} | {statistics.median(values) * scale:.2f} | "
        f"{percentile(values, 0.99) * scale:.2f} | {min(values) * scale:.2f} | "
        f"{max(values) * scale:.2f} {unit} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20, help="timed posts")
    parser.add_argument("--profile", type=int, default=0, help="profiled posts")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds")
    parser.add_argument("--sql", action="store_true", help="print one post's SQL")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        sys.exit(f"{BENCH.db_name} is not migrated: nothing is changed here")
    authors, neighbourhood_id = fresh_authors(1 + args.posts + args.profile)
    connection.close()
    wrap_layer()
    report(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, load average {load_average()}, "
        f"database {BENCH.db_name}, {os.getcwd()}"
    )
    results = asyncio.run(run(args, authors, neighbourhood_id))
    timed = [r for r in results if r["profiler"] is None]
    report(f"{len(timed)} posts after one warm-up: p50 | p99 | min | max")
    report("|---|---|---|---|---|")
    report(line("start → publish, wall", [r["to_publish"] for r in timed]))
    report(line("start → publish, CPU", [r["cpu_to_publish"] for r in timed]))
    report(line("start → return, wall", [r["to_return"] for r in timed]))
    report(line("start → return, CPU", [r["cpu_to_return"] for r in timed]))
    report(
        line("queries before publish", [r["queries_to_publish"] for r in timed], 1, "")
    )
    report(line("queries in all", [r["queries"] for r in timed], 1, ""))
    if args.sql:
        report("each statement of the last post, p50 of its wall time over the posts:")
        for index, (sql, _seconds) in enumerate(timed[-1]["sql"]):
            times = [r["sql"][index][1] for r in timed if len(r["sql"]) > index]
            text = " ".join(sql.split())[:110]
            report(f"  {statistics.median(times) * 1000:7.2f} ms  {text}")
    profiled = [r["profiler"] for r in results if r["profiler"] is not None]
    if profiled:
        stats = pstats.Stats(profiled[0], stream=io.StringIO())
        for profiler in profiled[1:]:
            stats.add(profiler)
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats(order).print_stats(args.top)
            report(f"--- cProfile ({len(profiled)} posts, thread CPU), by {order}")
            report(out.getvalue())
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
