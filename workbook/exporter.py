"""Write the organisation (or one subtree) as the import workbook.

Exporting and importing the result into an empty database gives the same
organisation. Every sheet is written from a fixed number of queries.
"""

import io
from collections import defaultdict

from django.db.models import Prefetch
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Position
from workbook.columns import COMPARISON, DATE, DEADLINE, FLAG, FORMS, FUNCTION_NUMBER, TARGET
from workbook.sheets import COLUMNS, FORMULA_STARTS, SHEET_ORDER


def escape_formula(value):
    """Keep text as text: 'a leading apostrophe' is how spreadsheets mark it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def collect(department=None) -> dict[str, list[list]]:
    """Rows of every sheet, in import order, for the whole organisation or a subtree."""
    units = department.subtree() if department is not None else Department.objects.all()
    units = list(units.select_related("parent").order_by("tree_id", "lft"))
    unit_ids = [u.pk for u in units]
    functions = defaultdict(list)
    for function in DepartmentFunction.objects.filter(department_id__in=unit_ids).order_by(
        "order", "id"
    ):
        functions[function.department_id].append(function)
    function_numbers, _lookup = FUNCTION_NUMBER.numbers(
        f for items in functions.values() for f in items
    )

    kpis = Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"))
    positions = list(
        Position.objects.filter(department_id__in=unit_ids)
        .select_related("department", "reports_to")
        .prefetch_related(
            Prefetch(
                "duties",
                queryset=Duty.objects.order_by("kind", "order", "id").prefetch_related(
                    "forms", kpis
                ),
            ),
            Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"), to_attr="own_kpis"),
        )
        .order_by("department__tree_id", "department__lft", "-is_head", "code")
    )
    position_ids = [p.pk for p in positions]
    sheets = {name: [] for name in SHEET_ORDER}
    for unit in units:
        in_export = unit.parent_id in unit_ids
        sheets["departments"].append(
            [
                unit.code,
                unit.name,
                unit.parent.code if unit.parent_id and in_export else "",
                unit.kind,
                unit.aliases,
                unit.description,
                unit.order,
            ]
        )
        for function in functions[unit.pk]:
            sheets["functions"].append([unit.code, function.section, function.text])
    used_forms = set()
    for position in positions:
        sheets["positions"].append(
            [
                position.code,
                position.title,
                position.department.code,
                position.reports_to.code if position.reports_to_id in position_ids else "",
                position.headcount,
                FLAG.format(position.is_head),
                position.summary,
                position.requirements,
            ]
        )
        duty_number = 0
        for duty in position.duties.all():
            forms = [f.code for f in duty.forms.all()]
            used_forms.update(f.pk for f in duty.forms.all())
            sheets["duties"].append(
                [
                    position.code,
                    duty.kind,
                    duty.section,
                    duty.text,
                    duty.process_steps,
                    FORMS.format(forms),
                    function_numbers.get(duty.function_id, ""),
                ]
            )
            if duty.kind == Duty.Kind.DUTY:
                duty_number += 1
                for kpi in duty.kpis.all():
                    sheets["kpis"].append(_kpi_row(position.code, duty_number, kpi))
        for kpi in position.own_kpis:
            sheets["kpis"].append(_kpi_row(position.code, "", kpi))
    for line in DottedLine.objects.filter(
        from_position_id__in=position_ids, to_position_id__in=position_ids
    ).select_related("from_position", "to_position"):
        sheets["dotted_lines"].append([line.from_position.code, line.to_position.code, line.label])
    forms = Form.objects.select_related("department").order_by("code")
    if department is not None:
        forms = forms.filter(pk__in=used_forms) | forms.filter(department_id__in=unit_ids)
    for form in forms:
        owner = form.department.code if form.department_id in unit_ids else ""
        sheets["forms"].append([form.code, form.name, form.description, owner])
    for assignment in (
        Assignment.objects.filter(position_id__in=position_ids)
        .select_related("employee__user", "position")
        .order_by("employee__employee_no", "-is_primary", "start_date", "id")
    ):
        employee = assignment.employee
        sheets["employees"].append(
            [
                employee.employee_no,
                employee.name,
                employee.user.username if employee.user_id else "",
                assignment.position.code,
                FLAG.format(assignment.is_primary),
                DATE.format(assignment.start_date),
                DATE.format(assignment.end_date),
            ]
        )
    return sheets


def _kpi_row(position_code, duty_number, kpi):
    return [
        position_code,
        duty_number,
        kpi.text,
        kpi.metric,
        COMPARISON.format(kpi.comparison),
        TARGET.format(kpi.target),
        kpi.unit,
        kpi.period,
        DEADLINE.format((kpi.deadline_month, kpi.deadline_day)),
    ]


def write_xlsx(
    sheets: dict[str, list[list]], notes: list[list] | None = None, extra_column: str = ""
) -> bytes:
    """An .xlsx with one sheet per name, headers in bold, text escaped against formulas.

    ``extra_column`` adds a last column header (the error report's "error").
    """
    book = XlsxWorkbook(write_only=True)
    bold = Font(bold=True)
    for name in SHEET_ORDER:
        sheet = book.create_sheet(name)
        header = []
        for column in [*COLUMNS[name], *([extra_column] if extra_column else [])]:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in sheets.get(name, []):
            sheet.append([escape_formula(value) for value in row])
    if notes:
        sheet = book.create_sheet("notes")
        for row in notes:
            sheet.append([escape_formula(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
