"""What the search index holds: one `Kind` per sort of content.

A kind says which rows it indexes, which of them may be indexed at all (live,
public, not hidden) and how one becomes a document; the same documents go to
Elasticsearch and to the database's own index (`search.database`), which
answers when Elasticsearch cannot. Apps plug in by registering a kind from
their AppConfig.ready() (`feeds.search_kinds`, `tips.kinds`, `challenges.kinds`,
`ambassadors.kinds`; neighbourhoods in `search/kinds.py`), and feeds registers
what hangs on a page (`register_page_dependents`) and whose writing a member
does not want to see (`register_hidden_authors`): `search` imports no content
app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import models
from django.db.models import QuerySet


@dataclass
class Entry:
    """One document as the index stores it; also one result of the fallback."""

    kind: str
    pk: int
    town_id: int
    title: str
    url: str
    text: str = ""
    summary: str = ""
    domain: str = ""
    neighbourhood_id: int | None = None
    neighbourhood_name: str = ""
    published_at: str | None = None
    # More neighbourhoods than one (an ambassador covers several): the facet
    # counts the document under each.
    more_neighbourhood_ids: list[int] = field(default_factory=list)
    # The members who wrote it (a comment: also the post's author), so that a
    # member who blocked or muted one of them does not find it.
    author_ids: list[int] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return f"{self.kind}-{self.pk}"

    @property
    def neighbourhood_ids(self) -> list[int]:
        first = [self.neighbourhood_id] if self.neighbourhood_id is not None else []
        return first + [i for i in self.more_neighbourhood_ids if i not in first]

    def _neighbourhood_field(self) -> int | list[int] | None:
        ids = self.neighbourhood_ids
        return ids if len(ids) > 1 else self.neighbourhood_id

    def as_document(self) -> dict:
        return {
            "kind": self.kind,
            "pk": self.pk,
            "town_id": self.town_id,
            "title": self.title,
            "url": self.url,
            "text": self.text,
            "summary": self.summary,
            "domain": self.domain or None,
            "neighbourhood_id": self._neighbourhood_field(),
            "neighbourhood_name": self.neighbourhood_name or None,
            "published_at": self.published_at,
            "author_ids": self.author_ids or None,
        }


class Kind(Protocol):
    name: str  # the `kind` field, also the facet value
    label: str  # shown on facets, translatable
    model: type[models.Model]
    # Posts and comments are read by the town's members only: the search leaves
    # them out for anyone else (anonymous visitors, members of another town).
    members_only: bool

    def indexable(self) -> QuerySet:
        """Every row that may be in the index (live, public, not hidden)."""

    def entry(self, obj: models.Model) -> Entry | None:
        """The document of one row, or None when it must not be indexed."""

    def entries(self) -> Iterable[Entry]:
        """The documents of every indexable row, in few queries (rebuilds)."""

    def dependents(self, pk: int) -> Iterable[tuple["Kind", int]]:
        """Rows of other kinds whose visibility follows this one (a post's
        comments, a challenge's posts), resynced with it."""


_kinds: dict[str, Kind] = {}
_page_dependents: list[Callable[[int], Iterable[tuple[Kind, int]]]] = []
_hidden_authors: list[Callable[[object], Iterable[int]]] = []


def register(kind: Kind) -> Kind:
    """Index the kind's rows, kept in sync by the model's signals from now on."""
    from search.signals import connect_kind

    _kinds[kind.name] = kind
    connect_kind(kind)
    return kind


def register_page_dependents(
    dependents: Callable[[int], Iterable[tuple[Kind, int]]],
) -> None:
    """`dependents(page_pk)`: rows of other apps readable only while that page
    is live (a challenge's posts, a tip's comments), resynced with it."""
    if dependents not in _page_dependents:
        _page_dependents.append(dependents)


def page_dependents(pk: int) -> list[tuple[Kind, int]]:
    return [pair for dependents in _page_dependents for pair in dependents(pk)]


def register_hidden_authors(hidden: Callable[[object], Iterable[int]]) -> None:
    """`hidden(member)`: the members whose writing that member does not see
    (blocked, muted, or who blocked them)."""
    if hidden not in _hidden_authors:
        _hidden_authors.append(hidden)


def hidden_authors(member: object) -> frozenset[int]:
    return frozenset(i for hidden in _hidden_authors for i in hidden(member))


def kinds() -> list[Kind]:
    return list(_kinds.values())


def get(name: str) -> Kind | None:
    return _kinds.get(name)


def members_only_names() -> list[str]:
    return [kind.name for kind in _kinds.values() if kind.members_only]


def kind_for_model(model: type[models.Model]) -> Kind | None:
    for kind in _kinds.values():
        if issubclass(model, kind.model):
            return kind
    return None
