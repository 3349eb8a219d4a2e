"""Our feed and post pages against django-spirit's topic list and topic page (issue 14).

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/peer_bench.py [--seconds 8] [--rounds 3]

Needs PostgreSQL, Redis and Debian's `wrk` (`bash scripts/system-packages.sh
wrk`); the first run also needs PyPI, for the peer's own virtual environment.

1. The peer: django-spirit 0.14.x and gunicorn in a virtual environment of its
   own (bench/.venvs/spirit, made on the first run, reused after), the minimal
   project of bench/peer_spirit (DEBUG off) on a database of its own
   (`sc_spirit_peer`), migrated and filled in bulk with `--posts` topics ×
   `--comments` comments in one category; gunicorn serves it with `--workers`
   sync workers on a loopback port. Pages are read anonymously.
2. Our side: the bench's own database (`sc_bench_peer`: migrated, the demo
   town, then `--posts` posts × `--comments` comments bulk-inserted in its
   largest neighbourhood), served as `make run` serves (`python -m
   config.server`: uvicorn; daphne with `--server daphne`) by `--workers`
   processes accepting on one loopback socket, or by granian or gunicorn
   (`--server`, from a virtual environment of their own with our code on the
   path). Pages are read by a
   resident of the neighbourhood signed in by a session written with the
   session engine.
3. Each page must answer 200 with the bench's content (the newest post's text
   on the lists, the last comment shown on the post pages), checked before
   and after the runs: never a redirect to the login page.
4. `--rounds` rounds of `wrk -t2 -c<connections> -d<seconds>s --latency`,
   alternating our page and the peer's (who goes first alternates too): our
   feed page against Spirit's topic list of the category, our post page with
   its comments against Spirit's topic page. A markdown table goes to stdout:
   each pair's requests/s, latency p50 and p99, ours ÷ peer, and each side's
   CPU time per request (user + system time of the side's processes over the
   run and until they are idle again, divided by the requests wrk counted).

Both sides run on the same machine as wrk: the figures are for comparing the
two in one run, under the same load (given with `uptime`'s load average).
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import BASE_DIR, configure  # noqa: E402

BENCH_DIR = BASE_DIR / "bench"
PEER_DB_NAME = os.environ.get("BENCH_PEER_DATABASE_NAME", "sc_spirit_peer")

# What each virtual environment of the bench holds; a change reinstalls it.
PEER_REQUIREMENTS = [
    "django-spirit>=0.14,<0.15",
    "gunicorn>=27,<28",  # --no-control-socket
    "psycopg[binary]>=3.1,<4",
]

BENCH = configure("sc_bench_peer", "redis://127.0.0.1:6379/7")
DB_NAME, PG_SERVER = BENCH.db_name, BENCH.pg_server
REDIS_URL, DATABASE_URL = BENCH.redis_url, BENCH.database_url

import redis  # noqa: E402
from django.conf import settings  # noqa: E402

from bench.peer_data import FeedData, fill_posts, sign_in  # noqa: E402
from bench.support import (  # noqa: E402
    SERVERS,
    Side,
    database_exists,
    ensure_venv,
    free_port,
    load_average,
    popen,
    prepare_database,
    report,
    reset_database,
    side_connections_by_process,
    side_cpu,
    start_site,
    stop_side,
)

SERVER_START_TIMEOUT = 90  # seconds for every worker of a side to answer
CHECK_TIMEOUT = 60  # seconds for one page fetched by the content check
SETTLE_TIMEOUT = 60  # seconds for a side to finish what wrk left queued


# --- servers -----------------------------------------------------------------------


def our_env() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ELASTICSEARCH_URL": "",
        "PYTHONPATH": str(BASE_DIR),
    }


def start_ours(server: str, workers: int, logs: Path) -> Side:
    """Our site by `workers` processes of `server` on one loopback socket."""
    side = start_site(server, workers, logs / f"ours-{server}.log", our_env())
    side.name = f"ours ({side.name})"
    return side


def start_peer(bin_dir: Path, workers: int, logs: Path) -> Side:
    port = free_port()
    log = logs / "spirit-gunicorn.log"
    process = popen(
        [
            str(bin_dir / "gunicorn"),
            "peer_spirit.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],  # fmt: skip
        log,
        peer_env(),
        BENCH_DIR,
    )
    url = f"http://127.0.0.1:{port}"
    return Side(f"Spirit (gunicorn × {workers})", url, [process], log)


def peer_env() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "peer_spirit.settings",
        "PEER_DATABASE_URL": f"{PG_SERVER}/{PEER_DB_NAME}",
        "PYTHONPATH": str(BENCH_DIR),
    }


def settle(side: Side) -> None:
    """Wait until the side is idle: wrk leaves requests queued when it stops
    (a sync worker's backlog, a thread still rendering), which would run
    during the next measurement."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    before = side_cpu(side)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = side_cpu(side)
        if now - before < 0.05:  # under 10 % of a core for half a second
            return
        before = now
    report(f"warning: {side.name} still busy {SETTLE_TIMEOUT} s after a run")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str | None) -> tuple[int, str]:
    """Status and text of one GET, redirects not followed."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=CHECK_TIMEOUT) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def wait_up(side: Side, path: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        try:
            fetch(side.url + path, None)
            # Every process of a shared socket: a few more answers.
            for _ in range(4):
                fetch(side.url + path, None)
            return
        except OSError:
            pass
        if any(p.poll() is not None for p in side.processes) or (
            time.monotonic() > deadline
        ):
            raise RuntimeError(f"{side.name} did not start:\n{side.tail()}")
        time.sleep(0.3)


@dataclass
class Page:
    label: str
    side: Side
    path: str
    marker: str
    cookie: str | None
    size: int = 0

    @property
    def url(self) -> str:
        return self.side.url + self.path


def check(page: Page) -> None:
    """200 with the bench's content, or the bench stops."""
    status, text = fetch(page.url, page.cookie)
    if status != 200 or page.marker not in text:
        found = "found" if page.marker in text else "not found"
        raise SystemExit(
            f"{page.side.name} {page.path}: answered {status} ({text[:200]!r}), "
            f"marker {found}: not measured"
        )
    page.size = len(text.encode())


