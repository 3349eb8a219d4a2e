"""`/healthz` against the real services, and with a Redis that stops."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import override_settings

from scoring import transport
from tests.support.redis_server import FaultRedis, free_port, redis_settings


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[FaultRedis]:
    """A Redis server of this test's own, so that stopping it harms no other test."""
    server = FaultRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def test_every_part_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "channel_layer": "ok",
        "cache": "ok",
        "search": "ok",
        "scoring": "embedded",
        "degraded": [],
        "scoring_breaker": "closed",
        "pending_actions": 0,
        "live_resend_streams": 0,
    }


def test_redis_stopped_is_reported_and_the_site_stays_up(client, db, own_redis):
    with override_settings(**redis_settings(own_redis.url)):
        before = client.get("/healthz").json()
        assert before["channel_layer"] == "ok" and before["cache"] == "ok"

        own_redis.kill()
        response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["channel_layer"] == "down"
    assert body["cache"] == "down"
    assert body["database"] == "ok"
    assert body["status"] == "degraded"
    assert body["degraded"] == ["channel_layer", "cache"]


def test_embedded_defaults_say_so(client, db):
    with override_settings(
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        },
    ):
        body = client.get("/healthz").json()
    assert body["channel_layer"] == "embedded"
    assert body["cache"] == "embedded"


def test_a_configured_search_server_that_is_down_is_reported(client, db):
    port = free_port()  # nothing listens there
    with override_settings(
        ELASTICSEARCH_URL=f"http://127.0.0.1:{port}",
        SCORING_CORE_URL=f"http://127.0.0.1:{port}/api/scoring/v1/",
    ):
        body = client.get("/healthz").json()
    assert body["search"] == "down"
    assert body["scoring"] == "down"
    assert body["status"] == "degraded"
    assert body["degraded"] == ["search", "scoring"]
    assert client.get("/healthz").status_code == 200


def test_an_open_breaker_is_reported_while_the_core_answers_again(client, db):
    """The probe reaches the core again, but pages skip it until the breaker's
    next trial call: /healthz says so."""
    port = free_port()
    core = f"http://127.0.0.1:{port}/api/scoring/v1/"
    with override_settings(SCORING_CORE_URL=core, SCORING_CORE_BREAKER_SECONDS=60):
        transport.reset_breaker()
        try:
            with pytest.raises(transport.ScoringUnavailable):
                transport.get("health")  # nothing listens: the breaker opens
            server = ThreadingHTTPServer(("127.0.0.1", port), Answers200)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                response = client.get("/healthz")
            finally:
                server.shutdown()
                server.server_close()
        finally:
            transport.reset_breaker()
    body = response.json()
    assert response.status_code == 200
    assert body["scoring"] == "ok"
    assert body["scoring_breaker"] == "open"
    assert body["degraded"] == ["scoring"]
    assert body["status"] == "degraded"


class Answers200(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass
