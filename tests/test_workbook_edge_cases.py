"""Acceptance points of the workbook import not covered elsewhere.

Atomicity with a bad row, or a database refusal, on the last sheet (run the
suite with DATABASE_URL=postgres://… for PostgreSQL, where the import writes
with COPY); one login per employee; every formula start escaped on export;
a LibreOffice .ods padded with a million formatted empty rows.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError
from openpyxl import load_workbook

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position
from tests.workbooks import SMALL, xlsx
from workbook.columns import DEADLINE
from workbook.exporter import write_xlsx
from workbook.importer import ImportFailed, OrgImporter
from workbook.importing.employees import EmployeeSheet
from workbook.sheets import COLUMNS, read_upload

MODELS = [Department, DepartmentFunction, Position, DottedLine, Form, Duty, Kpi, Employee]
MODELS += [Assignment]

STAFFED = SMALL | {
    "employees": [
        {"employee_no": "E1", "name": "张伟", "username": "zhang.wei", "position_code": "MGR"},
        {"employee_no": "E2", "name": "李娜", "username": "li.na", "position_code": "GM"},
    ]
}
for _row in STAFFED["employees"]:
    _row["primary"] = "1"


def _import(data, name="org.xlsx"):
    return OrgImporter(read_upload(data, name)).run()


def _snapshot():
    """Every row and every history row of the organisation, and the login accounts."""
    state = {m.__name__: sorted(m.objects.values_list(), key=repr) for m in MODELS}
    state.update({f"{m.__name__} history": m.history.count() for m in MODELS})
    state["users"] = sorted(User.objects.values_list("username", flat=True))
    return state


def _changed_everywhere(employees):
    """The staffed workbook with a change on every sheet before the employees."""
    return STAFFED | {
        "departments": [
            STAFFED["departments"][0] | {"name": "新名称公司"},
            STAFFED["departments"][1],
        ],
        "functions": [{"department_code": "SALES", "text": "负责销售"}],
        "positions": [STAFFED["positions"][0] | {"title": "首席执行官"}, STAFFED["positions"][1]],
        "forms": [{"code": "F1", "name": "订单评审表"}],
        "duties": [{"position_code": "MGR", "text": "新职责", "forms": "F1"}],
        "kpis": [{"position_code": "MGR", "duty_number": "1", "text": "完成率 ≥ 90%"}],
        "employees": employees,
    }


@pytest.mark.django_db
def test_a_bad_row_on_the_last_sheet_leaves_the_database_untouched():
    _import(xlsx(STAFFED))
    before = _snapshot()
    bad = [*STAFFED["employees"], {"employee_no": "E3", "name": "王芳", "primary": "1"}]
    bad[-1]["end_date"] = "2024-13-01"

    with pytest.raises(ImportFailed) as failure:
        _import(xlsx(_changed_everywhere(bad)))

    assert [(e.sheet, e.row, e.column) for e in failure.value.errors] == [
        ("employees", 4, "end_date")
    ]
    assert _snapshot() == before
    assert Department.objects.tree_problems() == []


@pytest.mark.django_db
def test_a_database_refusal_on_the_last_sheet_rolls_everything_back(monkeypatch):
    """The database itself refuses a row of the last sheet: nothing of the import stays."""
    _import(xlsx(STAFFED))
    before = _snapshot()
    checked = EmployeeSheet.validate

    def without_login_checks(self):
        checked(self)
        self.org.errors = [e for e in self.org.errors if e.column != "username"]

    monkeypatch.setattr(EmployeeSheet, "validate", without_login_checks)
    shared_login = [
        *STAFFED["employees"],
        {"employee_no": "E3", "name": "王芳", "username": "zhang.wei", "primary": "0"},
    ]
    with pytest.raises(IntegrityError):  # one login account per employee
        _import(xlsx(_changed_everywhere(shared_login)))

    assert _snapshot() == before
    assert Department.objects.tree_problems() == []


@pytest.mark.django_db
# 0: stored logins are looked up by reading the table, as for thousands of them.
@pytest.mark.parametrize("many_values", [1000, 0])
def test_two_employees_cannot_share_a_login(monkeypatch, many_values):
    monkeypatch.setattr("workbook.importing.base.MANY_VALUES", many_values)
    shared = [
        *STAFFED["employees"],
        {"employee_no": "E3", "name": "王芳", "username": "zhang.wei", "primary": "0"},
    ]
    with pytest.raises(ImportFailed) as failure:
        _import(xlsx(STAFFED | {"employees": shared}))
    [error] = failure.value.errors
    assert (error.sheet, error.row, error.column) == ("employees", 4, "username")
    assert "row 2" in error.message
    assert not Employee.objects.exists()

    _import(xlsx(STAFFED))  # the login now belongs to E1, who this workbook does not list
    other = {"employee_no": "E9", "name": "赵强", "username": "zhang.wei", "primary": "0"}
    with pytest.raises(ImportFailed) as failure:
        _import(xlsx(STAFFED | {"employees": [other]}))
    [error] = failure.value.errors
    assert (error.sheet, error.row, error.column) == ("employees", 2, "username")
    assert "E1" in error.message

    _import(xlsx(STAFFED))  # the stored logins are found again, not made twice
    assert User.objects.filter(username__in=["zhang.wei", "li.na"]).count() == 2
    assert Employee.objects.get(employee_no="E1").user.username == "zhang.wei"


@pytest.mark.django_db
def test_an_end_date_before_the_start_date_is_a_row_error():
    employee = STAFFED["employees"][0] | {"start_date": "2024-05-01", "end_date": "2024-04-30"}
    with pytest.raises(ImportFailed) as failure:
        _import(xlsx(STAFFED | {"employees": [employee]}))
    assert [(e.sheet, e.row, e.column) for e in failure.value.errors] == [
        ("employees", 2, "end_date")
    ]


@pytest.mark.django_db
def test_every_formula_start_is_escaped_on_export_and_restored_on_import():
    starts = ["=1+1", "+86 10 1234", "-减少库存", "@SUM(A1)", "\tHYPERLINK", "\rCMD"]
    departments = [["CO", "公司", "", "company", "", "", 1]]
    departments += [
        [f"D{i}", text, "CO", "department", "", text, i + 1] for i, text in enumerate(starts)
    ]
    data = write_xlsx({"departments": departments})

    book = load_workbook(io.BytesIO(data))
    names = [row[1].value for row in book["departments"].iter_rows(min_row=3)]
    assert names == ["'" + text for text in starts]
    for row in book["departments"].iter_rows():
        assert all(cell.data_type != "f" for cell in row)

    _import(data)
    stored = dict(
        Department.objects.filter(parent__isnull=False).values_list("code", "description")
    )
    # The apostrophe is removed again; leading blanks (tab, return) are trimmed on import.
    assert [stored[f"D{i}"] for i in range(len(starts))] == [t.strip() for t in starts]


def _ods(rows_by_sheet):
    """A LibreOffice spreadsheet whose sheets are formatted down to row 1,048,576."""
    tables = []
    for name, rows in rows_by_sheet.items():
        body = "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>"
                for value in row
            )
            + "</table:table-row>"
            for row in rows
        )
        body += (
            '<table:table-row table:number-rows-repeated="1048570" table:style-name="ro1">'
            '<table:table-cell table:number-columns-repeated="8" table:style-name="ce1"/>'
            "</table:table-row>"
        )
        tables.append(f'<table:table table:name="{name}">{body}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_libreoffice_ods_with_a_million_formatted_empty_rows():
    sheets = {
        name: [list(COLUMNS[name]), *[[r.get(c, "") for c in COLUMNS[name]] for r in rows]]
        for name, rows in SMALL.items()
    }
    workbook = read_upload(_ods(sheets), "org.ods")
    assert {name: len(rows) for name, rows in workbook.sheets.items()} == {
        "departments": 2,
        "positions": 2,
        "duties": 2,
    }
    OrgImporter(workbook).run()
    assert Position.objects.get(code="MGR").duties.count() == 2


@pytest.mark.django_db
def test_headers_and_choices_in_traditional_characters_and_other_common_names():
    """A workbook from a Taiwan or Hong Kong office: 部門編碼, 崗位, 職責內容, 科室, 權限."""
    data = xlsx(
        {
            "部門": [["CG", "採購部", "", "公司"], ["CG-1", "採購一科", "CG", "科室"]],
            "崗位": [["CG-01", "採購專員", "CG-1", "", "３"]],
            "岗位职责": [
                ["CG-01", "職責", "負責供應商開發", "1. 尋源\n2. 評估"],
                ["CG-01", "權限", "對供應商選擇有建議權", ""],
            ],
        },
        header={
            "部門": ["部門編碼", "部門名稱", "上級部門編碼", "類型"],
            "崗位": ["崗位編碼", "職位名稱", "部門編碼", "直接上級編碼", "編制"],
            "岗位职责": ["岗位编码", "類型", "職責內容", "工作流程"],
        },
    )
    _import(data)
    assert list(Department.objects.order_by("code").values_list("code", "name", "kind")) == [
        ("CG", "採購部", "company"),
        ("CG-1", "採購一科", "office"),
    ]
    position = Position.objects.get(code="CG-01")
    assert (position.title, position.headcount) == ("採購專員", 3)
    duties = list(
        position.duties.order_by("kind", "order").values_list("kind", "text", "process_steps")
    )
    assert duties == [
        ("authority", "對供應商選擇有建議權", ""),
        ("duty", "負責供應商開發", "1. 尋源\n2. 評估"),
    ]


def _with_merged_title(sheet_name, rows):
    """An .xlsx whose one sheet opens with a title merged over A1:E1, then ``rows``."""
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append(["某某公司岗位一览表"])
    sheet.merge_cells("A1:E1")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers():
    """HR workbooks often open with a merged title ("某某公司岗位一览表") above the header."""
    data = _with_merged_title(
        "岗位",
        [
            [],
            ["岗位编码", "岗位名称", "部门编码", "直接上级编码", "编制"],
            ["P-1", "采购专员", "D-NONE", "", "1"],
        ],
    )
    with pytest.raises(ImportFailed) as failure:
        _import(data)
    # The unknown department is reported on spreadsheet row 4, where the user sees it.
    assert [(e.sheet, e.row, e.column) for e in failure.value.errors] == [
        ("positions", 4, "department_code")
    ]
    assert not Position.objects.exists()


def test_without_a_header_a_merged_title_is_one_problem():
    data = _with_merged_title("positions", [["P-1", "采购专员"]])
    problems = read_upload(data, "org.xlsx").problems
    assert [p[:3] for p in problems] == [
        ("positions", 1, "某某公司岗位一览表"),
        ("positions", 1, "code"),
        ("positions", 1, "title"),
        ("positions", 1, "department_code"),
    ]


def _kpi_workbook(rows):
    """One department, one position with one duty, and ``rows`` in the kpis sheet."""
    return xlsx(
        {
            "departments": [["D1", "采购部"]],
            "positions": [["P1", "采购专员", "D1"]],
            "duties": [["P1", "负责采购"]],
            "kpis": rows,
        },
        header={
            "departments": ["code", "name"],
            "positions": ["code", "title", "department_code"],
            "duties": ["position_code", "text"],
            "kpis": ["position_code", "duty_number", "text", "target", "unit", "deadline"],
        },
    )


@pytest.mark.django_db
def test_kpi_targets_and_deadlines_as_hr_types_them():
    """98% in the target column, 12月20日 or a date cell as a yearly deadline, 25号 as a monthly one."""
    import datetime

    _import(
        _kpi_workbook(
            [
                ["P1", 1, "到货及时率", "98%", "", "12月20日"],
                ["P1", 1, "供应商数", "1,200", "家", datetime.date(2026, 12, 20)],
                ["P1", 1, "报表", "", "", "25号"],
                ["P1", 1, "合格率", "99.5％", "%", "12/20"],
            ]
        )
    )
    stored = list(
        Kpi.objects.order_by("order").values_list(
            "target", "unit", "deadline_month", "deadline_day"
        )
    )
    assert stored == [
        (98, "%", 12, 20),
        (1200, "家", 12, 20),
        (None, "", None, 25),
        (Decimal("99.5"), "%", 12, 20),
    ]


def test_deadline_cells_as_hr_types_them():
    read = DEADLINE.parse
    assert read("12-20") == read("12/20") == read("12月20日") == read("2026-12-20") == (12, 20)
    assert read("25") == read("25号") == read("每月25日前") == (None, 25)
    assert read("2026-12") is None  # a month of a year names no day
    assert read("13-40") is None


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["NaN", "Infinity", "1e30", "0.00001", "九十"])
def test_a_target_the_column_cannot_hold_is_a_row_error(target):
    with pytest.raises(ImportFailed) as failure:
        _import(_kpi_workbook([["P1", 1, "指标", target, "", ""]]))
    assert [(e.sheet, e.row, e.column) for e in failure.value.errors] == [("kpis", 2, "target")]
    assert not Kpi.objects.exists()


def test_a_folder_of_csv_files_saved_by_chinese_excel_is_read(tmp_path):
    """Excel on Chinese Windows saves CSV in GB18030 (GBK), not UTF-8."""
    from workbook.sheets import read_path

    (tmp_path / "岗位.csv").write_bytes(
        "岗位编码,岗位名称,部门编码\nP-1,采购文员,D1\n".encode("gb18030")
    )
    (tmp_path / "departments.csv").write_text("code,name\nD1,采购部\n", encoding="utf-8-sig")
    workbook = read_path(tmp_path)
    assert workbook.problems == []
    (row,) = workbook.rows("positions")
    assert (row.get("code"), row.get("title")) == ("P-1", "采购文员")
