"""Small organisations of any size for the tests, built through the workbook importer.

``grow_org`` gives every page test the same regular shape (codes CO, D0…,
D0-P0…) at the sizes it asks for, so query counts can be locked at two sizes;
``wipe_org`` empties the tables again through the ORM, history included.
"""

from workbook.importer import OrgImporter
from workbook.sheets import Row, Workbook


def sheet_rows(dicts):
    """Workbook rows from dicts of column values, numbered from 2 as under a header row."""
    return [Row(number, values) for number, values in enumerate(dicts, start=2)]


def grow_org(departments=3, positions=2, duties=3):
    """A company CO with ``departments`` units (half of them nested one level
    deeper), each with ``positions`` positions of ``duties`` duties, a KPI and
    a form on every duty, a dotted line per unit, and one holder per position.

    Codes: CO, D0…; positions D0-P0…, the first of each unit is its head and
    reports to the company head GM; the others report to their unit's head.
    """
    units = [{"code": "CO", "name": "公司", "kind": "company", "aliases": "Company"}]
    roles = [{"code": "GM", "title": "总经理", "department_code": "CO", "is_head": "1"}]
    functions, lines, duty_rows, kpis, forms, people = [], [], [], [], [], []
    for d in range(departments):
        parent = "CO" if d < 2 or d % 2 == 0 else f"D{d - 1}"
        units.append({"code": f"D{d}", "name": f"部门{d}", "parent_code": parent})
        functions.append({"department_code": f"D{d}", "text": f"部门{d}的职能"})
        forms.append({"code": f"F{d}", "name": f"表单{d}", "department_code": f"D{d}"})
        for p in range(positions):
            code = f"D{d}-P{p}"
            roles.append(
                {
                    "code": code,
                    "title": f"岗位{d}-{p}",
                    "department_code": f"D{d}",
                    "reports_to_code": "GM" if p == 0 else f"D{d}-P0",
                    "is_head": "1" if p == 0 else "0",
                    "headcount": "2",
                }
            )
            people.append(
                {
                    "employee_no": f"E{d}-{p}",
                    "name": f"员工{d}-{p}",
                    "position_code": code,
                    "primary": "1",
                }
            )
            for k in range(duties):
                duty_rows.append(
                    {
                        "position_code": code,
                        "text": f"职责{d}-{p}-{k}",
                        "forms": f"F{d}",
                        "process_steps": "第一步\n第二步",
                    }
                )
                kpis.append(
                    {
                        "position_code": code,
                        "duty_number": str(k + 1),
                        "text": f"完成率达到9{k}%以上",
                        "metric": "完成率",
                        "comparison": ">=",
                        "target": f"9{k}",
                        "unit": "%",
                        "period": "monthly",
                        "deadline": "25",
                    }
                )
        if positions > 1:
            lines.append(
                {"position_code": f"D{d}-P0", "to_position_code": f"D{d}-P1", "label": "业务指导"}
            )
    workbook = Workbook(
        sheets={
            "departments": sheet_rows(units),
            "functions": sheet_rows(functions),
            "positions": sheet_rows(roles),
            "dotted_lines": sheet_rows(lines),
            "forms": sheet_rows(forms),
            "duties": sheet_rows(duty_rows),
            "kpis": sheet_rows(kpis),
            "employees": sheet_rows(people),
        }
    )
    return OrgImporter(workbook).run()


def wipe_org():
    """Delete the whole organisation, as an empty database would have it."""
    from django.db import connection

    from departments.models import Department, DepartmentFunction
    from kpis.models import Form, Kpi
    from positions.models import Assignment, DottedLine, Duty, Employee, Position

    for model in (Kpi, Assignment, Employee, DottedLine, Duty, Form, DepartmentFunction):
        model.objects.all().delete()
    Position.objects.update(reports_to=None)
    Position.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE departments_department SET parent_id = NULL")
    Department.objects.all().delete()
