"""The flat-sheet import: an HRIS export, an organogram and a 花名册 become units,
positions, employees and reporting lines; every kind of bad data is a row error
at the flat sheet's row and header, or a rule the preview states (issue 14)."""

import datetime
import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from departments.models import Department
from positions.models import Assignment, Employee, Position
from workbook.flat_read import guess_mapping, read_flat, read_flat_path
from workbook.flat_rows import convert, import_flat
from workbook.importer import ImportFailed

DATA = Path(__file__).parent / "data" / "flat"
pytestmark = pytest.mark.django_db


def _book(source, mapping=None, unit=""):
    if isinstance(source, str):
        sheet = read_flat(source.encode(), "sheet.csv")
    else:
        sheet = read_flat_path(source)
    return convert(sheet, mapping or guess_mapping(sheet.headers), unit)


def _import(source, mapping=None, unit="", dry_run=False):
    return import_flat(_book(source, mapping, unit), dry_run=dry_run)


def _errors(source, mapping=None, unit=""):
    with pytest.raises(ImportFailed) as failure:
        _import(source, mapping, unit)
    return [(e.sheet, e.row, e.column, e.message) for e in failure.value.errors]


def _counts(report):
    return {
        name: (s.created, s.updated, s.unchanged, s.deleted)
        for name, s in report.sheets.items()
        if s.created or s.updated or s.unchanged or s.deleted
    }


def _line(position):
    """A position as title, unit and superior's title: what the chart draws."""
    boss = position.reports_to.title if position.reports_to_id else None
    return (position.title, position.department.name, boss)


# -- each kind ----------------------------------------------------------------


def test_hris_export_with_unquoted_notes_full_of_commas():
    book = _book(DATA / "hris_export.csv")
    assert not book.problems
    assert any("joined back into the column “Notes”, rows 3, 5, 7, 9, 10" in n for n in book.notes)
    report = _import(DATA / "hris_export.csv")
    assert _counts(report) == {
        "departments": (3, 0, 0, 0),
        "positions": (6, 0, 0, 0),
        "employees": (8, 0, 0, 0),
    }
    lines = sorted(_line(p) for p in Position.objects.select_related("department", "reports_to"))
    assert lines == [
        ("Chief Executive", "Executive", None),
        ("Head of Engineering", "Engineering", "Chief Executive"),
        ("Head of Sales", "Sales", "Chief Executive"),
        # Two sales representatives with different managers are two positions.
        ("Sales Representative", "Sales", "Head of Engineering"),
        ("Sales Representative", "Sales", "Head of Sales"),
        ("Software Engineer", "Engineering", "Head of Engineering"),
    ]
    engineers = Position.objects.get(title="Software Engineer")
    assert engineers.headcount == 3  # Ada, Linus and the vacant row
    assert engineers.assignments.count() == 2
    linus = Employee.objects.get(employee_no="1004")
    assert linus.name == "Linus Torvalds"
    assert linus.assignments.get().start_date.isoformat() == "2019-02-11"  # 2019/02/11


def test_organogram_with_vacant_posts_and_fte():
    book = _book(DATA / "organogram.csv")
    assert any("2 cells read NULL, N/A, n/d or -" in n for n in book.notes)
    assert any("Read but not stored" in n and "Grade (or equivalent)" in n for n in book.notes)
    _import(DATA / "organogram.csv")
    posts = {p.code: p for p in Position.objects.select_related("reports_to")}
    assert set(posts) == {f"P00{i}" for i in range(1, 8)}
    assert posts["P001"].reports_to is None  # "-"
    assert posts["P004"].reports_to.code == "P003"
    assert posts["P004"].headcount == 1  # FTE 0.5, rounded up
    assert posts["P005"].headcount == 2
    assert posts["P007"].headcount == 1  # 0.8
    # Vacant, N/A and a blank name leave the post unfilled.
    held = set(Assignment.objects.values_list("position__code", flat=True))
    assert held == {"P001", "P002", "P004", "P006"}
    assert Employee.objects.get(employee_no="POST-P004").name == "Amy Green"


