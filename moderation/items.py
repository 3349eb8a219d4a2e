"""The things members report, seen through one interface: posts, comments, chat
messages, residents' tips and members. Reads only; the writes are in actions."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from community.models import Member, TownPage
from feeds.access import can_use_room, is_blocked_between
from feeds.models import ChatMessage, Comment, ContentState, Post
from moderation.models import HiddenMessage, ItemKind
from tips.models import TipPage


@dataclass
class Item:
    """A reportable thing, with what the queue shows of it."""

    kind: str
    object_id: int
    obj: Any
    town_id: int
    author: Member | None
    neighbourhood_id: int | None
    text: str
    url: str
    hidden: bool
    context: str = ""

    @property
    def label(self) -> str:
        return str(ItemKind(self.kind).label)

    @property
    def can_hide(self) -> bool:
        return self.kind != ItemKind.MEMBER

    @property
    def can_edit(self) -> bool:
        return self.kind in (ItemKind.POST, ItemKind.COMMENT, ItemKind.MESSAGE)


def _post(post: Post) -> Item:
    return Item(
        ItemKind.POST,
        post.pk,
        post,
        post.town_id,
        post.author,
        post.neighbourhood_id,
        post.body,
        reverse("feeds:post", args=[post.pk]),
        post.state == ContentState.HIDDEN,
    )


def load(kind: str, object_id: int) -> Item | None:
    """The item of that kind and id (whatever its state), or None."""
    if kind == ItemKind.POST:
        post = Post.objects.select_related("author").filter(pk=object_id).first()
        return _post(post) if post else None
    if kind == ItemKind.COMMENT:
        comment = (
            Comment.objects.select_related("author", "post")
            .filter(pk=object_id)
            .first()
        )
        if comment is None:
            return None
        return Item(
            kind,
            comment.pk,
            comment,
            comment.post.town_id,
            comment.author,
            comment.post.neighbourhood_id,
            comment.body,
            reverse("feeds:post", args=[comment.post_id]) + f"#comment-{comment.pk}",
            comment.state == ContentState.HIDDEN,
            context=comment.post.body,
        )
    if kind == ItemKind.MESSAGE:
        message = (
            ChatMessage.objects.select_related("author", "room")
            .filter(pk=object_id)
            .first()
        )
        if message is None:
            return None
        before = list(
            ChatMessage.objects.filter(room_id=message.room_id, pk__lt=message.pk)
            .select_related("author")
            .order_by("-pk")[:3]
        )
        context = "\n".join(
            f"{row.author.display_name} : {row.body}" for row in reversed(before)
        )
        return Item(
            kind,
            message.pk,
            message,
            message.room.town_id,
            message.author,
            message.room.neighbourhood_id,
            message.body,
            reverse("feeds:room", args=[message.room_id]),
            HiddenMessage.objects.filter(message=message).exists(),
            context=context,
        )
    if kind == ItemKind.TIP:
        tip = TipPage.objects.filter(pk=object_id).select_related("author").first()
        if tip is None or tip.author_id is None:
            return None
        town = TownPage.objects.ancestor_of(tip).first()
        if town is None:
            return None
        return Item(
            kind,
            tip.pk,
            tip,
            town.pk,
            tip.author,
            None,
            f"{tip.title}\n{tip.summary}",
            tip.url or "",
            not tip.live,
        )
    if kind == ItemKind.MEMBER:
        member = Member.objects.select_related("household").filter(pk=object_id).first()
        if member is None:
            return None
        return Item(
            kind,
            member.pk,
            member,
            member.town_id,
            member,
            member.household.neighbourhood_id if member.household else None,
            member.display_name,
            reverse("feeds:member", args=[member.pk]),
            False,
        )
    return None


def access_reportable(reporter: Member, kind: str, object_id: int) -> Item:
    """An item the reporter can see and may report, or 404 (like an unknown id)."""
    item = load(kind, object_id)
    if item is None or item.town_id != reporter.town_id or item.hidden:
        raise Http404
    obj = item.obj
    if kind in (ItemKind.POST, ItemKind.COMMENT) and (
        obj.state != ContentState.PUBLISHED
        or (kind == ItemKind.COMMENT and obj.post.state != ContentState.PUBLISHED)
    ):
        raise Http404
    if kind == ItemKind.MESSAGE and not can_use_room(reporter, obj.room):
        raise Http404
    if kind == ItemKind.TIP and not obj.live:
        raise Http404
    if item.author is not None and is_blocked_between(reporter.pk, item.author.pk):
        raise Http404
    return item


def describe(kind: str) -> str:
    return {
        ItemKind.POST: _("cette publication"),
        ItemKind.COMMENT: _("ce commentaire"),
        ItemKind.MESSAGE: _("ce message"),
        ItemKind.TIP: _("cette astuce"),
        ItemKind.MEMBER: _("ce membre"),
    }.get(kind, "")
