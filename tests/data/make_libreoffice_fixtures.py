"""Make the LibreOffice-saved fixtures of tests/test_workbook_bad_input.py.

    python tests/data/make_libreoffice_fixtures.py   # needs soffice (libreoffice-calc-nogui)

A flat ODS (.fods) is written by hand and LibreOffice opens it and saves it as
.ods and .xlsx, so the committed files are what LibreOffice itself writes:

- libreoffice_formatted_rows.*: the three sheets of tests.workbooks.SMALL, every
  sheet formatted (fill, border, row height) down to row 1,048,576;
- libreoffice_last_row.*: the same, and on the duties sheet one more duty on
  row 1,048,576, the last row a spreadsheet has.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from workbook.sheets import COLUMNS  # noqa: E402

LAST_ROW = 1_048_576
ROWS = {
    "departments": [["CO", "示例公司", "", "company"], ["SALES", "销售部", "CO"]],
    "positions": [["GM", "总经理", "CO", "", "", "1"], ["MGR", "销售部经理", "SALES", "GM"]],
    "duties": [["MGR", "duty", "", "制定销售计划"], ["MGR", "duty", "", "管理销售团队"]],
}
LAST_DUTY = ["MGR", "duty", "", "最后一行的职责"]


def _row(values, style=""):
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
        "</table:table-cell>"
        if v
        else "<table:table-cell/>"
        for v in values
    )
    return f"<table:table-row{style}>{cells}</table:table-row>"


def fods(last_row: bool) -> str:
    tables = []
    for name, rows in ROWS.items():
        body = _row(list(COLUMNS[name])) + "".join(_row(r) for r in rows)
        used = 1 + len(rows)
        if last_row and name == "duties":
            body += (
                f'<table:table-row table:number-rows-repeated="{LAST_ROW - used - 1}">'
                "<table:table-cell/></table:table-row>" + _row(LAST_DUTY)
            )
        else:
            body += (
                f'<table:table-row table:number-rows-repeated="{LAST_ROW - used}" '
                'table:style-name="ro1"><table:table-cell table:number-columns-repeated="8" '
                'table:style-name="ce1"/></table:table-row>'
            )
        tables.append(f'<table:table table:name="{name}">{body}</table:table>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><office:document '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
        "<office:automatic-styles>"
        '<style:style style:name="ro1" style:family="table-row"><style:table-row-properties '
        'style:row-height="0.6cm" style:use-optimal-row-height="false"/></style:style>'
        '<style:style style:name="ce1" style:family="table-cell"><style:table-cell-properties '
        'fo:background-color="#ffff00" fo:border="0.5pt solid #000000"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document>"
    )


def main():
    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for stem, last_row in (
            ("libreoffice_formatted_rows", False),
            ("libreoffice_last_row", True),
        ):
            source = Path(tmp) / f"{stem}.fods"
            source.write_text(fods(last_row), encoding="utf-8")
            sources.append(str(source))
        for target in ("ods", "xlsx"):
            command = [shutil.which("soffice") or "soffice", "--headless", "--norestore"]
            command += [f"-env:UserInstallation=file://{tmp}/profile"]
            command += ["--convert-to", target, "--outdir", str(HERE), *sources]
            subprocess.run(command, check=True, timeout=120)


if __name__ == "__main__":
    main()
