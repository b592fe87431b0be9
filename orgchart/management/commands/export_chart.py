"""Write an org chart to a file: SVG, PDF or PNG, any chart, subtree and depth."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from orgchart.export import ExportError, export_form
from orgchart.forms import ExportForm, first_error


class Command(BaseCommand):
    help = "Export the org chart (units, positions or reporting) as SVG, PDF or PNG."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the file to write")
        parser.add_argument("--kind", default="units", help="units, positions or reporting")
        parser.add_argument("--root", default="", help="the unit (or position) code to start at")
        parser.add_argument("--depth", default="", help="levels below the root (1-50)")
        parser.add_argument("--format", default="", help="svg, pdf or png (default: from OUT)")
        parser.add_argument("--paper", default="A4", help="A4 or A3 (PDF)")
        parser.add_argument("--landscape", action="store_true", help="landscape pages (PDF)")
        parser.add_argument("--tile", action="store_true", help="tile across pages (PDF)")
        parser.add_argument("--pages", action="store_true", help="one page per subtree (PDF)")
        parser.add_argument("--width", default="", help="PNG width in px (200-20000)")
        parser.add_argument("--orient", default="tb", help="tb (top down) or lr (left to right)")
        parser.add_argument("--no-holders", action="store_true")
        parser.add_argument("--no-vacancies", action="store_true")
        parser.add_argument("--photos", action="store_true")
        parser.add_argument("--no-compact", action="store_true")

    def handle(self, *args, **o):
        out = Path(o["out"])
        fmt = o["format"] or out.suffix.lstrip(".").lower() or "svg"
        query = QueryDict(mutable=True)
        query.update(
            {
                "kind": o["kind"],
                "root": o["root"],
                "depth": o["depth"],
                "format": fmt,
                "paper": o["paper"].upper(),
                "landscape": "1" if o["landscape"] else "0",
                "mode": "pages" if o["pages"] else ("tile" if o["tile"] else "fit"),
                "width": o["width"],
                "orient": o["orient"],
                "holders": "0" if o["no_holders"] else "1",
                "vacancies": "0" if o["no_vacancies"] else "1",
                "photos": "1" if o["photos"] else "0",
                "compact": "0" if o["no_compact"] else "1",
            }
        )
        form = ExportForm.from_query(query)
        if not form.is_valid():
            raise CommandError(first_error(form))
        try:
            content, _type, _name = export_form(form)
        except ExportError as error:
            raise CommandError(str(error)) from error
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from error
        self.stdout.write(f"{out}: {len(content):,} bytes")
