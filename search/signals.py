"""Which database changes move the index: page publication, edits and deletions."""

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
    schedule_sync_object(instance.specific_deferred)


def on_row_changed(sender, instance, **kwargs) -> None:
    schedule_sync_object(instance)


def on_subtree_changed(sender, instance, **kwargs) -> None:
    """A move, a new slug or a view restriction changes every page below."""
    page = instance.page if isinstance(instance, PageViewRestriction) else instance
    for kind in registry.kinds():
        if issubclass(kind.model, Page):
            ids = kind.model.objects.descendant_of(page, inclusive=True).values_list(
                "pk", flat=True
            )
            for pk in ids:
                schedule_sync(kind, pk)


def connect() -> None:
    from search import kinds  # noqa: F401  (registers the kinds)

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
    for kind in registry.kinds():
        # Deletion of a page, and any save of a row that is not a page (pages
        # change the index when published, not when a draft is saved).
        post_delete.connect(
            on_row_changed, sender=kind.model, dispatch_uid=f"search_del_{kind.name}"
        )
        if not issubclass(kind.model, Page):
            post_save.connect(
                on_row_changed,
                sender=kind.model,
                dispatch_uid=f"search_save_{kind.name}",
            )
