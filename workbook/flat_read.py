"""Read another system's flat sheet (one row per person or per post) and guess its columns.

An HRIS export, a government organogram or a Chinese 花名册 is one sheet whose
headers are the other system's own. ``read_flat`` reads it as it is: its
header and its rows of cells, each with the row number the user sees;
``guess_mapping`` names the field (``FIELDS``) each header holds, with the
workbook import's normalisation of headers (繁简, full width, case).
workbook/flat_rows.py turns the rows into an ordinary organisation workbook.

Nothing here touches the database.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workbook.columns import normal_word
from workbook.sheets import OLE_MAGIC, UnreadableWorkbook, cell_text, check_zip

# The fields a column can hold, with the headers they are guessed from.
# Headers are compared after normal_word() and without blanks, "_", "-", "." or ":".
FIELDS: dict[str, tuple[str, ...]] = {
    "post_code": (
        "post_code",
        "post unique reference",
        "post reference",
        "post ref",
        "post id",
        "post number",
        "position id",
        "position code",
        "position number",
        "岗位编码",
        "岗位编号",
        "岗位代码",
        "职位编码",
        "职位编号",
        "编制编号",
    ),
    "reports_to_post": (
        "reports_to_post",
        "reports to senior post",
        "reports to post",
        "senior post",
        "parent post",
        "reports to position",
        "manager post",
        "上级岗位",
        "上级岗位编码",
        "上级岗位编号",
        "直接上级岗位",
        "上级职位",
        "汇报岗位",
    ),
    "employee_no": (
        "employee_no",
        "employee id",
        "employee number",
        "employee no",
        "emp id",
        "emp no",
        "staff id",
        "staff number",
        "staff no",
        "worker id",
        "person id",
        "personnel number",
        "id",
        "工号",
        "员工编号",
        "员工工号",
        "人员编号",
        "职工编号",
        "编号",
    ),
    "manager_employee_no": (
        "manager_employee_no",
        "manager id",
        "manager employee id",
        "manager number",
        "manager no",
        "reports to id",
        "reports to",
        "reports to employee id",
        "supervisor id",
        "supervisor",
        "line manager id",
        "line manager",
        "manager",
        "直接上级",
        "直接上级工号",
        "上级工号",
        "上级",
        "汇报对象",
        "主管工号",
        "直属上级",
    ),
    "name": (
        "name",
        "full name",
        "employee name",
        "staff name",
        "name of post holder",
        "post holder",
        "姓名",
        "员工姓名",
        "名字",
        "任职人",
    ),
    "first_name": ("first_name", "first name", "given name", "forename", "名"),
    "last_name": ("last_name", "last name", "surname", "family name", "姓"),
    "title": (
        "title",
        "job title",
        "position",
        "position title",
        "post title",
        "job",
        "role",
        "job name",
        "岗位",
        "岗位名称",
        "职位",
        "职位名称",
        "职务",
    ),
    "unit": (
        "unit",
        "department",
        "dept",
        "team",
        "division",
        "org unit",
        "organisation unit",
        "organization unit",
        "business unit",
        "部门",
        "所属部门",
        "部门名称",
        "单位",
        "组织",
        "所属组织",
    ),
    "unit_path": (
        "unit_path",
        "unit path",
        "department path",
        "org path",
        "organisation path",
        "organization path",
        "部门路径",
        "组织路径",
        "部门全称",
        "组织全路径",
        "部门全路径",
    ),
    "headcount": (
        "headcount",
        "fte",
        "ftes",
        "full time equivalent",
        "establishment",
        "编制",
        "编制人数",
        "人数",
    ),
    "grade": ("grade", "grade or equivalent", "band", "pay grade", "level", "职级", "级别", "职等"),
    "start_date": (
        "start_date",
        "hire date",
        "start date",
        "date of hire",
        "date joined",
        "join date",
        "joined",
        "入职日期",
        "入职时间",
        "到岗日期",
        "任职日期",
    ),
    "email": ("email", "e-mail", "email address", "work email", "邮箱", "电子邮件", "邮件"),
}

FIELD_LABELS = {
    "post_code": gettext_lazy("post id"),
    "reports_to_post": gettext_lazy("reports to (post id)"),
    "employee_no": gettext_lazy("employee id"),
    "manager_employee_no": gettext_lazy("manager (employee id or name)"),
    "name": gettext_lazy("full name"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "title": gettext_lazy("job title"),
    "unit": gettext_lazy("unit"),
    "unit_path": gettext_lazy("unit path"),
    "headcount": gettext_lazy("headcount (FTE)"),
    "grade": gettext_lazy("grade"),
    "start_date": gettext_lazy("start date"),
    "email": gettext_lazy("email"),
}

# A free-text column that other systems export without quoting its commas.
NOTES_HEADERS = frozenset(
    {"notes", "note", "comments", "comment", "remarks", "remark", "备注", "说明", "附注"}
)

# Rows above the header that may hold a title ("某某公司员工花名册").
MAX_TITLE_ROWS = 5

_PUNCTUATION = re.compile(r"[\s_\-.:：()（）/]+")


def header_key(title) -> str:
    """A header as compared: normal_word() without blanks or punctuation ("Job_Title" is jobtitle)."""
    return _PUNCTUATION.sub("", normal_word(str(title or "")))


_ALIASES = {header_key(alias): name for name, aliases in FIELDS.items() for alias in aliases}


def guess_field(title) -> str:
    """The field a header names, or "" when it is none of them."""
    key = header_key(title)
    if key in _ALIASES:
        return _ALIASES[key]
    # "Grade (or equivalent)", "FTE (2026)": the words before the brackets.
    bare = header_key(re.split(r"[(（]", normal_word(str(title or "")))[0])
    return _ALIASES.get(bare, "")


def guess_mapping(headers: list[str]) -> list[str]:
    """The field of each header ("" to ignore it); a field is taken by its first header only."""
    taken, mapping = set(), []
    for title in headers:
        name = guess_field(title)
        if name in taken:
            name = ""
        taken.add(name)
        mapping.append(name)
    return mapping


def headers_digest(headers: list[str]) -> str:
    """One set of headers, as a key: the same columns in the same order, however spelled."""
    text = "\x1f".join(header_key(h) for h in headers)
    return hashlib.sha256(text.encode()).hexdigest()


def parse_columns(text: str, headers: list[str]) -> list[str]:
    """``--columns "FIELD=Header,…"`` as a mapping of ``headers``; unnamed headers are ignored.

    Raises ValueError with the user's message for an unknown field or header.
    """
    mapping = [""] * len(headers)
    keys = [header_key(h) for h in headers]
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, header = part.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or name not in FIELDS:
            raise ValueError(
                _("Unknown field “%(field)s”; the fields are: %(fields)s.")
                % {"field": name, "fields": ", ".join(FIELDS)}
            )
        if header_key(header) not in keys:
            raise ValueError(
                _("No column “%(header)s” in the sheet; its columns are: %(headers)s.")
                % {"header": header, "headers": ", ".join(headers)}
            )
        mapping[keys.index(header_key(header))] = name
    return mapping


@dataclass
class FlatSheet:
    """One sheet as read: its name (for errors), header, and rows of cells with their numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_row: int = 1
    # A CSV row may have more or fewer cells than its header; a spreadsheet's cannot.
    delimited: bool = False
    encoding: str = ""
    delimiter: str = ","


