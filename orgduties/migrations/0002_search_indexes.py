"""Trigram indexes for substring search on PostgreSQL (no-op on SQLite).

Django's icontains becomes UPPER(column) LIKE UPPER('%…%'); a GIN index on
UPPER(column) with gin_trgm_ops serves it for queries of three characters or
more, CJK included. Shorter queries match so many rows that the planner scans
in order and stops at the limit. pg_trgm is a trusted extension (PostgreSQL
13+): the database owner may create it.
"""

from django.db import migrations

INDEXES = [
    ("positions_duty", "text"),
    ("positions_duty", "process_steps"),
    ("positions_position", "title"),
    ("kpis_kpi", "text"),
    ("kpis_kpi", "metric"),
    ("kpis_form", "name"),
    ("departments_department", "name"),
    ("departments_department", "aliases"),
]


def _name(table, column):
    return f"{table}_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_name(table, column)} ON "{table}" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("orgduties", "0001_groups"),
        ("departments", "0001_initial"),
        ("positions", "0001_initial"),
        ("kpis", "0002_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
