"""System checks for the channel layer the consumer depends on."""

from urllib.parse import parse_qs, urlsplit

from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

REDIS_CORE_BACKEND = "channels_redis.core.RedisChannelLayer"


def _socket_timeout(host: object) -> tuple[bool, float | None]:
    """Whether a channels_redis host sets a socket timeout, and its value."""
    if isinstance(host, dict):
        if "socket_timeout" in host:
            return True, host["socket_timeout"]
        host = host.get("address", "")
    if isinstance(host, str):
        values = parse_qs(urlsplit(host).query).get("socket_timeout")
        if values:
            return True, float(values[0])
    return False, None


@register()
def check_redis_socket_timeout(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Warn when redis-py's read timeout would cut channels_redis's blocking read.

    redis-py 8 reads with a 5-second socket timeout by default, the length of the
    BZPOPMIN with which channels_redis waits for messages: every websocket idle
    for 5 seconds then dies with "Timeout reading from ..." and the browser
    reconnects in a loop (django/channels_redis#422). Each host must set
    `socket_timeout` to None or to more than the blocking read. Checked whatever
    the installed redis-py: redis-py is held below 8 for now (pyproject.toml),
    and the setting must already be right when that pin goes.
    """
    blocking = RedisChannelLayer.brpop_timeout
    messages: list[CheckMessage] = []
    for alias, layer in getattr(settings, "CHANNEL_LAYERS", {}).items():
        if layer.get("BACKEND") != REDIS_CORE_BACKEND:
            continue
        for host in layer.get("CONFIG", {}).get("hosts", []):
            present, timeout = _socket_timeout(host)
            if present and (timeout is None or timeout > blocking):
                continue
            messages.append(
                Warning(
                    f"Channel layer {alias!r}: a Redis host without a socket "
                    f"timeout above {blocking} s; idle websockets will be closed "
                    "every few seconds with redis-py 8.",
                    hint=(
                        'Give the host as {"address": REDIS_URL, '
                        '"socket_timeout": 10} (django/channels_redis#422).'
                    ),
                    id="realtime.W001",
                )
            )
    return messages