def test_roster_with_unit_paths_and_managers_by_number_or_name():
    _import(DATA / "roster_paths.csv")
    east = Department.objects.get(name="华东区")
    assert [a.name for a in east.get_ancestors()] == ["集团", "销售中心"]
    assert east.kind == "region"
    assert Department.objects.get(name="集团").kind == "company"
    # 集团>人力资源部 is a path too.
    assert Department.objects.get(name="人力资源部").parent.name == "集团"
    hr = Position.objects.get(title="人力资源经理")
    assert hr.reports_to.title == "总经理"  # 直接上级 "王总" is a name
    south_reps = Position.objects.get(title="销售代表", department__name="华南区")
    assert south_reps.headcount == 2  # 孙丽 and 空缺
    assert south_reps.assignments.count() == 1
    assert Employee.objects.get(employee_no="A003").assignments.get().start_date.isoformat() == (
        "2015-06-01"  # 2015年6月1日
    )


def test_gb18030_roster_matches_the_same_units_in_traditional_spelling():
    _import(DATA / "roster_paths.csv")
    report = _import(DATA / "roster_gb18030.csv")
    assert _counts(report) == {"positions": (0, 0, 7, 0), "employees": (0, 0, 8, 0)}
    assert Department.objects.filter(name__in=["集團", "銷售中心"]).count() == 0


def test_utf16_export_with_full_width_names():
    _import(DATA / "roster_utf16.csv")
    assert Employee.objects.get(employee_no="3002").name == "Müller, Jörg"
    assert Employee.objects.get(employee_no="3001").name == "Ｚｈａｎｇ Ｗｅｉ"  # names as written
    assert Position.objects.get(title="Planner").headcount == 2


def test_no_unit_column_puts_every_row_in_one_unit_named_after_the_file_or_given():
    text = "Employee ID,Name,Job Title,Manager\n1,Ann,Owner,\n2,Bob,Clerk,1\n"
    book = _book(text)
    assert any("every row is in the unit “sheet”" in n for n in book.notes)
    _import(text, unit="总部")
    assert list(Department.objects.values_list("name", flat=True)) == ["总部"]
    assert Position.objects.get(title="Clerk").department.name == "总部"


def test_a_given_unit_goes_above_the_sheets_units():
    _import(DATA / "hris_export.csv", unit="Acme")
    assert Department.objects.get(name="Sales").parent.name == "Acme"


# -- re-import and an existing organisation ------------------------------------


@pytest.mark.parametrize("name", ["hris_export.csv", "organogram.csv", "roster_paths.csv"])
def test_importing_the_same_file_again_changes_nothing(name):
    _import(DATA / name)
    before = (Department.objects.count(), Position.objects.count(), Assignment.objects.count())
    report = _import(DATA / name)
    assert all(s.created == s.updated == s.deleted == 0 for s in report.sheets.values())
    after = (Department.objects.count(), Position.objects.count(), Assignment.objects.count())
    assert before == after


def test_onto_an_existing_organisation_units_by_path_and_positions_by_code():
    group = Department.objects.create(code="G", name="集团", kind="company")
    sales = Department.objects.create(code="G-S", name="销售中心", parent=group)
    gm = Position.objects.create(
        code="GM", title="总经理", department=group, summary="统筹全局", is_head=True
    )
    director = Position.objects.create(code="SD", title="旧标题", department=sales, reports_to=gm)
    text = (
        "岗位编码,岗位名称,部门,上级岗位编码,姓名,编制\n"
        "SD,销售总监,集团/销售中心,GM,李明,1\n"
        "EAST,区域经理,集团/销售中心/华东区,SD,张伟,1\n"
    )
    report = _import(text)
    assert _counts(report) == {
        "departments": (1, 0, 0, 0),
        "positions": (1, 1, 0, 0),
        "employees": (2, 0, 0, 0),
    }
    director.refresh_from_db()
    assert (director.title, director.department_id) == ("销售总监", sales.pk)
    assert Position.objects.get(code="EAST").department.parent_id == sales.pk
    gm.refresh_from_db()
    assert (gm.summary, gm.is_head) == ("统筹全局", True)  # not in the sheet: kept


def test_derived_positions_match_stored_ones_by_title_unit_and_superior():
    unit = Department.objects.create(code="FIN", name="Finance")
    boss = Position.objects.create(code="CFO", title="CFO", department=unit)
    clerk = Position.objects.create(
        code="FIN-CLERK", title="Clerk", department=unit, reports_to=boss, summary="Books"
    )
    Employee.objects.create(employee_no="9", name="Cleo")
    Assignment.objects.create(employee=Employee.objects.get(employee_no="9"), position=boss)
    text = "Employee ID,Name,Job Title,Department,Manager ID\n1,Ann,Clerk,Finance,9\n2,Bob,Clerk,Finance,9\n"
    _import(text)
    clerk.refresh_from_db()
    assert (clerk.headcount, clerk.summary) == (2, "Books")
    assert clerk.assignments.count() == 2
    assert Position.objects.count() == 2


