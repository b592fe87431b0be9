"""Trigram indexes for substring search on PostgreSQL (no-op on SQLite).

Django's icontains becomes UPPER(column) LIKE UPPER('%…%'); a GIN index on
UPPER(column) with gin_trgm_ops serves it for queries of three characters or
more, CJK included. Shorter queries match so many rows that the planner scans
in order and stops at the limit. pg_trgm is a trusted extension (PostgreSQL
13+): the database owner may create it.

Until December 2026 these indexes were made by the project package's
migrations (app label ``orgduties``, 0002 and 0003). A database made then has
them already; ``CREATE INDEX IF NOT EXISTS`` leaves them as they are.
"""

from django.db import migrations

from search.migrations import _trigram

INDEXES = [
    ("positions_duty", "text"),
    ("positions_duty", "process_steps"),
    ("positions_position", "title"),
    ("kpis_kpi", "text"),
    ("kpis_kpi", "metric"),
    ("kpis_form", "name"),
    ("departments_department", "name"),
    ("departments_department", "aliases"),
    # Codes are searched by substring too (positions, units, forms).
    ("positions_position", "code"),
    ("departments_department", "code"),
    ("kpis_form", "code"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
        ("positions", "0001_initial"),
        ("kpis", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(_trigram.creator(INDEXES), _trigram.dropper(INDEXES)),
    ]
