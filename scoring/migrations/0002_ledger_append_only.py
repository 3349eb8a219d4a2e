"""PostgreSQL refuses UPDATE and DELETE on the points ledger.

The one exception is the erasure action (`scoring.actions.
do_erase_household_scoring`), which sets `scoring.ledger_erasure` with SET LOCAL
inside its own transaction. TRUNCATE (used by test database flushes) is not a
row operation and is not affected. On SQLite (the embedded default) the
model and queryset guards are the only ones.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION scoring_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('scoring.ledger_erasure', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'scoring_ledgerentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER scoring_ledger_append_only
    BEFORE UPDATE OR DELETE ON scoring_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION scoring_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS scoring_ledger_append_only ON scoring_ledgerentry;
DROP FUNCTION IF EXISTS scoring_ledger_append_only();
"""


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
