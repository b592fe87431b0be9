"""Read an organisation workbook into plain rows.

A workbook is a folder (or a list) of CSV files named after the sheets,
``departments.csv``, ``positions.csv`` …; column headers may be the canonical
English names or their Chinese aliases. Every row keeps its number as the user
sees it in a spreadsheet (the header is row 1).
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

# Canonical sheet -> canonical columns, each with accepted aliases.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "departments": {
        "code": ("部门编码", "编码", "代码"),
        "name": ("部门名称", "名称"),
        "parent_code": ("上级部门编码", "上级编码", "上级部门"),
        "kind": ("类型", "单元类型"),
        "aliases": ("别名",),
        "description": ("描述", "说明"),
        "order": ("顺序", "排序"),
    },
    "functions": {
        "department_code": ("部门编码",),
        "section": ("分节", "类别", "章节"),
        "text": ("职能", "部门职能", "内容"),
    },
    "positions": {
        "code": ("岗位编码", "编码"),
        "title": ("岗位名称", "名称"),
        "department_code": ("部门编码", "所属部门编码"),
        "reports_to_code": ("直接上级编码", "上级岗位编码"),
        "headcount": ("编制", "人数", "编制人数"),
        "is_head": ("部门负责人", "是否负责人"),
        "summary": ("岗位概述", "职位概述"),
        "requirements": ("任职要求",),
    },
    "dotted_lines": {
        "position_code": ("岗位编码",),
        "to_position_code": ("对象岗位编码", "虚线岗位编码"),
        "label": ("关系", "说明"),
    },
    "duties": {
        "position_code": ("岗位编码",),
        "kind": ("类型",),
        "section": ("分节", "类别"),
        "text": ("职责", "岗位职责", "内容"),
        "process_steps": ("流程",),
        "forms": ("相关记录", "表单"),
        "function": ("部门职能", "职能编号"),
    },
    "kpis": {
        "position_code": ("岗位编码",),
        "duty_number": ("职责序号", "序号"),
        "text": ("工作指标", "考核指标", "指标"),
        "metric": ("指标名称",),
        "comparison": ("比较",),
        "target": ("目标值", "目标"),
        "unit": ("单位",),
        "period": ("周期",),
        "deadline": ("截止日期", "期限"),
    },
    "forms": {
        "code": ("表单编码", "编码"),
        "name": ("表单名称", "名称"),
        "description": ("描述", "说明"),
        "department_code": ("部门编码", "归口部门编码"),
    },
    "employees": {
        "employee_no": ("工号", "员工编号"),
        "name": ("姓名",),
        "username": ("用户名", "账号"),
        "position_code": ("岗位编码",),
        "primary": ("主岗", "是否主岗"),
        "start_date": ("任职日期", "开始日期"),
    },
}

SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "departments": ("部门",),
    "functions": ("部门职能",),
    "positions": ("岗位",),
    "dotted_lines": ("虚线汇报", "业务指导"),
    "duties": ("岗位职责", "职责"),
    "kpis": ("工作指标", "考核指标"),
    "forms": ("表单", "相关记录"),
    "employees": ("员工", "人员"),
}

# Import order: every sheet refers only to sheets before it.
SHEET_ORDER = list(COLUMNS)

MAX_ROWS_PER_SHEET = 200_000
MAX_CELL_CHARS = 20_000


@dataclass
class Row:
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Workbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[tuple[str, int, str, str]] = field(default_factory=list)

    def rows(self, sheet: str) -> list[Row]:
        return self.sheets.get(sheet, [])


def _canonical(name: str, table: dict[str, tuple[str, ...]]) -> str | None:
    key = name.strip().lower().replace(" ", "_")
    for canonical, aliases in table.items():
        if key == canonical or name.strip() in aliases:
            return canonical
    return None


def sheet_name(name: str) -> str | None:
    return _canonical(name, SHEET_ALIASES)


def read_rows(workbook: Workbook, sheet: str, header: list, body) -> None:
    """Add one sheet's rows; ``body`` yields lists of cell values."""
    columns = COLUMNS[sheet]
    mapped = []
    for cell in header:
        title = str(cell or "").strip().lstrip("\ufeff")
        canonical = _canonical(title, {k: v for k, v in columns.items()}) if title else None
        if title and canonical is None:
            workbook.problems.append(
                (
                    sheet,
                    1,
                    title,
                    _("Unknown column; expected one of: %(columns)s")
                    % {"columns": ", ".join(columns)},
                )
            )
        mapped.append(canonical)
    rows = workbook.sheets.setdefault(sheet, [])
    for number, cells in enumerate(body, start=2):
        values = {}
        for canonical, cell in zip(mapped, cells, strict=False):
            if canonical is None:
                continue
            text = "" if cell is None else str(cell)
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
            values[canonical] = text.strip()
        if not any(values.values()):
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
        rows.append(Row(number, values))


def read_csv_text(workbook: Workbook, sheet: str, text: str) -> None:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    read_rows(workbook, sheet, header, reader)


def read_folder(path: Path) -> Workbook:
    """Read every ``<sheet>.csv`` in a folder (UTF-8, with or without BOM)."""
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
        read_csv_text(workbook, sheet, csv_path.read_text(encoding="utf-8-sig"))
    return workbook
