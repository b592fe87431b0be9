"""Bad workbooks get a clear error, or are handled; never a crash or a partial write."""

import datetime
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook as XlsxBook
from openpyxl.styles import PatternFill

from departments.models import Department
from positions.models import Assignment, Duty, Position
from tests.workbooks import SMALL, xlsx
from workbook.importer import ImportFailed, OrgImporter
from workbook.importing.employees import EmployeeSheet
from workbook.sheets import COLUMNS, UnreadableWorkbook, read_upload


def _import(data, name="org.xlsx"):
    return OrgImporter(read_upload(data, name)).run()


def _errors(data):
    with pytest.raises(ImportFailed) as failure:
        _import(data)
    return [(e.sheet, e.row, e.column) for e in failure.value.errors]


def test_not_a_spreadsheet():
    with pytest.raises(UnreadableWorkbook, match="not a spreadsheet"):
        read_upload(b"%PDF-1.7\n...", "org.pdf")
    with pytest.raises(UnreadableWorkbook):
        read_upload(b"PK\x03\x04 truncated", "org.xlsx")
    with pytest.raises(UnreadableWorkbook, match="empty"):
        read_upload(b"", "org.xlsx")


def test_password_protected_workbook():
    # Encrypted Office files are OLE containers holding an "EncryptedPackage" stream.
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(UnreadableWorkbook, match="password"):
        read_upload(data, "org.xlsx")


def test_zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(UnreadableWorkbook, match="MB"):
        read_upload(buffer.getvalue(), "bomb.xlsx")


def test_upload_size_limit_is_a_setting(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2048
    with pytest.raises(UnreadableWorkbook, match="limit"):
        read_upload(xlsx(SMALL) + b"\0" * 4096, "org.xlsx")


def test_a_million_empty_formatted_rows_are_ignored(db):
    book = XlsxBook()
    book.remove(book.active)
    for name, rows in SMALL.items():
        sheet = book.create_sheet(name)
        sheet.append(list(COLUMNS[name]))
        for row in rows:
            sheet.append([row.get(c, "") for c in COLUMNS[name]])
        for column in range(1, 9):  # LibreOffice formats whole columns down to row 1,048,576
            sheet.cell(row=1048576, column=column).fill = PatternFill("solid", fgColor="FFFF00")
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = read_upload(buffer.getvalue(), "org.xlsx")
    assert {name: len(rows) for name, rows in workbook.sheets.items()} == {
        "departments": 2,
        "positions": 2,
        "duties": 2,
    }


def test_merged_cells_dates_full_width_and_blanks(db):
    book = XlsxBook()
    book.remove(book.active)
    departments = book.create_sheet("departments")
    departments.append(list(COLUMNS["departments"]))
    departments.append(["ＣＯ", "\u3000示例公司 ", "", "company"])  # full-width code, padded name
    positions = book.create_sheet("positions")
    positions.append(list(COLUMNS["positions"]))
    positions.append([" MGR", "经理", "CO", "", "３", "1"])  # full-width headcount
    duties = book.create_sheet("duties")
    duties.append(list(COLUMNS["duties"]))
    duties.append(["MGR", "duty", "", "第一项"])
    duties.append(["", "duty", "", "第二项"])
    duties.append(["", "duty", "", "第三项"])
    duties.merge_cells("A2:A4")  # HR merges the position over its duties
    employees = book.create_sheet("employees")
    employees.append(list(COLUMNS["employees"]))
    employees.append(["E1", "张伟", "", "MGR", 1, datetime.date(2024, 3, 1)])  # a real date cell
    buffer = io.BytesIO()
    book.save(buffer)

    _import(buffer.getvalue())

    assert Department.objects.get(code="CO").name == "示例公司"
    position = Position.objects.get(code="MGR")
    assert position.headcount == 3
    assert list(position.duties.values_list("text", flat=True)) == ["第一项", "第二项", "第三项"]
    assert Assignment.objects.get().start_date == datetime.date(2024, 3, 1)


def test_formula_cells_take_their_computed_value(db):
    gm, mgr = SMALL["positions"]
    data = xlsx(SMALL | {"positions": [{**gm, "headcount": 999}, mgr]})
    # Put a formula with its cached result where openpyxl wrote 999, as Excel saves it.
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if b"<v>999</v>" in content:
                content = content.replace(b"<v>999</v>", b"<f>1+2</f><v>3</v>")
            target.writestr(item, content)
    _import(buffer.getvalue())
    assert Position.objects.get(code="GM").headcount == 3


def test_duplicate_codes_within_the_file(db):
    data = xlsx(
        SMALL | {"departments": [*SMALL["departments"], {"code": "SALES", "name": "又一个"}]}
    )
    assert ("departments", 4, "code") in _errors(data)
    assert not Department.objects.exists()


def test_renamed_sheet_and_missing_column(db):
    data = xlsx({"departments": SMALL["departments"], "岗位表": [["x"]]})
    assert ("岗位表", 0, "") in _errors(data)
    data = xlsx(
        {"positions": [["GM", "总经理"]]},
        header={"positions": ["code", "title"]},  # department_code missing
    )
    assert ("positions", 1, "department_code") in _errors(data)


def test_chinese_headers_are_accepted(db):
    data = xlsx(
        {"departments": [["CO", "示例公司", "", "公司"], ["HR", "人力资源部", "CO", "部门"]]},
        header={"departments": ["部门编码", "部门名称", "上级部门编码", "类型"]},
    )
    _import(data)
    assert Department.objects.get(code="HR").parent.code == "CO"


def test_a_failure_while_writing_the_last_sheet_leaves_the_database_untouched(db, monkeypatch):
    _import(xlsx(SMALL))
    before = list(Duty.objects.values_list("pk", "text", "order"))
    changed = SMALL | {
        "duties": [{"position_code": "MGR", "text": "新职责"}],
        "employees": [
            {"employee_no": "E1", "name": "张伟", "position_code": "MGR", "primary": "1"}
        ],
    }

    def explode(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(EmployeeSheet, "write", explode)
    with pytest.raises(RuntimeError):
        _import(xlsx(changed))
    assert list(Duty.objects.values_list("pk", "text", "order")) == before
    assert Department.objects.tree_problems() == []


def test_an_unknown_function_number_found_while_writing_rolls_everything_back(db):
    data = xlsx(
        SMALL
        | {
            "functions": [{"department_code": "SALES", "text": "销售"}],
            "duties": [{"position_code": "MGR", "text": "x", "function": "7"}],
        }
    )
    assert ("duties", 2, "function") in _errors(data)
    assert not Department.objects.exists()


DATA = Path(__file__).parent / "data"


def test_a_real_password_protected_xlsx():
    # Encrypted with msoffcrypto-tool (password "orgduties"), as Excel saves it.
    with pytest.raises(UnreadableWorkbook, match="password"):
        read_upload((DATA / "password_protected.xlsx").read_bytes(), "org.xlsx")


def test_a_missing_sheet_names_the_codes_it_would_have_held(db):
    # No positions sheet: the duties refer to positions found nowhere.
    data = xlsx({"departments": SMALL["departments"], "duties": SMALL["duties"]})
    with pytest.raises(ImportFailed) as failure:
        _import(data)
    errors = failure.value.errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("duties", 2, "position_code"),
        ("duties", 3, "position_code"),
    ]
    assert all("MGR" in e.message and "position" in e.message for e in errors)
    assert not Department.objects.exists()


def test_codes_typed_as_numbers_are_read_as_the_digits(db):
    data = xlsx(
        {
            "departments": [[1001, "公司", "", "company"], [7.0, "销售部", 1001.0]],
            "positions": [[2001, "总经理", 1001, "", "", 1], [7.0, "经理", 7, 2001.0]],
            "duties": [[7, "duty", "", "制定销售计划"]],
            "employees": [[123.0, "张伟", "", 7.0, 1]],
        }
    )
    workbook = read_upload(data, "org.xlsx")
    assert workbook.sheets["departments"][1]["code"] == "7"
    assert workbook.sheets["departments"][1]["parent_code"] == "1001"
    OrgImporter(workbook).run()
    assert sorted(Department.objects.values_list("code", flat=True)) == ["1001", "7"]
    assert Position.objects.get(code="7").reports_to.code == "2001"
    assert Assignment.objects.get().employee.employee_no == "123"


@pytest.mark.parametrize("suffix", ["ods", "xlsx"])
def test_libreoffice_saves_formatted_to_the_last_row(db, suffix):
    # Saved by LibreOffice 7.4 (tests/data/make_libreoffice_fixtures.py).
    data = (DATA / f"libreoffice_formatted_rows.{suffix}").read_bytes()
    workbook = read_upload(data, f"org.{suffix}")
    assert {name: len(rows) for name, rows in workbook.sheets.items()} == {
        "departments": 2,
        "positions": 2,
        "duties": 2,
    }
    OrgImporter(workbook).run()
    assert Position.objects.get(code="MGR").duties.count() == 2


@pytest.mark.parametrize("suffix", ["ods", "xlsx"])
def test_libreoffice_saves_with_a_duty_on_row_1048576(db, suffix):
    data = (DATA / f"libreoffice_last_row.{suffix}").read_bytes()
    workbook = read_upload(data, f"org.{suffix}")
    assert [row.number for row in workbook.rows("duties")] == [2, 3, 1_048_576]
    OrgImporter(workbook).run()
    assert Position.objects.get(code="MGR").duties.last().text == "最后一行的职责"


_READ_IN_A_CHILD = """
import os, re, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgduties.settings")
django.setup()
from workbook.sheets import UnreadableWorkbook, read_path
try:
    read_path(sys.argv[1])
    print("read")
except UnreadableWorkbook as error:
    print("refused:", error)
with open("/proc/self/status") as status:  # this process's own peak, not its parent's
    print(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
"""


def _read_in_a_child(path):
    """Read a workbook in a child process: what it said, and its peak memory in MB."""
    result = subprocess.run(
        [sys.executable, "-c", _READ_IN_A_CHILD, str(path)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    said, peak = result.stdout.strip().rsplit("\n", 1)
    return said, int(peak) / 1024


def test_one_cell_in_the_far_corner_is_refused_without_a_crash(tmp_path):
    # calamine would lay out 1,048,576 x 16,384 cells (512 GB) and abort the process.
    book = XlsxBook()
    book.active.title = "departments"
    book.active.append(["code", "name"])
    book.active.append(["CO", "公司"])
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "corner.xlsx")
    output, peak = _read_in_a_child(tmp_path / "corner.xlsx")
    assert "refused" in output and "1048576" in output and "16384" in output
    assert peak < 200


@pytest.mark.parametrize("suffix", ["ods", "xlsx"])
def test_content_on_the_last_row_costs_bounded_memory(suffix):
    output, peak = _read_in_a_child(DATA / f"libreoffice_last_row.{suffix}")
    assert output == "read"
    assert peak < 800  # measured: .xlsx about 300 MB, .ods about 520 MB
