"""Search without Elasticsearch: the `SearchEntry` table and its full-text index.

Writes: `save`/`delete` (one row, from the after-commit sync) and `rebuild`.
Reads: `search` and `suggest`, for one town and one audience.

User text never reaches a query language as it was typed. `search.text` splits
it into words of letters and digits; on PostgreSQL each word is a bound
parameter of `plainto_tsquery` (plain text, no operators), the prefixes of
suggestions are quoted lexemes; on SQLite every stem is a double-quoted FTS5
string, so `AND`, `NEAR`, `*`, `:` or `"` typed by someone are words or nothing.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from search import registry, text
from search.audience import Audience, allows
from search.models import SearchEntry
from search.registry import Entry

logger = logging.getLogger(__name__)

MAX_RESULTS = 1000  # the page shows at most 100 pages of 10
BULK_SIZE = 500

# Same expressions as the indexes of migration 0002.
PG_VECTOR = (
    "(setweight(to_tsvector('french_unaccent'::regconfig, title), 'A')"
    " || to_tsvector('french_unaccent'::regconfig, summary || ' ' || text)"
    " || setweight(to_tsvector('english_unaccent'::regconfig, title), 'A')"
    " || to_tsvector('english_unaccent'::regconfig, summary || ' ' || text))"
)
PG_TITLE_WORDS = "to_tsvector('simple'::regconfig, title_words)"
PG_CONFIGS = {"fr": "french_unaccent", "en": "english_unaccent"}


# Writing ---------------------------------------------------------------------


def _row(entry: Entry) -> SearchEntry:
    body = f"{entry.summary}\n{entry.text}"
    return SearchEntry(
        kind=entry.kind,
        object_id=entry.pk,
        town_id=entry.town_id,
        title=entry.title,
        url=entry.url,
        summary=entry.summary or "",
        text=entry.text or "",
        domain=entry.domain or "",
        neighbourhood_ids=entry.neighbourhood_ids,
        author_ids=list(entry.author_ids),
        published_at=(
            datetime.fromisoformat(entry.published_at) if entry.published_at else None
        ),
        title_terms=text.index_terms(entry.title),
        body_terms=text.index_terms(body),
        title_words=text.title_words(entry.title),
    )


def _entry(row: SearchEntry) -> Entry:
    neighbourhoods = list(row.neighbourhood_ids or [])
    return Entry(
        kind=row.kind,
        pk=row.object_id,
        town_id=row.town_id,
        title=row.title,
        url=row.url,
        text=row.text,
        summary=row.summary,
        domain=row.domain,
        neighbourhood_id=neighbourhoods[0] if neighbourhoods else None,
        more_neighbourhood_ids=neighbourhoods[1:],
        author_ids=list(row.author_ids or []),
    )


_FIELDS = [
    f.name
    for f in SearchEntry._meta.concrete_fields
    if f.name not in ("id", "kind", "object_id")
]


def save(entry: Entry) -> None:
    """Write one document, replacing the row's previous one."""
    row = _row(entry)
    SearchEntry.objects.update_or_create(
        kind=entry.kind,
        object_id=entry.pk,
        defaults={name: getattr(row, name) for name in _FIELDS},
    )


def delete(kind: str, pk: int) -> None:
    """Take one row's document out, if it was in."""
    SearchEntry.objects.filter(kind=kind, object_id=pk).delete()


def rebuild() -> int:
    """Every indexable row of every kind, in one transaction; answers the count."""
    count = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        batch: list[SearchEntry] = []
        for kind in registry.kinds():
            for entry in kind.entries():
                batch.append(_row(entry))
                if len(batch) >= BULK_SIZE:
                    count += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
    return count


def fill_if_empty() -> int:
    """Build the index when it is empty (a database made before it existed)."""
    if SearchEntry.objects.exists():
        return 0
    return rebuild()


# Reading ---------------------------------------------------------------------


def _fts_string(term: str, prefix: bool = False) -> str:
    return '"' + term.replace('"', '""') + '"' + ("*" if prefix else "")


def _sqlite_match(groups: list[list[str]], languages: list[str], all_words: bool):
    """An FTS5 query: per word, any stem of any alternative; words ANDed."""
    clauses = []
    for group in groups:
        terms = []
        for word in group:
            terms.extend(t for t in text.stems(word, languages) if t not in terms)
        clauses.append("(" + " OR ".join(_fts_string(t) for t in terms) + ")")
    joiner = " AND " if all_words else " OR "
    return "{title_terms body_terms} : (" + joiner.join(clauses) + ")"


