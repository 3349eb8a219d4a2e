"""Profile our feed page (cProfile, Django's test client) and write what it finds.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/profile_feed.py [--pages 20] [--page feed|post]

On the peer bench's database (`sc_bench_peer`, made and filled as
bench/peer_bench.py does when missing: the demo town and 2,000 posts × 20
comments in its largest neighbourhood), a resident signed in by a session of
the session engine fetches the page through `django.test.Client` (the whole
middleware stack, no server): a few unmeasured pages, then `--pages` pages
timed without a profiler (CPU per page, queries per page), then `--pages`
pages under cProfile. The top entries by cumulative time and the calls per
page of `{% include %}`, `{% url %}` and `localize` go to
docs/performance-profile.md (`--output` to change), for whoever optimises.
"""

import argparse
import cProfile
import inspect
import io
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "sc_bench_peer")
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES", "postgres://smartcitizen:smartcitizen@127.0.0.1:5432"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"{PG_SERVER}/{DB_NAME}"
os.environ["REDIS_URL"] = REDIS_URL
os.environ["ELASTICSEARCH_URL"] = ""
os.environ["SEARCH_INDEX_PREFIX"] = f"bench-{os.getpid()}"
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import defaulttags, loader_tags  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import formats  # noqa: E402

from bench.peer_data import fill_posts, sign_in  # noqa: E402
from bench.support import (  # noqa: E402
    cpu_seconds,
    load_average,
    prepare_database,
    report,
)


def server_cpu() -> float:
    """CPU time so far of the PostgreSQL backends serving the bench's database.

    The server shares the machine with the site: its CPU per page counts in a
    throughput run. The backends are found from the `postgres` database, so
    that this connection is not one of them (the server runs on this machine).
    """
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        pids = [
            pid
            for (pid,) in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME]
            )
        ]
    total = 0.0
    for pid in pids:
        try:
            # Nanoseconds on the CPU (schedstat); /proc/<pid>/stat counts ticks
            # of 10 ms, too coarse for a few ms per page.
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        except FileNotFoundError:
            try:
                total += cpu_seconds(pid)
            except OSError:  # ended meanwhile, or not on this machine
                continue
        except OSError:
            continue
    return total


# What the issue counts per page, found in the profile by code position.
COUNTED = {
    "`{% include %}` (IncludeNode.render)": loader_tags.IncludeNode.render,
    "`{% url %}` (URLNode.render)": defaulttags.URLNode.render,
    "`django.urls.reverse`": django.urls.reverse,
    "`localize` (django.utils.formats)": formats.localize,
    "`number_format` (django.utils.formats)": formats.number_format,
    "template `Node.render_annotated`": django.template.base.Node.render_annotated,
}


def key_of(function) -> tuple[str, int, str]:
    code = inspect.unwrap(function).__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def short(path: str) -> str:
    for prefix in sorted({*sys.path, str(BASE_DIR)}, key=len, reverse=True):
        if prefix and path.startswith(prefix + "/"):
            return path.removeprefix(prefix + "/")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--page", choices=("feed", "post"), default="feed")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument(
        "--output", default=str(BASE_DIR / "docs" / "performance-profile.md")
    )
    parser.add_argument(
        "--timer",
        choices=("wall", "cpu"),
        default="wall",
        help="what cProfile counts: elapsed time (with the waits for PostgreSQL) "
        "or this process's CPU time",
    )
    args = parser.parse_args()
    from community.models import Member

    started = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    load_before = load_average()
    prepare_database(PG_SERVER, DB_NAME, reuse=True)
    data = fill_posts(args.posts, args.comments)
    viewer = Member.objects.select_related("user").get(pk=data.viewer_id)
    (key,) = sign_in([viewer])
    path = data.feed_path if args.page == "feed" else data.post_path
    marker = data.feed_marker if args.page == "feed" else data.post_marker

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    for _ in range(3):
        answer = client.get(path)
        if answer.status_code != 200 or marker not in answer.content.decode():
            sys.exit(f"{path} answered {answer.status_code} without the content")
    size = len(answer.content)

    cpu = []
    server_before = server_cpu()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(args.pages):
            began = time.process_time()
            client.get(path)
            cpu.append(time.process_time() - began)
    server_ms = (server_cpu() - server_before) * 1000 / args.pages
    queries_per_page = len(queries.captured_queries) / args.pages
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000 / args.pages

    profiler = (
        cProfile.Profile(time.process_time)
        if args.timer == "cpu"
        else cProfile.Profile()
    )
    profiler.enable()
    for _ in range(args.pages):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    counts = {}
    for label, function in COUNTED.items():
        entry = stats.stats.get(key_of(function))
        counts[label] = entry[1] / args.pages if entry else 0
    total = max(stats.total_tt, 1e-9)

    def top(order: str) -> list[str]:
        listing = io.StringIO()
        pstats.Stats(profiler, stream=listing).sort_stats(order).print_stats(20)
        lines = listing.getvalue().splitlines()
        start = next(n for n, line in enumerate(lines) if "ncalls" in line)
        rows = []
        for line in lines[start + 1 :]:
            parts = line.split(None, 5)
            if len(parts) < 6:
                continue
            ncalls, tottime, _, cumtime, _, where = parts
            rows.append(
                f"| {short(where)} | {ncalls} | "
                f"{float(tottime) * 1000 / args.pages:.2f} "
                f"| {float(cumtime) * 1000 / args.pages:.2f} |"
            )
        return rows

    load_after = load_average()

    text = [
        f"# Profile of the {args.page} page (issue 14)",
        "",
        "Written by `bench/profile_feed.py`; run again rather than edit:",
        "",
        "```sh",
        "DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\",
        f"    .venv/bin/python bench/profile_feed.py --pages {args.pages}"
        + ("" if args.page == "feed" else f" --page {args.page}"),
        "```",
        "",
        f"- Run: {started}, load average {load_before} before, {load_after} after "
        "(a loaded machine makes wall times long; calls per page do not change).",
        f"- Page: `{path}` ({size / 1024:.1f} KiB) for a resident signed in, "
        f"{args.posts} posts × {args.comments} comments in the neighbourhood, "
        f"database `{DB_NAME}`, settings `{settings.SETTINGS_MODULE}` (DEBUG "
        f"{settings.DEBUG}), through `django.test.Client` (no server).",
        f"- Without the profiler, {args.pages} pages: CPU per page p50 "
        f"{statistics.median(cpu) * 1000:.1f} ms (min {min(cpu) * 1000:.1f}); "
        f"{queries_per_page:.1f} SQL queries per page, {sql_ms:.1f} ms of SQL per "
        f"page as Django timed them, {server_ms:.1f} ms of PostgreSQL server CPU "
        "per page (its backends on this database).",
        f"- Under cProfile ({args.timer} time): {total * 1000 / args.pages:.1f} ms "
        "per page (the profiler's overhead included).",
        "",
        "## Calls per page",
        "",
        "| what | calls per page |",
        "|---|---|",
        *(f"| {label} | {count:.0f} |" for label, count in counts.items()),
        "",
        f"## Top 20 by cumulative time ({args.pages} pages; ms per page)",
        "",
        "| function | calls (all pages) | own ms per page | cumulative ms per page |",
        "|---|---|---|---|",
        *top("cumulative"),
        "",
        f"## Top 20 by own time ({args.pages} pages; ms per page)",
        "",
        "| function | calls (all pages) | own ms per page | cumulative ms per page |",
        "|---|---|---|---|",
        *top("tottime"),
        "",
    ]
    Path(args.output).write_text("\n".join(text))
    report("\n".join(text))


if __name__ == "__main__":
    main()
