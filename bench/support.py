"""What the benchmarks share: figures, the bench's own database, server processes.

Imported by the bench scripts after they set their environment and called
`django.setup()`; nothing here reads a bench's constants, they are passed in.
"""

import ctypes
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.core.management import call_command
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_START_TIMEOUT = 60  # seconds for a server process to answer /healthz


# --- figures -----------------------------------------------------------------------


def report(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def spread(samples: list[float]) -> str:
    if not samples:
        return "no sample"
    return (
        f"p50 {ms(statistics.median(samples))}, p99 {ms(percentile(samples, 0.99))}, "
        f"max {ms(max(samples))} (n={len(samples)})"
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the bench's own database ------------------------------------------------------


def reset_database(pg_server: str, name: str) -> None:
    """Drop and create the bench database (the role has CREATEDB)."""
    if not name.replace("_", "").isalnum():
        sys.exit(f"bad BENCH_DATABASE_NAME {name!r}")
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def database_exists(pg_server: str, name: str) -> bool:
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as admin:
        row = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return row is not None


def prepare_database(pg_server: str, name: str, *, reuse: bool) -> None:
    """A migrated database with the demo town, new unless `reuse` finds one."""
    from community.demo import demo_town_exists

    if not (reuse and database_exists(pg_server, name)):
        reset_database(pg_server, name)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not demo_town_exists():
        call_command("seed_demo", verbosity=0)
        report(f"demo town loaded in {time.perf_counter() - start:.1f} s")
    else:
        report("demo town already loaded (--reuse-db)")
    connection.close()


# --- servers -----------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the bench dies, even by SIGKILL."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def loopback_listener() -> socket.socket:
    """A listening socket on a free loopback port, to hand to servers (`--fd`)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    return listener


def start_server(
    log: Path,
    env: dict[str, str],
    listener: socket.socket | None = None,
    server: str = "uvicorn",
) -> Server:
    """The site's server (`python -m config.server`, uvicorn unless `server`
    says daphne) serving `config.asgi` on a loopback socket bound here (`--fd`).

    `env` is added to this process's environment: the bench's settings module,
    database, Redis and whatever else its server must see. With `listener`,
    the process accepts on that socket (several processes may share one, as
    workers of one server); the caller closes it once they all started.
    """
    shared = listener is not None
    if listener is None:
        listener = loopback_listener()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable, "-m", "config.server", "--server", server,
                "--fd", str(listener.fileno()),
                "--verbosity", "1",
                "config.asgi:application",
            ],
            cwd=BASE_DIR,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            pass_fds=(listener.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )  # fmt: skip
    if not shared:
        listener.close()
    return Server(url, process, log)


def wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as answer:  # noqa: S310
                if json.load(answer).get("database") == "ok":
                    return
        except (OSError, ValueError):
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"the server did not serve {server.url}/healthz "
                f"(exit code {server.process.poll()}):\n{server.tail()}"
            )
        time.sleep(0.2)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)
