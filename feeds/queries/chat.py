"""Reads of chat rooms and messages: history by cursor, unread counts."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from common import kinds
from community.models import Member
from feeds.access import can_use_room
from feeds.models import ChatMessage, ChatRoom, ReadMarker, RoomKind
from feeds.queries.posts import FeedPage, hidden_q

HISTORY_PAGE_SIZE = 30


def access_room(viewer: Member, room_id: int) -> ChatRoom:
    """A room the viewer may use, or 404 (the same as an unknown id)."""
    room = (
        ChatRoom.objects.select_related("neighbourhood", "member_low", "member_high")
        .filter(pk=room_id, town_id=viewer.town_id)
        .first()
    )
    if room is None or not can_use_room(viewer, room):
        raise Http404
    return room


def rooms_of(viewer: Member) -> QuerySet[ChatRoom]:
    """The viewer's neighbourhood room and conversations, with unread counts.

    One query: the unread count compares each room's messages with the viewer's
    read marker in a subquery.
    """
    marker = ReadMarker.objects.filter(room=OuterRef("pk"), member=viewer).values(
        "last_read_id"
    )[:1]
    neighbourhood_id = viewer.household.neighbourhood_id if viewer.household else None
    mine = Q(kind=RoomKind.DIRECT) & (Q(member_low=viewer) | Q(member_high=viewer))
    if neighbourhood_id is not None:
        mine |= Q(kind=RoomKind.NEIGHBOURHOOD, neighbourhood_id=neighbourhood_id)
    return (
        ChatRoom.objects.filter(mine, town_id=viewer.town_id)
        .select_related("neighbourhood", "member_low", "member_high")
        .annotate(
            read_up_to=Coalesce(Subquery(marker), Value(0)),
        )
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__id__gt=Coalesce(Subquery(marker), Value(0)))
                & ~Q(messages__author=viewer),
            )
        )
        .order_by("kind", "-last_message_id")
    )


def room_history(viewer: Member, room: ChatRoom, before: str | None) -> FeedPage:
    """A page of a room's messages, oldest first, ending before a message id.

    Messages by members the viewer muted or blocked are left out.
    """
    queryset = (
        ChatMessage.objects.filter(room=room)
        .exclude(hidden_q(viewer))
        .select_related("author")
    )
    # Messages moderation hid (its own rows: moderation sits above feeds).
    hidden = kinds.moderation_hidden_ids("message")
    if hidden is not None:
        queryset = queryset.exclude(pk__in=hidden)
    try:
        before_id = int(before) if before else None
    except ValueError:
        before_id = None
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset.order_by("-id")[: HISTORY_PAGE_SIZE + 1])
    older = None
    if len(rows) > HISTORY_PAGE_SIZE:
        rows = rows[:HISTORY_PAGE_SIZE]
        older = str(rows[-1].pk)
    rows.reverse()
    return FeedPage(items=rows, next_cursor=older)
