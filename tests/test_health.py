"""`/healthz` against the real services, and with a Redis that stops."""

import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from django.test import override_settings

from scoring import transport


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path: Path):
    """A Redis server of this test's own, so that stopping it harms no other test."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server") or "redis-server",
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


def redis_settings(url: str) -> dict:
    return {
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [{"address": url, "socket_timeout": 10}]},
            }
        },
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
            }
        },
    }


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
    url, process = own_redis
    with override_settings(**redis_settings(url)):
        before = client.get("/healthz").json()
        assert before["channel_layer"] == "ok" and before["cache"] == "ok"

        process.terminate()
        process.wait(timeout=10)
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
