from pathlib import Path

from django.core.management.base import BaseCommand

from workbook.template import template_xlsx


class Command(BaseCommand):
    help = "Write the template workbook: headers, one example row per sheet, notes on every column."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, path, **options):
        path.write_bytes(template_xlsx())
        self.stdout.write(f"Wrote {path}")