# -- bad data -------------------------------------------------------------------


def test_every_bad_row_is_an_error_at_its_row_and_header():
    errors = _errors(DATA / "bad_rows.csv")
    by_row = {}
    for sheet, row, column, message in errors:
        assert sheet == "bad_rows.csv"
        by_row.setdefault(row, []).append((column, message))
    assert by_row[3] == [("Manager ID", "This person is their own manager.")]
    assert by_row[4] == [
        ("Manager ID", "The reporting line loops back to this row: rows 4 → 5 → 4.")
    ]
    assert by_row[5] == by_row[4]
    assert by_row[7] == [("Employee ID", "Employee “5” already appears in row 6.")]
    assert by_row[8] == [("Job Title", "The job title is empty.")]  # NULL
    assert by_row[9] == [
        (
            "Department Path",
            "The unit path “Group//Finance” has an empty part (two separators together, "
            "or one at an end).",
        )
    ]
    assert by_row[10][0][0] == "" and "has 3 cells but the header has 7 columns" in by_row[10][0][1]
    assert by_row[11] == [("FTE", "Expected a headcount or FTE such as 1 or 0.5, got “lots”.")]
    assert by_row[12][0][0] == "Hire Date"
    assert by_row[13] == [("Manager ID", "No employee “404” in the file or the database.")]
    assert "has 9 cells but the header has 7 columns" in by_row[14][0][1]
    assert set(by_row) == {3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14}
    assert not Position.objects.exists()  # nothing written


def test_managers_not_in_the_file_nor_the_database():
    errors = _errors(DATA / "managers_elsewhere.csv")
    assert errors == [
        (
            "managers_elsewhere.csv",
            2,
            "Manager ID",
            "No employee “9001” in the file or the database.",
        ),
        (
            "managers_elsewhere.csv",
            3,
            "Manager ID",
            "No employee “9001” in the file or the database.",
        ),
        (
            "managers_elsewhere.csv",
            5,
            "Manager ID",
            "No employee “8888” in the file or the database.",
        ),
    ]


def test_managers_stored_but_not_in_the_file_are_found_in_the_database():
    unit = Department.objects.create(code="FIN", name="Finance")
    head = Position.objects.create(code="HEAD", title="Head of Finance", department=unit)
    boss = Employee.objects.create(employee_no="9001", name="Boss")
    Assignment.objects.create(employee=boss, position=head)
    Employee.objects.create(employee_no="8888", name="Nobody")  # holds no position
    errors = _errors(DATA / "managers_elsewhere.csv")
    assert errors == [
        (
            "managers_elsewhere.csv",
            5,
            "Manager ID",
            "Employee “8888” holds no position in the database, so no one can report to them.",
        )
    ]


def test_posts_reporting_to_unknown_posts_themselves_or_in_a_loop():
    text = (
        "Post ID,Job Title,Unit,Reports to post\n"
        "A,Chief,HQ,\n"
        "B,Deputy,HQ,ZZZ\n"
        "C,Officer,HQ,C\n"
        "D,Officer,HQ,E\n"
        "E,Officer,HQ,D\n"
        "A,Duplicate,HQ,\n"
    )
    errors = _errors(text)
    assert errors == [
        ("sheet.csv", 3, "Reports to post", "No post “ZZZ” in the file or the database."),
        ("sheet.csv", 4, "Reports to post", "A post cannot report to itself."),
        (
            "sheet.csv",
            5,
            "Reports to post",
            "The reporting line loops back to this row: rows 5 → 6 → 5.",
        ),
        (
            "sheet.csv",
            6,
            "Reports to post",
            "The reporting line loops back to this row: rows 5 → 6 → 5.",
        ),
        ("sheet.csv", 7, "Post ID", "Post “A” already appears in row 2."),
    ]


def test_a_loop_through_stored_positions_is_reported_at_the_flat_row():
    """The workbook importer finds it; its error is translated to the flat sheet's header."""
    unit = Department.objects.create(code="HQ", name="HQ")
    a = Position.objects.create(code="A", title="A", department=unit)
    Position.objects.create(code="B", title="B", department=unit, reports_to=a)
    text = "Post ID,Job Title,Unit,Reports to post\nA,A,HQ,B\n"
    errors = _errors(text)
    assert errors == [
        ("sheet.csv", 2, "Reports to post", "The reporting line of “A” loops back to itself.")
    ]


