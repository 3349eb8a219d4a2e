"""The content-kind registry: how the apps above reach content they do not own.

Each content app registers its kinds (a post, a comment, a chat message, a
resident's tip…) from its AppConfig.ready(): how one row is loaded and shown
(text, url, author, town, neighbourhood), who may report it, how moderation
hides, restores and rewrites it, its search kind. It also registers what it
puts in a member's « Mes données » archive and how it erases a member's or a
household's rows. `moderation`, `mydata` and `search` read this registry and
import no content app (docs/architecture.md, « Layers »).

Registration order is INSTALLED_APPS order (each app's ready()), so erasers
and exporters run in that order, always the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from common.archive import Archive, Erasure
from community.models import Member


@dataclass(frozen=True)
class Shown:
    """One row as moderation shows it, whatever its kind."""

    town_id: int
    author: Member | None
    neighbourhood_id: int | None
    text: str
    url: str
    hidden: bool
    context: str = ""


@dataclass(frozen=True)
class ContentKind:
    """A sort of content: its model and the hooks other layers call.

    `load(pk)` answers the row whatever its state (None when gone);
    `show(obj)` what the queue shows of it (None: not reportable);
    `reportable(reporter, obj)` whether a member who can see it may report it
    (beyond town, hiding and blocks, which moderation checks for every kind).
    The moderation hooks are None when the kind has no such action.
    """

    name: str
    # « cette publication »: what the report form and its messages call it.
    described: str | Promise
    # « Publication »: its name in the moderation queue, journal and filters.
    label: str | Promise
    model: type[Model]
    load: Callable[[int], Model | None]
    show: Callable[[Model], Shown | None]
    reportable: Callable[[Member, Model], bool] = lambda reporter, obj: True
    # hide(obj, moderator or None for an automatic hide, decision)
    hide: Callable[[Model, Any, Any], None] | None = None
    # restore(obj, moderator)
    restore: Callable[[Model, Any], None] | None = None
    # edit(obj, moderator, body): rewrite the text (the original is kept by
    # moderation); None when the kind cannot be edited there.
    edit: Callable[[Model, Any, str], None] | None = None
    # The search kind (search.registry.Kind) that indexes these rows, if any.
    search: Any = None
    # False when the rows have no hidden state of their own (chat messages):
    # moderation keeps it, and `hide`/`restore` only tell the open pages.
    own_hidden_state: bool = True
    # authored(member) -> (published, hidden): how many of the member's rows
    # of this kind are shown and hidden, for the author's history beside a
    # case; None: not counted there.
    authored: Callable[[Member], tuple[int, int]] | None = None


_kinds: dict[str, ContentKind] = {}
_exporters: list[Callable[[Member, Archive], None]] = []
_export_descriptions: list[str] = []
_member_erasers: list[Callable[[Erasure], None]] = []
_household_erasers: list[Callable[[Any, list[str]], None]] = []
_blocked_between: list[Callable[[int, int], bool]] = []
_moderation_hidden: dict[str, Callable[[], QuerySet]] = {}


def register(kind: ContentKind) -> ContentKind:
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> ContentKind | None:
    return _kinds.get(name)


def all_kinds() -> list[ContentKind]:
    return list(_kinds.values())


def search_kinds() -> list[Any]:
    """The search kinds of every registered content kind."""
    return [kind.search for kind in _kinds.values() if kind.search is not None]


def register_export(
    exporter: Callable[[Member, Archive], None], describes: str = ""
) -> None:
    """`exporter(member, archive)` adds the app's documents and files.

    `describes`: the lines of the archive's LISEZMOI.txt that name them
    (« - astuces.json : … ; »), in French as the archive is (mydata writes
    them in the order the apps registered), so that adding a kind touches
    only its own app.
    """
    if exporter not in _exporters:
        _exporters.append(exporter)
        if describes:
            _export_descriptions.append(describes.strip("\n"))


def exporters() -> list[Callable[[Member, Archive], None]]:
    return list(_exporters)


def export_descriptions() -> list[str]:
    """The registered exporters' LISEZMOI.txt lines, in registration order."""
    return list(_export_descriptions)


def register_member_eraser(eraser: Callable[[Erasure], None]) -> None:
    """`eraser(erasure)` removes or anonymises the app's rows of the member.

    Called inside the deletion's transaction, with the member row locked.
    """
    if eraser not in _member_erasers:
        _member_erasers.append(eraser)


def register_household_eraser(eraser: Callable[[Any, list[str]], None]) -> None:
    """`eraser(household, files)` deletes the app's rows of a household that
    left the programme (its last member gone), adding stored files to delete."""
    if eraser not in _household_erasers:
        _household_erasers.append(eraser)


def member_erasers() -> list[Callable[[Erasure], None]]:
    return list(_member_erasers)


def household_erasers() -> list[Callable[[Any, list[str]], None]]:
    return list(_household_erasers)


def register_blocked_between(blocked: Callable[[int, int], bool]) -> None:
    """`blocked(a_id, b_id)`: whether either member blocked the other (feeds)."""
    if blocked not in _blocked_between:
        _blocked_between.append(blocked)


def blocked_between(a_id: int, b_id: int) -> bool:
    return any(blocked(a_id, b_id) for blocked in _blocked_between)


def register_moderation_hidden(name: str, ids: Callable[[], QuerySet]) -> None:
    """`ids()`: the ids of the kind's rows moderation hid, for a kind without a
    hidden state of its own (moderation registers it for chat messages)."""
    _moderation_hidden[name] = ids


def moderation_hidden_ids(name: str) -> QuerySet | None:
    """The ids moderation hid of that kind (a subquery), None when none can be."""
    ids = _moderation_hidden.get(name)
    return ids() if ids is not None else None
