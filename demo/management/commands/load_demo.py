from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.photos import add_photos
from workbook.importer import ImportFailed, OrgImporter
from workbook.management.commands.import_org import print_report
from workbook.sheets import read_folder

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisation taken from the seed documents."

    def add_arguments(self, parser):
        parser.add_argument(
            "--photos",
            action="store_true",
            help="give employees without a photo a placeholder (the reporting chart can show them)",
        )

    def handle(self, **options):
        try:
            report = OrgImporter(read_folder(DEMO)).run()
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        if options["verbosity"] > 1:
            print_report(self.stdout, report)
        created = sum(r.created for r in report.sheets.values())
        self.stdout.write(f"Demo organisation loaded from {DEMO} ({created} records created).")
        # Job descriptions with an approval history (documents app).
        call_command("demo_revisions", verbosity=options["verbosity"], stdout=self.stdout)
        if options["photos"]:
            self.stdout.write(f"Placeholder photos: {add_photos()} employees.")
