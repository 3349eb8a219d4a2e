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

from scoring import client, transport

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
def test_a_core_that_hangs_costs_one_timeout_not_one_per_attempt(
    hanging_core, household, empty_cache
):
    started = time.monotonic()
    with remote(hanging_core), pytest.raises(client.ScoringUnavailable) as down:
        client.get_points(household)
    elapsed = time.monotonic() - started
    # The 0.5 s timeout is the whole call's budget, retries included.
    assert 0.45 <= elapsed < 0.5 + 0.3
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


# --- the circuit breaker -------------------------------------------------------


class CountingHangingCore:
    """A socket that accepts and never answers, counting the connections."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/api/scoring/v1/"
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def counting_core() -> Iterator[CountingHangingCore]:
    core = CountingHangingCore()
    yield core
    core.close()


def remote_with_breaker(url: str, seconds: float):
    return override_settings(
        SCORING_CORE_URL=url,
        SCORING_CORE_TOKEN=TOKEN,
        SMARTCITIZEN=fast_smartcitizen(SCORING_BREAKER_SECONDS=seconds),
    )


def timed(call) -> float:
    started = time.monotonic()
    with pytest.raises(client.ScoringUnavailable):
        call()
    return time.monotonic() - started


@pytest.mark.django_db
def test_after_one_failure_calls_fail_fast_until_the_breaker_closes(
    counting_core, household, empty_cache
):
    with remote_with_breaker(counting_core.url, 1.5):
        first = timed(lambda: client.get_points(household))
        assert 0.45 <= first < 0.8
        assert len(counting_core.accepted) == 1
        assert client.breaker_open()
        # Every other call (another path, a POST) fails at once, sending nothing.
        for call in (
            lambda: client.get_points(household),
            lambda: client.get_leaderboard(1),
            lambda: client.log_action(
                household,
                action="velo-travail",
                domain="transport",
                occurred_at=WHEN,
                idempotency_key="k-breaker",
            ),
        ):
            assert timed(call) < 0.05
        assert len(counting_core.accepted) == 1
        # After the open period one trial call goes to the core, and opens it again.
        time.sleep(1.6)
        assert not client.breaker_open()
        assert 0.45 <= timed(lambda: client.get_points(household)) < 0.8
        assert len(counting_core.accepted) == 2
        assert timed(lambda: client.get_points(household)) < 0.05


@pytest.mark.django_db
def test_the_half_open_trial_closes_the_breaker_when_the_core_answers(
    scripted_core, household, empty_cache
):
    points = {"household_id": household.public_id, "total": 7}
    server, url = scripted_core(
        [(503, b"{}")] * 3 + [(200, json.dumps(points).encode())]
    )
    with remote_with_breaker(url, 0.5):
        timed(lambda: client.get_points(household))
        assert len(server.requests) == 3
        timed(lambda: client.get_points(household))  # open: nothing sent
        assert len(server.requests) == 3
        time.sleep(0.6)
        assert client.get_points(household) == points
        assert not client.breaker_open()
        assert client.get_leaderboard(3) == points  # closed: calls go through
    assert len(server.requests) == 5


@pytest.mark.django_db
def test_a_refusal_is_an_answer_and_does_not_open_the_breaker(
    scripted_core, household, empty_cache
):
    refusal = {"error": {"code": "invalid_body", "message": "Non."}}
    server, url = scripted_core([(400, json.dumps(refusal).encode())])
    with remote_with_breaker(url, 30):
        for _ in range(2):
            with pytest.raises(client.InvalidRequest):
                client.get_points(household)
        assert not client.breaker_open()
    assert len(server.requests) == 2


@pytest.mark.django_db
def test_threads_of_a_process_share_the_breaker(counting_core, household, empty_cache):
    with remote_with_breaker(counting_core.url, 30):
        timed(lambda: client.get_points(household))
        times: list[float] = []

        def load() -> None:
            times.append(timed(lambda: client.get_points(household)))

        threads = [threading.Thread(target=load) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(times) == 8
    assert max(times) < 0.2
    assert len(counting_core.accepted) == 1


@pytest.mark.django_db
def test_processes_share_the_breaker_through_the_cache(
    counting_core, household, empty_cache
):
    with remote_with_breaker(counting_core.url, 30):
        timed(lambda: client.get_points(household))
        # Another process: no state of its own, only what the cache holds.
        transport._breakers.clear()
        assert client.breaker_open()
        assert timed(lambda: client.get_points(household)) < 0.05
    assert len(counting_core.accepted) == 1


@pytest.mark.django_db
def test_with_the_cache_down_each_process_keeps_its_own_breaker(
    counting_core, household
):
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    with (
        remote_with_breaker(counting_core.url, 30),
        override_settings(CACHES=dead_cache),
    ):
        timed(lambda: client.get_points(household))
        assert timed(lambda: client.get_points(household)) < 0.2
    assert len(counting_core.accepted) == 1


@pytest.mark.django_db
def test_a_cached_answer_is_still_served_while_the_breaker_is_open(
    scripted_core, household, empty_cache
):
    points = {"household_id": household.public_id, "total": 7}
    server, url = scripted_core([(200, json.dumps(points).encode()), (503, b"{}")])
    with remote_with_breaker(url, 30):
        assert client.get_points(household) == points
        timed(lambda: client.get_leaderboard(4))
        assert client.breaker_open()
        assert client.get_points(household) == points
