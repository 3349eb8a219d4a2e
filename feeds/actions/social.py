"""Writes of follows, mutes, blocks and notification preferences."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from community.models import Member, Neighbourhood
from feeds.access import hides, is_blocked_between
from feeds.actions.posts import open_challenge_id
from feeds.models import (
    Block,
    Follow,
    FollowKind,
    Mute,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from feeds.notify import notify_member
from realtime.publish import publish_hides


def _check_follow_target(member: Member, kind: str, target_id: int) -> None:
    if kind in (FollowKind.MEMBER, FollowKind.AMBASSADOR):
        if target_id == member.pk:
            raise ValidationError(_("Vous ne pouvez pas vous suivre vous-même."))
        if not Member.objects.filter(pk=target_id, town_id=member.town_id).exists():
            raise ValidationError(_("Ce membre n'existe pas."))
        if is_blocked_between(member.pk, target_id):
            raise ValidationError(_("Vous ne pouvez pas suivre ce membre."))
    elif kind == FollowKind.NEIGHBOURHOOD:
        if not Neighbourhood.objects.filter(
            pk=target_id, town_id=member.town_id
        ).exists():
            raise ValidationError(_("Ce quartier n'existe pas."))
    elif kind == FollowKind.CHALLENGE:
        if open_challenge_id(member, target_id) is None:
            raise ValidationError(_("Ce défi n'existe pas ou est terminé."))
    else:
        raise ValidationError(_("Ceci ne peut pas être suivi."))


def do_follow(member: Member, kind: str, target_id: int) -> Follow:
    """Follow a member or a neighbourhood (ambassadors and challenges later)."""
    _check_follow_target(member, kind, target_id)
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            follower=member, kind=kind, target_id=target_id
        )
        if created and kind in (FollowKind.MEMBER, FollowKind.AMBASSADOR):
            notify_member(target_id, member, NotificationKind.FOLLOW)
    return follow


def do_unfollow(member: Member, kind: str, target_id: int) -> None:
    """Stop following something."""
    Follow.objects.filter(follower=member, kind=kind, target_id=target_id).delete()


def _tell_connections(member: Member, other: Member, *, both: bool) -> None:
    """Have the open websockets of `member` (and of `other` when `both`) filter
    live events by the new state (realtime.publish.publish_hides)."""
    publish_hides(member.user_id, other.pk, hides(member.pk, other.pk))
    if both:
        publish_hides(other.user_id, member.pk, hides(other.pk, member.pk))


def do_mute(member: Member, other: Member) -> None:
    """Hide another member's posts and comments from this member's lists."""
    if other.pk == member.pk:
        raise ValidationError(_("Vous ne pouvez pas vous masquer vous-même."))
    with transaction.atomic():
        Mute.objects.get_or_create(muter=member, muted=other)
        publish_hides(member.user_id, other.pk, True)


def do_unmute(member: Member, other: Member) -> None:
    """Show a muted member again."""
    with transaction.atomic():
        Mute.objects.filter(muter=member, muted=other).delete()
        _tell_connections(member, other, both=False)


def do_block(member: Member, other: Member) -> None:
    """Block another member: neither sees the other; follows between them end."""
    if other.pk == member.pk:
        raise ValidationError(_("Vous ne pouvez pas vous bloquer vous-même."))
    with transaction.atomic():
        Block.objects.get_or_create(blocker=member, blocked=other)
        people = (FollowKind.MEMBER, FollowKind.AMBASSADOR)
        Follow.objects.filter(
            Q(follower=member, target_id=other.pk)
            | Q(follower=other, target_id=member.pk),
            kind__in=people,
        ).delete()
        publish_hides(member.user_id, other.pk, True)
        publish_hides(other.user_id, member.pk, True)


def do_unblock(member: Member, other: Member) -> None:
    """Lift a block this member set (a block set by the other stays)."""
    with transaction.atomic():
        Block.objects.filter(blocker=member, blocked=other).delete()
        _tell_connections(member, other, both=True)


def do_set_notification_preferences(member: Member, choices: dict[str, str]) -> None:
    """Store how a member wants each kind of notification."""
    with transaction.atomic():
        for kind, channel in choices.items():
            if kind not in NotificationKind.values:
                continue
            if channel not in NotificationChannel.values:
                raise ValidationError(_("Choix inconnu."))
            NotificationPreference.objects.update_or_create(
                member=member, kind=kind, defaults={"channel": channel}
            )
