"""What the search index holds: one `Kind` per sort of content.

A kind says which rows it indexes, which of them may be indexed at all (live,
public, not hidden), how one becomes a document, and how the database answers
when Elasticsearch cannot. Apps plug in by registering a kind (see `kinds.py`);
nothing else in `search` knows their models.
"""

from collections.abc import Iterable
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
    extra: dict = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return f"{self.kind}-{self.pk}"

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
            "neighbourhood_id": self.neighbourhood_id,
            "neighbourhood_name": self.neighbourhood_name or None,
            "published_at": self.published_at,
        }


class Kind(Protocol):
    name: str  # the `kind` field, also the facet value
    label: str  # shown on facets, translatable
    model: type[models.Model]

    def indexable(self) -> QuerySet:
        """Every row that may be in the index (live, public, not hidden)."""

    def entry(self, obj: models.Model) -> Entry | None:
        """The document of one row, or None when it must not be indexed."""

    def entries(self) -> Iterable[Entry]:
        """The documents of every indexable row, in few queries (rebuilds)."""

    def fallback(self, town: models.Model, query: str) -> list[Entry]:
        """Rows of one town matching a query, from the database alone."""


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _kinds[kind.name] = kind
    return kind


def kinds() -> list[Kind]:
    return list(_kinds.values())


def get(name: str) -> Kind | None:
    return _kinds.get(name)


def kind_for_model(model: type[models.Model]) -> Kind | None:
    for kind in _kinds.values():
        if issubclass(model, kind.model):
            return kind
    return None