def _pg_tsquery(groups: list[list[str]], languages: list[str], all_words: bool):
    parts, params = [], []
    for group in groups:
        alternatives = []
        for word in group:
            for language in languages:
                alternatives.append(f"plainto_tsquery('{PG_CONFIGS[language]}', %s)")
                params.append(word)
        parts.append("(" + " || ".join(alternatives) + ")")
    joiner = " && " if all_words else " || "
    return "(" + joiner.join(parts) + ")", params


def _private_kinds(audience: Audience) -> list[str]:
    return [] if audience.is_member else registry.members_only_names()


def _ranked_ids(
    town_id: int, groups, languages, audience: Audience, all_words: bool
) -> list[int]:
    private = _private_kinds(audience)
    kinds_sql = ""
    if private:
        kinds_sql = " AND e.kind NOT IN (" + ", ".join(["%s"] * len(private)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query, params = _pg_tsquery(groups, languages, all_words)
            cursor.execute(
                f"""SELECT e.id FROM search_searchentry e, (SELECT {query} AS q) s
                    WHERE e.town_id = %s AND {PG_VECTOR} @@ s.q{kinds_sql}
                    ORDER BY ts_rank({PG_VECTOR}, s.q) DESC,
                             e.published_at DESC NULLS LAST, e.id DESC
                    LIMIT %s""",  # noqa: S608 (constants and placeholders only)
                [*params, town_id, *private, MAX_RESULTS],
            )
        else:
            cursor.execute(
                f"""SELECT e.id FROM search_entry_fts f
                    JOIN search_searchentry e ON e.id = f.rowid
                    WHERE search_entry_fts MATCH %s AND e.town_id = %s{kinds_sql}
                    ORDER BY bm25(search_entry_fts, 3.0, 1.0, 0.0),
                             e.published_at DESC, e.id DESC
                    LIMIT %s""",  # noqa: S608 (constants and placeholders only)
                [
                    _sqlite_match(groups, languages, all_words),
                    town_id,
                    *private,
                    MAX_RESULTS,
                ],
            )
        return [row[0] for row in cursor.fetchall()]


def _readable(
    rows: Iterable[SearchEntry], audience: Audience, limit: int | None = None
) -> list[Entry]:
    """The rows' documents this audience may read (not a blocked or muted
    author's), in order, at most `limit`."""
    members_only = set(registry.members_only_names())
    found = []
    for row in rows:
        entry = _entry(row)
        if allows(audience, entry.kind in members_only, entry):
            found.append(entry)
            if len(found) == limit:
                break
    return found


def search(
    town_id: int, query: str, audience: Audience, languages: Iterable[str] = ("fr",)
) -> list[Entry]:
    """The town's documents matching every word (stem, accents folded, synonyms),
    best first; a query of three words or more that matches nothing with all of
    them is answered with those matching some, as Elasticsearch's "75 %" does.
    """
    groups = text.query_groups(query)
    if not groups:
        return []
    languages = ["fr", *(lang for lang in languages if lang != "fr")]
    ids = _ranked_ids(town_id, groups, languages, audience, all_words=True)
    if not ids and len(groups) > 2:
        ids = _ranked_ids(town_id, groups, languages, audience, all_words=False)
    rows = SearchEntry.objects.in_bulk(ids)
    return _readable((rows[pk] for pk in ids if pk in rows), audience)


def suggest(town_id: int, query: str, audience: Audience, limit: int) -> list[Entry]:
    """Titles of the town whose words start with every word typed, accents
    folded ("vel" finds "Vélo")."""
    prefixes = text.prefixes(query)
    if not prefixes:
        return []
    private = _private_kinds(audience)
    rows = SearchEntry.objects.filter(town_id=town_id).exclude(kind__in=private)
    if connection.vendor == "postgresql":
        lexemes = " & ".join("'" + p.replace("'", "''") + "':*" for p in prefixes)
        rows = rows.alias(
            typed=RawSQL(  # noqa: S611 (a constant; the lexemes are a parameter)
                f"{PG_TITLE_WORDS} @@ to_tsquery('simple', %s)",
                [lexemes],
                output_field=BooleanField(),
            )
        ).filter(typed=True)
    else:
        words = " AND ".join(_fts_string(p, prefix=True) for p in prefixes)
        rows = rows.filter(
            id__in=RawSQL(
                "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s",
                ["{title_words} : (" + words + ")"],
            )
        )
    # Shorter titles first: the closest to what is typed. Some rows may be of
    # hidden authors: read a few more than asked.
    found = rows.order_by(Length("title"), "title", "id")[: limit * 4]
    return _readable(found, audience, limit)


def safely(function, *args, default=None, **kwargs):
    """Run a read of the index; a database error answers `default`, logged."""
    try:
        with transaction.atomic():
            return function(*args, **kwargs)
    except DatabaseError:
        logger.exception("search: the database index failed")
        return default
