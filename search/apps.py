import logging

from django.apps import AppConfig
from django.db import DatabaseError
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def fill_database_index(sender, plan=None, **kwargs) -> None:
    """Index what a database already held when the search tables were made.

    Only when `migrate` just applied this app's migrations (not unapplied
    them): `flush` (between
    tests) sends `post_migrate` without a plan, and later rows reach the index
    through the after-commit sync.
    """
    applied = [m for m, backwards in plan or [] if not backwards]
    if not any(migration.app_label == "search" for migration in applied):
        return
    from search import database

    try:
        count = database.fill_if_empty()
    except DatabaseError:
        logger.exception("search: the database index could not be filled")
        return
    if count:
        logger.info("search: %s documents in the database index", count)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from search import signals

        signals.connect()
        post_migrate.connect(
            fill_database_index, sender=self, dispatch_uid="search_fill_database"
        )
