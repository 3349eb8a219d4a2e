"""Which database changes move the index: page publication, edits and deletions.

Each kind's own rows are connected when it registers (`connect_kind`). Posts and
comments change state in `feeds.actions` through `save(update_fields=
[...])`, so `post_save` sees every creation, edit, hiding and deletion by the
author; none goes through a queryset `.update()` (only the comment counter does,
which the index does not hold).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from search import registry
from search.indexing import schedule_sync, schedule_sync_object


def on_page_changed(sender, instance: Page, **kwargs) -> None:
    # A challenge's posts follow it in and out of the index.
    schedule_sync_object(instance.specific_deferred, dependents=True)


def on_row_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # Only a change of state can move the rows that depend on this one (a
    # post's comments); an edit of the text moves this row alone.
    state_changed = update_fields is None or "state" in update_fields
    schedule_sync_object(instance, dependents=state_changed)


def on_row_changed(sender, instance, **kwargs) -> None:
    schedule_sync_object(instance, dependents=True)


def on_subtree_changed(sender, instance, **kwargs) -> None:
    """A move, a new slug or a view restriction changes every page below."""
    page = instance.page if isinstance(instance, PageViewRestriction) else instance
    for kind in registry.kinds():
        if issubclass(kind.model, Page):
            ids = kind.model.objects.descendant_of(page, inclusive=True).values_list(
                "pk", flat=True
            )
            for pk in ids:
                schedule_sync(kind, pk, dependents=True)


def connect_kind(kind: registry.Kind) -> None:
    """Deletion of a page, and any save of a row that is not a page (pages
    change the index when published, not when a draft is saved)."""
    post_delete.connect(
        on_row_changed, sender=kind.model, dispatch_uid=f"search_del_{kind.name}"
    )
    if not issubclass(kind.model, Page):
        post_save.connect(
            on_row_saved,
            sender=kind.model,
            dispatch_uid=f"search_save_{kind.name}",
        )


def connect() -> None:
    from search import kinds  # noqa: F401  (registers the neighbourhoods)

    page_published.connect(on_page_changed, dispatch_uid="search_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="search_unpublished")
    post_page_move.connect(on_subtree_changed, dispatch_uid="search_moved")
    page_slug_changed.connect(on_subtree_changed, dispatch_uid="search_slug")
    for signal in (post_save, post_delete):
        signal.connect(
            on_subtree_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"search_restriction_{signal is post_save}",
        )
