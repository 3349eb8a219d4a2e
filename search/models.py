"""The database's own search index: one row per document, as Elasticsearch has.

It is written by the same after-commit sync as Elasticsearch (`indexing.py`),
from the same `Entry`, so the fallback finds what the index would and nothing
the database would not show. The full-text part depends on the database:

- PostgreSQL: GIN indexes on `to_tsvector('french_unaccent', …)` and
  `to_tsvector('english_unaccent', …)` of the title and body (configurations
  made in migration 0002: PostgreSQL's French and English stemmers after
  `unaccent`), and `to_tsvector('simple', title_words)` for suggestions;
- SQLite: an FTS5 table `search_entry_fts` over `title_terms`, `body_terms`
  (folded Snowball stems, `search.text`) and `title_words`, kept in step with
  this table by triggers (migration 0002).
"""

from django.db import models


class SearchEntry(models.Model):
    """One searchable document of a town, readable by the audience its kind says."""

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    town_id = models.BigIntegerField()
    title = models.TextField()
    url = models.CharField(max_length=500)
    summary = models.TextField(blank=True, default="")
    text = models.TextField(blank=True, default="")
    domain = models.CharField(max_length=30, blank=True, default="")
    neighbourhood_ids = models.JSONField(default=list)
    author_ids = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True)
    # Folded stems (SQLite's full-text index) and folded title words (both
    # databases' suggestions): `search.text`.
    title_terms = models.TextField(blank=True, default="")
    body_terms = models.TextField(blank=True, default="")
    title_words = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_entry_one_per_row"
            )
        ]
        indexes = [models.Index(fields=["town_id", "kind"], name="search_entry_town")]

    def __str__(self) -> str:
        return f"{self.kind}-{self.object_id}"
