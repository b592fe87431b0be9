"""The workbook's columns: their headers, word lists, and how a cell is read and written.

One place for a column's rules. Each sheet is a list of ``Column``: its
canonical name and the Chinese aliases accepted as its header, whether the
sheet is unreadable without it, its note and example cells in the template,
and its type. A type (``FLAG``, ``PERIOD``, ``DEADLINE`` …) parses a cell
as HR types it and formats a stored value for export, so the workbook
importer (workbook/importing/), the one-sheet resources of the admin
(workbook/resources.py), the exporter and the template read and write every
cell alike.

Nothing here touches the database: the types take and give plain values.

About 600 lines, on purpose: the word lists (70 lines) and the declarations
of the eight sheets' 48 columns (240 lines, one argument a line as ruff lays
them out) are the single place this module exists to be; split, a column's
words would again sit apart from its header.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from core.chinese import simplified
from core.numbering import number_items


@functools.lru_cache(maxsize=4096)
def normal_word(text: str) -> str:
    """A header or a choice cell as looked up: full-width folded, traditional
    characters simplified, blanks trimmed, lower case ("部門編碼 " is 部门编码,
    "Duty" is duty). Never applied to content, which is stored as entered.

    Cached: a workbook repeats the same few words (duty, yearly, >=) in
    hundreds of thousands of cells."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return simplified(text) if not text.isascii() else text


# -- word lists ---------------------------------------------------------------

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "√", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})

UNIT_KINDS = {
    "company": "company",
    "公司": "company",
    "集团": "company",
    "branch": "branch",
    "分公司": "branch",
    "department": "department",
    "部门": "department",
    "部": "department",
    "office": "office",
    "办事处": "office",
    "region": "region",
    "片区": "region",
    "区域": "region",
    "科室": "office",
    "科": "office",
    "室": "office",
    "处": "office",
    "中心": "department",
    "事业部": "branch",
}
DUTY_KINDS = {
    "duty": "duty",
    "职责": "duty",
    "岗位职责": "duty",
    "authority": "authority",
    "权限": "authority",
    "职权": "authority",
}
COMPARISONS = {
    ">=": "ge",
    "≥": "ge",
    "ge": "ge",
    "<=": "le",
    "≤": "le",
    "le": "le",
    "=": "eq",
    "eq": "eq",
    "<": "lt",
    "lt": "lt",
    ">": "gt",
    "gt": "gt",
}
# How a stored comparison is written back: the sign HR types.
COMPARISON_SIGNS = {"ge": ">=", "le": "<=", "eq": "=", "lt": "<", "gt": ">"}
PERIODS = {
    "daily": "daily",
    "每日": "daily",
    "日": "daily",
    "weekly": "weekly",
    "每周": "weekly",
    "周": "weekly",
    "monthly": "monthly",
    "每月": "monthly",
    "月度": "monthly",
    "月": "monthly",
    "quarterly": "quarterly",
    "每季度": "quarterly",
    "季度": "quarterly",
    "half_yearly": "half_yearly",
    "half-yearly": "half_yearly",
    "半年": "half_yearly",
    "yearly": "yearly",
    "annual": "yearly",
    "每年": "yearly",
    "年度": "yearly",
    "年": "yearly",
}
FORM_SEPARATORS = re.compile(r"[、;；,，\n]+")

TARGET_LIMIT = Decimal(10) ** 10
TARGET_MESSAGE = _(
    "Expected a number with at most 10 digits before the point and 4 after "
    "(98, 98%% or 0.5), got “%(value)s”."
)


# -- column types -------------------------------------------------------------


class Text:
    """Content, stored exactly as entered."""

    # Codes, numbers, flags and dates are folded on reading (ＳＡＬＥＳ－１ → SALES-1).
    fold = False

    def parse(self, text: str):
        return text

    def format(self, value):
        return "" if value is None else value


class Code(Text):
    fold = True


class Number(Text):
    """A whole number ≥ 0 (an order, a headcount); "3.0" is 3."""

    fold = True

    def parse(self, text: str) -> int:
        """Raises ValueError unless the cell is a whole number ≥ 0."""
        try:
            number = int(float(text))
        except ValueError:
            number = -1
        if number < 0:
            raise ValueError(text)
        return number


class Flag(Text):
    fold = True

    def parse(self, text: str) -> bool | None:
        """True, False, or None when the cell is neither yes nor no (an empty cell is no)."""
        word = normal_word(text)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return None

    def format(self, value) -> str:
        return "1" if value else "0"


class Date(Text):
    fold = True

    def parse(self, text: str) -> date | None:
        """YYYY-MM-DD, None for an empty cell; raises ValueError otherwise."""
        return date.fromisoformat(text) if text else None

    def format(self, value) -> str:
        return value.isoformat() if value else ""


