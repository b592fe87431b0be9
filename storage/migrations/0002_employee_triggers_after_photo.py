"""The content generation triggers of positions_employee again, after positions 0005.

On SQLite, adding a NOT NULL column (positions 0005, ``Employee.photo``)
rebuilds the table: Django creates a new one, copies the rows and drops the
old one, and the old table's triggers go with it. On a database where
storage 0001 had already run, employees' edits would no longer move the
generation and cached job descriptions would show stale holders. PostgreSQL
adds the column in place and keeps its triggers; this leaves them alone.
"""

from django.db import migrations

from storage import generation

TABLES = ["positions_employee"]


def forwards(apps, schema_editor):
    generation.reinstall_after_rebuild(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("storage", "0001_content_generation"),
        ("positions", "0005_employee_photo"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
