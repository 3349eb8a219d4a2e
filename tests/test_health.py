"""`/healthz` against the real services, and with a Redis that stops."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.test import override_settings


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
    assert response.json()["channel_layer"] == "down"
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"


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
    assert client.get("/healthz").status_code == 200
