"""Fixtures of the real-time tests: towns, members, signed-in websocket clients.

Consumer tests run the ORM in another thread than the test (the consumer's
`database_sync_to_async`), so they need committed data: `transaction=True`, and
`serialized_rollback=True` so that every test starts from what the migrations
wrote (Wagtail's root page, the default site, the role groups) even after an
earlier transactional test flushed the tables.
"""

import itertools
import socket
from collections.abc import Callable

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import path
from wagtail.models import Page, Site

from community import actions
from community.models import Member, Neighbourhood, TownPage
from realtime.models import Event
from realtime.publish import publish

PASSWORD = "un-mot-de-passe-solide"  # noqa: S105
ORIGIN = b"http://testserver"
TIMEOUT = 3

realtime_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)

_numbers = itertools.count(1)


def make_town(title: str, *, default_site: bool) -> TownPage:
    """A town page under Wagtail's root, as `demo/town.py` builds one."""
    number = next(_numbers)
    town = Page.get_first_root_node().add_child(
        instance=TownPage(title=title, slug=f"ville-{number}")
    )
    if default_site:
        site = Site.objects.get(is_default_site=True)
        site.root_page = town
        site.save(update_fields=["root_page"])
    else:
        Site.objects.create(hostname=f"ville-{number}.test", port=80, root_page=town)
    return town


def make_neighbourhood(town: TownPage, name: str) -> Neighbourhood:
    # The community app has no action for this yet: neighbourhoods are entered
    # in the admin.
    number = next(_numbers)
    return Neighbourhood.objects.create(
        town=town, name=f"{name} {number}", slug=f"quartier-{number}"
    )


def make_member(town: TownPage, neighbourhood: Neighbourhood) -> Member:
    """A resident signed up in the open, through the sign-up action."""
    return actions.check_sign_up(
        town,
        email=f"habitant{next(_numbers)}@example.org",
        password=PASSWORD,
        display_name="Habitant",
        language="fr",
        neighbourhood=neighbourhood,
    )


def publish_now(stream: str, event: str = "test.created", data: dict | None = None):
    """Publish one event in its own transaction, as an action would."""
    with transaction.atomic():
        return publish(stream, event, data if data is not None else {})


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={key}".encode()


def app_with(consumer_class) -> Callable:
    """The production stack of config/asgi.py around another consumer class."""
    return AllowedHostsOriginValidator(
        AuthMiddlewareStack(URLRouter([path("ws/", consumer_class.as_asgi())]))
    )


async def open_socket(
    user=None, *, origin: bytes | None = ORIGIN, application=None
) -> WebsocketCommunicator:
    """A websocket to `/ws/`, signed in as `user` by its session cookie."""
    if application is None:
        from config.asgi import application
    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin))
    if user is not None:
        headers.append((b"cookie", await database_sync_to_async(session_cookie)(user)))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


async def connected(user, **kwargs) -> WebsocketCommunicator:
    socket = await open_socket(user, **kwargs)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted
    return socket


async def handled(socket: WebsocketCommunicator) -> None:
    """Return once the consumer has handled every frame sent so far.

    The consumer handles one frame at a time, in order, so the answer to a frame
    sent now (an unknown op always gets an error) proves the earlier ones done.
    """
    await socket.send_json_to({"op": "sync"})
    answer = await receive(socket)
    assert answer["op"] == "error"
    assert answer["code"] == "bad_request"


async def send_subscribe(
    socket: WebsocketCommunicator, stream: str, since: int | None = None
) -> None:
    await socket.send_json_to({"op": "subscribe", "stream": stream, "since": since})


async def subscribe(
    socket: WebsocketCommunicator, stream: str, since: int | None = None
) -> None:
    """Subscribe, and return once the subscription is in place (no replay)."""
    await send_subscribe(socket, stream, since)
    await handled(socket)


async def receive(socket: WebsocketCommunicator) -> dict:
    return await socket.receive_json_from(timeout=TIMEOUT)


async def receive_events(socket: WebsocketCommunicator, count: int) -> list[dict]:
    return [await receive(socket) for _ in range(count)]


def event_frame(event: Event) -> dict:
    return {
        "stream": event.stream,
        "id": event.id,
        "event": event.event,
        "data": event.data,
    }


@pytest.fixture
def town() -> TownPage:
    return make_town("Val-Temps-Réel", default_site=True)


@pytest.fixture
def other_town() -> TownPage:
    return make_town("Autre-Ville", default_site=False)


@pytest.fixture
def neighbourhood(town) -> Neighbourhood:
    return make_neighbourhood(town, "Centre")


@pytest.fixture
def member(town, neighbourhood) -> Member:
    return make_member(town, neighbourhood)


@pytest.fixture
def neighbour(town) -> Member:
    """A member of the same town, in another neighbourhood."""
    return make_member(town, make_neighbourhood(town, "Les Tilleuls"))


@pytest.fixture
def stranger(other_town) -> Member:
    """A member of another town."""
    return make_member(other_town, make_neighbourhood(other_town, "La Gare"))


def dead_channel_layers() -> dict:
    """CHANNEL_LAYERS pointing at a loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]},
        }
    }
