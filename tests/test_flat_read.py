"""Reading another system's sheet: encodings, delimiters, titles above the header, the row
limit, and guessing which field each header holds (issue 14, parts 3 and 5)."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from workbook.flat_read import (
    guess_field,
    guess_mapping,
    headers_digest,
    parse_columns,
    read_flat,
    read_flat_path,
)
from workbook.sheets import UnreadableWorkbook

DATA = Path(__file__).parent / "data" / "flat"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Employee ID", "employee_no"),
        ("employee_id", "employee_no"),
        ("EMPLOYEE  NUMBER", "employee_no"),
        ("工号", "employee_no"),
        ("員工編號", "employee_no"),  # traditional
        ("Ｆｉｒｓｔ Ｎａｍｅ", "first_name"),  # full width
        ("Last Name", "last_name"),
        ("姓名", "name"),
        ("Job Title", "title"),
        ("職位名稱", "title"),
        ("岗位", "title"),
        ("Department", "unit"),
        ("部門", "unit"),
        ("Department Path", "unit_path"),
        ("Reports To ID", "manager_employee_no"),
        ("直接上級", "manager_employee_no"),
        ("Post Unique Reference", "post_code"),
        ("Reports to Senior Post", "reports_to_post"),
        ("FTE", "headcount"),
        ("编制", "headcount"),
        ("Grade (or equivalent)", "grade"),
        ("Hire Date", "start_date"),
        ("入職日期", "start_date"),
        ("E-mail", "email"),
        ("Notes", ""),
        ("Favourite colour", ""),
    ],
)
def test_headers_are_guessed_in_chinese_and_english(header, field):
    assert guess_field(header) == field


def test_a_field_is_taken_by_its_first_header_only():
    assert guess_mapping(["Name", "Full name", "Title"]) == ["name", "", "title"]


def test_the_same_headers_however_spelled_have_one_key():
    assert headers_digest(["部門", "Job Title"]) == headers_digest(["部门", "job_title"])
    assert headers_digest(["部门", "Job Title"]) != headers_digest(["Job Title", "部门"])


def test_columns_option_names_fields_by_header():
    headers = ["Post Unique Reference", "Job Title", "Unit", "Notes"]
    assert parse_columns("post_code=Post Unique Reference, title=job title,unit=Unit", headers) == [
        "post_code",
        "title",
        "unit",
        "",
    ]
    with pytest.raises(ValueError, match="Unknown field “salary”"):
        parse_columns("salary=Notes", headers)
    with pytest.raises(ValueError, match="No column “Pay”"):
        parse_columns("title=Pay", headers)


def test_gb18030_csv_is_read():
    sheet = read_flat_path(DATA / "roster_gb18030.csv")
    assert sheet.encoding == "GB18030"
    assert sheet.headers[:3] == ["工号", "姓名", "部门"]
    assert sheet.rows[1][1][2] == "集團/銷售中心"


def test_utf16_tab_separated_csv_is_read():
    sheet = read_flat_path(DATA / "roster_utf16.csv")
    assert (sheet.encoding, sheet.delimiter) == ("UTF-16", "\t")
    assert sheet.headers == ["Employee ID", "Name", "Job Title", "Department", "Manager"]
    assert sheet.rows[1][1][1] == "Müller, Jörg"


def test_semicolon_csv_and_a_title_row_above_the_header():
    data = "某某公司员工花名册;;\n工号;姓名;岗位\nA1;王五;会计\n".encode()
    sheet = read_flat(data, "花名册.csv")
    assert sheet.headers == ["工号", "姓名", "岗位"]
    assert sheet.header_row == 2
    assert sheet.rows == [(3, ["A1", "王五", "会计"])]


def test_xlsx_first_sheet_with_rows():
    book = Workbook()
    book.active.title = "Staff"
    book.active.append(["Employee ID", "Name", "Job Title", "Start date"])
    book.active.append([7, "Ann", "Clerk", None])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = read_flat(buffer.getvalue(), "staff.xlsx")
    assert sheet.name == "Staff"
    assert not sheet.delimited
    assert sheet.rows == [(2, ["7", "Ann", "Clerk", ""])]


def test_a_sheet_of_200000_rows_is_refused_above_the_limit(settings):
    assert settings.FLAT_IMPORT_MAX_ROWS < 200_000
    lines = ["Employee ID,Name,Job Title,Department"]
    lines += [f"{i},Person {i},Clerk,Unit {i % 300}" for i in range(200_000)]
    with pytest.raises(UnreadableWorkbook, match="200000 rows; a flat import takes at most"):
        read_flat("\n".join(lines).encode(), "big.csv")


def test_the_row_limit_comes_from_settings(settings):
    settings.FLAT_IMPORT_MAX_ROWS = 10
    lines = ["Employee ID,Name,Job Title"] + [f"{i},P{i},Clerk" for i in range(11)]
    with pytest.raises(UnreadableWorkbook, match="11 rows"):
        read_flat("\n".join(lines).encode(), "x.csv")
    assert len(read_flat("\n".join(lines[:11]).encode(), "x.csv").rows) == 10


def test_an_empty_or_unreadable_file_is_refused():
    with pytest.raises(UnreadableWorkbook):
        read_flat(b"", "x.csv")
    with pytest.raises(UnreadableWorkbook):
        read_flat(b"\xff\xfe\x00\xd8", "x.csv")  # a lone surrogate is not UTF-16 text
