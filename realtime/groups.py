"""Stream and channel-layer group names, built from ids only.

A stream name is `<kind>:<id>` (`town:12`); its channel-layer group is
`stream.<kind>.<id>`, because group names may not hold a colon. Nothing a user
typed ever reaches a group name: the parser accepts a known shape only and the
builders take integers.
"""

import re
from dataclasses import dataclass

TOWN = "town"
NEIGHBOURHOOD = "neighbourhood"
CHALLENGE = "challenge"
ROOM = "room"
DM = "dm"
USER = "user"
LEADERBOARD = "leaderboard"
# A town's citizen reports (new ones, state changes) and its sensors' values.
REPORTS = "reports"
SENSORS = "sensors"
KINDS = frozenset(
    {TOWN, NEIGHBOURHOOD, CHALLENGE, ROOM, DM, USER, LEADERBOARD, REPORTS, SENSORS}
)

# Longer than any stream name we build; anything longer is garbage, refused before
# the regular expression runs.
MAX_STREAM_NAME_LENGTH = 40
# A kind is lower-case letters; an id is a positive integer without leading zero
# that fits a bigint, so `town:1` and `town:01` can never name two streams.
_STREAM_RE = re.compile(r"(?P<kind>[a-z]{1,20}):(?P<id>[1-9][0-9]{0,17})")


@dataclass(frozen=True)
class StreamName:
    """A parsed stream name; `kind` may still be one nobody registered."""

    kind: str
    object_id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def group(self) -> str:
        """The channel-layer group of this stream."""
        return f"stream.{self.kind}.{self.object_id}"


def parse_stream(name: object) -> StreamName:
    """Parse `<kind>:<id>`; raise ValueError on anything else."""
    if not isinstance(name, str) or len(name) > MAX_STREAM_NAME_LENGTH:
        raise ValueError("stream name must be a short string")
    match = _STREAM_RE.fullmatch(name)
    if match is None:
        raise ValueError("stream name must look like kind:id")
    return StreamName(match["kind"], int(match["id"]))


def stream_name(kind: str, object_id: int) -> str:
    """The stream name of an object; raise ValueError for an unknown kind or bad id."""
    if kind not in KINDS:
        raise ValueError(f"unknown stream kind {kind!r}")
    # bool is an int subclass: True must not name object 1.
    if type(object_id) is not int or object_id < 1:
        raise ValueError("object id must be a positive integer")
    return str(StreamName(kind, object_id))


def town_stream(town_id: int) -> str:
    return stream_name(TOWN, town_id)


def neighbourhood_stream(neighbourhood_id: int) -> str:
    return stream_name(NEIGHBOURHOOD, neighbourhood_id)


def challenge_stream(challenge_id: int) -> str:
    return stream_name(CHALLENGE, challenge_id)


def reports_stream(town_id: int) -> str:
    return stream_name(REPORTS, town_id)


def sensors_stream(town_id: int) -> str:
    return stream_name(SENSORS, town_id)


def room_stream(room_id: int) -> str:
    return stream_name(ROOM, room_id)


def dm_stream(conversation_id: int) -> str:
    return stream_name(DM, conversation_id)


def user_stream(user_id: int) -> str:
    return stream_name(USER, user_id)


def leaderboard_stream(challenge_id: int) -> str:
    return stream_name(LEADERBOARD, challenge_id)


def group_for_stream(name: str) -> str:
    """The channel-layer group of a stream name; raise ValueError if malformed."""
    return parse_stream(name).group
