"""The template workbook: headers, example rows of every sheet, and notes on each column.

The examples and notes are declared with the columns, in workbook/columns.py.
"""

from django.utils.translation import gettext as _

from workbook.columns import SHEETS, examples
from workbook.exporter import write_xlsx


def notes() -> list[list[str]]:
    rows = [[_("sheet"), _("column"), _("required"), _("meaning")]]
    for name, sheet in SHEETS.items():
        for column in sheet.columns:
            meaning = str(column.note)
            if column.aliases:
                meaning = f"{meaning} ({'/'.join(column.aliases)})".strip()
            rows.append([name, column.name, _("yes") if column.required else "", meaning])
    return rows


def template_xlsx() -> bytes:
    return write_xlsx(examples(), notes=notes())