# --- wrk ---------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def _bytes(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(B|KB|MB|GB)", value).groups()
    return float(number) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[unit]


@dataclass
class Run:
    rps: float
    p50: float  # ms
    p99: float
    requests: int
    bytes_per_request: float
    errors: str  # socket errors and non-2xx/3xx answers, "" when none
    cpu_ms: float  # CPU of the side's processes per request counted
    split: list[int]  # wrk's connections held by each process, mid-run


def wrk(page: Page, args, seconds: int) -> Run:
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
        "--latency", "--timeout", "60s",
    ]  # fmt: skip
    if page.cookie:
        command += ["-H", f"Cookie: {page.cookie}"]
    cpu_before = side_cpu(page.side)
    running = subprocess.Popen(  # noqa: S603
        [*command, page.url], stdout=subprocess.PIPE, text=True
    )
    # Mid-run: how the side's processes share wrk's kept-alive connections.
    time.sleep(seconds / 2)
    split = side_connections_by_process(page.side)
    out, _ = running.communicate()
    if running.returncode:
        raise subprocess.CalledProcessError(running.returncode, command)
    settle(page.side)
    cpu = side_cpu(page.side) - cpu_before
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    done = re.search(r"(\d+) requests in \S+, (\S+) read", out)
    requests = int(done.group(1))
    errors = []
    if socket_errors := re.search(r"Socket errors: (.*)", out):
        errors.append(f"socket errors: {socket_errors.group(1)}")
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors.append(f"{bad.group(1)} non-2xx/3xx")
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=_ms(latency["50"]) if "50" in latency else float("nan"),
        p99=_ms(latency["99"]) if "99" in latency else float("nan"),
        requests=requests,
        bytes_per_request=_bytes(done.group(2)) / max(requests, 1),
        errors="; ".join(errors),
        cpu_ms=cpu * 1000 / requests if requests else float("nan"),
        split=split,
    )


def flag(page: Page, run: Run) -> str:
    """What to distrust in a run: errors, or answers smaller than the page."""
    notes = [run.errors] if run.errors else []
    if not run.requests:
        notes.append("no answer within the run")
    # wrk counts a 302 to the login page as a success: its size tells.
    if run.requests and run.bytes_per_request < 0.8 * page.size:
        notes.append(
            f"{run.bytes_per_request / 1024:.1f} KiB per answer, page "
            f"{page.size / 1024:.1f} KiB"
        )
    return "; ".join(notes)


# --- data --------------------------------------------------------------------------


