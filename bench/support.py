"""What the benchmarks share: figures, the bench's own database, our servers.

Imported by the bench scripts after they set their environment and called
`django.setup()`; nothing here reads a bench's constants, they are passed in.
"""

import contextlib
import ctypes
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.core.management import call_command
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
VENVS = BASE_DIR / "bench" / ".venvs"
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
    from demo.town import demo_town_exists

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


def reuseport_listeners(count: int) -> list[socket.socket]:
    """`count` listening sockets on one free loopback port (SO_REUSEPORT), one
    per server process: the kernel spreads new connections among them.

    Processes sharing ONE listening socket race for its connections, and a
    client's kept-alive connections stay where they landed: wrk's 20 (or the
    scoring bench's 16) often went 16/0 or 14/2 to one process (session 12,
    `side_connections_by_process`), which then did all the work on one core.
    A deployment of N processes behind one port does the same as this (a
    socket per process with SO_REUSEPORT, e.g. systemd's `ReusePort=yes`, or
    a balancing proxy in front).
    """
    listeners = []
    port = 0
    for _ in range(count):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(("127.0.0.1", port))
        port = listener.getsockname()[1]
        listener.listen(1024)
        listeners.append(listener)
    return listeners


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


def wait_healthy(server: "Server | Side") -> None:
    """Until /healthz answers that the database is reachable, or the server died."""
    processes = server.processes if isinstance(server, Side) else [server.process]
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as answer:  # noqa: S310
                # Every process of a side, not only the first one up: the
                # clients' kept-alive connections would all go to that one.
                ready = not isinstance(server, Side) or server.ready
                if json.load(answer).get("database") == "ok" and ready:
                    return
        except (OSError, ValueError):
            pass
        codes = [process.poll() for process in processes]
        if any(code is not None for code in codes) or time.monotonic() > deadline:
            raise RuntimeError(
                f"the server did not serve {server.url}/healthz "
                f"(exit codes {codes}):\n{server.tail()}"
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


# --- our site under another server (issue 14) ---------------------------------------

# What serves our site: daphne as `make run` does (`config.server`), or a server
# from bench/.venvs/servers. Our packages come from .venv (a .pth file), the
# servers and their dependencies from that environment; a change of this list
# reinstalls it.
SERVERS = ("daphne", "uvicorn", "granian", "gunicorn")
# uvicorn is the site's own server (pyproject.toml, `python -m config.server`).
SERVERS_REQUIREMENTS = ["granian>=2.8,<2.9", "gunicorn>=27,<28"]


def ensure_venv(name: str, requirements: list[str], *, with_ours: bool = False) -> Path:
    """bench/.venvs/<name> with `requirements`, made once; its bin directory."""
    venv = VENVS / name
    marker = venv / ".bench-installed"
    wanted = "\n".join([*requirements, f"ours={with_ours}"])
    python = venv / "bin" / "python"
    if marker.exists() and marker.read_text() == wanted and python.exists():
        return venv / "bin"
    report(f"installing {', '.join(requirements)} into {venv.relative_to(BASE_DIR)}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "install", "-q", *requirements], check=True
    )
    if with_ours:
        # Our code's dependencies from the project's environment, after this
        # one's own packages on sys.path.
        where = "import sysconfig; print(sysconfig.get_path('purelib'))"
        site = subprocess.run(  # noqa: S603
            [str(python), "-c", where],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        ours = sysconfig.get_path("purelib")
        Path(site, "smartcitizen-deps.pth").write_text(f"{ours}\n")
    marker.write_text(wanted)
    return venv / "bin"


@dataclass
class Side:
    """A server of a bench: every process it started, one URL, one log."""

    name: str
    url: str
    processes: list[subprocess.Popen]
    log: Path

    # The line each of its `ready_count` processes logs once it accepts
    # connections (see wait_healthy); none: /healthz answering is enough.
    ready_marker: str = ""
    ready_count: int = 0

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def ready(self) -> bool:
        if not self.ready_marker:
            return True
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text.count(self.ready_marker) >= self.ready_count


def popen(command: list[str], log: Path, env: dict, cwd: Path, **kwargs):
    """A server process in a session of its own, ended with the bench."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603
            command,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            **kwargs,
        )


def free_port() -> int:
    listener = loopback_listener()
    port = listener.getsockname()[1]
    listener.close()
    return port


# `BENCH_SHARED_LISTENER=1`: the processes of a side share one listening
# socket, as before session 12 (see reuseport_listeners).
SHARED_LISTENER = os.environ.get("BENCH_SHARED_LISTENER") == "1"


def start_site(server: str, workers: int, log: Path, env: dict[str, str]) -> Side:
    """Our site served by `workers` processes of `server` on one loopback port.

    `env` is added to this process's environment (the bench's settings,
    database, Redis); our code is put on PYTHONPATH for the servers of
    bench/.venvs/servers. uvicorn (the site's server) and daphne: `workers`
    processes of `config.server --server …`, each accepting on its own socket
    of one port (`--fd`, SO_REUSEPORT: `reuseport_listeners`); granian:
    `config.asgi` with its own `--workers`; gunicorn: `config.wsgi` (HTTP only)
    with sync workers.
    """
    name = f"{server} × {workers}"
    if server in ("uvicorn", "daphne"):
        if SHARED_LISTENER:
            listeners = [loopback_listener()] * workers
        else:
            listeners = reuseport_listeners(workers)
        url = f"http://127.0.0.1:{listeners[0].getsockname()[1]}"
        processes = []
        for listener in listeners:
            # Verbosity 1: uvicorn logs when each process has loaded the site
            # and starts listening (wait_healthy).
            command = [
                sys.executable, "-m", "config.server", "--server", server,
                "--fd", str(listener.fileno()), "--verbosity", "1",
                "config.asgi:application",
            ]  # fmt: skip
            processes.append(
                popen(command, log, env, BASE_DIR, pass_fds=(listener.fileno(),))
            )
        for listener in set(listeners):
            listener.close()
        side = Side(name, url, processes, log)
        if server == "uvicorn":
            side.ready_marker, side.ready_count = "Started server process", workers
        return side
    bin_dir = ensure_venv("servers", SERVERS_REQUIREMENTS, with_ours=True)
    port = free_port()
    if server == "granian":
        # ASGI, its Rust HTTP and websocket stack; no lifespan in Django.
        command = [
            str(bin_dir / "granian"), "--interface", "asginl",
            "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--ws", "--loop", "uvloop",
            "--log-level", "warning", "config.asgi:application",
        ]  # fmt: skip
    elif server == "gunicorn":  # WSGI, sync workers, HTTP only
        command = [
            str(bin_dir / "gunicorn"), "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--no-control-socket", "--log-level", "warning",
        ]  # fmt: skip
    else:
        raise ValueError(f"unknown server {server!r}, not one of {SERVERS}")
    env = {**env, "PYTHONPATH": str(BASE_DIR)}
    process = popen(command, log, env, BASE_DIR)
    return Side(name, f"http://127.0.0.1:{port}", [process], log)


def side_cpu(side: Side) -> float:
    """CPU seconds so far of every process of the side (their own sessions)."""
    return sum(side_cpu_by_process(side).values())


def side_cpu_by_process(side: Side) -> dict[int, float]:
    """CPU seconds so far of each process of the side, by process id."""
    sessions = {process.pid for process in side.processes}
    seconds = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) in sessions:  # field 6 of stat: the session id
            ticks = int(fields[11]) + int(fields[12])
            seconds[int(stat.parent.name)] = ticks / os.sysconf("SC_CLK_TCK")
    return seconds


def side_connections_by_process(side: Side) -> list[int]:
    """Established TCP connections to the side's port held by each of its
    processes, most first: how the processes sharing one listening socket
    split the clients' kept-alive connections."""
    port = f"{urlsplit(side.url).port:04X}"
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[1].endswith(f":{port}") and fields[3] == "01":
                    established.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in side_cpu_by_process(side):
        count = 0
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    count += os.readlink(fd) in established
        if count:
            counts.append(count)
    return sorted(counts, reverse=True)


def stop_side(side: Side) -> None:
    for process in side.processes:
        if process.poll() is None:
            process.terminate()
    for process in side.processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