def test_ambiguous_manager_name():
    text = "姓名,岗位,部门,直接上级\n王伟,经理,总部,\n王伟,主管,总部,\n李娜,专员,总部,王伟\n"
    errors = _errors(text)
    assert errors == [
        (
            "sheet.csv",
            4,
            "直接上级",
            "2 people are named “王伟” (rows 2, 3): give the manager's employee id.",
        )
    ]


def test_a_sheet_without_a_title_column_is_refused_with_a_reason():
    errors = _errors("Employee ID,Name\n1,Ann\n")
    assert errors == [
        ("sheet.csv", 1, "", "No column is mapped to the field “title” (the job title); map one.")
    ]


def test_null_words_are_empty_cells():
    text = "Employee ID,Name,Job Title,Department,Manager ID\n1,Ann,Boss,HQ,NULL\n2,N/A,Clerk,HQ,1\n3,n/d,Clerk,HQ,-\n"
    book = _book(text)
    assert any("4 cells read NULL" in n for n in book.notes)
    _import(text)
    assert Employee.objects.count() == 1  # N/A and n/d as names are vacant posts
    clerks = Position.objects.filter(title="Clerk")
    assert sorted(p.headcount for p in clerks) == [1, 1]  # under Ann, and at the top


@pytest.mark.parametrize("name", ["Vacant", "VACANT (advertised)", "空缺", "空编", "空缺岗位", ""])
def test_vacant_names_leave_the_post_unfilled(name):
    book = _book(f"Post ID,Job Title,Name\nP1,Clerk,{name}\n")
    assert book.workbook.rows("employees") == []
    assert book.workbook.rows("positions")[0].get("headcount") == "1"


def test_a_field_mapped_twice_reads_the_first_column_and_says_so():
    book = _book("Name,Full name,Job Title\nAnn,Ann Lee,Clerk\n", ["name", "name", "title"])
    assert "“Full name” is mapped to name too: only “Name” is read." in book.notes
    assert book.workbook.rows("employees")[0].get("name") == "Ann"


def test_an_xlsx_organogram_with_numbers_and_dates_in_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Post ID", "Job Title", "Unit", "Reports to post", "Name", "FTE", "Start date"])
    sheet.append([101, "Chief", "HQ", None, "Ann", 1, datetime.date(2020, 1, 2)])
    sheet.append([102, "Deputy", "HQ", 101, "Vacant", 0.5, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    book = convert(*_xlsx(buffer.getvalue()))
    import_flat(book)
    deputy = Position.objects.get(code="102")
    assert (deputy.reports_to.code, deputy.headcount) == ("101", 1)
    held = Assignment.objects.get()
    assert (held.position.code, held.start_date) == ("101", datetime.date(2020, 1, 2))


def _xlsx(data):
    sheet = read_flat(data, "posts.xlsx")
    return sheet, guess_mapping(sheet.headers)


def test_columns_mapping_can_ignore_and_reassign():
    text = "Code,Person,Role,Team\nX1,Ann,Boss,HQ\n"
    _import(text, mapping=["post_code", "name", "title", ""])
    assert Position.objects.get(code="X1").department.name == "sheet"  # no unit column


# -- bulk, whatever the size ----------------------------------------------------


def _hris(people):
    lines = ["Employee ID,Name,Job Title,Department,Manager ID,Hire Date"]
    lines.append("1,Chief,CEO,Group,,2020-01-01")
    for i in range(2, people + 1):
        boss = 1 if i < 6 else (i % 4) + 2
        lines.append(f"{i},P{i},Role {i % 5},Group/Unit {i % 4},{boss},2021-01-01")
    return "\n".join(lines) + "\n"


def _queries(text):
    with CaptureQueriesContext(connection) as queries:
        _import(text)
    return len(queries)


def _clear():
    Assignment.objects.all().delete()
    Employee.objects.all().delete()
    Position.objects.update(reports_to=None)
    Position.objects.all().delete()
    Department.objects.filter(level__gt=0).delete()
    Department.objects.all().delete()


def test_the_import_makes_no_query_per_row():
    small = _queries(_hris(30))
    _clear()
    large = _queries(_hris(90))
    assert Employee.objects.count() == 90
    assert small == large
