"""The checks a content app asks before a member writes, and a moderator's hide
from a content page: moderation answers them.

moderation sits above the content apps (it reaches them through `common.kinds`),
yet feeds must ask it whether a member may post, comment, react or write to
someone (trust levels, sanctions: `moderation.trust`), and a moderator hides a
post from its page through moderation's decision (logged, the author told).
moderation registers its implementation here from ModerationConfig.ready();
feeds calls these functions and imports nothing of moderation. Without a
registered implementation every check refuses to run (ImproperlyConfigured):
no write is ever let through unchecked.
"""

from collections.abc import Callable
from types import ModuleType
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from community.models import Member

# What moderation.trust computes for a member (its `Capabilities`): the forms
# and pages read its attributes (`links`, `links_note`, `participate`…).
Capabilities = Any

_implementation: list[ModuleType] = []
_hide: list[Callable[[User, str, int, str], object]] = []


def register(
    implementation: ModuleType, hide: Callable[[User, str, int, str], object]
) -> None:
    """`implementation` answers the checks below (moderation.trust); `hide(user,
    kind, pk, reason)` hides an item as a moderator's decision."""
    _implementation[:] = [implementation]
    _hide[:] = [hide]


def _trust() -> ModuleType:
    if not _implementation:
        raise ImproperlyConfigured("No trust checks registered (moderation).")
    return _implementation[0]


def check_can_post(member: Member, *, body: str, image_count: int = 0) -> None:
    _trust().check_can_post(member, body=body, image_count=image_count)


def check_can_comment(member: Member, *, body: str) -> None:
    _trust().check_can_comment(member, body=body)


def check_can_react(member: Member) -> None:
    _trust().check_can_react(member)


def check_can_write_to(member: Member, other_id: int) -> None:
    _trust().check_can_write_to(member, other_id)


def check_can_send_message(
    member: Member, *, body: str, other_id: int | None, room_id: int | None = None
) -> None:
    _trust().check_can_send_message(
        member, body=body, other_id=other_id, room_id=room_id
    )


def capabilities(member: Member) -> Capabilities:
    return _trust().capabilities(member)


def capabilities_column(member: Member) -> tuple[str, list]:
    """`capabilities`' query as a scalar subquery and its parameters, for a
    page's own query; then `remember_capabilities` with its value."""
    return _trust().capabilities_column(member)


def remember_capabilities(member: Member, value: str) -> None:
    _trust().remember_capabilities(member, value)


def may_write_to(member: Member, other_id: int) -> bool:
    return _trust().may_write_to(member, other_id)


def may_send_in(member: Member, other_id: int | None, room_id: int) -> bool:
    return _trust().may_send_in(member, other_id, room_id)


def hide_as_moderator(user: User, kind: str, pk: int, reason: str) -> object:
    """Hide an item through moderation (the decision logged, the author told)."""
    if not _hide:
        raise ImproperlyConfigured("No moderation registered to hide items.")
    return _hide[0](user, kind, pk, reason)
