from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from departments.models import Department
from workbook.exporter import collect, write_xlsx


class Command(BaseCommand):
    help = "Write the organisation, or one department's subtree, as the import workbook (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--department", help="code of the unit whose subtree to export")

    def handle(self, path, department, **options):
        unit = None
        if department:
            unit = Department.objects.filter(code=department).first()
            if unit is None:
                raise CommandError(f"No department with code {department}")
        sheets = collect(unit)
        path.write_bytes(write_xlsx(sheets))
        counts = ", ".join(f"{len(rows)} {name}" for name, rows in sheets.items())
        self.stdout.write(f"Wrote {path}: {counts}")
