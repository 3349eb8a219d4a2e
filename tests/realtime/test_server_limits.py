"""The websocket's limits under the real server (uvicorn), not the test communicator.

A frame far over the limit (1 MB) gets `bad_request` and the connection stays
open; one over the transport limit (4 MiB, config/server.py) is closed with
1009 and a close frame, not dropped. 10,000 subscribe frames on one socket are
rate limited and counted; another socket of the same process is answered at
once meanwhile, and the flooding socket soon after (issue 11).
"""

import asyncio
import json
import time
from pathlib import Path

import pytest
import websockets
from django.conf import settings
from django.test import Client

from config.server import TRANSPORT_LIMIT_BYTES
from realtime.groups import town_stream
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.support import site_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def member():
    town = make_town("Val-Test")
    return make_member(town, neighbourhood=NeighbourhoodFactory(town=town))


def session_cookie(member) -> str:
    client = Client()
    client.force_login(member.user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# No frame of the protocol is acknowledged; an unknown op is answered at once.
PING = json.dumps({"op": "ping"})


async def next_frame(socket, timeout: float = 5) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


def connect(url: str, cookie: str):
    return websockets.connect(
        url.replace("http://", "ws://") + "/ws/",
        origin=url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        max_size=None,
    )


async def answered_in(socket) -> float:
    started = time.monotonic()
    await socket.send(PING)
    answer = await next_frame(socket)
    assert answer["code"] == "bad_request", answer
    return time.monotonic() - started


async def exercise(url: str, cookie: str, stream: str) -> dict:
    found = {}
    async with connect(url, cookie) as socket, connect(url, cookie) as bystander:
        await socket.send("{" + " " * (1024 * 1024) + "}")
        found["huge"] = await next_frame(socket)
        found["after_huge"] = await next_frame_after(socket, PING)

        # 10,000 subscribes as fast as the client can send them, while another
        # socket of the same process asks something.
        frame = json.dumps({"op": "subscribe", "stream": stream, "since": 0})
        for _ in range(10_000):
            await socket.send(frame)
        found["bystander_seconds"] = await answered_in(bystander)
        started = time.monotonic()
        answers = []
        while True:
            try:
                answers.append(await next_frame(socket, timeout=2))
            except TimeoutError:
                break
        found["backlog_seconds"] = time.monotonic() - started - 2
        found["dropped"] = sum(a.get("dropped", 0) for a in answers)
        found["codes"] = {a.get("code") for a in answers}
        # The flood is over: the next frame is answered at once.
        await asyncio.sleep(1.1)
        found["after_flood_seconds"] = await answered_in(socket)
        found["open"] = socket.close_code is None

    # Beyond the transport limit (config/server.py): a close frame, not a drop.
    # The server reads the frame's length first and closes before the payload
    # is all sent: the send itself may see the close.
    async with connect(url, cookie) as socket:
        try:
            await socket.send("{" + " " * (TRANSPORT_LIMIT_BYTES + 10) + "}")
            await next_frame(socket)
        except websockets.ConnectionClosed as closed:
            found["too_big"] = closed.rcvd.code if closed.rcvd else None
    return found


async def next_frame_after(socket, frame: str) -> dict:
    await socket.send(frame)
    return await next_frame(socket)


def test_a_huge_frame_and_a_subscribe_flood_keep_the_socket(member, tmp_path: Path):
    cookie = session_cookie(member)
    stream = town_stream(member.town_id)
    with site_server.serve(tmp_path / "server.log") as server:
        found = asyncio.run(exercise(server.url, cookie, stream))
        log = server.log()

    assert found["huge"]["op"] == "error", found["huge"]
    assert found["huge"]["code"] == "bad_request", found["huge"]
    assert found["after_huge"]["code"] == "bad_request", (found["after_huge"], log)

    assert "rate_limited" in found["codes"], found
    # Every refused frame is counted (the first 20 pass: the bucket's burst).
    assert 9_000 <= found["dropped"] < 10_000, found
    assert found["bystander_seconds"] < 1.0, found
    assert found["backlog_seconds"] < 3.0, found
    assert found["after_flood_seconds"] < 1.0, found
    assert found["open"], found
    assert found.get("too_big") == 1009, found
