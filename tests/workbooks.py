"""Build workbook files for tests: .xlsx through openpyxl, CSV text, zip archives."""

import csv
import io
import zipfile

from openpyxl import Workbook

from workbook.sheets import COLUMNS


def xlsx(sheets: dict[str, list], header: dict[str, list] | None = None) -> bytes:
    """``sheets`` maps a sheet name to rows (dicts by canonical column, or lists)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        columns = (header or {}).get(name) or list(COLUMNS.get(name, {})) or ["a"]
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(sheet: str, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(COLUMNS[sheet]))
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS[sheet]])
    return buffer.getvalue()


def csv_zip(sheets: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in sheets.items():
            archive.writestr(f"{name}.csv", csv_text(name, rows))
    return buffer.getvalue()


SMALL = {
    "departments": [
        {"code": "CO", "name": "示例公司", "kind": "company"},
        {"code": "SALES", "name": "销售部", "parent_code": "CO"},
    ],
    "positions": [
        {"code": "GM", "title": "总经理", "department_code": "CO", "is_head": "1"},
        {"code": "MGR", "title": "销售部经理", "department_code": "SALES", "reports_to_code": "GM"},
    ],
    "duties": [
        {"position_code": "MGR", "text": "制定销售计划"},
        {"position_code": "MGR", "text": "管理销售团队"},
    ],
}
