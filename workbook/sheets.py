"""Read an organisation workbook into plain rows.

A workbook is a folder (or a list) of CSV files named after the sheets,
``departments.csv``, ``positions.csv`` …; column headers may be the canonical
English names or their Chinese aliases. Every row keeps its number as the user
sees it in a spreadsheet (the header is row 1).
"""

import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from workbook.columns import SHEETS, normal_word

# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unescape_formula(value: str) -> str:
    """Undo the apostrophe that exports put before formula-like text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


# The tables below are read off workbook/columns.py, where every column is declared.

# Canonical sheet -> canonical columns, each with accepted aliases.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    name: {c.name: c.aliases for c in sheet.columns} for name, sheet in SHEETS.items()
}

SHEET_ALIASES: dict[str, tuple[str, ...]] = {name: sheet.aliases for name, sheet in SHEETS.items()}

# Import order: every sheet refers only to sheets before it.
SHEET_ORDER = list(COLUMNS)

# A sheet without these columns cannot be read at all.
REQUIRED_COLUMNS = {
    name: tuple(c.name for c in sheet.columns if c.required) for name, sheet in SHEETS.items()
}

# Per sheet, the columns whose cells are folded: full-width digits and letters
# become ASCII (ＳＡＬＥＳ－１ → SALES-1) in codes, numbers, flags and dates. Text
# columns are kept exactly as entered.
FOLDED_COLUMNS = {
    name: frozenset(c.name for c in sheet.columns if c.folded) for name, sheet in SHEETS.items()
}

# The error report adds this column; a corrected report can be imported as it is.
ERROR_COLUMN = "error"

MAX_ROWS_PER_SHEET = 200_000
MAX_CELL_CHARS = 20_000


class Row(dict):
    """One row of a sheet: its cells by column, and its number as the user sees it.

    A column left empty, or absent from the sheet, reads "". The row is the
    dict of its cells, and ``get`` is that dict's own lookup (in C): an import
    asks for millions of cells, and a method in Python per cell cost a tenth
    of it.
    """

    __slots__ = ("number",)

    def __init__(self, number: int, values=()):
        super().__init__(values)
        self.number = number

    def __missing__(self, column) -> str:
        return ""

    get = dict.__getitem__  # row.get(column): the cell, "" when empty

    def __repr__(self):
        return f"Row({self.number}, {dict.__repr__(self)})"

    def __reduce__(self):
        return (Row, (self.number, dict(self)))


_new_row = dict.__new__


@dataclass
class Workbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[tuple[str, int, str, str]] = field(default_factory=list)

    def rows(self, sheet: str) -> list[Row]:
        return self.sheets.get(sheet, [])


def _canonical(name: str, table: dict[str, tuple[str, ...]]) -> str | None:
    word = normal_word(name)
    key = re.sub(r"[\s-]+", "_", word)
    for canonical, aliases in table.items():
        if key == canonical or word in aliases:
            return canonical
    return None


def sheet_name(name: str) -> str | None:
    return _canonical(name, SHEET_ALIASES)


def column_name(sheet: str, title: str) -> str | None:
    """The canonical column a header names in ``sheet`` ("部門編碼" is department_code)."""
    return _canonical(title, COLUMNS[sheet])


# A title such as "某某公司岗位一览表" may sit in the rows above the header.
MAX_TITLE_ROWS = 5


def _names_required_columns(sheet: str, cells: list) -> bool:
    columns = COLUMNS[sheet]
    found = {_canonical(str(c), columns) for c in cells if c is not None and str(c).strip()}
    return all(c in found for c in REQUIRED_COLUMNS[sheet])


def _find_header(sheet: str, header: list, body, first_row: int):
    """(header, body, header's row): the first of the first rows that names every
    required column. Rows above it are titles and are left out. When no row
    does, the first row stays the header, so its unknown columns are reported."""
    if _names_required_columns(sheet, header):
        return header, body, first_row
    body = iter(body)
    above = [header]
    for _row in range(MAX_TITLE_ROWS):
        cells = next(body, None)
        if cells is None:
            break
        if _names_required_columns(sheet, cells):
            return cells, body, first_row + len(above)
        above.append(cells)
    return header, itertools.chain(above[1:], body), first_row


def read_rows(workbook: Workbook, sheet: str, header: list, body, first_row: int = 1) -> None:
    """Add one sheet's rows; ``body`` yields lists of cell values.

    ``first_row`` is the spreadsheet row of ``header``, so that errors name
    the row the user sees. Title rows above the real header are skipped.
    """
    header, body, first_row = _find_header(sheet, header, body, first_row)
    columns = COLUMNS[sheet]
    mapped, reported = [], set()
    for cell in header:
        title = str(cell or "").strip().lstrip("\ufeff")
        canonical = _canonical(title, columns) if title else None
        if title and canonical is None and title != ERROR_COLUMN and title not in reported:
            reported.add(title)  # a title merged over five cells is one problem
            workbook.problems.append(
                (
                    sheet,
                    first_row,
                    title,
                    _("Unknown column; expected one of: %(columns)s")
                    % {"columns": ", ".join(columns)},
                )
            )
        mapped.append(canonical)
    missing = [c for c in REQUIRED_COLUMNS[sheet] if c not in mapped]
    if missing:
        for column in missing:
            workbook.problems.append((sheet, first_row, column, _("This column is missing.")))
        return
    rows = workbook.sheets.setdefault(sheet, [])
    # (cell index, column, folded?) of the columns this sheet knows, left to right.
    folded = FOLDED_COLUMNS[sheet]
    targets = [(i, c, c in folded) for i, c in enumerate(mapped) if c is not None]
    for number, cells in enumerate(body, start=first_row + 1):
        # Empty cells are left out (the row gives "" for them); made without
        # Row.__init__, a call in Python per row.
        values = _new_row(Row)
        count = len(cells)
        for index, canonical, fold in targets:
            if index >= count:
                break
            cell = cells[index]
            if cell is None or cell == "":
                continue
            text = cell if type(cell) is str else cell_text(cell)
            if len(text) > MAX_CELL_CHARS:
                workbook.problems.append(
                    (
                        sheet,
                        number,
                        canonical,
                        _("The cell holds more than %(limit)d characters.")
                        % {"limit": MAX_CELL_CHARS},
                    )
                )
                text = text[:MAX_CELL_CHARS]
            if text[0] == "'":
                text = unescape_formula(text)
            text = text.strip(" \t\r\n\u3000\u00a0")
            if fold:  # NFKC leaves ASCII as it is
                text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
            if text:
                values[canonical] = text
        if not values:
            continue  # blank rows, and spreadsheets padded with empty rows
        if len(rows) >= MAX_ROWS_PER_SHEET:
            workbook.problems.append(
                (
                    sheet,
                    number,
                    "",
                    _("A sheet may hold at most %(limit)d rows.") % {"limit": MAX_ROWS_PER_SHEET},
                )
            )
            break
        values.number = number
        rows.append(values)


def read_csv_text(workbook: Workbook, sheet: str, text: str) -> None:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    read_rows(workbook, sheet, header, reader)


def read_folder(path: Path) -> Workbook:
    """Read every ``<sheet>.csv`` in a folder (UTF-8 with or without BOM, or GB18030 as
    Excel saves CSV on Chinese Windows)."""
    workbook = Workbook()
    for csv_path in sorted(Path(path).glob("*.csv")):
        sheet = sheet_name(csv_path.stem)
        if sheet is None:
            workbook.problems.append(
                (
                    csv_path.stem,
                    0,
                    "",
                    _("Unknown sheet; expected one of: %(sheets)s")
                    % {"sheets": ", ".join(SHEET_ORDER)},
                )
            )
            continue
        read_csv_text(workbook, sheet, _decode(csv_path.read_bytes()))
    return workbook


class UnreadableWorkbook(Exception):
    """The upload is not a workbook we can read; the message is for the user."""


# A decompressed workbook larger than this is refused (zip bombs): real
# organisation workbooks stay far below it.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 250
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def cell_text(value) -> str:
    """A spreadsheet cell as the text an HR analyst sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value)


