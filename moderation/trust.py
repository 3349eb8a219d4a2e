"""Trust levels and sanctions: what a member may do, checked by feeds' actions.

Level 0 (new): until the member has both been here NEW_MEMBER_DAYS days and
published NEW_MEMBER_ACTIVITY posts or comments — unless an ambassador
confirmed their household at the door, which lifts level 0 at once. New members
post no links or pictures, have lower post and chat rates, and write privately
only to members who follow them. Level 2 (trusted): TRUSTED_DAYS and
TRUSTED_ACTIVITY reached, no sanction in that period (or an ambassador or
moderator account); only trusted members' reports hide an item on their own.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import Onboarding
from community.models import Member, Role, TownPage, TownRole
from community.rows import positional
from community.towns import policy
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


def conf(key: str, town: TownPage):
    """One of the town's moderation thresholds (its « Réglages »; no query)."""
    return policy(town).moderation[key]


# The town's thresholds as `read_capabilities` reads them with the member.
_THRESHOLDS = {
    "NEW_MEMBER_DAYS": "new_member_days",
    "NEW_MEMBER_ACTIVITY": "new_member_activity",
    "TRUSTED_DAYS": "trusted_days",
    "TRUSTED_ACTIVITY": "trusted_activity",
}


def household_confirmed(member: Member) -> bool:
    """An ambassador pre-registered the member's household at their door."""
    if member.household_id is None:
        return False
    return Onboarding.objects.filter(household_id=member.household_id).exists()


def _published_posts(author) -> QuerySet[Post]:
    # A tip's discussion post is opened by a comment (counted apart), not written.
    return Post.objects.filter(author=author, state=ContentState.PUBLISHED).exclude(
        target=PostTarget.TIP
    )


def _published_comments(author) -> QuerySet[Comment]:
    return Comment.objects.filter(author=author, state=ContentState.PUBLISHED)


# The roles that make a member staff in their own town (roles are per town: a
# moderator of another town is an ordinary member here).
STAFF_ROLES = (Role.AMBASSADOR, Role.MODERATOR, Role.TOWN_ADMIN)


def _staff_users(town_id) -> QuerySet[User]:
    """Superusers and the holders of a staff role in that town."""
    return User.objects.filter(
        Q(is_superuser=True)
        | Q(
            groups__town_role__town_id=town_id,
            groups__town_role__role__in=STAFF_ROLES,
        )
    )


def _counted(queryset: QuerySet) -> Coalesce:
    rows = queryset.order_by().values("author").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _staff_and_activity_annotations() -> dict:
    """Whether the member's account is staff (superuser, ambassador, moderator)
    and their published posts and comments, as annotations of a member query."""
    return {
        "is_staff": Exists(
            _staff_users(OuterRef("town_id")).filter(pk=OuterRef("user_id"))
        ),
        "n_posts": _counted(_published_posts(OuterRef("pk"))),
        "n_comments": _counted(_published_comments(OuterRef("pk"))),
    }


def _staff_and_activity(member: Member) -> tuple[bool, int]:
    """Whether the account is staff and its published posts and comments, in one
    query (every page asks)."""
    row = (
        Member.objects.filter(pk=member.pk)
        .annotate(**_staff_and_activity_annotations())
        .values("is_staff", "n_posts", "n_comments")
        .get()
    )
    return row["is_staff"], row["n_posts"] + row["n_comments"]


def _recent_sanctions(member, since) -> QuerySet[Decision]:
    """Warnings, suspensions and bans decided about the member since `since`."""
    return Decision.objects.filter(
        member=member,
        created_at__gte=since,
        action__in=(DecisionAction.WARN, DecisionAction.SUSPEND, DecisionAction.BAN),
    )


@dataclass(frozen=True)
class Standing:
    """A member's trust level and, for a new member, how far they are from level 1."""

    level: TrustLevel
    days: int = 0
    activity: int = 0


def standing(member: Member) -> Standing:
    """The member's trust level now and the figures it was read from (not cached)."""
    staff, done = _staff_and_activity(member)
    return _standing(
        member,
        staff,
        done,
        sanctioned=lambda since: _recent_sanctions(member, since).exists(),
        confirmed=lambda: household_confirmed(member),
        limits=policy(member.town).moderation,
    )


