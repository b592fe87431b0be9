from django.core.management.base import BaseCommand, CommandError

from demo.build import DEMO, MappingError, build, load_mapping, write


class Command(BaseCommand):
    help = (
        "Read the seed documents in fixtures/seeds with the document reader and write the "
        "demo organisation's CSV workbook to fixtures/demo (codes and holders from mapping.json)."
    )

    def handle(self, **options):
        try:
            sheets = build(load_mapping())
        except MappingError as exc:
            raise CommandError(str(exc)) from None
        write(sheets)
        counts = ", ".join(f"{name} {len(rows)}" for name, rows in sheets.items())
        self.stdout.write(f"Wrote {DEMO}: {counts}.")