class Choice(Text):
    """One word of a list, in English or Chinese, as the model's value."""

    fold = True

    def __init__(self, words: dict, default: str = ""):
        self.words = words
        self.default = default

    def parse(self, text: str) -> str | None:
        """The stored value; the default (or "") for an empty cell, None for an unknown word."""
        word = text or self.default
        if not word:
            return ""
        return self.words.get(normal_word(word))


class ComparisonChoice(Choice):
    def format(self, value) -> str:
        return COMPARISON_SIGNS.get(value, "")


class Target(Text):
    fold = True

    def parse(self, text: str) -> tuple[Decimal, str]:
        """``_parse``, remembered for the text (a KPI sheet repeats a few targets)."""
        return _target(text)

    @staticmethod
    def _parse(text: str) -> tuple[Decimal, str]:
        """A target cell as (number, unit it carries): "98%" is (98, "%"), "1,000" is (1000, "").

        Raises InvalidOperation when it is not a number. A percentage cell that
        the spreadsheet stores as 0.98 arrives as 0.98: nothing here can tell.
        """
        text = normal_word(text).replace(",", "")
        unit = "%" if text.endswith("%") else ""
        number = Decimal(text.removesuffix("%").strip())
        # NaN, Infinity and numbers the column cannot hold (14 digits, 4 after the point).
        if not number.is_finite() or abs(number) >= TARGET_LIMIT or number != round(number, 4):
            raise InvalidOperation(text)
        return number, unit

    def format(self, value) -> str:
        return f"{value.normalize():f}" if value is not None else ""


_DEADLINE = re.compile(
    r"(?:\d{4}\s*[-/.年]\s*)?(?:(\d{1,2})\s*[-/.月]\s*)?(\d{1,2})\s*[日号]?\s*(?:前|之前)?"
)


class Deadline(Text):
    fold = True

    def parse(self, text: str) -> tuple[int | None, int] | None:
        """``_parse``, remembered for the text (a KPI sheet repeats a few deadlines)."""
        return _deadline(text)

    @staticmethod
    def _parse(text: str) -> tuple[int | None, int] | None:
        """(month, day) of a deadline cell: 12-20, 12/20, 12月20日, a date cell
        (2026-12-20, its year ignored), 25, 25日 or 25号; None when unreadable."""
        text = normal_word(text).removeprefix("每年").removeprefix("每月").strip()
        match = _DEADLINE.fullmatch(text)
        if not match or (re.match(r"\d{4}", text) and match.group(1) is None):
            return None  # unreadable, or a year and a number ("2026-12"): no day to keep
        month = int(match.group(1)) if match.group(1) else None
        day = int(match.group(2))
        if (month is not None and not 1 <= month <= 12) or not 1 <= day <= 31:
            return None
        if month:
            try:
                date(2024, month, day)
            except ValueError:
                return None
        return month, day

    def format(self, value) -> str:
        """``value`` is (month, day): "12-20" every year, "25" every month."""
        month, day = value
        if not day:
            return ""
        return f"{month:02d}-{day:02d}" if month else str(day)


class Forms(Text):
    """Form codes or names (《订单评审表》), separated by 、 ; , or new lines."""

    def parse(self, text: str) -> list[str]:
        """The cell's items as written, blanks trimmed, empty ones left out."""
        return [t.strip() for t in FORM_SEPARATORS.split(text) if t.strip()]

    @staticmethod
    def reference(item: str) -> str:
        """An item as a form's code or name: 《订单评审表》 is 订单评审表."""
        return item.strip("《》")

    def format(self, codes) -> str:
        return "; ".join(codes)


class FunctionNumber(Code):
    """The number of a department function: "3", or "2.3" (section 2, item 3)."""

    def parse(self, text: str) -> str:
        return text.strip().rstrip(".")

    @staticmethod
    def numbers(functions) -> tuple[dict, dict]:
        """{function id: "3"} and {(department id, "3" or "2.3"): function}.

        ``functions`` in item order (``order``, then ``id``), any departments mixed.
        """
        by_department = {}
        for function in functions:
            by_department.setdefault(function.department_id, []).append(function)
        numbers, lookup = {}, {}
        for department_id, items in by_department.items():
            for index, item in enumerate(items, start=1):
                numbers[item.pk] = str(index)
                lookup[(department_id, str(index))] = item
            for section in number_items(items):
                for item in section.items:
                    if section.number:
                        lookup[(department_id, f"{section.number}.{item.number}")] = item
        return numbers, lookup


_target = functools.lru_cache(maxsize=1024)(Target._parse)
_deadline = functools.lru_cache(maxsize=1024)(Deadline._parse)

