from django.core.management.base import BaseCommand, CommandError

from storage.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load a backup written by backup_org into an empty, migrated database of the "
        "same release: everything is restored, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by backup_org")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        try:
            manifest = restore(file, using=database)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored {rows} rows and {len(manifest['media'])} uploaded files "
            f"from the backup of {manifest['created']}"
        )
