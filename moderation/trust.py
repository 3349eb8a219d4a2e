"""Trust levels and sanctions: what a member may do, checked by feeds' actions.

Level 0 (new): until the member has both been here NEW_MEMBER_DAYS days and
published NEW_MEMBER_ACTIVITY posts or comments — unless an ambassador
confirmed their household at the door, which lifts level 0 at once. New members
post no links or pictures, have lower post and chat rates, and write privately
only to members who follow them. Level 2 (trusted): TRUSTED_DAYS and
TRUSTED_ACTIVITY reached, no sanction in that period (or an ambassador or
moderator account); only trusted members' reports hide an item on their own.
"""

import re
from datetime import timedelta
from enum import IntEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ambassadors.models import Onboarding
from community import roles
from community.models import Member
from config.ratelimit import count_hit
from feeds.models import (
    ChatMessage,
    Comment,
    ContentState,
    Follow,
    FollowKind,
    Post,
    PostTarget,
)
from moderation.models import Decision, DecisionAction, Sanction, SanctionKind

LINK_RE = re.compile(r"(https?://|www\.)\S", re.IGNORECASE)


class TrustLevel(IntEnum):
    NEW = 0
    MEMBER = 1
    TRUSTED = 2


def conf(key: str):
    return settings.SMARTCITIZEN["MODERATION"][key]


def household_confirmed(member: Member) -> bool:
    """An ambassador pre-registered the member's household at their door."""
    if member.household_id is None:
        return False
    return Onboarding.objects.filter(household_id=member.household_id).exists()


def activity(member: Member) -> int:
    """Published posts and comments of the member."""
    # A tip's discussion post is opened by a comment (counted below), not written.
    posts = (
        Post.objects.filter(author=member, state=ContentState.PUBLISHED)
        .exclude(target=PostTarget.TIP)
        .count()
    )
    comments = Comment.objects.filter(
        author=member, state=ContentState.PUBLISHED
    ).count()
    return posts + comments


def is_staff_member(member: Member) -> bool:
    user = member.user
    return (
        user.is_superuser
        or user.groups.filter(name__in=(roles.AMBASSADOR, roles.MODERATOR)).exists()
    )


def trust_level(member: Member) -> TrustLevel:
    """The member's trust level now (a few small queries; not cached)."""
    if is_staff_member(member):
        return TrustLevel.TRUSTED
    days = (timezone.now() - member.created_at).days
    done = activity(member)
    if days >= conf("TRUSTED_DAYS") and done >= conf("TRUSTED_ACTIVITY"):
        since = timezone.now() - timedelta(days=conf("TRUSTED_DAYS"))
        sanctioned = Decision.objects.filter(
            member=member,
            created_at__gte=since,
            action__in=(
                DecisionAction.WARN,
                DecisionAction.SUSPEND,
                DecisionAction.BAN,
            ),
        ).exists()
        if not sanctioned:
            return TrustLevel.TRUSTED
    if days >= conf("NEW_MEMBER_DAYS") and done >= conf("NEW_MEMBER_ACTIVITY"):
        return TrustLevel.MEMBER
    if household_confirmed(member):
        return TrustLevel.MEMBER
    return TrustLevel.NEW


def active_sanction(member: Member) -> Sanction | None:
    """The member's ban or running suspension, if any (a ban first)."""
    now = timezone.now()
    return (
        Sanction.objects.filter(member=member, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("kind", "-starts_at")  # "ban" sorts before "suspension"
        .first()
    )


def check_not_sanctioned(member: Member) -> None:
    """Raise a clear ValidationError when the member is suspended or banned."""
    sanction = active_sanction(member)
    if sanction is None:
        return
    if sanction.kind == SanctionKind.BAN:
        raise ValidationError(
            _("Votre compte est exclu : vous ne pouvez plus participer."),
            code="banned",
        )
    raise ValidationError(
        _(
            "Votre compte est suspendu jusqu'au %(date)s : vous ne pouvez ni "
            "publier, ni commenter, ni réagir, ni écrire, ni signaler d'ici là."
        )
        % {"date": formats.date_format(timezone.localtime(sanction.ends_at), "j F Y")},
        code="suspended",
    )


def _check_new_member_rate(member: Member, scope: str) -> None:
    # The same fixed window as feeds.ratelimit, with the lower new-member limit.
    limit, period = conf(f"NEW_{scope.upper()}_RATE")
    count, _left = count_hit(f"moderation:rate:{scope}:{member.pk}", period)
    if count > limit:
        raise ValidationError(
            _(
                "Les nouveaux membres écrivent un peu moins vite : attendez quelques "
                "minutes avant de recommencer. Votre texte est conservé ci-dessous."
            ),
            code="rate_limited",
        )


def _check_no_link(text: str) -> None:
    if LINK_RE.search(text or ""):
        raise ValidationError(
            {
                "body": _(
                    "Les liens sont réservés aux membres installés depuis quelques "
                    "jours ; retirez le lien pour publier."
                )
            },
            code="new_member_link",
        )


def check_can_post(member: Member, *, body: str, image_count: int = 0) -> None:
    """Refuse a post from a sanctioned member, or a new member's link or picture."""
    check_not_sanctioned(member)
    if trust_level(member) > TrustLevel.NEW:
        return
    _check_no_link(body)
    if image_count:
        raise ValidationError(
            {
                "images": _(
                    "Les images sont réservées aux membres installés depuis quelques "
                    "jours."
                )
            },
            code="new_member_image",
        )
    _check_new_member_rate(member, "post")


def check_can_comment(member: Member, *, body: str) -> None:
    """Refuse a comment from a sanctioned member, or a new member's link."""
    check_not_sanctioned(member)
    if trust_level(member) == TrustLevel.NEW:
        _check_no_link(body)


def check_can_react(member: Member) -> None:
    """Refuse a reaction from a sanctioned member."""
    check_not_sanctioned(member)


def follows(follower_id: int, member_id: int) -> bool:
    return Follow.objects.filter(
        follower_id=follower_id,
        kind__in=(FollowKind.MEMBER, FollowKind.AMBASSADOR),
        target_id=member_id,
    ).exists()


def check_can_write_to(member: Member, other_id: int) -> None:
    """A new member writes privately only to members who follow them."""
    check_not_sanctioned(member)
    if trust_level(member) == TrustLevel.NEW and not follows(other_id, member.pk):
        raise ValidationError(
            _(
                "Les nouveaux membres ne peuvent écrire en privé qu'aux membres qui "
                "les suivent."
            ),
            code="new_member_dm",
        )


def check_can_send_message(
    member: Member, *, body: str, other_id: int | None, room_id: int | None = None
) -> None:
    """Refuse a chat message from a sanctioned member; limit new members.

    A new member may always answer someone who wrote to them first.
    """
    answered = (
        other_id is not None
        and room_id is not None
        and ChatMessage.objects.filter(room_id=room_id, author_id=other_id).exists()
    )
    if other_id is not None and not answered:
        check_can_write_to(member, other_id)
    else:
        check_not_sanctioned(member)
    if trust_level(member) == TrustLevel.NEW:
        _check_no_link(body)
        _check_new_member_rate(member, "message")
