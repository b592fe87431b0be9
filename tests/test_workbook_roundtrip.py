"""Export to a workbook and import it into an empty database: the same organisation."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from departments.models import Department, DepartmentFunction
from kpis.models import Kpi
from positions.models import Assignment, Duty, Employee, Position
from tests.factories import grow_org, wipe_org
from workbook.exporter import collect, write_xlsx
from workbook.importer import OrgImporter
from workbook.sheets import read_upload


@pytest.fixture
def rich_org(db):
    grow_org(departments=4, positions=3, duties=2)
    dept = Department.objects.get(code="D1")
    DepartmentFunction.objects.create(
        department=dept, section="人力资源管理", text="负责招聘", order=5
    )
    DepartmentFunction.objects.create(
        department=dept, section="人力资源管理", text="负责培训", order=6
    )
    head = Position.objects.get(code="D1-P0")
    head.summary = '=HYPERLINK("http://evil")'  # formula-looking content
    head.save()
    duty = head.duties.first()
    duty.function = DepartmentFunction.objects.get(text="负责培训")
    duty.section = "一般职责"
    duty.save()
    Duty.objects.create(position=head, kind="authority", text="+审批请假", order=1)
    Kpi.objects.create(position=head, text="-全年无重大事故", period="yearly")
    Kpi.objects.create(duty=duty, text="每年12月20日前提交", deadline_month=12, deadline_day=20)
    person = Employee.objects.get(employee_no="E1-1")
    Assignment.objects.create(
        employee=person,
        position=head,
        is_primary=False,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 6, 30),
    )
    return head


def test_export_then_import_into_an_empty_database_reproduces_the_organisation(rich_org):
    before = collect()
    data = write_xlsx(before)
    wipe_org()
    assert not Department.objects.exists()

    OrgImporter(read_upload(data, "org.xlsx")).run()

    assert collect() == before
    head = Position.objects.get(code="D1-P0")
    assert head.summary == '=HYPERLINK("http://evil")'
    assert head.duties.get(kind="authority").text == "+审批请假"
    assert head.duties.filter(kind="duty").first().function.text == "负责培训"
    assert Department.objects.tree_problems() == []


def test_export_escapes_formulas(rich_org):
    book = load_workbook(io.BytesIO(write_xlsx(collect())))
    summaries = [row[6].value for row in book["positions"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil")' in summaries
    texts = [row[3].value for row in book["duties"].iter_rows(min_row=2)]
    assert "'+审批请假" in texts
    kpis = [row[2].value for row in book["kpis"].iter_rows(min_row=2)]
    assert "'-全年无重大事故" in kpis
    # Nothing in the workbook is a formula.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_subtree_export_holds_only_that_subtree(rich_org):
    sheets = collect(Department.objects.get(code="D2"))
    assert {row[0] for row in sheets["departments"]} == {"D2", "D3"}
    assert sheets["departments"][0][2] == ""  # its parent is outside the export
    assert {row[2] for row in sheets["positions"]} == {"D2", "D3"}
    # Superiors outside the subtree are left out rather than dangling.
    assert all(row[3] == "" or row[3].startswith(("D2-", "D3-")) for row in sheets["positions"])


def test_export_and_template_commands(rich_org, tmp_path):
    path = tmp_path / "org.xlsx"
    call_command("export_org", str(path), "--department", "D2")
    assert load_workbook(path)["departments"]["A2"].value == "D2"
    template = tmp_path / "template.xlsx"
    call_command("org_template", str(template))
    book = load_workbook(template)
    assert book.sheetnames[-1] == "notes"
    assert book["positions"]["A1"].value == "code"
    assert book["positions"].max_row == 3  # header and two examples


@pytest.mark.parametrize("size", [2, 12])
def test_export_query_count_is_fixed(db, size, django_assert_num_queries):
    grow_org(departments=size, positions=3, duties=3)
    # Expect 10 queries: units; functions; positions; their duties, the duties'
    # forms and KPIs, the positions' own KPIs; dotted lines; forms; assignments
    # with employees and users.
    with django_assert_num_queries(10):
        collect()
