"""PostgreSQL: the content generation moves when a write commits, not at each write.

Until now the reader returned NULL while any write transaction was open, so
during a 20-second workbook import every page was rendered afresh on the two
cores the import was also using (bench/RESULTS.md: the mix's p99 reached
300 ms). Now pages keep being served from the cache under the last committed
number, and the import's commit moves it. See storage.generation. SQLite is
left as it is: its number is a transactional row already.
"""

from django.db import migrations

from storage import generation


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        generation.number_commits(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        generation.unnumber_commits(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("storage", "0002_employee_triggers_after_photo")]

    operations = [migrations.RunPython(forwards, backwards)]