def check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise UnreadableWorkbook(_("The file is damaged: it is not a readable workbook.")) from None
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise UnreadableWorkbook(
            _("The file unpacks to %(size)d MB, more than any organisation workbook needs.")
            % {"size": total // (1024 * 1024)}
        )
    return archive


# calamine lays a sheet out as a full grid of 32-byte cells from A1 to its last
# cell, and aborts the whole process when the grid does not fit in memory: a
# 5 KB .xlsx with one cell in XFD1048576 asks for 512 GB. An .xlsx sheet whose
# grid would exceed this is refused before calamine sees it (about 350 MB; a
# LibreOffice sheet with content on row 1,048,576 in column I still fits).
MAX_SHEET_CELLS = 1_048_576 * 11
# Cells in column J or beyond, or on row 100,000 or below: rare in real
# workbooks (9 columns at most), so only those few are looked at.
_FAR_CELLS = re.compile(rb'<c r="([A-Z]{2,3}|[J-Z])(\d+)"|<c r="[A-I](\d{6,7})"|<row r="(\d{6,7})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_xlsx_extent(archive: zipfile.ZipFile) -> None:
    for member in archive.infolist():
        name = member.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        rows, columns = 99_999, 9  # what a sheet without far cells can reach
        with archive.open(member) as stream:
            tail = b""
            while chunk := stream.read(1 << 22):
                text = tail + chunk
                for letters, row, far_row, row_tag in _FAR_CELLS.findall(text):
                    if letters:
                        columns = max(columns, _column_number(letters))
                    rows = max(rows, int(row or far_row or row_tag or 0))
                tail = text[-40:]  # a reference cut by the chunk is found whole next time
        if rows * columns > MAX_SHEET_CELLS:
            raise UnreadableWorkbook(
                _(
                    "A sheet reaches row %(rows)d and column %(columns)d: remove the stray "
                    "cells far below or right of the table and save again."
                )
                % {"rows": rows, "columns": columns}
            )


def _read_calamine(data: bytes) -> Workbook:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types per format
        raise UnreadableWorkbook(
            _("The file could not be read as a spreadsheet (%(reason)s).") % {"reason": exc}
        ) from None
    workbook = Workbook()
    for name in book.sheet_names:
        sheet = sheet_name(name)
        if sheet is None:
            if name.strip().lower() not in {"notes", "说明", "readme"}:
                workbook.problems.append(
                    (
                        name,
                        0,
                        "",
                        _("Unknown sheet; expected one of: %(sheets)s")
                        % {"sheets": ", ".join(SHEET_ORDER)},
                    )
                )
            continue
        try:
            grid = book.get_sheet_by_name(name)
            first_row = grid.start[0] + 1 if grid.start else 1
            merged = grid.merged_cell_ranges or []
            if not merged:
                # Rows go straight to read_rows, which converts only the cells it keeps.
                cells = _grid_rows(grid, name)
                header = next(cells, None)
                if header is not None:
                    read_rows(workbook, sheet, header, cells, first_row=first_row)
                continue
            rows = [
                [v if type(v) is str else cell_text(v) for v in row] for row in grid.iter_rows()
            ]
        except UnreadableWorkbook:
            raise
        except Exception as exc:
            raise UnreadableWorkbook(
                _("Sheet %(sheet)s could not be read (%(reason)s).")
                % {"sheet": name, "reason": exc}
            ) from None
        offset_row = first_row - 1
        offset_col = grid.start[1] if grid.start else 0
        for (top, left), (bottom, right) in merged:
            # A merged cell holds its value in the top-left corner only; HR
            # merges a position's code over all its duty rows.
            value = _at(rows, top - offset_row, left - offset_col)
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    _put(rows, r - offset_row, c - offset_col, value)
        if not rows:
            continue
        header, body = rows[0], rows[1:]
        read_rows(workbook, sheet, header, body, first_row=first_row)
    return workbook


def _grid_rows(grid, name):
    try:
        yield from grid.iter_rows()
    except Exception as exc:
        raise UnreadableWorkbook(
            _("Sheet %(sheet)s could not be read (%(reason)s).") % {"sheet": name, "reason": exc}
        ) from None


def _at(rows, r, c):
    if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
        return rows[r][c]
    return ""


def _put(rows, r, c, value):
    if 0 <= r < len(rows):
        row = rows[r]
        while len(row) <= c:
            row.append("")
        row[c] = value


def _read_csv_zip(archive: zipfile.ZipFile) -> Workbook:
    workbook = Workbook()
    for member in archive.infolist():
        stem = Path(member.filename).stem
        if member.is_dir() or not member.filename.lower().endswith(".csv"):
            continue
        sheet = sheet_name(stem)
        if sheet is None:
            workbook.problems.append(
                (
                    stem,
                    0,
                    "",
                    _("Unknown sheet; expected one of: %(sheets)s")
                    % {"sheets": ", ".join(SHEET_ORDER)},
                )
            )
            continue
        read_csv_text(workbook, sheet, _decode(archive.read(member)))
    return workbook


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableWorkbook(_("A CSV file is neither UTF-8 nor GB18030 text."))


def read_upload(data: bytes, filename: str) -> Workbook:
    """Read an uploaded workbook: .xlsx/.xlsm/.xls/.ods, a .csv sheet, or a zip of CSVs."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise UnreadableWorkbook(
            _("The file is %(size)d KB; the limit is %(limit)d KB.")
            % {"size": len(data) // 1024, "limit": limit // 1024}
        )
    if not data:
        raise UnreadableWorkbook(_("The file is empty."))
    lowered = filename.lower()
    if data.startswith(b"PK"):
        archive = check_zip(data)
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            _check_xlsx_extent(archive)
            return _read_calamine(data)
        if "mimetype" in names:
            return _read_calamine(data)
        return _read_csv_zip(archive)
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k" in data:
            raise UnreadableWorkbook(
                _(
                    "The workbook is protected by a password. Save a copy without the password and upload that."
                )
            )
        return _read_calamine(data)
    if lowered.endswith(".csv"):
        sheet = sheet_name(Path(filename).stem)
        if sheet is None:
            raise UnreadableWorkbook(
                _("Name a CSV file after its sheet: %(sheets)s.")
                % {"sheets": ", ".join(f"{s}.csv" for s in SHEET_ORDER)}
            )
        workbook = Workbook()
        read_csv_text(workbook, sheet, _decode(data))
        return workbook
    raise UnreadableWorkbook(
        _("This is not a spreadsheet. Upload an .xlsx, .xls or .ods workbook, or CSV files.")
    )


def read_path(path: Path) -> Workbook:
    """Read a workbook file, or a folder of CSV sheets, from disk (management commands)."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    return read_upload(path.read_bytes(), path.name)
