from django.core.management.base import BaseCommand, CommandError

from storage.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the whole organisation, its history and its uploaded files to a zip "
        "file that restore_org loads into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup to write, e.g. orgduties-2026-11-25.zip")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        try:
            manifest = backup(file, using=database)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Backed up {rows} rows of {len(manifest['rows'])} tables and "
            f"{len(manifest['media'])} uploaded files to {file}"
        )
