"""Full-text search indexes for the measures (kcpp/search.py).

A GIN index on each table over the very tsvector expression the search matches on (`Kind.vector` in
kcpp/search.py), so that finding and counting matches never reads a row's text. PostgreSQL only: SQLite
searches without them. Written as SQL rather than `AddIndex` so that the models' state is unchanged; if a
kind's searched fields change, its expression here must change with it (tests/test_search.py checks, on
PostgreSQL, that every search is answered from these indexes).
"""

from django.db import migrations

INDEXES = {
    "measures_measure_search": (
        "measures_measure",
        """((setweight(to_tsvector('english'::regconfig, COALESCE("code", '') || ' ' || COALESCE("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, COALESCE("plan_wording", '')), 'B')) || setweight(to_tsvector('english'::regconfig, COALESCE("definition", '')), 'C'))""",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        # Without a pending list (fastupdate off): rows are indexed as they are written, never left in a list
        # that every search reads through until a VACUUM, which a server without autovacuum never runs.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression})) WITH (fastupdate = off)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0009_scrutiny_snapshots"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
