from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workbook.flat_read import FIELDS, guess_mapping, parse_columns, read_flat_path
from workbook.flat_rows import convert, import_flat
from workbook.importer import ImportFailed, OrgImporter
from workbook.models import ColumnMapping
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
        parser.add_argument(
            "--flat",
            action="store_true",
            help="The file is another system's sheet, one row per person or per post "
            "(an HRIS export, an organogram, a 花名册), not the organisation workbook.",
        )
        parser.add_argument(
            "--columns",
            default="",
            help='With --flat: "FIELD=Header,…" for the columns to use (the others are '
            "ignored); by default the mapping last chosen in the admin for these headers, "
            "or the one guessed from them. Fields: " + ", ".join(FIELDS) + ".",
        )
        parser.add_argument(
            "--unit",
            default="",
            help="With --flat: the unit of every row when the sheet has no unit column "
            "(by default named after the file); with one, the unit above the sheet's units.",
        )

    def handle(self, path, dry_run, flat=False, columns="", unit="", **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        if flat:
            return self._flat(path, dry_run, columns, unit)
        if columns or unit:
            raise CommandError("--columns and --unit go with --flat.")
        try:
            report = OrgImporter(read_path(path)).run(dry_run=dry_run)
        except UnreadableWorkbook as exc:
            raise CommandError(str(exc)) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        print_report(self.stdout, report)

    def _flat(self, path, dry_run, columns, unit):
        try:
            sheet = read_flat_path(path)
        except UnreadableWorkbook as exc:
            raise CommandError(str(exc)) from None
        if columns:
            try:
                mapping = parse_columns(columns, sheet.headers)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            mapping = ColumnMapping.objects.for_headers(sheet.headers) or guess_mapping(
                sheet.headers
            )
        for header, name in zip(sheet.headers, mapping, strict=True):
            self.stdout.write(f"{header} -> {name or '(ignored)'}")
        book = convert(sheet, mapping, unit)
        for note in book.notes:
            self.stdout.write(f"* {note}")
        try:
            report = import_flat(book, dry_run=dry_run)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        print_report(self.stdout, report)
