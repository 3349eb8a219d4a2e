"""Generated frames to `/ws/` through the production ASGI stack: each answer is
an event or a known error, and the connection stays open.

A signed-in member's socket is sent a few generated frames (JSON objects with
the protocol's keys and any values, other JSON, text that is no JSON, binary);
after each one a sentinel subscribe to an unknown stream proves the consumer
answered and kept the connection. The 1 MB frame and the subscription cap are
tested in tests/realtime.
"""

import json

from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.routes import text_values
from tests.realtime.conftest import (
    TIMEOUT,
    connected,
    make_member,
    make_neighbourhood,
    make_town,
    realtime_db,
)

pytestmark = realtime_db

EXAMPLES = 120
CODES = {"bad_request", "forbidden", "unknown_stream", "rate_limited"}
SENTINEL = {"op": "subscribe", "stream": "zzfuzz:1", "since": None}
STREAM_KINDS = ["town", "neighbourhood", "challenge", "room", "dm", "user",
                "leaderboard", "zz"]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | text_values(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
stream_names = st.one_of(
    st.builds(
        lambda k, i: f"{k}:{i}",
        st.sampled_from(STREAM_KINDS),
        st.integers(min_value=-5, max_value=2**70),
    ),
    json_values,
)
protocol_frames = st.fixed_dictionaries(
    {"op": st.sampled_from(["subscribe", "unsubscribe", "sync", ""]) | json_values},
    optional={"stream": stream_names, "since": json_values, "data": json_values},
).map(lambda d: ("text", json.dumps(d)))
frames = st.one_of(
    protocol_frames,
    json_values.map(lambda v: ("text", json.dumps(v))),
    st.text(min_size=1, max_size=60).map(lambda t: ("text", t)),
    st.binary(min_size=1, max_size=60).map(lambda b: ("bytes", b)),
)


def check_answer(answer: dict, frame) -> None:
    if answer.get("op") == "error":
        assert answer.get("code") in CODES, (frame, answer)
        assert answer.get("message"), (frame, answer)
    else:
        assert {"stream", "id", "event"} <= answer.keys(), (frame, answer)


async def exchange(user, batch: list) -> None:
    socket = await connected(user)
    try:
        for kind, payload in batch:
            if kind == "text":
                await socket.send_to(text_data=payload)
            else:
                await socket.send_to(bytes_data=payload)
            await socket.send_json_to(SENTINEL)
            while True:
                answer = await socket.receive_json_from(timeout=TIMEOUT)
                if answer.get("stream") == SENTINEL["stream"]:
                    assert answer["code"] == "unknown_stream", (payload, answer)
                    break
                check_answer(answer, payload)
    finally:
        await socket.disconnect()


def test_generated_frames_get_an_event_or_a_known_error():
    town = make_town("Val-Fuzz", default_site=True)
    member = make_member(town, make_neighbourhood(town, "Centre"))
    sent = []

    @fuzz_settings(EXAMPLES)
    @given(batch=st.lists(frames, min_size=1, max_size=4))
    def one(batch: list) -> None:
        # channels_redis binds its lock to the loop that first used the layer;
        # each example runs in a loop of its own.
        channel_layers.backends.clear()
        async_to_sync(exchange)(member.user, batch)
        sent.extend(batch)

    one()
    print(f"\nfuzz: {len(sent)} generated websocket frames")  # noqa: T201
    assert len(sent) >= EXAMPLES