def _limit() -> int:
    return settings.FLAT_IMPORT_MAX_ROWS


def _refuse_rows(count: int):
    raise UnreadableWorkbook(
        _(
            "The sheet has %(count)d rows; a flat import takes at most %(limit)d "
            "(FLAT_IMPORT_MAX_ROWS). Split it, or ask the administrator to raise the limit."
        )
        % {"count": count, "limit": _limit()}
    )


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV: UTF-16 (with its byte order mark, as Excel's "Unicode
    text" saves it), UTF-8 with or without a mark, or GB18030 (Excel on Chinese Windows)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    for encoding, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise UnreadableWorkbook(_("The CSV file is neither UTF-8, UTF-16 nor GB18030 text."))


def _delimiter(first_line: str) -> str:
    """A comma, a tab (Excel's Unicode text) or a semicolon (European Excel): the commonest."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _is_header(cells) -> bool:
    return sum(1 for c in cells if guess_field(c)) >= 2


def _take(sheet: FlatSheet, lines) -> FlatSheet:
    """Find the header among the first rows of ``lines`` ((number, cells)), then keep the rest."""
    lines = iter(lines)
    first = []
    for number, cells in lines:
        first.append((number, cells))
        if _is_header(cells) or len(first) > MAX_TITLE_ROWS:
            break
    header_at = next((i for i, (_n, c) in enumerate(first) if _is_header(c)), None)
    if header_at is None:
        header_at = next((i for i, (_n, c) in enumerate(first) if any(c)), None)
    if header_at is None:
        raise UnreadableWorkbook(_("The sheet is empty."))
    sheet.header_row, header = first[header_at]
    sheet.headers = [str(c or "").strip().lstrip("\ufeff") for c in header]
    while sheet.headers and not sheet.headers[-1]:
        sheet.headers.pop()
    limit = _limit()
    count = 0
    for number, cells in [*first[header_at + 1 :], *lines]:
        if not any(c.strip() for c in cells):
            continue  # blank rows, and spreadsheets padded with empty rows
        count += 1
        if count <= limit:
            sheet.rows.append((number, cells))
    if count > limit:
        _refuse_rows(count)
    return sheet


def _read_csv(data: bytes, name: str) -> FlatSheet:
    text, encoding = decode(data)
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    sheet = FlatSheet(name, [], delimited=True, encoding=encoding, delimiter=delimiter)
    return _take(sheet, enumerate(reader, start=1))


def _read_spreadsheet(data: bytes) -> FlatSheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name)
            if grid.height == 0:
                continue
            if grid.height > _limit() + MAX_TITLE_ROWS + 1:
                _refuse_rows(grid.height - 1)
            first = grid.start[0] + 1 if grid.start else 1
            rows = (
                (number, [v if type(v) is str else cell_text(v) for v in row])
                for number, row in enumerate(grid.iter_rows(), start=first)
            )
            return _take(FlatSheet(name, []), rows)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine raises its own error types per format
        raise UnreadableWorkbook(
            _("The file could not be read as a spreadsheet (%(reason)s).") % {"reason": exc}
        ) from None
    raise UnreadableWorkbook(_("The workbook has no sheet with rows."))


def read_flat(data: bytes, filename: str) -> FlatSheet:
    """Read the first sheet of an .xlsx/.xls/.ods, or a CSV (comma, tab or semicolon)."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise UnreadableWorkbook(
            _("The file is %(size)d KB; the limit is %(limit)d KB.")
            % {"size": len(data) // 1024, "limit": limit // 1024}
        )
    if not data:
        raise UnreadableWorkbook(_("The file is empty."))
    if data.startswith(b"PK"):
        check_zip(data)
        return _read_spreadsheet(data)
    if data.startswith(OLE_MAGIC):
        return _read_spreadsheet(data)
    return _read_csv(data, Path(filename).name)


def read_flat_path(path) -> FlatSheet:
    path = Path(path)
    return read_flat(path.read_bytes(), path.name)
