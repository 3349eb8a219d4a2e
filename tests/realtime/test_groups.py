"""Stream names and groups come from ids only, through a strict parser."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from realtime import groups, streams
from realtime.groups import StreamName, parse_stream, stream_name


@pytest.mark.parametrize(
    ("builder", "name"),
    [
        (groups.town_stream, "town:7"),
        (groups.neighbourhood_stream, "neighbourhood:7"),
        (groups.challenge_stream, "challenge:7"),
        (groups.room_stream, "room:7"),
        (groups.dm_stream, "dm:7"),
        (groups.user_stream, "user:7"),
        (groups.leaderboard_stream, "leaderboard:7"),
    ],
)
def test_each_kind_builds_its_name_and_parses_back(builder, name):
    assert builder(7) == name
    parsed = parse_stream(name)
    assert str(parsed) == name
    # Channel-layer group names may not hold a colon.
    assert parsed.group == name.replace(":", ".").join(["stream.", ""])


@pytest.mark.parametrize("object_id", [0, -1, True, "7", 7.0, None])
def test_builders_take_positive_integers_only(object_id):
    with pytest.raises(ValueError):
        groups.town_stream(object_id)


def test_builders_refuse_unknown_kinds():
    with pytest.raises(ValueError):
        stream_name("weather", 1)


@pytest.mark.parametrize(
    "name",
    [
        "town:01",
        "town:0",
        "town:-1",
        "town:+1",
        "town:1.0",
        "town:1\n",
        "town:１",
        "TOWN:1",
        "to wn:1",
        "town:1:2",
        "town.1",
        ":1",
        "town:",
        "town:" + "1" * 19,
        "a" * 41,
        "",
        None,
        1,
        b"town:1",
    ],
)
def test_parser_refuses_anything_but_kind_colon_id(name):
    with pytest.raises(ValueError):
        parse_stream(name)


def test_parser_accepts_a_kind_nobody_registered():
    # The consumer answers `unknown_stream` for it rather than `bad_request`.
    assert parse_stream("weather:3") == StreamName("weather", 3)


def test_the_kinds_of_today_are_registered():
    assert {
        groups.TOWN,
        groups.NEIGHBOURHOOD,
        groups.USER,
    } <= streams.registered_kinds()
    # The others wait for their app (feeds, challenges) to register them.
    assert streams.registered_kinds() <= groups.KINDS


@pytest.fixture
def free_room_kind():
    """The `room` kind unregistered for one test, whoever serves it today."""
    previous = streams.read_check(groups.ROOM)
    streams.unregister(groups.ROOM)
    yield groups.ROOM
    streams.unregister(groups.ROOM)
    if previous is not None:
        streams.register(groups.ROOM, previous)


def test_an_app_registers_a_kind_once(free_room_kind):
    def can_read_room(user, room_id: int) -> bool:
        return False

    streams.register(free_room_kind, can_read_room)
    # Twice the same function: harmless (ready() may run twice).
    streams.register(free_room_kind, can_read_room)
    assert streams.read_check(free_room_kind) is can_read_room
    # Another function would silently replace a permission check: refused.
    with pytest.raises(ImproperlyConfigured):
        streams.register(free_room_kind, lambda user, room_id: True)
    assert streams.read_check(free_room_kind) is can_read_room


def test_only_known_kinds_can_be_registered():
    with pytest.raises(ImproperlyConfigured):
        streams.register("weather", lambda user, object_id: True)
