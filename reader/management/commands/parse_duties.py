"""Print what the document reader reads from a file, as JSON (issue 5)."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader import DocumentError, read


class Command(BaseCommand):
    help = (
        "Read a duty document (.txt in UTF-8/GB18030/Big5, or .docx; '-' reads standard "
        'input) and print {"blocks": [...], "warnings": [...]} as JSON.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the document, or - for standard input")

    def handle(self, *args, **options):
        name = options["file"]
        if name == "-":
            data, filename = sys.stdin.buffer.read(), ""
        else:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {name}: {exc.strerror}") from None
            filename = path.name
        try:
            document = read(data, filename)
        except DocumentError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(document.as_dict(), ensure_ascii=False, indent=2))
