"""Turn a parsed duty document into workbook rows, so it is saved by the workbook importer.

The document reader (``reader``) gives blocks: a department's functions or a
position's duties, with sections, process steps, forms and KPIs. HR staff check
each block in the admin, edit its items as numbered text, and say where it goes:
an existing department or position (matched by name, simplified and traditional
alike), a new one, or nowhere. The result is an ordinary workbook, so a document
import is validated, previewed, written atomically and recorded in history
exactly like a spreadsheet import.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.chinese import simplified
from departments.models import Department
from kpis.models import Form
from positions.models import Position
from reader import ParsedBlock, ParsedKpi
from workbook.columns import COMPARISON_SIGNS
from workbook.sheets import Row, Workbook

USE_DEPARTMENT = "department"
USE_POSITION = "position"
USE_NOTHING = "skip"
NEW = "new"

# Labels of the editable text. Each is accepted in Chinese and in English.
STEP_LABELS = ("流程", "步骤", "step")
FORM_LABELS = ("记录", "相关记录", "表单", "form")
KPI_LABELS = ("指标", "工作指标", "考核指标", "kpi")
AUTHORITY_HEADING = "== 权限 =="
_AUTHORITY_HEADINGS = {"==权限==", "==authorities==", "==职责与权限=="}

_SUB_LINE = re.compile(r"^\s+[-•]\s*([^:：]+)[:：]\s*(.*)$")
_ITEM_LINE = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.、)]?|[-•])\s*(.+)$")


def normalise(name: str) -> str:
    """The form of a name used for matching: simplified characters, no spaces, lower case."""
    return re.sub(r"[\s\u3000·・]", "", simplified(name or "")).lower()


# -- the editable text of a block ---------------------------------------------


@dataclass
class Item:
    text: str
    kind: str = "duty"
    section: str = ""
    process_steps: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)


def block_items(block: ParsedBlock) -> list[Item]:
    """The items of a block the reader returned, flattened with their section titles."""
    items = []
    for section in block.sections:
        for item in section.items:
            items.append(
                Item(
                    text=item.text,
                    kind=item.kind or "duty",
                    section=section.title or "",
                    process_steps=list(item.process_steps),
                    forms=list(item.forms),
                    kpis=[k.text for k in item.kpis if k.text],
                )
            )
    return items


def render_items(items: list[Item]) -> str:
    """Items as numbered text that HR staff can correct: sections, numbers, sub-lines."""
    lines = []
    for kind in ("duty", "authority"):
        group = [i for i in items if (i.kind == "authority") == (kind == "authority")]
        if not group:
            continue
        if kind == "authority":
            lines.append(AUTHORITY_HEADING)
        section, number = None, 0
        for item in group:
            if item.section != section:
                section, number = item.section, 0
                if section:
                    lines.append(f"## {section}")
            number += 1
            lines.append(f"{number}. {item.text}")
            lines += [f"   - {STEP_LABELS[0]}：{s}" for s in item.process_steps]
            lines += [f"   - {FORM_LABELS[0]}：{f}" for f in item.forms]
            lines += [f"   - {KPI_LABELS[0]}：{k}" for k in item.kpis]
    return "\n".join(lines)


def parse_items(text: str) -> tuple[list[Item], list[str]]:
    """Read the edited text back; the numbers typed are ignored, the order of lines counts."""
    items: list[Item] = []
    problems: list[str] = []
    section, kind = "", "duty"
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if re.sub(r"\s", "", line).lower() in _AUTHORITY_HEADINGS:
            kind, section = "authority", ""
            continue
        if line.lstrip().startswith("##"):
            section = line.strip().lstrip("#").strip()
            continue
        sub = _SUB_LINE.match(line)
        if sub and items:
            label, value = sub.group(1).strip().lower(), sub.group(2).strip()
            if not value:
                continue
            if label in STEP_LABELS:
                items[-1].process_steps.append(value)
                continue
            if label in FORM_LABELS:
                items[-1].forms.append(value.strip("《》"))
                continue
            if label in KPI_LABELS:
                items[-1].kpis.append(value)
                continue
        if line[:1].isspace() and items and not _ITEM_LINE.match(line.strip()):
            # A wrapped line continues the item above.
            items[-1].text += line.strip()
            continue
        match = _ITEM_LINE.match(line)
        body = (match.group(1) if match else line).strip()
        if not body:
            problems.append(_("Line %(number)d has no text.") % {"number": number})
            continue
        items.append(Item(text=body, kind=kind, section=section))
    return items, problems


# -- matching names to what is stored -----------------------------------------


class Directory:
    """Departments, positions and forms, loaded once and looked up by normalised name."""

    def __init__(self):
        self.departments = list(Department.objects.only("id", "code", "name", "aliases"))
        self.positions = list(
            Position.objects.select_related("department").only(
                "id",
                "code",
                "title",
                "department__code",
                "department__name",
                "reports_to_id",
                "headcount",
                "is_head",
                "summary",
                "requirements",
            )
        )
        self.forms = list(Form.objects.only("id", "code", "name"))
        self._departments = {}
        for department in self.departments:
            for name in [department.name, *department.alias_list]:
                self._departments.setdefault(normalise(name), []).append(department)
        self._positions = {}
        for position in self.positions:
            self._positions.setdefault(normalise(position.title), []).append(position)
        self._forms = {normalise(f.name): f for f in self.forms}
        self.department_codes = {d.code for d in self.departments}
        self.position_codes = {p.code for p in self.positions}
        self.code_by_pk = {p.pk: p.code for p in self.positions}
        self.form_codes = {f.code for f in self.forms}

    def departments_named(self, name: str) -> list:
        return self._departments.get(normalise(name), [])

    def positions_titled(self, title: str, department_code: str = "") -> list:
        found = self._positions.get(normalise(title), [])
        if department_code:
            inside = [p for p in found if p.department.code == department_code]
            return inside or found
        return found

    def form_named(self, name: str):
        return self._forms.get(normalise(name))

    def new_code(self, taken: set, prefix: str) -> str:
        number = 1
        while f"{prefix}{number:02d}" in taken:
            number += 1
        code = f"{prefix}{number:02d}"
        taken.add(code)
        return code


def department_candidates(directory: Directory, block: ParsedBlock) -> list:
    """Departments a block may belong to: a department block's own name, or a position's
    title with its trailing role removed (售后服务部经理 → 售后服务部)."""
    name = block.name or ""
    found = directory.departments_named(name)
    if found or block.kind != USE_POSITION:
        return found
    match = re.match(r"^(.+?[部处室科中心组])", simplified(name))
    return directory.departments_named(match.group(1)) if match else []


# -- decisions and the workbook ------------------------------------------------


@dataclass
class Decision:
    """What HR staff chose for one block."""

    use: str  # USE_DEPARTMENT, USE_POSITION or USE_NOTHING
    name: str
    target: str  # the code of an existing department or position, or NEW
    department: str = ""  # a new position's department, or a new department's parent
    reports_to: str = ""  # position code, for a position block
    summary: str = ""
    requirements: str = ""
    items_text: str = ""


def build_workbook(
    decisions: list[Decision], directory: Directory, create_forms: bool, kpi_reader
) -> tuple[Workbook, list[str]]:
    """The workbook that saves these decisions, and notes on what was left out.

    ``kpi_reader(sentence)`` returns the reader's ``ParsedKpi`` list (``reader.parse_kpis``).
    """
    book = Workbook()
    notes: list[str] = []
    departments, functions, positions, duties, kpis, forms = [], [], [], [], [], []
    department_codes = set(directory.department_codes)
    position_codes = set(directory.position_codes)
    form_codes = set(directory.form_codes)
    new_forms: dict[str, str] = {}
    stored_positions = {p.code: p for p in directory.positions}
    stored_departments = {d.code: d for d in directory.departments}

    def row(rows, values):
        rows.append(Row(len(rows) + 2, {k: str(v) for k, v in values.items()}))

    def form_reference(name: str) -> str:
        stored = directory.form_named(name)
        if stored:
            return stored.code
        key = normalise(name)
        if key in new_forms:
            return new_forms[key]
        if not create_forms:
            notes.append(
                _("Form “%(name)s” is not stored; its link was left out.") % {"name": name}
            )
            return ""
        code = directory.new_code(form_codes, "F-DOC-")
        new_forms[key] = code
        row(forms, {"code": code, "name": name})
        return code

    for decision in decisions:
        if decision.use == USE_NOTHING:
            continue
        items, problems = parse_items(decision.items_text)
        notes += [f"{decision.name}: {p}" for p in problems]
        if decision.use == USE_DEPARTMENT:
            code = decision.target
            if code == NEW:
                parent = decision.department
                code = directory.new_code(department_codes, f"{parent or 'DEPT'}-D")
                row(
                    departments,
                    {"code": code, "name": decision.name, "parent_code": parent},
                )
            elif code not in stored_departments:
                continue
            for item in items:
                row(
                    functions, {"department_code": code, "section": item.section, "text": item.text}
                )
                if item.kpis or item.forms or item.process_steps:
                    notes.append(
                        _(
                            "%(name)s: a department function keeps its text only; "
                            "its steps, forms and KPIs were left out."
                        )
                        % {"name": decision.name}
                    )
            continue
        code = decision.target
        if code == NEW:
            department = decision.department
            code = directory.new_code(position_codes, f"{department}-P")
            values = {
                "title": decision.name,
                "department_code": department,
                "reports_to_code": decision.reports_to,
                "headcount": 1,
                "is_head": 0,
                "summary": decision.summary,
                "requirements": decision.requirements,
            }
        elif code in stored_positions:
            stored = stored_positions[code]
            values = {
                "title": stored.title,
                "department_code": stored.department.code,
                "reports_to_code": decision.reports_to
                or directory.code_by_pk.get(stored.reports_to_id, ""),
                "headcount": stored.headcount,
                "is_head": int(stored.is_head),
                "summary": decision.summary or stored.summary,
                "requirements": decision.requirements or stored.requirements,
            }
        else:
            continue
        row(positions, {"code": code, **values})
        number = 0
        for item in items:
            references = [r for r in (form_reference(f) for f in item.forms) if r]
            row(
                duties,
                {
                    "position_code": code,
                    "kind": item.kind,
                    "section": item.section,
                    "text": item.text,
                    "process_steps": "\n".join(item.process_steps),
                    "forms": ";".join(references),
                },
            )
            if item.kind != "duty":
                continue
            number += 1
            for sentence in item.kpis:
                for kpi in kpi_reader(sentence) or [ParsedKpi(text=sentence)]:
                    row(kpis, {"position_code": code, "duty_number": number, **kpi_values(kpi)})
    for name, rows in [
        ("departments", departments),
        ("functions", functions),
        ("positions", positions),
        ("forms", forms),
        ("duties", duties),
        ("kpis", kpis),
    ]:
        if rows:
            book.sheets[name] = rows
    return book, notes


def kpi_values(kpi: ParsedKpi) -> dict:
    """The cells of a KPI row of the workbook for one KPI the reader returned.

    The reader speaks the models' words, so its period is written as it is; a
    KPI without a target keeps its sentence, period and deadline only.
    """
    deadline = kpi.deadline
    if deadline and deadline.month and deadline.day:
        when = f"{deadline.month}-{deadline.day}"
    elif deadline and deadline.day:
        when = str(deadline.day)
    else:
        when = ""
    structured = kpi.structured and kpi.target is not None
    return {
        "text": kpi.text,
        "metric": kpi.metric or "" if structured else "",
        "comparison": COMPARISON_SIGNS.get(kpi.comparison, "") if structured else "",
        "target": _target(kpi.target) if structured else "",
        "unit": kpi.unit or "" if structured else "",
        "period": kpi.period or "",
        "deadline": when,
    }


def _target(value) -> str:
    # Written as the reader's JSON wrote it before: 90, not 90.0000; 99.5 as 99.5.
    return f"{int(value) if value == value.to_integral_value() else float(value)}"
