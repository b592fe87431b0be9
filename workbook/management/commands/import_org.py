from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workbook.importer import ImportFailed, OrgImporter
from workbook.sheets import SHEET_ORDER, UnreadableWorkbook, read_path


def print_report(stdout, report):
    verb = "would be" if report.dry_run else "were"
    for sheet in SHEET_ORDER:
        r = report.sheets[sheet]
        if r.created or r.updated or r.unchanged or r.deleted:
            stdout.write(
                f"{sheet:13} created {r.created:6}  updated {r.updated:6}  "
                f"unchanged {r.unchanged:6}  deleted {r.deleted:6}"
            )
            for item in r.deleted_items[:20]:
                stdout.write(f"    - {item}")
    stdout.write(f"(changes {verb} written)" if report.dry_run else "Import complete.")


class Command(BaseCommand):
    help = (
        "Import a whole organisation workbook: an .xlsx/.xls/.ods file, a zip of CSV "
        "sheets, or a folder of <sheet>.csv files."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, path, dry_run, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            report = OrgImporter(read_path(path)).run(dry_run=dry_run)
        except UnreadableWorkbook as exc:
            raise CommandError(str(exc)) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        print_report(self.stdout, report)
