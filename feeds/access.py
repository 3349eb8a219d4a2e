"""Who may read what: the checks shared by pages, actions and real-time streams."""

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q

from community.models import Member
from feeds.models import Block, ChatRoom, Mute, RoomKind

# Written out: the ORM spent more CPU building this UNION on every feed and
# post page than the database spent running it (issue 14).
_BLOCK, _MUTE = Block._meta.db_table, Mute._meta.db_table
_HIDDEN_SQL = f"""
SELECT blocked_id FROM "{_BLOCK}" WHERE blocker_id = %s
UNION SELECT blocker_id FROM "{_BLOCK}" WHERE blocked_id = %s
UNION SELECT muted_id FROM "{_MUTE}" WHERE muter_id = %s
"""  # noqa: S608 (table names from the models, values as parameters)
_HIDDEN_KINDS_SQL = f"""
SELECT blocked_id, 1 FROM "{_BLOCK}" WHERE blocker_id = %s
UNION ALL SELECT blocker_id, 1 FROM "{_BLOCK}" WHERE blocked_id = %s
UNION ALL SELECT muted_id, 0 FROM "{_MUTE}" WHERE muter_id = %s
"""  # noqa: S608 (table names from the models, values as parameters)
_BLOCKED_SQL = f"""
SELECT blocked_id FROM "{_BLOCK}" WHERE blocker_id = %s
UNION SELECT blocker_id FROM "{_BLOCK}" WHERE blocked_id = %s
"""  # noqa: S608 (table names from the models, values as parameters)


def blocked_ids(member: Member) -> set[int]:
    """Members this member blocked or is blocked by: neither sees the other."""
    with connection.cursor() as cursor:
        cursor.execute(_BLOCKED_SQL, [member.pk, member.pk])
        return {pk for (pk,) in cursor.fetchall()}


def hidden_and_blocked_ids(member: Member) -> tuple[set[int], set[int]]:
    """`hidden_author_ids` and `blocked_ids` in one query (the post page)."""
    with connection.cursor() as cursor:
        cursor.execute(*hidden_kinds_sql(member.pk))
        return hidden_and_blocked(cursor.fetchall())


def hidden_kinds_sql(member_id: int) -> tuple[str, list]:
    """The rows (member id, 1 if a block else 0) of `hidden_and_blocked_ids`,
    and the query's parameters (feeds/queries/page_state.py reads them in its
    own query)."""
    return _HIDDEN_KINDS_SQL, [member_id, member_id, member_id]


def hidden_and_blocked(rows) -> tuple[set[int], set[int]]:
    """`hidden_and_blocked_ids` from the rows of `hidden_kinds_sql`."""
    hidden: set[int] = set()
    blocked: set[int] = set()
    for pk, is_block in rows:
        hidden.add(pk)
        if is_block:
            blocked.add(pk)
    return hidden, blocked


def hidden_author_ids(member: Member) -> set[int]:
    """Authors whose posts and comments this member does not see in lists.

    One query (every feed and post page asks): blocked, blocking and muted
    members together.
    """
    with connection.cursor() as cursor:
        cursor.execute(_HIDDEN_SQL, [member.pk, member.pk, member.pk])
        return {pk for (pk,) in cursor.fetchall()}


def hidden_member_ids_of_user(user: User) -> set[int]:
    """`hidden_author_ids` of the user's member, from the user, in one query.

    What a websocket connection filters live events by (realtime/viewers.py);
    empty for a user without a member profile.
    """
    blocked = Block.objects.filter(blocker__user=user).values_list("blocked_id")
    blocking = Block.objects.filter(blocked__user=user).values_list("blocker_id")
    muted = Mute.objects.filter(muter__user=user).values_list("muted_id")
    rows = blocked.order_by().union(blocking.order_by(), muted.order_by())
    return {pk for (pk,) in rows}


def hides(viewer_id: int, other_id: int) -> bool:
    """Whether `other`'s posts and comments are hidden from `viewer` (a query or
    two): blocked either way, or muted by the viewer."""
    return (
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=other_id)
            | Q(blocker_id=other_id, blocked_id=viewer_id)
        ).exists()
        or Mute.objects.filter(muter_id=viewer_id, muted_id=other_id).exists()
    )


def is_blocked_between(a_id: int, b_id: int) -> bool:
    """Whether either member blocked the other."""
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def can_use_room(member: Member | None, room: ChatRoom) -> bool:
    """A neighbourhood room: its neighbourhood's members; a conversation: its two,
    unless one blocked the other."""
    if member is None or member.town_id != room.town_id:
        return False
    if room.kind == RoomKind.DIRECT:
        # A block closes the conversation for both: neither reads nor writes.
        return member.pk in (
            room.member_low_id,
            room.member_high_id,
        ) and not is_blocked_between(room.member_low_id, room.member_high_id)
    household = member.household
    return household is not None and household.neighbourhood_id == room.neighbourhood_id


def _member_of(user: User) -> Member | None:
    return Member.objects.select_related("household").filter(user=user).first()


def can_read_room(user: User, room_id: int) -> bool:
    """Stream `room:<id>`: the members of the room's neighbourhood."""
    room = ChatRoom.objects.filter(pk=room_id, kind=RoomKind.NEIGHBOURHOOD).first()
    return room is not None and can_use_room(_member_of(user), room)


def can_read_dm(user: User, room_id: int) -> bool:
    """Stream `dm:<id>`: the conversation's two members."""
    room = ChatRoom.objects.filter(pk=room_id, kind=RoomKind.DIRECT).first()
    return room is not None and can_use_room(_member_of(user), room)
