"""The full-text part of the database index, different on each database.

PostgreSQL: the `unaccent` extension (trusted since PostgreSQL 13: the
database's owner may create it), two text search configurations,
`french_unaccent` and `english_unaccent` (the French and English Snowball
stemmers after `unaccent`, so "économisez", "economiser" and "économiser" share
a lexeme), and GIN indexes on the expressions `search.database` queries.

SQLite: an FTS5 table over the folded stems `search.text` writes, with the
triggers of SQLite's external-content recipe, so that every insert, update and
delete of `search_searchentry` (including Django's bulk deletes) reaches it.
"""

from django.db import migrations

# Must stay identical to search.database.PG_VECTOR / PG_TITLE_WORDS, or
# PostgreSQL will not use these indexes.
PG_VECTOR = (
    "(setweight(to_tsvector('french_unaccent'::regconfig, title), 'A')"
    " || to_tsvector('french_unaccent'::regconfig, summary || ' ' || text)"
    " || setweight(to_tsvector('english_unaccent'::regconfig, title), 'A')"
    " || to_tsvector('english_unaccent'::regconfig, summary || ' ' || text))"
)
PG_TITLE_WORDS = "to_tsvector('simple'::regconfig, title_words)"

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    *(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{lang}_unaccent')
          THEN
            CREATE TEXT SEARCH CONFIGURATION {lang}_unaccent (COPY = {lang});
            ALTER TEXT SEARCH CONFIGURATION {lang}_unaccent
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {lang}_stem;
          END IF;
        END $$
        """  # noqa: S608 (no user input in a migration)
        for lang in ("french", "english")
    ),
    f"CREATE INDEX search_entry_vector ON search_searchentry USING gin ({PG_VECTOR})",
    "CREATE INDEX search_entry_title_words ON search_searchentry"
    f" USING gin ({PG_TITLE_WORDS})",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_title_words",
    "DROP INDEX IF EXISTS search_entry_vector",
    # The configurations and the extension stay: other objects may use them.
]

_FTS_COLUMNS = "title_terms, body_terms, title_words"
_NEW = "new.id, new.title_terms, new.body_terms, new.title_words"
_OLD = "'delete', old.id, old.title_terms, old.body_terms, old.title_words"
SQLITE = [
    f"""CREATE VIRTUAL TABLE search_entry_fts USING fts5({_FTS_COLUMNS},
        content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_searchentry
        BEGIN
          INSERT INTO search_entry_fts(rowid, {_FTS_COLUMNS}) VALUES ({_NEW});
        END""",  # noqa: S608
    f"""CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_searchentry
        BEGIN
          INSERT INTO search_entry_fts(search_entry_fts, rowid, {_FTS_COLUMNS})
          VALUES ({_OLD});
        END""",  # noqa: S608
    f"""CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_searchentry
        BEGIN
          INSERT INTO search_entry_fts(search_entry_fts, rowid, {_FTS_COLUMNS})
          VALUES ({_OLD});
          INSERT INTO search_entry_fts(rowid, {_FTS_COLUMNS}) VALUES ({_NEW});
        END""",  # noqa: S608
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_entries")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
