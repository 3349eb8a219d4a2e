"""The site's server (`python -m config.server`, uvicorn) serving the real ASGI
application in a subprocess, for tests that go through real HTTP and websockets
(tests/browser, tests/faults, tests/realtime/test_server_limits.py).

The listening socket is bound here, on a free loopback port, and handed to
the server (`--fd`), so no other process can take the port in between. The server
runs on the pytest-django test database, the test's Redis and search index,
with the test settings module; `overrides` changes any of that environment
(another Redis, a scoring core URL, several processes on one socket).
"""

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
# Seconds: the server imports Django and Wagtail (about 2 s on 2 cores).
SERVER_START_TIMEOUT = 30
LOG_TAIL_LINES = 60
# The application the tests serve: config.asgi with static files (test
# settings collect none; tests/browser/asgi.py says why).
APPLICATION = "tests.browser.asgi:application"


def die_with_parent() -> None:
    """In the child before exec: SIGTERM when pytest dies, even by SIGKILL.

    A server left behind would hold connections to the test database, and the
    next run could not drop it.
    """
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def database_url() -> str:
    """The URL of the test database pytest-django created (this worker's)."""
    from django.db import connection

    db = connection.settings_dict
    return "postgres://{}:{}@{}:{}/{}".format(
        quote(db["USER"], safe=""),
        quote(db["PASSWORD"], safe=""),
        db["HOST"] or "127.0.0.1",
        db["PORT"] or 5432,
        quote(db["NAME"], safe=""),
    )


def server_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        # The test process's own: config.settings.test under `make test`.
        DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE,
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        SEARCH_INDEX_PREFIX=settings.SEARCH_INDEX_PREFIX,
        # Test settings allow 127.0.0.1, localhost and testserver; the server
        # is reached as 127.0.0.1.
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # A connection kept between requests would stall the TRUNCATE of the
        # transactional tests' flush and the DROP DATABASE at the end.
        CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    # The values above are this worker's already (config/settings/test.py).
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
            return json.load(answer).get("database") == "ok"
    except (OSError, ValueError):
        return False


@dataclass
class Server:
    url: str
    log_path: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def log(self) -> str:
        return tail(self.log_path)


class ServerFailed(RuntimeError):
    pass


@contextmanager
def serve(
    log_path: Path, *, processes: int = 1, application: str = APPLICATION, **overrides
) -> Iterator[Server]:
    """The server on a free loopback port until the block ends; `processes` share
    the one listening socket, as behind a load balancer."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    server = Server(f"http://127.0.0.1:{listener.getsockname()[1]}", log_path)
    env = server_env(**overrides)
    try:
        with log_path.open("ab") as log:
            for _ in range(processes):
                server.processes.append(
                    subprocess.Popen(  # noqa: S603
                        [
                            sys.executable,
                            "-m",
                            "config.server",
                            "--fd",
                            str(listener.fileno()),
                            "--verbosity",
                            "1",
                            application,
                        ],
                        cwd=BASE_DIR,
                        env=env,
                        pass_fds=(listener.fileno(),),
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                        preexec_fn=die_with_parent,
                    )  # fmt: skip
                )
        listener.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not healthy(server.url):
            exited = [p.poll() for p in server.processes if p.poll() is not None]
            if exited or time.monotonic() > deadline:
                raise ServerFailed(
                    f"the server did not serve {server.url}/healthz (exit codes "
                    f"{exited}); its log:\n{tail(log_path)}"
                )
            time.sleep(0.1)
        yield server
    finally:
        listener.close()
        for process in server.processes:
            process.terminate()
        for process in server.processes:
            try:
                # The server holds nothing to save (websockets are closed with
                # 1012 at once); a slow stop only delays the run.
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
