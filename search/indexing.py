"""The indexes follow the database: after commit, re-read a row and (un)index it.

Every change goes through `schedule_sync`, which waits for the transaction to
commit and then asks the row's kind for its document: a row that is gone, not
live, private or hidden is deleted from the indexes, anything else is
(re)written. Two indexes receive it: the database's own (`search.database`,
always, so that the fallback finds the same documents) and Elasticsearch (when
configured). They therefore never hold what the database would not show,
whatever the order of signals. A failure of either is logged and never fails
the write that caused it; `manage.py search_index --rebuild` catches up.
"""

import logging

from django.db import models, transaction
from elasticsearch import NotFoundError
from elasticsearch.helpers import bulk

from search import backend, database, registry
from search.registry import Kind

logger = logging.getLogger(__name__)

REBUILD_TIMEOUT = 120  # seconds, per bulk request of a rebuild


def schedule_sync(kind: Kind, pk: int, *, dependents: bool = False) -> None:
    """Bring one row's document in line with the database once the write commits.

    With `dependents`, the rows whose visibility follows it (a post's comments,
    a challenge's posts) are resynced too, read after the commit as well.
    """
    transaction.on_commit(lambda: sync(kind, pk, dependents=dependents))


def schedule_sync_object(obj: models.Model, *, dependents: bool = False) -> None:
    kind = registry.kind_for_model(type(obj))
    if kind is not None and obj.pk is not None:
        schedule_sync(kind, obj.pk, dependents=dependents)


def sync(kind: Kind, pk: int, *, dependents: bool = False) -> None:
    """(Re)index or remove one row, from what the database says now."""
    _sync_one(kind, pk)
    if dependents:
        # One level only: a kind lists every row below it (a challenge: its
        # posts and their comments), so there is nothing to recurse into.
        for other, other_pk in kind.dependents(pk):
            _sync_one(other, other_pk)


def _sync_one(kind: Kind, pk: int) -> None:
    obj = kind.model._default_manager.filter(pk=pk).first()
    entry = kind.entry(obj) if obj is not None else None
    try:
        # A savepoint: a failed write must not break the caller's transaction.
        with transaction.atomic():
            if entry is None:
                database.delete(kind.name, pk)
            else:
                database.save(entry)
    except Exception:
        logger.exception("search: could not sync %s %s in the database", kind.name, pk)
    if not backend.is_configured():
        return
    try:
        backend.ensure_index()
        es = backend.client()
        if entry is None:
            try:
                es.delete(index=backend.alias_name(), id=f"{kind.name}-{pk}")
            except NotFoundError:
                pass
        else:
            es.index(
                index=backend.alias_name(),
                id=entry.doc_id,
                document=entry.as_document(),
            )
    except Exception:
        logger.exception("search: could not sync %s %s", kind.name, pk)


def _actions(index: str):
    for kind in registry.kinds():
        for entry in kind.entries():
            yield {
                "_index": index,
                "_id": entry.doc_id,
                "_source": entry.as_document(),
            }


def rebuild(*, before_swap=None) -> tuple[str, int]:
    """Build a complete new index, then move the alias onto it; old ones go.

    `before_swap(index_name)` runs between the build and the swap (tests use it
    to search while the new index exists and the alias still serves the old).
    """
    # Bulk loads take longer than a search: the short search timeout (the point
    # past which a page falls back to the database) does not apply here.
    es = backend.client().options(request_timeout=REBUILD_TIMEOUT)
    name = backend.create_index()
    try:
        count, _errors = bulk(es, _actions(name), refresh=True)
        if before_swap is not None:
            before_swap(name)
        left = backend.swap_alias(name)
    except Exception:
        es.indices.delete(index=name, ignore_unavailable=True)
        raise
    for old in left:
        es.indices.delete(index=old, ignore_unavailable=True)
    return name, count
