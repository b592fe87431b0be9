"""The content generation counter and its triggers (see storage.generation).

A table added later to departments, positions, kpis or documents needs its own
migration calling ``generation.install(schema_editor, [table])``;
tests/test_position_cache.py fails until it has one.

Until December 2026 this was the project package's migration
``orgduties.0004_content_generation``. A database made then has the counter
and the triggers already, and this migration leaves them as they are.
"""

from django.db import migrations

from storage import generation

TABLES = [
    "departments_department",
    "departments_departmentfunction",
    "documents_document",
    "documents_revision",
    "documents_transition",
    "kpis_form",
    "kpis_kpi",
    "positions_assignment",
    "positions_dottedline",
    "positions_duty",
    "positions_duty_forms",
    "positions_employee",
    "positions_position",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        raise RuntimeError("content generation triggers exist for PostgreSQL and SQLite only")
    if generation.exists(schema_editor.connection):
        return
    generation.create(schema_editor)
    generation.install(schema_editor, TABLES)
    generation.install_user_names(schema_editor)
    generation.install(schema_editor, generation.AUTH_TABLES)


def backwards(apps, schema_editor):
    generation.uninstall(
        schema_editor, [*TABLES, *generation.AUTH_TABLES, generation.USER_TABLE]
    )
    generation.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("departments", "0002_version"),
        ("positions", "0002_version"),
        ("kpis", "0002_initial"),
        ("documents", "0002_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
