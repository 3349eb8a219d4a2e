"""The things members report, seen through one interface: posts, comments, chat
messages, residents' tips and members. Reads only; the writes are in actions.

Moderation imports no content app: each registers its kinds in `common.kinds`
(feeds/kinds.py, tips/kinds.py), saying how a row is loaded, shown, reported,
hidden, restored and edited. Members are registered here (moderation warns,
suspends and bans them; they are never hidden).
"""

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from common import kinds
from common.kinds import ContentKind, Shown
from community.models import Member
from moderation.models import MEMBER, HiddenMessage


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
    def content_kind(self) -> ContentKind:
        return kinds.get(self.kind)

    @property
    def label(self) -> str:
        kind = kinds.get(self.kind)
        return str(kind.label) if kind is not None else self.kind

    @property
    def can_hide(self) -> bool:
        return self.content_kind.hide is not None

    @property
    def can_edit(self) -> bool:
        return self.content_kind.edit is not None


def load(kind: str, object_id: int) -> Item | None:
    """The item of that kind and id (whatever its state), or None."""
    content = kinds.get(kind)
    if content is None:
        return None
    obj = content.load(object_id)
    shown = content.show(obj) if obj is not None else None
    if shown is None:
        return None
    hidden = shown.hidden
    if not content.own_hidden_state:
        ids = kinds.moderation_hidden_ids(kind)
        hidden = (
            ids is not None
            and content.model._default_manager.filter(pk=obj.pk, pk__in=ids).exists()
        )
    return Item(
        kind,
        obj.pk,
        obj,
        shown.town_id,
        shown.author,
        shown.neighbourhood_id,
        shown.text,
        shown.url,
        hidden,
        context=shown.context,
    )


def access_reportable(reporter: Member, kind: str, object_id: int) -> Item:
    """An item the reporter can see and may report, or 404 (like an unknown id)."""
    item = load(kind, object_id)
    if item is None or item.town_id != reporter.town_id or item.hidden:
        raise Http404
    if not item.content_kind.reportable(reporter, item.obj):
        raise Http404
    if item.author is not None and kinds.blocked_between(reporter.pk, item.author.pk):
        raise Http404
    return item


def describe(kind: str) -> str:
    content = kinds.get(kind)
    return str(content.described) if content is not None else ""


def _load_member(pk: int) -> Member | None:
    return Member.objects.select_related("household").filter(pk=pk).first()


def _show_member(member: Member) -> Shown:
    return Shown(
        town_id=member.town_id,
        author=member,
        neighbourhood_id=member.household.neighbourhood_id
        if member.household
        else None,
        text=member.display_name,
        url=reverse("feeds:member", args=[member.pk]),
        hidden=False,
    )


def _hidden_messages():
    # A subquery of message ids, filtered by `load` and excluded by feeds.
    return HiddenMessage.objects.values_list("message_id", flat=True)


def register_all() -> None:
    """Called once from ModerationConfig.ready()."""
    kinds.register(
        ContentKind(
            name=MEMBER,
            described=gettext_lazy("ce membre"),
            label=gettext_lazy("Membre"),
            model=Member,
            load=_load_member,
            show=_show_member,
        )
    )
    kinds.register_moderation_hidden("message", _hidden_messages)
