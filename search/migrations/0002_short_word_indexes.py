"""Gram indexes for one- and two-character queries on PostgreSQL (no-op on SQLite).

A trigram index cannot serve a query shorter than three characters, and most
Chinese words are two: such a query scanned every duty (about 100 ms at
200,000 duties for a word found nowhere). ``orgduties_grams(text)`` is the
text's characters and pairs of neighbouring characters; a GIN index on it
over ``UPPER(column)`` answers "contains this one- or two-character word" exactly,
with no recheck (0.1 ms for a word found nowhere, 5 ms for one in 60,000 duties).
Small tables get one too: four LIKEs over 20,000 position titles and codes
cost 24 ms.

The function is plain SQL over built-ins of pg_catalog, so it works under the
empty search_path of pg_dump's restore. It is IMMUTABLE, as an index needs.
Its COST tells the planner that computing it row by row is dear: priced as
a cheap function, a word found in 100,000 duties was looked for by a
sequential scan computing the grams of every row (3 s instead of 30 ms).
"""

from django.db import migrations

# Every field search.search reads.
INDEXES = [
    ("positions_duty", "text"),
    ("positions_duty", "process_steps"),
    ("positions_position", "title"),
    ("positions_position", "code"),
    ("kpis_kpi", "text"),
    ("kpis_kpi", "metric"),
    ("kpis_form", "name"),
    ("kpis_form", "code"),
    ("kpis_form", "description"),
    ("departments_department", "name"),
    ("departments_department", "aliases"),
    ("departments_department", "code"),
]

FUNCTION = """
CREATE OR REPLACE FUNCTION orgduties_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
  SELECT pg_catalog.string_to_array(t, NULL) || ARRAY(
    SELECT pg_catalog.substr(t, i, 2) FROM pg_catalog.generate_series(1, pg_catalog.length(t) - 1) AS i
  )
$$
"""


def _name(table, column):
    return f"{table}_{column}_grams"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_name(table, column)} ON "{table}" '
            f'USING gin (orgduties_grams(UPPER("{column}")))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table, column)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS orgduties_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