TEXT = Text()
CODE = Code()
NUMBER = Number()
FLAG = Flag()
DATE = Date()
UNIT_KIND = Choice(UNIT_KINDS, default="department")
DUTY_KIND = Choice(DUTY_KINDS, default="duty")
COMPARISON = ComparisonChoice(COMPARISONS)
PERIOD = Choice(PERIODS)
TARGET = Target()
DEADLINE = Deadline()
FORMS = Forms()
FUNCTION_NUMBER = FunctionNumber()


# -- the sheets ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, what reading and writing it means, its help."""

    name: str
    aliases: tuple[str, ...] = ()
    type: Text = TEXT
    required: bool = False
    note: str = ""  # the template's "meaning" of the column
    example: tuple = ()  # the template's example rows, one cell each
    fold: bool | None = None  # None: as the type says

    @property
    def folded(self) -> bool:
        return self.type.fold if self.fold is None else self.fold


@dataclass(frozen=True)
class Sheet:
    """A sheet's other names (岗位 for positions) and its columns, left to right."""

    aliases: tuple[str, ...]
    columns: tuple[Column, ...]


CODE_NOTE = _("Stable identifier; rows are matched by it, so importing again updates.")
DEPARTMENT_NOTE = _("Code of a department in the departments sheet or already stored.")
SECTION_NOTE = _("Heading that groups items; numbering restarts in each. Leave empty if none.")
TEXT_NOTE = _("The item, without its number: numbers are derived from row order.")
KIND_NOTE = _("company, branch, department, office or region (公司/分公司/部门/办事处/片区).")