def _standing(
    member: Member, staff: bool, done: int, sanctioned, confirmed, limits: dict
) -> Standing:
    """The trust level from the figures read; `sanctioned(since)` and `confirmed()`
    answer the two questions only some members get asked; `limits`: the town's
    thresholds."""
    if staff:
        return Standing(TrustLevel.TRUSTED)
    days = (timezone.now() - member.created_at).days
    if days >= limits["TRUSTED_DAYS"] and done >= limits["TRUSTED_ACTIVITY"]:
        since = timezone.now() - timedelta(days=limits["TRUSTED_DAYS"])
        if not sanctioned(since):
            return Standing(TrustLevel.TRUSTED, days, done)
    if days >= limits["NEW_MEMBER_DAYS"] and done >= limits["NEW_MEMBER_ACTIVITY"]:
        return Standing(TrustLevel.MEMBER, days, done)
    if confirmed():
        return Standing(TrustLevel.MEMBER, days, done)
    return Standing(TrustLevel.NEW, days, done)


def trust_level(member: Member) -> TrustLevel:
    """The member's trust level now (a few small queries; not cached)."""
    return standing(member).level


def _running_sanctions(member, now) -> QuerySet[Sanction]:
    """The member's bans and running suspensions, a ban first."""
    return (
        Sanction.objects.filter(member=member, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("kind", "-starts_at")  # "ban" sorts before "suspension"
    )


def active_sanction(member: Member) -> Sanction | None:
    """The member's ban or running suspension, if any (a ban first)."""
    return _running_sanctions(member, timezone.now()).first()


def sanction_message(sanction: Sanction) -> str:
    """What a ban or a suspension forbids, and until when."""
    if sanction.kind == SanctionKind.BAN:
        return _("Votre compte est exclu : vous ne pouvez plus participer.")
    return _(
        "Votre compte est suspendu jusqu'au %(date)s : vous ne pouvez ni "
        "publier, ni commenter, ni réagir, ni écrire, ni signaler d'ici là."
    ) % {"date": formats.date_format(timezone.localtime(sanction.ends_at), "j F Y")}


def _sanction_code(sanction: Sanction) -> str:
    return "banned" if sanction.kind == SanctionKind.BAN else "suspended"


def check_not_sanctioned(member: Member) -> None:
    """Raise a clear ValidationError when the member is suspended or banned."""
    sanction = active_sanction(member)
    if sanction is None:
        return
    raise ValidationError(sanction_message(sanction), code=_sanction_code(sanction))


def _checked_level(member: Member) -> TrustLevel:
    """The member's trust level, after refusing a sanctioned member; one query
    (`read_capabilities`, the same rules as `trust_level` and
    `check_not_sanctioned`, compared by tests/moderation/test_capabilities.py)."""
    can = read_capabilities(member)
    if not can.participate:
        raise ValidationError(can.sanction, code=can.sanction_code)
    return can.level


def _check_new_member_rate(member: Member, scope: str) -> None:
    # The same fixed window as common.ratelimit, with the lower new-member limit.
    limit, period = policy(member.town).new_member_rates[scope]
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
    if _checked_level(member) > TrustLevel.NEW:
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
    if _checked_level(member) == TrustLevel.NEW:
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


def _answers(other_id: int, room_id: int | None) -> bool:
    """The other member wrote in this conversation: a reply is always allowed."""
    return (
        room_id is not None
        and ChatMessage.objects.filter(room_id=room_id, author_id=other_id).exists()
    )


def check_can_send_message(
    member: Member, *, body: str, other_id: int | None, room_id: int | None = None
) -> None:
    """Refuse a chat message from a sanctioned member; limit new members.

    A new member may always answer someone who wrote to them first.
    """
    if other_id is not None and not _answers(other_id, room_id):
        check_can_write_to(member, other_id)
    else:
        check_not_sanctioned(member)
    if trust_level(member) == TrustLevel.NEW:
        _check_no_link(body)
        _check_new_member_rate(member, "message")


# What the pages offer: the same rules as the checks above, read once per
# request, with the sentence that says why a control is missing and when it
# comes. The checks stay: a forged request is refused all the same.

_CAPABILITIES_ATTR = "_smartcitizen_capabilities"


@dataclass(frozen=True)
class Capabilities:
    """What a member may do now, and why not (see `capabilities`)."""

    level: TrustLevel
    sanction: str = ""  # why the member may not take part at all, if so
    sanction_code: str = ""  # "banned" or "suspended" when `sanction` is set
    days_left: int = 0
    activity_left: int = 0
    confirmable: bool = False  # an ambassador's visit would lift level 0

    @property
    def participate(self) -> bool:
        """Post, comment, react, write and report."""
        return not self.sanction

    @property
    def images(self) -> bool:
        return self.participate and self.level > TrustLevel.NEW

    @property
    def links(self) -> bool:
        return self.level > TrustLevel.NEW

    @property
    def write_to_anyone(self) -> bool:
        """Start a conversation with a member who does not follow them."""
        return self.participate and self.level > TrustLevel.NEW

    def _when(self) -> str:
        days = ngettext("%(count)d jour", "%(count)d jours", self.days_left) % {
            "count": self.days_left
        }
        posts = ngettext(
            "%(count)d publication ou commentaire",
            "%(count)d publications ou commentaires",
            self.activity_left,
        ) % {"count": self.activity_left}
        if self.days_left and self.activity_left:
            when = _("après %(days)s et %(posts)s de plus") % {
                "days": days,
                "posts": posts,
            }
        elif self.days_left:
            when = _("après %(days)s") % {"days": days}
        else:
            when = _("après %(posts)s de plus") % {"posts": posts}
        if self.confirmable:
            return _("%(when)s, ou dès qu'un ambassadeur aura confirmé votre foyer") % {
                "when": when
            }
        return when

    @property
    def images_note(self) -> str:
        if self.images:
            return ""
        if not self.participate:
            return self.sanction
        return _("Les photos seront possibles %(when)s.") % {"when": self._when()}

    @property
    def links_note(self) -> str:
        if self.links:
            return ""
        return _("Les liens seront possibles %(when)s.") % {"when": self._when()}

    @property
    def write_note(self) -> str:
        """Why the member may not start a conversation with a non-follower."""
        if self.write_to_anyone:
            return ""
        if not self.participate:
            return self.sanction
        return _(
            "Les nouveaux membres écrivent en privé seulement aux membres qui les "
            "suivent. Vous pourrez écrire à tous %(when)s."
        ) % {"when": self._when()}


def _tables() -> dict[str, str]:
    models = {
        "member": Member,
        "user": User,
        "user_groups": User.groups.through,
        "town_role": TownRole,
        "post": Post,
        "comment": Comment,
        "decision": Decision,
        "onboarding": Onboarding,
        "sanction": Sanction,
        "town": TownPage,
    }
    return {name: model._meta.db_table for name, model in models.items()}


# `capabilities` in one query, written out: the same rules as `_staff_users`,
# `_published_posts`, `_published_comments`, `_recent_sanctions`,
# `household_confirmed` and `_running_sanctions` (tests/moderation/
# test_capabilities.py compares them through every state). Building it with
# the ORM cost more CPU per page than running it (about 6 ms: five subqueries
# compiled on every request); written out it is read as is.
_CAPABILITIES_SQL = """
SELECT
  EXISTS (
    SELECT 1 FROM "{user}" u
    LEFT JOIN "{user_groups}" ug ON ug.user_id = u.id
    LEFT JOIN "{town_role}" tr ON tr.group_id = ug.group_id
    WHERE u.id = m.user_id
      AND (u.is_superuser OR (tr.town_id = m.town_id
                              AND tr.role IN (%(ambassador)s, %(moderator)s,
                                              %(town_admin)s)))
  ) AS is_staff,
  (SELECT COUNT(*) FROM "{post}" p
   WHERE p.author_id = m.id AND p.state = %(published)s
     AND NOT (p.target = %(tip)s)) AS n_posts,
  (SELECT COUNT(*) FROM "{comment}" c
   WHERE c.author_id = m.id AND c.state = %(published)s) AS n_comments,
  (SELECT MAX(d.created_at) FROM "{decision}" d
   WHERE d.member_id = m.id
     AND d.action IN (%(warn)s, %(suspend)s, %(ban)s)) AS last_sanctioned_at,
  EXISTS (
    SELECT 1 FROM "{onboarding}" o WHERE o.household_id = m.household_id
  ) AS confirmed,
  (SELECT s.kind FROM "{sanction}" s
   WHERE s.member_id = m.id AND s.lifted_at IS NULL
     AND (s.ends_at IS NULL OR s.ends_at > %(now)s)
   ORDER BY s.kind, s.starts_at DESC LIMIT 1) AS sanction_kind,
  (SELECT s.ends_at FROM "{sanction}" s
   WHERE s.member_id = m.id AND s.lifted_at IS NULL
     AND (s.ends_at IS NULL OR s.ends_at > %(now)s)
   ORDER BY s.kind, s.starts_at DESC LIMIT 1) AS sanction_ends_at,
  t.new_member_days, t.new_member_activity, t.trusted_days, t.trusted_activity
FROM "{member}" m
JOIN "{town}" t ON t.page_ptr_id = m.town_id
WHERE m.id = %(member)s
""".format(**_tables())  # noqa: S608 (table names from the models, values as parameters)


def _datetime(value):
    """A datetime column read by a raw query (SQLite gives text)."""
    if value is None or isinstance(value, datetime):
        return value
    return parse_datetime(value)


def capabilities(member: Member) -> Capabilities:
    """What the member may do now, read once per member object (one request).

    One query the first time (groups, activity, recent sanctions, confirmation,
    running sanction: the same rules as `standing` and `active_sanction`); the
    pages ask once, never once per item.
    Nothing is kept between requests, so a sanction or a new level shows at once.
    """
    cached = getattr(member, _CAPABILITIES_ATTR, None)
    if cached is not None:
        return cached
    can = read_capabilities(member)
    setattr(member, _CAPABILITIES_ATTR, can)
    return can


def read_capabilities(member: Member) -> Capabilities:
    """`capabilities` read now, in one query, whatever the member object kept.

    The writes' checks use it: a long-lived member object (a websocket's) must
    not carry a sanction or a level past its change.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CAPABILITIES_SQL, _capabilities_params(member))
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return _capabilities_of(member, row)


def _capabilities_params(member: Member) -> dict:
    return {
        "member": member.pk,
        "ambassador": Role.AMBASSADOR.value,
        "moderator": Role.MODERATOR.value,
        "town_admin": Role.TOWN_ADMIN.value,
        "published": ContentState.PUBLISHED.value,
        "tip": PostTarget.TIP.value,
        "warn": DecisionAction.WARN.value,
        "suspend": DecisionAction.SUSPEND.value,
        "ban": DecisionAction.BAN.value,
        "now": timezone.now(),
    }


def capabilities_column(member: Member) -> tuple[str, list]:
    """`read_capabilities`' query as a scalar subquery answering its row as
    JSON, with positional parameters: a page that reads several things in one
    query takes it (feeds/queries/page_state.py), then `remember_capabilities`."""
    sql, params = positional(_CAPABILITIES_SQL, _capabilities_params(member))
    # The module's own query, values as parameters.
    return f"(SELECT row_to_json(c)::text FROM ({sql}) AS c)", params  # noqa: S608


def remember_capabilities(member: Member, row: str) -> None:
    """What `capabilities` answers for this member object, from the JSON row of
    `capabilities_column` (read now, in the page's query)."""
    setattr(member, _CAPABILITIES_ATTR, _capabilities_of(member, json.loads(row)))


def _capabilities_of(member: Member, row: dict) -> Capabilities:
    # The town's thresholds came with the row: no query for the town.
    limits = {key: row[column] for key, column in _THRESHOLDS.items()}
    last_sanctioned_at = _datetime(row["last_sanctioned_at"])
    standing_now = _standing(
        member,
        bool(row["is_staff"]),
        row["n_posts"] + row["n_comments"],
        sanctioned=lambda since: (
            last_sanctioned_at is not None and last_sanctioned_at >= since
        ),
        confirmed=lambda: bool(row["confirmed"]),
        limits=limits,
    )
    sanction = (
        Sanction(
            kind=row["sanction_kind"],
            ends_at=_datetime(row["sanction_ends_at"]),
        )
        if row["sanction_kind"] is not None
        else None
    )
    return Capabilities(
        level=standing_now.level,
        sanction=sanction_message(sanction) if sanction is not None else "",
        sanction_code=_sanction_code(sanction) if sanction is not None else "",
        days_left=max(0, limits["NEW_MEMBER_DAYS"] - standing_now.days),
        activity_left=max(0, limits["NEW_MEMBER_ACTIVITY"] - standing_now.activity),
        confirmable=member.household_id is not None,
    )


def may_write_to(member: Member, other_id: int) -> bool:
    """`check_can_write_to` without raising: whether to offer « Envoyer un message »."""
    can = capabilities(member)
    if not can.participate:
        return False
    return can.write_to_anyone or follows(other_id, member.pk)


def may_send_in(member: Member, other_id: int | None, room_id: int) -> bool:
    """`check_can_send_message`'s rules without raising: whether to offer the form."""
    can = capabilities(member)
    if not can.participate:
        return False
    if other_id is None or can.write_to_anyone:
        return True
    return _answers(other_id, room_id) or follows(other_id, member.pk)
