"""Import a whole organisation workbook: validate every row, then write it all at once.

Follows pretix's import pipeline: lookups are loaded once into dicts, every
error is collected with its sheet, row and column, and nothing is written
unless every row is good. Writing happens in one transaction under the
department tree lock, with bulk queries (never a query per row), and records
history for every created or changed object.

Rows are matched by code, so importing the same workbook again changes
nothing. Function, duty and KPI lists are replaced per department or position
the workbook mentions: items it no longer holds are removed.
"""

import re
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import EMPLOYEES
from departments.models import Department, DepartmentFunction, tree_lock
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position, find_dotted_cycle
from workbook import bulk
from workbook.sheets import SHEET_ORDER, Row, Workbook, normal_word

_TRUE = {"1", "true", "yes", "y", "是", "√", "x"}
_FALSE = {"", "0", "false", "no", "n", "否"}
_FORM_SEPARATORS = re.compile(r"[、;；,，\n]+")
_NO_FORMS = frozenset()
_KIND_WORDS = {
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
_DUTY_KINDS = {
    "duty": "duty",
    "职责": "duty",
    "岗位职责": "duty",
    "authority": "authority",
    "权限": "authority",
    "职权": "authority",
}
_COMPARISONS = {
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
_PERIODS = {
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


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("Row %(row)d") % {"row": self.row} if self.row else ""
        column = f", {self.column}" if self.column else ""
        return f"{self.sheet} {where}{column}: {self.message}"


@dataclass
class SheetReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    deleted_items: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(
            _("%(count)d problem(s) in the workbook; nothing was written.") % {"count": len(errors)}
        )
        self.errors = errors


@dataclass
class Report:
    sheets: dict[str, SheetReport] = field(
        default_factory=lambda: {s: SheetReport() for s in SHEET_ORDER}
    )
    dry_run: bool = False


_TARGET_LIMIT = Decimal(10) ** 10
TARGET_MESSAGE = gettext_lazy(
    "Expected a number with at most 10 digits before the point and 4 after "
    "(98, 98%% or 0.5), got “%(value)s”."
)


def parse_target(value: str) -> tuple[Decimal, str]:
    """A target cell as (number, unit it carries): "98%" is (98, "%"), "1,000" is (1000, "").

    Raises InvalidOperation when it is not a number. A percentage cell that
    the spreadsheet stores as 0.98 arrives as 0.98: nothing here can tell.
    """
    text = normal_word(value).replace(",", "")
    unit = "%" if text.endswith("%") else ""
    number = Decimal(text.removesuffix("%").strip())
    # NaN, Infinity and numbers the column cannot hold (14 digits, 4 after the point).
    if not number.is_finite() or abs(number) >= _TARGET_LIMIT or number != round(number, 4):
        raise InvalidOperation(value)
    return number, unit


def _parse_bool(value: str):
    lowered = normal_word(value)
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _date(value: str):
    return date.fromisoformat(value) if value else None


def _creation_levels(new: dict, parent_code) -> list[list]:
    """Split new rows (code -> object) so that a row's parent, when it is new too,
    is in an earlier level: each level can be inserted with its parents' ids known,
    instead of inserting everything and then updating every row a second time.
    Sheet order is kept within a level.
    """
    depth = {}
    for code in new:
        chain, current = [], code
        while current in new and current not in depth and current not in chain:
            chain.append(current)
            current = parent_code(current)
        level = depth.get(current, -1)
        for item in reversed(chain):
            level += 1
            depth[item] = level
    levels = defaultdict(list)
    for code, obj in new.items():
        levels[depth[code]].append(obj)
    return [levels[d] for d in sorted(levels)]


def _place_in_new_tree(units: list, parent_code) -> None:
    """Set the tree fields of units that make up the whole tree (none stored yet).

    Siblings are ordered by ``order``, then by their place in the sheet, and
    renumbered 1..n: what Department.objects.rebuild() makes of them, so its
    pass after the insert finds nothing to rewrite (rewriting 2,000 units
    through bulk_update costs seconds).
    """
    children = defaultdict(list)
    for index, unit in enumerate(units):
        children[parent_code(unit.code) or None].append((unit.order or 0, index, unit))
    for kids in children.values():
        kids.sort(key=lambda entry: entry[:2])
    for tree_id, (_order, _index, root) in enumerate(children[None], start=1):
        counter = 1
        stack = [(root, 0, tree_id, False)]
        while stack:
            unit, level, order, closing = stack.pop()
            if closing:
                unit.rght = counter
                counter += 1
                continue
            unit.lft, unit.level, unit.tree_id, unit.order = counter, level, tree_id, order
            counter += 1
            stack.append((unit, level, order, True))
            kids = children.get(unit.code, [])
            for index in range(len(kids), 0, -1):
                stack.append((kids[index - 1][2], level + 1, index, False))


def _changed(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class OrgImporter:
    def __init__(self, workbook: Workbook, user=None):
        self.workbook = workbook
        self.user = user
        self.errors: list[RowError] = [RowError(*p) for p in workbook.problems]
        self.report = Report()

    # -- entry point ---------------------------------------------------------

    def run(self, dry_run=False) -> Report:
        """Validate and write; raise ImportFailed with every error, writing nothing."""
        self.report.dry_run = dry_run
        with tree_lock():
            self._load()
            self._validate()
            if self.errors:
                raise ImportFailed(self.errors)
            self._write()
            if dry_run:
                transaction.set_rollback(True)
        return self.report

    def error(self, sheet, row: Row | int, column, message):
        number = row.number if isinstance(row, Row) else row
        self.errors.append(RowError(sheet, number, column, message))

    # -- lookups, once per import -------------------------------------------

    def _load(self):
        self.departments = {d.code: d for d in Department.objects.all()}
        self.positions = {p.code: p for p in Position.objects.all()}
        self.forms = {f.code: f for f in Form.objects.all()}
        self.forms_by_name = {f.name: f for f in self.forms.values()}
        self.employees = {e.employee_no: e for e in Employee.objects.all()}

    # -- validation ----------------------------------------------------------

    def _validate(self):
        self._validate_departments()
        self._validate_functions()
        self._validate_positions()
        self._validate_dotted_lines()
        self._validate_forms()
        self._validate_duties()
        self._validate_kpis()
        self._validate_employees()

    def _required(self, sheet, row, *columns) -> bool:
        ok = True
        for column in columns:
            if not row.get(column):
                self.error(sheet, row, column, _("This column must not be empty."))
                ok = False
        return ok

    def _unique(self, sheet, rows, column):
        seen = {}
        for row in rows:
            value = row.get(column)
            if value in seen:
                self.error(
                    sheet,
                    row,
                    column,
                    _("“%(value)s” already appears in row %(row)d.")
                    % {"value": value, "row": seen[value]},
                )
            elif value:
                seen[value] = row.number

    def _order(self, sheet, row, column="order"):
        value = row.get(column)
        if not value:
            return None
        try:
            number = int(float(value))
        except ValueError:
            number = -1
        if number < 0:
            self.error(
                sheet,
                row,
                column,
                _("Expected a whole number ≥ 0, got “%(value)s”.") % {"value": value},
            )
            return None
        return number

    def _validate_departments(self):
        rows = self.workbook.rows("departments")
        self._unique("departments", rows, "code")
        self.sheet_departments = {}
        for row in rows:
            if not self._required("departments", row, "code", "name"):
                continue
            kind = row.get("kind") or "department"
            if normal_word(kind) not in _KIND_WORDS:
                self.error(
                    "departments",
                    row,
                    "kind",
                    _(
                        "Unknown kind “%(value)s”; use company, branch, department, office or region."
                    )
                    % {"value": kind},
                )
            self._order("departments", row)
            self.sheet_departments.setdefault(row.get("code"), row)
        known = set(self.departments) | set(self.sheet_departments)
        codes_by_id = {d.pk: code for code, d in self.departments.items()}
        parents = {code: codes_by_id.get(d.parent_id, "") for code, d in self.departments.items()}
        for code, row in self.sheet_departments.items():
            parent = row.get("parent_code")
            if parent and parent not in known:
                self.error(
                    "departments",
                    row,
                    "parent_code",
                    _("No department with code “%(code)s”.") % {"code": parent},
                )
            elif parent == code:
                self.error("departments", row, "parent_code", _("A unit cannot be its own parent."))
            else:
                parents[code] = parent
        for code, row in self.sheet_departments.items():
            seen, current = set(), code
            while current and current not in seen:
                seen.add(current)
                current = parents.get(current, "")
            if current == code and code in seen and parents.get(code):
                self.error(
                    "departments",
                    row,
                    "parent_code",
                    _("The parent chain of “%(code)s” loops back to itself.") % {"code": code},
                )

    def _department_known(self, code):
        return code in self.departments or code in self.sheet_departments

    def _validate_functions(self):
        self.function_rows = defaultdict(list)
        for row in self.workbook.rows("functions"):
            if not self._required("functions", row, "department_code", "text"):
                continue
            code = row.get("department_code")
            if not self._department_known(code):
                self.error(
                    "functions",
                    row,
                    "department_code",
                    _("No department with code “%(code)s”.") % {"code": code},
                )
                continue
            self.function_rows[code].append(row)

    def _validate_positions(self):
        rows = self.workbook.rows("positions")
        self._unique("positions", rows, "code")
        self.sheet_positions = {}
        for row in rows:
            if not self._required("positions", row, "code", "title", "department_code"):
                continue
            if not self._department_known(row.get("department_code")):
                self.error(
                    "positions",
                    row,
                    "department_code",
                    _("No department with code “%(code)s”.") % {"code": row.get("department_code")},
                )
            if _parse_bool(row.get("is_head")) is None:
                self.error(
                    "positions",
                    row,
                    "is_head",
                    _("Expected 1 or 0 (yes or no), got “%(value)s”.")
                    % {"value": row.get("is_head")},
                )
            self._order("positions", row, "headcount")
            self.sheet_positions.setdefault(row.get("code"), row)
        known = set(self.positions) | set(self.sheet_positions)
        by_id = {p.pk: p.code for p in self.positions.values()}
        superiors = {p.code: by_id.get(p.reports_to_id, "") for p in self.positions.values()}
        dept_codes = {d.pk: code for code, d in self.departments.items()}
        final_heads = {
            dept_codes[p.department_id]: p.code
            for p in self.positions.values()
            if p.is_head and p.code not in self.sheet_positions
        }
        for code, row in self.sheet_positions.items():
            boss = row.get("reports_to_code")
            if boss and boss not in known:
                self.error(
                    "positions",
                    row,
                    "reports_to_code",
                    _("No position with code “%(code)s”.") % {"code": boss},
                )
            elif boss == code:
                self.error(
                    "positions", row, "reports_to_code", _("A position cannot report to itself.")
                )
            else:
                superiors[code] = boss
            if _parse_bool(row.get("is_head")):
                dept = row.get("department_code")
                if dept in final_heads and final_heads[dept] != code:
                    self.error(
                        "positions",
                        row,
                        "is_head",
                        _("Department “%(dept)s” already has a head: %(head)s.")
                        % {"dept": dept, "head": final_heads[dept]},
                    )
                else:
                    final_heads[dept] = code
        for code, row in self.sheet_positions.items():
            seen, current = set(), superiors.get(code)
            while current and current not in seen:
                seen.add(current)
                if current == code:
                    self.error(
                        "positions",
                        row,
                        "reports_to_code",
                        _("The reporting line of “%(code)s” loops back to itself.")
                        % {"code": code},
                    )
                    break
                current = superiors.get(current)

    def _position_known(self, code):
        return code in self.positions or code in self.sheet_positions

    def _validate_dotted_lines(self):
        self.dotted_rows = defaultdict(list)
        for row in self.workbook.rows("dotted_lines"):
            if not self._required("dotted_lines", row, "position_code", "to_position_code"):
                continue
            ok = True
            for column in ("position_code", "to_position_code"):
                if not self._position_known(row.get(column)):
                    self.error(
                        "dotted_lines",
                        row,
                        column,
                        _("No position with code “%(code)s”.") % {"code": row.get(column)},
                    )
                    ok = False
            if row.get("position_code") == row.get("to_position_code"):
                self.error(
                    "dotted_lines",
                    row,
                    "to_position_code",
                    _("A dotted line cannot point to its own position."),
                )
                ok = False
            if ok:
                self.dotted_rows[row.get("position_code")].append(row)
        by_id = {p.pk: p.code for p in self.positions.values()}
        existing = [
            (by_id[a], by_id[b])
            for a, b in DottedLine.objects.values_list("from_position_id", "to_position_id")
            if by_id.get(a) not in self.dotted_rows
        ]
        new = [
            (r.get("position_code"), r.get("to_position_code"))
            for rows in self.dotted_rows.values()
            for r in rows
        ]
        if find_dotted_cycle(existing, new):
            first = next(iter(self.dotted_rows.values()))[0]
            self.error(
                "dotted_lines",
                first,
                "to_position_code",
                _("These dotted lines would form a cycle."),
            )

    def _validate_forms(self):
        rows = self.workbook.rows("forms")
        self._unique("forms", rows, "code")
        self.sheet_forms = {}
        for row in rows:
            if not self._required("forms", row, "code", "name"):
                continue
            dept = row.get("department_code")
            if dept and not self._department_known(dept):
                self.error(
                    "forms",
                    row,
                    "department_code",
                    _("No department with code “%(code)s”.") % {"code": dept},
                )
            self.sheet_forms.setdefault(row.get("code"), row)
        self.sheet_forms_by_name = {r.get("name"): code for code, r in self.sheet_forms.items()}

    def _form_code(self, token: str):
        token = token.strip().strip("《》")
        if token in self.sheet_forms or token in self.forms:
            return token
        if token in self.sheet_forms_by_name:
            return self.sheet_forms_by_name[token]
        if token in self.forms_by_name:
            return self.forms_by_name[token].code
        return None

    def _validate_duties(self):
        self.duty_rows = defaultdict(list)
        for row in self.workbook.rows("duties"):
            if not self._required("duties", row, "position_code", "text"):
                continue
            if not self._position_known(row.get("position_code")):
                self.error(
                    "duties",
                    row,
                    "position_code",
                    _("No position with code “%(code)s”.") % {"code": row.get("position_code")},
                )
                continue
            if normal_word(row.get("kind") or "duty") not in _DUTY_KINDS:
                self.error(
                    "duties",
                    row,
                    "kind",
                    _("Unknown kind “%(value)s”; use duty or authority.")
                    % {"value": row.get("kind")},
                )
            for token in _FORM_SEPARATORS.split(row.get("forms")):
                if token.strip() and self._form_code(token) is None:
                    self.error(
                        "duties",
                        row,
                        "forms",
                        _("No form with code or name “%(value)s”.") % {"value": token.strip()},
                    )
            self.duty_rows[row.get("position_code")].append(row)

    def _validate_kpis(self):
        self.kpi_rows = defaultdict(list)
        duty_counts = {
            code: sum(
                1 for r in rows if _DUTY_KINDS.get(normal_word(r.get("kind") or "duty")) == "duty"
            )
            for code, rows in self.duty_rows.items()
        }
        # Counted in the database: one row per position, not one per duty.
        stored_counts = dict(
            Duty.objects.filter(kind=Duty.Kind.DUTY)
            .values_list("position__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in self.workbook.rows("kpis"):
            if not self._required("kpis", row, "position_code", "text"):
                continue
            code = row.get("position_code")
            if not self._position_known(code):
                self.error(
                    "kpis",
                    row,
                    "position_code",
                    _("No position with code “%(code)s”.") % {"code": code},
                )
                continue
            number = row.get("duty_number")
            if number:
                available = duty_counts.get(code, stored_counts.get(code, 0))
                if not number.isdigit() or not 1 <= int(number) <= available:
                    self.error(
                        "kpis",
                        row,
                        "duty_number",
                        _("Position “%(code)s” has no duty number %(number)s (it has %(count)d).")
                        % {"code": code, "number": number, "count": available},
                    )
            if row.get("comparison") and normal_word(row.get("comparison")) not in _COMPARISONS:
                self.error("kpis", row, "comparison", _("Use one of >=, <=, =, <, >."))
            if row.get("target"):
                try:
                    parse_target(row.get("target"))
                except InvalidOperation:
                    self.error(
                        "kpis",
                        row,
                        "target",
                        TARGET_MESSAGE % {"value": row.get("target")},
                    )
            if row.get("period") and normal_word(row.get("period")) not in _PERIODS:
                self.error(
                    "kpis",
                    row,
                    "period",
                    _("Unknown period “%(value)s”.") % {"value": row.get("period")},
                )
            if row.get("deadline") and self._deadline(row.get("deadline")) is None:
                self.error(
                    "kpis",
                    row,
                    "deadline",
                    _("Write a yearly deadline as MM-DD (12-20) or a monthly one as DD (25)."),
                )
            self.kpi_rows[code].append(row)

    @staticmethod
    def _deadline(value):
        """(month, day) of a deadline cell: 12-20, 12/20, 12月20日, a date cell
        (2026-12-20, its year ignored), 25, 25日 or 25号; None when unreadable."""
        text = normal_word(value).removeprefix("每年").removeprefix("每月").strip()
        match = re.fullmatch(
            r"(?:\d{4}\s*[-/.年]\s*)?(?:(\d{1,2})\s*[-/.月]\s*)?(\d{1,2})\s*[日号]?\s*(?:前|之前)?",
            text,
        )
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

    def _validate_employees(self):
        self.employee_rows = defaultdict(list)
        primaries = Counter()
        logins = {}
        for row in self.workbook.rows("employees"):
            if not self._required("employees", row, "employee_no", "name"):
                continue
            code = row.get("position_code")
            if code and not self._position_known(code):
                self.error(
                    "employees",
                    row,
                    "position_code",
                    _("No position with code “%(code)s”.") % {"code": code},
                )
            if _parse_bool(row.get("primary")) is None:
                self.error(
                    "employees",
                    row,
                    "primary",
                    _("Expected 1 or 0 (yes or no), got “%(value)s”.")
                    % {"value": row.get("primary")},
                )
            elif _parse_bool(row.get("primary")) and code:
                primaries[row.get("employee_no")] += 1
                if primaries[row.get("employee_no")] > 1:
                    self.error(
                        "employees", row, "primary", _("An employee has one primary position.")
                    )
            dates = {}
            for column in ("start_date", "end_date"):
                if row.get(column):
                    try:
                        dates[column] = date.fromisoformat(row.get(column))
                    except ValueError:
                        self.error("employees", row, column, _("Write dates as YYYY-MM-DD."))
            if len(dates) == 2 and dates["end_date"] < dates["start_date"]:
                self.error(
                    "employees", row, "end_date", _("The end date is before the start date.")
                )
            username = row.get("username")
            if username:
                # One login account per employee (the database would refuse it mid-write).
                first = logins.setdefault(username, row)
                if first.get("employee_no") != row.get("employee_no"):
                    self.error(
                        "employees",
                        row,
                        "username",
                        _("“%(value)s” already appears in row %(row)d.")
                        % {"value": username, "row": first.number},
                    )
            self.employee_rows[row.get("employee_no")].append(row)
        if logins:
            for username, number in Employee.objects.filter(
                user__username__in=list(logins)
            ).values_list("user__username", "employee_no"):
                if number != logins[username].get("employee_no"):
                    self.error(
                        "employees",
                        logins[username],
                        "username",
                        _("The login “%(value)s” belongs to employee %(number)s.")
                        % {"value": username, "number": number},
                    )

    # -- writing -------------------------------------------------------------

    def _history(self, model, created, updated, fields):
        """Insert ``created``, update ``fields`` of ``updated``, and record history for both."""
        if created:
            bulk.insert(created, model)
        if updated:
            model.objects.bulk_update(updated, fields, batch_size=1000)
        self._record_history(model, created, updated)

    def _record_history(self, model, created, updated):
        """History rows, as simple_history's bulk_history_create writes them."""
        bulk.insert_history(created, model, self.user)
        bulk.insert_history(updated, model, self.user, update=True)

    def _write(self):
        self._write_departments()
        self._write_functions()
        self._write_positions()
        self._write_dotted_lines()
        self._write_forms()
        self._write_duties()
        self._write_kpis()
        self._write_employees()

    def _write_departments(self):
        sheet = self.report.sheets["departments"]
        created, updated = [], []
        for code, row in self.sheet_departments.items():
            values = {
                "name": row.get("name"),
                "kind": _KIND_WORDS[normal_word(row.get("kind") or "department")],
                "aliases": row.get("aliases"),
                "description": row.get("description"),
            }
            order = self._order("departments", row)
            if code in self.departments:
                dept = self.departments[code]
                if order is not None:
                    values["order"] = order
                if _changed(dept, values):
                    updated.append(dept)
                else:
                    sheet.unchanged += 1
            else:
                dept = Department(
                    code=code, order=order or 0, lft=0, rght=0, tree_id=0, level=0, **values
                )
                created.append(dept)
        # Parents first: every new unit is inserted with its parent's id.
        parent_code = lambda code: self.sheet_departments[code].get("parent_code")  # noqa: E731
        if not self.departments:
            _place_in_new_tree(created, parent_code)
        for level in _creation_levels({d.code: d for d in created}, parent_code):
            for dept in level:
                parent = self.departments.get(parent_code(dept.code))
                dept.parent_id = parent.pk if parent else None
            bulk.insert(level, Department)
            for dept in level:
                self.departments[dept.code] = dept
        changed = {id(d) for d in updated}
        for code, row in self.sheet_departments.items():
            dept = self.departments[code]
            parent = self.departments.get(row.get("parent_code"))
            parent_id = parent.pk if parent else None
            if dept.parent_id != parent_id:
                dept.parent_id = parent_id
                if id(dept) not in changed:
                    changed.add(id(dept))
                    updated.append(dept)
                    sheet.unchanged -= 1
        fields = ["name", "kind", "aliases", "description", "order", "parent", "version"]
        for dept in updated:
            dept.version += 1  # an admin form opened before the import is now stale
        Department.objects.bulk_update(updated, fields, batch_size=1000)
        if created or updated:
            Department.objects.rebuild()
        self._record_history(Department, created, updated)
        sheet.created, sheet.updated = len(created), len(updated)

    def _write_functions(self):
        sheet = self.report.sheets["functions"]
        if not self.function_rows:
            return
        dept_ids = {self.departments[c].pk: c for c in self.function_rows}
        existing = defaultdict(list)
        for f in DepartmentFunction.objects.filter(department_id__in=dept_ids):
            existing[dept_ids[f.department_id]].append(f)
        created, updated, deleted = [], [], []
        for code, rows in self.function_rows.items():
            pool = {(f.section, f.text): f for f in existing[code]}
            for order, row in enumerate(rows, start=1):
                key = (row.get("section"), row.get("text"))
                item = pool.pop(key, None)
                if item is None:
                    created.append(
                        DepartmentFunction(
                            department=self.departments[code],
                            section=key[0],
                            text=key[1],
                            order=order,
                        )
                    )
                elif _changed(item, {"order": order}):
                    updated.append(item)
                else:
                    sheet.unchanged += 1
            deleted.extend(pool.values())
        self._history(DepartmentFunction, created, updated, ["order"])
        names = {d.pk: d.name for d in self.departments.values()}
        self._delete(
            sheet, DepartmentFunction, deleted, lambda f: f"{names[f.department_id]}: {f.text}"
        )
        sheet.created, sheet.updated = len(created), len(updated)

    def _delete(self, sheet, model, objects, describe):
        if not objects:
            return
        sheet.deleted = len(objects)
        sheet.deleted_items = [describe(o) for o in objects[:200]]
        model.objects.filter(pk__in=[o.pk for o in objects]).delete()

    def _write_positions(self):
        sheet = self.report.sheets["positions"]
        created, updated = [], []
        for code, row in self.sheet_positions.items():
            values = {
                "title": row.get("title"),
                "department_id": self.departments[row.get("department_code")].pk,
                "headcount": self._order("positions", row, "headcount")
                if row.get("headcount")
                else 1,
                "is_head": bool(_parse_bool(row.get("is_head"))),
                "summary": row.get("summary"),
                "requirements": row.get("requirements"),
            }
            if code in self.positions:
                position = self.positions[code]
                if _changed(position, values):
                    updated.append(position)
                else:
                    sheet.unchanged += 1
            else:
                created.append(Position(code=code, **values))
        # Heads may swap between rows: clear the flag first so the unique
        # "one head per department" index never sees two at once.
        Position.objects.filter(pk__in=[p.pk for p in updated]).update(is_head=False)
        # Superiors first: every new position is inserted with its superior's id.
        boss_code = lambda code: self.sheet_positions[code].get("reports_to_code")  # noqa: E731
        for level in _creation_levels({p.code: p for p in created}, boss_code):
            for position in level:
                boss = self.positions.get(boss_code(position.code))
                position.reports_to_id = boss.pk if boss else None
            bulk.insert(level, Position)
            for position in level:
                self.positions[position.code] = position
        changed = {id(p) for p in updated}
        for code, row in self.sheet_positions.items():
            position = self.positions[code]
            boss = self.positions.get(row.get("reports_to_code"))
            boss_id = boss.pk if boss else None
            if position.reports_to_id != boss_id:
                position.reports_to_id = boss_id
                if id(position) not in changed:
                    changed.add(id(position))
                    updated.append(position)
                    sheet.unchanged -= 1
        fields = [
            "title",
            "department",
            "headcount",
            "is_head",
            "summary",
            "requirements",
            "reports_to",
            "version",
        ]
        for position in updated:
            position.version += 1  # an admin form opened before the import is now stale
        Position.objects.bulk_update(updated, fields, batch_size=1000)
        self._record_history(Position, created, updated)
        sheet.created, sheet.updated = len(created), len(updated)

    def _write_dotted_lines(self):
        sheet = self.report.sheets["dotted_lines"]
        if not self.dotted_rows:
            return
        from_ids = {self.positions[c].pk for c in self.dotted_rows}
        existing = {
            (d.from_position_id, d.to_position_id): d
            for d in DottedLine.objects.filter(from_position_id__in=from_ids)
        }
        created, updated = [], []
        for code, rows in self.dotted_rows.items():
            for row in rows:
                key = (self.positions[code].pk, self.positions[row.get("to_position_code")].pk)
                line = existing.pop(key, None)
                if line is None:
                    created.append(
                        DottedLine(
                            from_position_id=key[0], to_position_id=key[1], label=row.get("label")
                        )
                    )
                elif _changed(line, {"label": row.get("label")}):
                    updated.append(line)
                else:
                    sheet.unchanged += 1
        self._history(DottedLine, created, updated, ["label"])
        self._delete(sheet, DottedLine, list(existing.values()), str)
        sheet.created, sheet.updated = len(created), len(updated)

    def _write_forms(self):
        sheet = self.report.sheets["forms"]
        created, updated = [], []
        for code, row in self.sheet_forms.items():
            dept = self.departments.get(row.get("department_code"))
            values = {
                "name": row.get("name"),
                "description": row.get("description"),
                "department_id": dept.pk if dept else None,
            }
            if code in self.forms:
                if _changed(self.forms[code], values):
                    updated.append(self.forms[code])
                else:
                    sheet.unchanged += 1
            else:
                created.append(Form(code=code, **values))
        self._history(Form, created, updated, ["name", "description", "department"])
        for form in created:
            self.forms[form.code] = form
        sheet.created, sheet.updated = len(created), len(updated)

    def _function_lookup(self, department_id):
        """Map "3" and "2.3" (section 2, item 3) to function ids of a department."""
        if not hasattr(self, "_functions_by_dept"):
            self._functions_by_dept = defaultdict(list)
            self._function_lookups = {}
            for f in DepartmentFunction.objects.order_by("order", "id"):
                self._functions_by_dept[f.department_id].append(f)
        if department_id in self._function_lookups:
            return self._function_lookups[department_id]
        from core.numbering import number_items

        lookup = self._function_lookups[department_id] = {}
        items = self._functions_by_dept.get(department_id, [])
        for index, item in enumerate(items, start=1):
            lookup[str(index)] = item.pk
        for section in number_items(items):
            for item in section.items:
                if section.number:
                    lookup[f"{section.number}.{item.number}"] = item.pk
        return lookup

    def _write_duties(self):
        sheet = self.report.sheets["duties"]
        if not self.duty_rows:
            self.duties_by_position = {}
            return
        position_ids = {self.positions[c].pk: c for c in self.duty_rows}
        existing = defaultdict(list)
        for duty in Duty.objects.filter(position_id__in=position_ids):
            existing[position_ids[duty.position_id]].append(duty)
        stored_forms = defaultdict(set)
        for duty_id, form_id in Duty.forms.through.objects.filter(
            duty__position_id__in=position_ids
        ).values_list("duty_id", "form_id"):
            stored_forms[duty_id].add(form_id)
        created, updated, deleted = [], [], []
        wanted_forms, duty_is_new = {}, {}
        self.duties_by_position = {}
        for code, rows in self.duty_rows.items():
            position = self.positions[code]
            pool = {(d.kind, d.text): d for d in existing[code]}
            functions = self._function_lookup(position.department_id)
            listed = []
            # 100,000 rows pass here: empty cells skip the work they would need.
            for order, row in enumerate(rows, start=1):
                kind = _DUTY_KINDS[normal_word(row.get("kind") or "duty")]
                steps = row.get("process_steps")
                if steps:
                    steps = "\n".join(s.strip() for s in steps.splitlines() if s.strip())
                function_ref = row.get("function").strip().rstrip(".")
                function_id = None
                if function_ref:
                    function_id = functions.get(function_ref)
                    if function_id is None:
                        self.error(
                            "duties",
                            row,
                            "function",
                            _("The department has no function number %(number)s.")
                            % {"number": function_ref},
                        )
                text = row.get("text")
                duty = pool.pop((kind, text), None)
                if duty is None:
                    duty = Duty(
                        position_id=position.pk,
                        kind=kind,
                        text=text,
                        section=row.get("section"),
                        process_steps=steps,
                        order=order,
                        function_id=function_id,
                    )
                    created.append(duty)
                else:
                    values = {
                        "section": row.get("section"),
                        "process_steps": steps,
                        "order": order,
                        "function_id": function_id,
                    }
                    if _changed(duty, values):
                        updated.append(duty)
                    else:
                        sheet.unchanged += 1
                forms = row.get("forms")
                form_ids = _NO_FORMS
                if forms:
                    form_ids = {
                        self.forms[self._form_code(t)].pk
                        for t in _FORM_SEPARATORS.split(forms)
                        if t.strip()
                    }
                wanted_forms[id(duty)] = (duty, form_ids)
                duty_is_new[id(duty)] = duty.pk is None
                listed.append(duty)
            self.duties_by_position[code] = listed
            deleted.extend(pool.values())
        if self.errors:
            raise ImportFailed(self.errors)
        self._history(Duty, created, updated, ["section", "process_steps", "order", "function"])
        titles = {p.pk: p.title for p in self.positions.values()}
        self._delete(sheet, Duty, deleted, lambda d: f"{titles[d.position_id]}: {d.text}")
        links, unlink = [], []
        changed = {id(d) for d in updated}
        for duty, form_ids in wanted_forms.values():
            current = set() if duty_is_new[id(duty)] else stored_forms[duty.pk]
            if current != form_ids:
                links.extend((duty.pk, f) for f in form_ids)
                if not duty_is_new[id(duty)]:
                    unlink.append(duty.pk)
                    if id(duty) not in changed:
                        changed.add(id(duty))
                        updated.append(duty)
                        sheet.unchanged -= 1
        Duty.forms.through.objects.filter(duty_id__in=unlink).delete()
        bulk.insert_plain(Duty.forms.through, links, ["duty_id", "form_id"])
        sheet.created, sheet.updated = len(created), len(updated)

    def _write_kpis(self):
        sheet = self.report.sheets["kpis"]
        if not self.kpi_rows:
            return
        position_ids = [self.positions[c].pk for c in self.kpi_rows]
        # Positions whose duties the workbook does not list keep their stored ones.
        stored_duties = defaultdict(list)
        unlisted = [self.positions[c].pk for c in self.kpi_rows if c not in self.duties_by_position]
        for duty in (
            Duty.objects.filter(position_id__in=unlisted, kind=Duty.Kind.DUTY)
            .only("pk", "position_id")
            .order_by("order", "id")
        ):
            stored_duties[duty.position_id].append(duty)
        existing = {}
        for kpi in Kpi.objects.filter(duty__position_id__in=position_ids) | Kpi.objects.filter(
            position_id__in=position_ids
        ):
            existing[(kpi.duty_id, kpi.position_id, kpi.text)] = kpi
        created, updated = [], []
        fields = [
            "metric",
            "comparison",
            "target",
            "unit",
            "period",
            "deadline_month",
            "deadline_day",
            "order",
        ]
        for code, rows in self.kpi_rows.items():
            position = self.positions[code]
            duties = [
                d for d in self.duties_by_position.get(code, []) if d.kind == Duty.Kind.DUTY
            ] or stored_duties[position.pk]
            for order, row in enumerate(rows, start=1):
                number = row.get("duty_number")
                duty_id = duties[int(number) - 1].pk if number else None
                owner = (duty_id, None if duty_id else position.pk)
                deadline = row.get("deadline")
                month, day = self._deadline(deadline) if deadline else (None, None)
                target, target_unit = (
                    parse_target(row.get("target")) if row.get("target") else (None, "")
                )
                comparison = row.get("comparison")
                period = row.get("period")
                values = {
                    "metric": row.get("metric"),
                    "comparison": _COMPARISONS.get(normal_word(comparison), "")
                    if comparison
                    else "",
                    "target": target,
                    # "98%" in the target column: the unit is %, unless one is given.
                    "unit": row.get("unit") or target_unit,
                    "period": _PERIODS.get(normal_word(period), "") if period else "",
                    "deadline_month": month,
                    "deadline_day": day,
                    "order": order,
                }
                text = row.get("text")
                kpi = existing.pop((*owner, text), None)
                if kpi is None:
                    created.append(Kpi(duty_id=owner[0], position_id=owner[1], text=text, **values))
                elif _changed(kpi, values):
                    updated.append(kpi)
                else:
                    sheet.unchanged += 1
        self._history(Kpi, created, updated, fields)
        self._delete(sheet, Kpi, list(existing.values()), str)
        sheet.created, sheet.updated = len(created), len(updated)

    def _write_employees(self):
        sheet = self.report.sheets["employees"]
        if not self.employee_rows:
            return
        User = get_user_model()
        usernames = {
            r.get("username")
            for rows in self.employee_rows.values()
            for r in rows
            if r.get("username")
        }
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        # An unusable password, as set_unusable_password() makes it, from one
        # urandom call per user instead of one per character.
        new_users = [
            User(
                username=name,
                is_active=True,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            for name in sorted(usernames - set(users))
        ]
        if new_users:
            bulk.insert(new_users, User)
            if any(u.pk is None for u in new_users):  # a database without RETURNING
                new_users = list(User.objects.filter(username__in=[u.username for u in new_users]))
            users.update({u.username: u for u in new_users})
            # New accounts belong to no group yet: no need to look for existing links.
            group = Group.objects.get(name=EMPLOYEES)
            bulk.insert_plain(
                User.groups.through,
                [(u.pk, group.pk) for u in new_users],
                ["user_id", "group_id"],
            )
        created, updated = [], []
        for number, rows in self.employee_rows.items():
            first = rows[0]
            user = users.get(first.get("username"))
            values = {"name": first.get("name"), "user_id": user.pk if user else None}
            if number in self.employees:
                if _changed(self.employees[number], values):
                    updated.append(self.employees[number])
                else:
                    sheet.unchanged += 1
            else:
                created.append(Employee(employee_no=number, **values))
        self._history(Employee, created, updated, ["name", "user"])
        for employee in created:
            self.employees[employee.employee_no] = employee
        assignments = {
            (a.employee_id, a.position_id): a
            for a in Assignment.objects.filter(
                employee_id__in=[self.employees[number].pk for number in self.employee_rows]
            ).select_related("employee", "position")
        }
        new_assignments, changed_assignments, listed = [], [], set()
        for number, rows in self.employee_rows.items():
            employee = self.employees[number]
            for row in rows:
                if not row.get("position_code"):
                    continue
                key = (employee.pk, self.positions[row.get("position_code")].pk)
                listed.add(key)
                values = {
                    "is_primary": bool(_parse_bool(row.get("primary"))),
                    "start_date": _date(row.get("start_date")),
                    "end_date": _date(row.get("end_date")),
                }
                if key in assignments:
                    if _changed(assignments[key], values):
                        changed_assignments.append(assignments[key])
                else:
                    new_assignments.append(
                        Assignment(employee_id=key[0], position_id=key[1], **values)
                    )
        # The workbook holds each listed employee's whole list of positions: one it no
        # longer names is removed, and a primary position can move to another row.
        # Removals and demotions go first, so that at no moment does an employee hold
        # two open primary positions (a unique constraint).
        removed = [a for key, a in assignments.items() if key not in listed]
        if removed:
            Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
        fields = ["is_primary", "start_date", "end_date"]
        demoted = [a for a in changed_assignments if not a.is_primary]
        self._history(Assignment, [], demoted, fields)
        self._history(
            Assignment,
            new_assignments,
            [a for a in changed_assignments if a.is_primary],
            fields,
        )
        sheet.created, sheet.updated = len(created), len(updated)
        sheet.deleted = len(removed)
        sheet.deleted_items = [f"{a.employee.name} → {a.position.title}" for a in removed[:200]]
