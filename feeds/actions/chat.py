"""Writes of chat rooms and messages; a message is committed before it is shown."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from common import ratelimit, trust
from community.models import Member, Neighbourhood
from feeds import rendering
from feeds.access import can_use_room, is_blocked_between
from feeds.actions.posts import clean_client_key, clean_text
from feeds.models import ChatMessage, ChatRoom, NotificationKind, ReadMarker, RoomKind
from feeds.models.chat import MESSAGE_MAX_LENGTH
from feeds.notify import notify_member
from realtime.groups import dm_stream, room_stream
from realtime.publish import publish


def room_stream_name(room: ChatRoom) -> str:
    return dm_stream(room.pk) if room.is_direct else room_stream(room.pk)


def get_or_create_neighbourhood_room(neighbourhood: Neighbourhood) -> ChatRoom:
    """The chat room of a neighbourhood, created the first time it is needed."""
    room, _created = ChatRoom.objects.get_or_create(
        neighbourhood=neighbourhood,
        defaults={"kind": RoomKind.NEIGHBOURHOOD, "town_id": neighbourhood.town_id},
    )
    return room


def get_or_create_direct_room(member: Member, other: Member) -> ChatRoom:
    """The conversation of two members of one town; refused when either blocked."""
    if other.pk == member.pk or other.town_id != member.town_id:
        raise ValidationError(_("Vous ne pouvez pas écrire à ce membre."))
    if is_blocked_between(member.pk, other.pk):
        raise ValidationError(_("Vous ne pouvez pas écrire à ce membre."))
    trust.check_can_write_to(member, other.pk)
    low, high = sorted((member.pk, other.pk))
    room, _created = ChatRoom.objects.get_or_create(
        member_low_id=low,
        member_high_id=high,
        defaults={"kind": RoomKind.DIRECT, "town_id": member.town_id},
    )
    return room


def check_send_message(
    author: Member, room: ChatRoom, *, body: str, client_key: str
) -> ChatMessage:
    """Store a message then publish it; the same client key stores it once."""
    if not can_use_room(author, room):
        raise PermissionDenied
    key = clean_client_key(client_key)
    existing = ChatMessage.objects.filter(author=author, client_key=key).first()
    if existing is not None:
        return existing
    body = clean_text(body, MESSAGE_MAX_LENGTH)
    other_id = room.other_member_id(author.pk)
    if other_id is not None and is_blocked_between(author.pk, other_id):
        raise ValidationError(_("Vous ne pouvez pas écrire à ce membre."))
    trust.check_can_send_message(author, body=body, other_id=other_id, room_id=room.pk)
    ratelimit.check_rate(author, "message")
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(
                room=room, author=author, body=body, client_key=key
            )
            ChatRoom.objects.filter(pk=room.pk).update(
                last_message_id=message.pk, last_message_at=message.created_at
            )
            _set_marker(author, room, message.pk)
            publish(
                room_stream_name(room),
                "message.created",
                {
                    "html": rendering.render_message(message),
                    "item": f"message-{message.pk}",
                    "author_id": author.pk,
                },
                members=[author.pk],
            )
            if other_id is not None:
                notify_member(
                    other_id, author, NotificationKind.MESSAGE, room=room, quote=body
                )
    except IntegrityError:
        existing = ChatMessage.objects.filter(author=author, client_key=key).first()
        if existing is None:
            raise
        return existing
    return message


def _set_marker(member: Member, room: ChatRoom, message_id: int) -> None:
    # Markers only move forward: an old tab cannot mark newer messages unread.
    updated = ReadMarker.objects.filter(room=room, member=member).update(
        last_read_id=Greatest(F("last_read_id"), Value(message_id))
    )
    if not updated:
        ReadMarker.objects.get_or_create(
            room=room, member=member, defaults={"last_read_id": message_id}
        )


def do_mark_read(member: Member, room: ChatRoom, message_id: int | None = None) -> None:
    """Mark a room read up to a message (by default its newest)."""
    if not can_use_room(member, room):
        raise PermissionDenied
    _set_marker(member, room, message_id or room.last_message_id)


def publish_message_removed(message: ChatMessage) -> None:
    """Tell the room's open pages that a message was hidden by moderation."""
    publish(
        room_stream_name(message.room),
        "message.removed",
        {"remove": True, "item": f"message-{message.pk}"},
        members=[message.author_id],
    )


def publish_message_restored(message: ChatMessage) -> None:
    """Show a message again on the room's open pages (moderation restored it)."""
    publish(
        room_stream_name(message.room),
        "message.created",
        {
            "html": rendering.render_message(message),
            "item": f"message-{message.pk}",
            "author_id": message.author_id,
        },
        members=[message.author_id],
    )
