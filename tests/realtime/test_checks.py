"""The system check that guards the channel layer against redis-py 8's timeout."""

import pytest
from django.test import override_settings

from realtime.checks import check_redis_socket_timeout

URL = "redis://127.0.0.1:6379/1"


def layers(host) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host]},
        }
    }


@pytest.mark.parametrize(
    "host",
    [URL, {"address": URL}, {"address": URL, "socket_timeout": 5}],
    ids=["bare url", "no timeout", "timeout equal to the blocking read"],
)
def test_a_redis_host_whose_reads_time_out_with_the_blocking_pop_is_flagged(host):
    with override_settings(CHANNEL_LAYERS=layers(host)):
        warnings = check_redis_socket_timeout()

    assert [w.id for w in warnings] == ["realtime.W001"]


@pytest.mark.parametrize(
    "host",
    [
        {"address": URL, "socket_timeout": 10},
        {"address": URL, "socket_timeout": None},
        f"{URL}?socket_timeout=10",
    ],
)
def test_a_redis_host_with_a_longer_timeout_passes(host):
    with override_settings(CHANNEL_LAYERS=layers(host)):
        assert check_redis_socket_timeout() == []


def test_the_in_memory_layer_is_not_concerned():
    memory = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=memory):
        assert check_redis_socket_timeout() == []