def prepare_peer(bin_dir: Path, args) -> dict:
    """Spirit's database, migrated and filled; the paths and markers it shows."""
    env = {**os.environ, **peer_env()}
    fresh = not (args.reuse_db and database_exists(PG_SERVER, PEER_DB_NAME))
    if fresh:
        reset_database(PG_SERVER, PEER_DB_NAME)
    start = time.perf_counter()
    subprocess.run(  # noqa: S603
        [str(bin_dir / "python"), "-m", "django", "migrate", "-v0"],
        cwd=BENCH_DIR,
        env=env,
        check=True,
    )
    out = subprocess.run(  # noqa: S603
        [
            str(bin_dir / "python"),
            "-m",
            "peer_spirit.fill",
            str(args.posts),
            str(args.comments),
        ],  # fmt: skip
        cwd=BENCH_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report(
        f"Spirit database {PEER_DB_NAME} ready in {time.perf_counter() - start:.1f} s"
        + ("" if fresh else " (--reuse-db)")
    )
    return json.loads(out.strip().splitlines()[-1])


def prepare_ours(args) -> tuple[FeedData, str]:
    from community.models import Member

    redis.Redis.from_url(REDIS_URL).flushdb()
    prepare_database(PG_SERVER, DB_NAME, reuse=args.reuse_db)
    start = time.perf_counter()
    data = fill_posts(args.posts, args.comments)
    report(
        f"{args.posts} posts × {args.comments} comments in /quartiers/"
        f"{data.neighbourhood_slug}/ ready in {time.perf_counter() - start:.1f} s"
    )
    viewer = Member.objects.select_related("user").get(pk=data.viewer_id)
    (key,) = sign_in([viewer])
    return data, f"{settings.SESSION_COOKIE_NAME}={key}"


# --- main --------------------------------------------------------------------------


def table(pairs: list[tuple[str, Page, Page]], results: dict, args) -> None:
    report()
    report(
        "| round | page | ours req/s | ours p50 / p99 | peer req/s | "
        "peer p50 / p99 | ours ÷ peer | CPU per request ours / peer |"
    )
    report("|---|---|---|---|---|---|---|---|")
    ratios: dict[str, list[float]] = {}
    for number in range(args.rounds):
        for label, _, _ in pairs:
            ours = results[(number, label, "ours")]
            peer = results[(number, label, "peer")]
            ratio = ours.rps / peer.rps if peer.rps else float("nan")
            ratios.setdefault(label, []).append(ratio)
            report(
                f"| {number + 1} | {label} | {ours.rps:.1f} | {ours.p50:.0f} / "
                f"{ours.p99:.0f} ms | {peer.rps:.1f} | {peer.p50:.0f} / "
                f"{peer.p99:.0f} ms | **{ratio:.2f}** | {ours.cpu_ms:.1f} / "
                f"{peer.cpu_ms:.1f} ms |"
            )
    for label, values in ratios.items():
        ours = [results[(n, label, "ours")].rps for n in range(args.rounds)]
        peer = [results[(n, label, "peer")].rps for n in range(args.rounds)]
        report(
            f"| median | {label} | {statistics.median(ours):.1f} | | "
            f"{statistics.median(peer):.1f} | | **{statistics.median(values):.2f}** "
            f"(min {min(values):.2f}, max {max(values):.2f}) | |"
        )
    report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="processes per side")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument(
        "--server", choices=SERVERS, default="uvicorn",
        help="what serves our side (uvicorn: as `make run`)",
    )  # fmt: skip
    parser.add_argument("--warm-up", type=int, default=2, help="seconds per page")
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep both databases if they exist"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: bash scripts/system-packages.sh wrk")

    report(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
           f"{os.cpu_count()} CPUs")  # fmt: skip
    peer_bin = ensure_venv("spirit", PEER_REQUIREMENTS)
    peer_paths = prepare_peer(peer_bin, args)
    data, cookie = prepare_ours(args)

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sides: list[Side] = []
    with tempfile.TemporaryDirectory(prefix="sc-peer-bench-") as logs:
        try:
            ours = start_ours(args.server, args.workers, Path(logs))
            sides.append(ours)
            peer = start_peer(peer_bin, args.workers, Path(logs))
            sides.append(peer)
            wait_up(ours, "/healthz")
            wait_up(peer, peer_paths["list_path"])
            pairs = [
                (
                    "feed page / topic list",
                    Page("feed", ours, data.feed_path, data.feed_marker, cookie),
                    Page("list", peer, peer_paths["list_path"],
                         peer_paths["list_marker"], None),
                ),
                (
                    f"post page / topic page ({args.comments} comments)",
                    Page("post", ours, data.post_path, data.post_marker, cookie),
                    Page("topic", peer, peer_paths["topic_path"],
                         peer_paths["topic_marker"], None),
                ),
            ]  # fmt: skip
            for _, mine, theirs in pairs:
                for page in (mine, theirs):
                    check(page)
                    report(f"{page.side.name} {page.path}: 200, "
                           f"{page.size / 1024:.1f} KiB, content checked")  # fmt: skip
            if args.warm_up:
                for _, mine, theirs in pairs:
                    for page in (mine, theirs):
                        wrk(page, args, args.warm_up)
            report(f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, "
                   f"{args.rounds} rounds, load average {load_average()}")  # fmt: skip
            results: dict = {}
            notes: list[str] = []
            for number in range(args.rounds):
                for label, mine, theirs in pairs:
                    order = [("ours", mine), ("peer", theirs)]
                    for who, page in order if number % 2 == 0 else order[::-1]:
                        run = wrk(page, args, args.seconds)
                        results[(number, label, who)] = run
                        report(f"round {number + 1}, {page.side.name} {page.path}: "
                               f"{run.rps:.1f} req/s, connections per process "
                               f"{'/'.join(map(str, run.split)) or '-'}")  # fmt: skip
                        if note := flag(page, run):
                            notes.append(f"round {number + 1}, {page.side.name} "
                                         f"{page.path}: {note}")  # fmt: skip
            for _, mine, theirs in pairs:
                for page in (mine, theirs):
                    check(page)
            table(pairs, results, args)
            for note in notes:
                report(f"warning: {note}")
            report(f"pages checked again after the runs: 200 with content; "
                   f"load average at the end {load_average()}")  # fmt: skip
        except BaseException:
            for side in sides:
                report(f"--- {side.name} log (last lines)\n{side.tail()}")
            raise
        finally:
            for side in sides:
                stop_side(side)


if __name__ == "__main__":
    main()
