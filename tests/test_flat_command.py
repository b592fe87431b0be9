"""``manage.py import_org FILE --flat [--columns …] [--unit NAME] [--dry-run]``."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from departments.models import Department
from positions.models import Position
from workbook.flat_read import read_flat_path
from workbook.models import ColumnMapping

DATA = Path(__file__).parent / "data" / "flat"
pytestmark = pytest.mark.django_db

ORGANOGRAM_COLUMNS = (
    "post_code=Post Unique Reference,title=Job Title,unit=Unit,"
    "reports_to_post=Reports to Senior Post,name=Name,headcount=FTE,grade=Grade (or equivalent)"
)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_org", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_columns_option_and_dry_run_write_nothing():
    out, _err = _run(
        str(DATA / "organogram.csv"), "--flat", "--columns", ORGANOGRAM_COLUMNS, "--dry-run"
    )
    assert "Post Unique Reference -> post_code" in out
    assert "FTE -> headcount" in out
    assert "* Each row is a position" in out
    assert "positions     created      7" in out
    assert "(changes would be written)" in out
    assert not Position.objects.exists()


def test_import_then_again_changes_nothing():
    _run(str(DATA / "roster_paths.csv"), "--flat")
    assert Department.objects.get(name="华东区").parent.name == "销售中心"
    out, _err = _run(str(DATA / "roster_paths.csv"), "--flat")
    assert "created      0  updated      0  unchanged      7" in out


def test_columns_leave_the_unnamed_ones_out():
    out, _err = _run(
        str(DATA / "hris_export.csv"),
        "--flat",
        "--columns",
        "employee_no=Employee ID,first_name=First Name,last_name=Last Name,title=Job Title",
        "--unit",
        "Acme",
    )
    assert "Department -> (ignored)" in out
    assert set(Department.objects.values_list("name", flat=True)) == {"Acme"}
    assert (
        Position.objects.filter(department__name="Acme").count() == 5
    )  # no managers: one per title


def test_a_remembered_mapping_is_used_without_columns():
    sheet = read_flat_path(DATA / "hris_export.csv")
    mapping = ["employee_no", "first_name", "last_name", "title", "", "", "", ""]
    ColumnMapping.objects.remember(sheet.headers, mapping)
    out, _err = _run(str(DATA / "hris_export.csv"), "--flat", "--unit", "Acme", "--dry-run")
    assert "Reports To ID -> (ignored)" in out


def test_errors_name_the_flat_row_and_header():
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_org", str(DATA / "managers_elsewhere.csv"), "--flat", stderr=err)
    assert "managers_elsewhere.csv Row 2, Manager ID: No employee “9001”" in err.getvalue()


def test_bad_columns_option_and_unit_without_flat():
    with pytest.raises(CommandError, match="Unknown field “salary”"):
        _run(str(DATA / "hris_export.csv"), "--flat", "--columns", "salary=Notes")
    with pytest.raises(CommandError, match="go with --flat"):
        _run(str(DATA / "hris_export.csv"), "--unit", "X")


def test_a_sheet_over_the_row_limit_is_refused(settings, tmp_path):
    settings.FLAT_IMPORT_MAX_ROWS = 10
    path = tmp_path / "big.csv"
    path.write_text("Employee ID,Name,Job Title\n" + "".join(f"{i},P{i},C\n" for i in range(20)))
    with pytest.raises(CommandError, match="20 rows; a flat import takes at most 10"):
        _run(str(path), "--flat")
