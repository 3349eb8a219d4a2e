"""`scoring.client` against cores that misbehave.

One that never answers (timeout), a closed port (down), one that fails then
recovers (retries), one that answers garbage. None of these touch this site's
API, so the database is the ordinary per-test transaction.
"""

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone, translation

from scoring import client

from .conftest import TOKEN, fast_smartcitizen

WHEN = timezone.now() - timedelta(hours=3)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hanging_core() -> Iterator[str]:
    """Accepts connections (the kernel does, from the backlog) and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/api/scoring/v1/"
    finally:
        server.close()


class ScriptedCore(ThreadingHTTPServer):
    """Answers each request with the next (status, body) of a script."""

    daemon_threads = True

    def __init__(self, script: list[tuple[int, bytes]]) -> None:
        self.script = script
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), ScriptedHandler)


class ScriptedHandler(BaseHTTPRequestHandler):
    server: ScriptedCore

    def answer(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, body = self.server.script[
            min(len(self.server.requests), len(self.server.script)) - 1
        ]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def scripted_core():
    servers: list[ScriptedCore] = []

    def start(script: list[tuple[int, bytes]]) -> tuple[ScriptedCore, str]:
        server = ScriptedCore(script)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/api/scoring/v1/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def remote(url: str):
    return override_settings(
        SCORING_CORE_URL=url, SCORING_CORE_TOKEN=TOKEN, SMARTCITIZEN=fast_smartcitizen()
    )


@pytest.mark.django_db
def test_a_core_that_hangs_gives_unavailable_after_the_timeouts(
    hanging_core, household, empty_cache
):
    started = time.monotonic()
    with remote(hanging_core), pytest.raises(client.ScoringUnavailable) as down:
        client.get_points(household)
    elapsed = time.monotonic() - started
    # 3 attempts × 0.5 s timeout + backoff (0.05 s, 0.1 s, with jitter).
    assert 1.5 <= elapsed < 3.0
    assert "Timeout" in down.value.reason


@pytest.mark.django_db
def test_a_core_that_is_down_gives_unavailable_at_once(household, empty_cache):
    url = f"http://127.0.0.1:{free_port()}/api/scoring/v1/"
    started = time.monotonic()
    with remote(url), pytest.raises(client.ScoringUnavailable) as down:
        client.log_action(
            household,
            action="velo-travail",
            domain="transport",
            occurred_at=WHEN,
            idempotency_key="k",
        )
    assert time.monotonic() - started < 1.0
    assert "ConnectionError" in down.value.reason


@pytest.mark.django_db
def test_server_errors_are_retried_with_the_same_idempotency_key(
    scripted_core, household, empty_cache
):
    ok = {"household_id": household.public_id, "points_awarded": 40, "total": 40}
    server, url = scripted_core(
        [(503, b"{}"), (502, b"oops"), (201, json.dumps(ok).encode())]
    )
    with remote(url):
        answer = client.log_action(
            household,
            action="velo-travail",
            domain="transport",
            occurred_at=WHEN,
            idempotency_key="retry-me",
        )
    assert answer == ok
    assert server.requests == ["POST /api/scoring/v1/actions"] * 3


@pytest.mark.django_db
def test_refusals_are_not_retried(scripted_core, household, empty_cache):
    refusal = {"error": {"code": "invalid_body", "message": "Non."}}
    server, url = scripted_core([(400, json.dumps(refusal).encode())])
    with remote(url), pytest.raises(client.InvalidRequest) as refused:
        client.get_points(household)
    assert refused.value.code == "invalid_body"
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_a_core_that_refuses_our_token_reads_as_unavailable(
    scripted_core, household, empty_cache
):
    refusal = {"error": {"code": "unauthorized", "message": "Non."}}
    server, url = scripted_core([(401, json.dumps(refusal).encode())])
    with remote(url), pytest.raises(client.ScoringUnavailable) as down:
        client.get_points(household)
    assert down.value.reason == "HTTP 401"
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_garbage_reads_as_unavailable(scripted_core, household, empty_cache):
    server, url = scripted_core([(200, b"<html>proxy error</html>")])
    with remote(url), pytest.raises(client.ScoringUnavailable):
        client.get_points(household)
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_a_core_that_stays_down_is_tried_three_times(
    scripted_core, household, empty_cache
):
    server, url = scripted_core([(500, b"{}")])
    with remote(url), pytest.raises(client.ScoringUnavailable) as down:
        client.get_neighbourhood_summary(household.neighbourhood, "week")
    assert down.value.reason == "HTTP 500"
    assert len(server.requests) == 3


@pytest.mark.django_db
def test_a_cache_that_is_down_costs_only_a_request(scripted_core, household):
    points = {"household_id": household.public_id, "total": 7}
    server, url = scripted_core([(200, json.dumps(points).encode())])
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    with remote(url), override_settings(CACHES=dead_cache):
        assert client.get_points(household) == points
        assert client.get_points(household) == points
    assert len(server.requests) == 2  # no cache, so no cached answer either


def test_pages_show_donnees_indisponibles():
    with translation.override("fr"):
        html = render_to_string("scoring/unavailable.html")
        assert client.unavailable_message() == "Données indisponibles"
    assert "Données indisponibles" in html
    assert 'role="status"' in html