# Import order: every sheet refers only to sheets before it.
SHEETS: dict[str, Sheet] = {
    "departments": Sheet(
        ("部门",),
        (
            Column("code", ("部门编码", "编码", "代码"), CODE, True, CODE_NOTE, ("CO", "CO-SALES")),
            Column("name", ("部门名称", "名称"), TEXT, True, example=("示例公司", "销售部")),
            Column(
                "parent_code",
                ("上级部门编码", "上级编码", "上级部门"),
                CODE,
                note=_("Code of the parent unit; empty for a company at the top."),
                example=("", "CO"),
            ),
            Column(
                "kind",
                ("类型", "单元类型"),
                UNIT_KIND,
                note=KIND_NOTE,
                example=("company", "department"),
            ),
            Column(
                "aliases",
                ("别名",),
                note=_("Other names, separated by ;"),
                example=("Example Co.", "Sales Department;銷售部"),
            ),
            Column("description", ("描述", "说明")),
            Column(
                "order",
                ("顺序", "排序"),
                NUMBER,
                note=_("Place among units with the same parent (1 = first)."),
                example=(1, 1),
            ),
        ),
    ),
    "functions": Sheet(
        ("部门职能",),
        (
            Column("department_code", ("部门编码",), CODE, True, DEPARTMENT_NOTE, ("CO-SALES",)),
            Column("section", ("分节", "类别", "章节"), note=SECTION_NOTE),
            Column(
                "text",
                ("职能", "部门职能", "内容"),
                TEXT,
                True,
                TEXT_NOTE,
                ("根据公司整体目标制定产品销售计划",),
            ),
        ),
    ),
    "positions": Sheet(
        ("岗位",),
        (
            Column("code", ("岗位编码", "编码"), CODE, True, CODE_NOTE, ("CO-GM", "CO-SALES-MGR")),
            Column(
                "title",
                ("岗位名称", "名称", "职位名称"),
                TEXT,
                True,
                example=("总经理", "销售部经理"),
            ),
            Column(
                "department_code",
                ("部门编码", "所属部门编码"),
                CODE,
                True,
                DEPARTMENT_NOTE,
                ("CO", "CO-SALES"),
            ),
            Column(
                "reports_to_code",
                ("直接上级编码", "上级岗位编码"),
                CODE,
                note=_("Code of the solid-line superior position (直接上级)."),
                example=("", "CO-GM"),
            ),
            Column(
                "headcount",
                ("编制", "人数", "编制人数"),
                NUMBER,
                note=_("Planned headcount (编制), a whole number."),
                example=(1, 1),
            ),
            Column(
                "is_head",
                ("部门负责人", "是否负责人"),
                FLAG,
                note=_("1 if this position heads its department, else 0."),
                example=("1", "1"),
            ),
            Column("summary", ("岗位概述", "职位概述"), example=("", "负责销售部全面工作")),
            Column("requirements", ("任职要求",), example=("", "本科及以上学历")),
        ),
    ),
    "dotted_lines": Sheet(
        ("虚线汇报", "业务指导"),
        (
            Column("position_code", ("岗位编码",), CODE, True, example=("CO-SALES-MGR",)),
            Column(
                "to_position_code",
                ("对象岗位编码", "虚线岗位编码"),
                CODE,
                True,
                _("The position that receives the dotted line."),
                ("CO-GM",),
            ),
            Column("label", ("关系", "说明"), example=("业务指导",)),
        ),
    ),
    "duties": Sheet(
        ("岗位职责", "职责"),
        (
            Column("position_code", ("岗位编码",), CODE, True, example=("CO-SALES-MGR",)),
            # The template's note is the departments' (one note per column name).
            Column("kind", ("类型",), DUTY_KIND, note=KIND_NOTE, example=("duty",)),
            Column("section", ("分节", "类别"), note=SECTION_NOTE),
            Column(
                "text",
                ("职责", "岗位职责", "内容", "职责内容", "职责描述", "工作内容", "工作职责"),
                TEXT,
                True,
                TEXT_NOTE,
                ("根据年度目标制定销售计划",),
            ),
            Column(
                "process_steps",
                ("流程", "工作流程", "流程步骤"),
                note=_("One step per line, without numbers."),
                example=("收集市场信息\n编制计划\n报总经理审批",),
            ),
            Column(
                "forms",
                ("相关记录", "表单", "相关表单", "记录"),
                FORMS,
                note=_("Form codes or names, separated by 、 ; or new lines."),
                example=("F-PLAN",),
            ),
            Column(
                "function",
                ("部门职能", "职能编号"),
                FUNCTION_NUMBER,
                note=_("Number of the department function it carries out: 3, or 2.3 in sections."),
                example=("1",),
            ),
        ),
    ),
    "kpis": Sheet(
        ("工作指标", "考核指标"),
        (
            Column("position_code", ("岗位编码",), CODE, True, example=("CO-SALES-MGR",)),
            Column(
                "duty_number",
                ("职责序号", "序号"),
                NUMBER,
                note=_(
                    "The duty's number within its position; empty for a KPI of the whole position."
                ),
                example=(1,),
            ),
            Column(
                "text",
                ("工作指标", "考核指标", "指标", "绩效指标", "kpi"),
                TEXT,
                True,
                TEXT_NOTE,
                ("每年12月20日前制定年度销售计划",),
            ),
            Column("metric", ("指标名称",)),
            Column("comparison", ("比较",), COMPARISON, note=_(">=, <=, =, < or >")),
            Column("target", ("目标值", "目标"), TARGET),
            Column("unit", ("单位",)),
            Column(
                "period",
                ("周期",),
                PERIOD,
                note=_("daily, weekly, monthly, quarterly, half_yearly or yearly"),
                example=("yearly",),
            ),
            Column(
                "deadline",
                ("截止日期", "期限"),
                DEADLINE,
                note=_("12-20 for every year by 20 December; 25 for every month by the 25th."),
                example=("12-20",),
            ),
        ),
    ),
    "forms": Sheet(
        ("表单", "相关记录"),
        (
            Column("code", ("表单编码", "编码"), CODE, True, CODE_NOTE, ("F-PLAN",)),
            Column("name", ("表单名称", "名称"), TEXT, True, example=("年度销售计划表",)),
            Column("description", ("描述", "说明")),
            Column(
                "department_code",
                ("部门编码", "归口部门编码"),
                CODE,
                note=DEPARTMENT_NOTE,
                example=("CO-SALES",),
            ),
        ),
    ),
    "employees": Sheet(
        ("员工", "人员"),
        (
            Column("employee_no", ("工号", "员工编号"), CODE, True, example=("E0001",)),
            Column("name", ("姓名",), TEXT, True, example=("张伟",)),
            Column("username", ("用户名", "账号"), CODE),
            Column("position_code", ("岗位编码",), CODE, example=("CO-SALES-MGR",)),
            Column(
                "primary",
                ("主岗", "是否主岗"),
                FLAG,
                note=_("1 for the employee's primary position."),
                example=("1",),
            ),
            Column(
                "start_date",
                ("任职日期", "开始日期"),
                DATE,
                note=_("YYYY-MM-DD"),
                example=("2024-01-02",),
            ),
            # Not folded, unlike start_date (as before issue 11, which changes no
            # behaviour): a full-width end date is refused as not YYYY-MM-DD.
            Column(
                "end_date",
                ("离任日期", "结束日期"),
                DATE,
                note=_("YYYY-MM-DD, empty while the employee holds the position."),
                fold=False,
            ),
        ),
    ),
}


def examples() -> dict[str, list[list]]:
    """The template's example rows of every sheet."""
    rows = {}
    for name, sheet in SHEETS.items():
        count = max(len(c.example) for c in sheet.columns)
        rows[name] = [
            [c.example[i] if i < len(c.example) else "" for c in sheet.columns]
            for i in range(count)
        ]
    return rows
