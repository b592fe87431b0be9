"""The content generation triggers of positions_employee again, after positions 0007.

Adding ``Employee.email`` (NOT NULL, default "") rebuilds the table on SQLite,
and the old table's triggers go with it, as with the photo (storage 0002): on a
database migrated before, employees' edits would no longer move the generation.
PostgreSQL adds the column in place and keeps its triggers; this leaves them alone.
"""

from django.db import migrations

from storage import generation

TABLES = ["positions_employee"]


def forwards(apps, schema_editor):
    generation.reinstall_after_rebuild(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("storage", "0003_commit_time_generation"),
        ("positions", "0007_employee_email"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
