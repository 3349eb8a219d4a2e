"""Feeds over the real websocket stack (config.asgi) and the real Redis layer.

The consumer runs the ORM in another thread (`database_sync_to_async`), so these
tests use committed data: transactional, with the migrations' rows (Wagtail's
root page, the default site, the role groups) restored after each test.
"""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from feeds import actions
from feeds.models import PostTarget
from realtime.groups import dm_stream, neighbourhood_stream, room_stream
from realtime.queries import latest_event_id
from tests.factories import NeighbourhoodFactory, make_member
from tests.feeds.conftest import key

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

TIMEOUT = 3


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={value}".encode()


async def connect(user) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [
        (b"host", b"testserver"),
        (b"origin", b"http://testserver"),
        (b"cookie", await database_sync_to_async(_cookie)(user)),
    ]
    socket = WebsocketCommunicator(application, "/ws/", headers=headers)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted
    return socket


async def subscribe(socket, stream: str, since: int | None = None) -> dict | None:
    """Subscribe; return the error frame if refused, None once subscribed."""
    await socket.send_json_to({"op": "subscribe", "stream": stream, "since": since})
    # An unknown op always answers: once it does, the subscribe was handled.
    await socket.send_json_to({"op": "sync"})
    answer = await socket.receive_json_from(timeout=TIMEOUT)
    if answer.get("code") == "bad_request" and "stream" not in answer:
        return None
    await socket.receive_json_from(timeout=TIMEOUT)
    return answer


def _post(member, body: str, neighbourhood):
    return actions.check_create_post(
        member,
        body=body,
        client_key=key(),
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=neighbourhood.pk,
    )


async def test_a_neighbour_receives_a_post_live_with_its_html(
    member, neighbour, neighbourhood
):
    socket = await connect(member.user)
    assert await subscribe(socket, neighbourhood_stream(neighbourhood.pk)) is None
    post = await database_sync_to_async(_post)(
        neighbour, "Vide-grenier dimanche <i>rue</i> @Anne B.", neighbourhood
    )
    frame = await socket.receive_json_from(timeout=TIMEOUT)
    assert frame["stream"] == neighbourhood_stream(neighbourhood.pk)
    assert frame["event"] == "post.created"
    assert frame["data"]["item"] == f"post-{post.pk}"
    html = frame["data"]["html"]
    assert f'<article class="post" id="post-{post.pk}"' in html
    assert "&lt;i&gt;rue&lt;/i&gt;" in html
    assert f'href="/membres/{member.pk}/">@Anne B.</a>' in html
    await socket.disconnect()


async def test_rooms_and_conversations_of_others_are_refused(
    member, neighbour, far_neighbour, neighbourhood, town
):
    def rooms():
        own = actions.get_or_create_neighbourhood_room(neighbourhood)
        other = actions.get_or_create_neighbourhood_room(
            far_neighbour.household.neighbourhood
        )
        third = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
        others_dm = actions.get_or_create_direct_room(neighbour, third)
        return own, other, others_dm

    own, other, others_dm = await database_sync_to_async(rooms)()
    socket = await connect(member.user)
    refused = await subscribe(socket, room_stream(other.pk))
    assert (refused["op"], refused["code"]) == ("error", "forbidden")
    refused = await subscribe(socket, dm_stream(others_dm.pk))
    assert refused["code"] == "forbidden"
    # A room id named as a conversation (or the reverse) is refused too.
    assert (await subscribe(socket, dm_stream(own.pk)))["code"] == "forbidden"
    assert await subscribe(socket, room_stream(own.pk)) is None
    message = await database_sync_to_async(actions.check_send_message)(
        neighbour, own, body="On se retrouve au parc ?", client_key=key()
    )
    frame = await socket.receive_json_from(timeout=TIMEOUT)
    assert frame["event"] == "message.created"
    assert f'id="message-{message.pk}"' in frame["data"]["html"]
    await socket.disconnect()


async def test_resume_with_since_gets_the_post_missed_while_away(
    member, neighbour, neighbourhood
):
    stream = neighbourhood_stream(neighbourhood.pk)
    await database_sync_to_async(_post)(neighbour, "Avant", neighbourhood)
    socket = await connect(member.user)
    assert await subscribe(socket, stream) is None
    seen = await database_sync_to_async(latest_event_id)(stream)
    await socket.disconnect()

    missed = await database_sync_to_async(_post)(neighbour, "Pendant", neighbourhood)

    socket = await connect(member.user)
    await socket.send_json_to({"op": "subscribe", "stream": stream, "since": seen})
    frame = await socket.receive_json_from(timeout=TIMEOUT)
    assert frame["id"] > seen
    assert frame["data"]["item"] == f"post-{missed.pk}"
    assert "Pendant" in frame["data"]["html"]
    # Nothing else was missed, and nothing comes twice.
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
