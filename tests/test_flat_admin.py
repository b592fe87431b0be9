"""HR imports another system's sheet in the admin: upload, see the guessed mapping and the
preview, change a column, preview again, confirm; or read the problems and download them."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from departments.models import Department
from jobs.models import Job
from positions.models import Employee, Position
from tests.jobs_helpers import run_jobs
from workbook.flat_read import read_flat_path
from workbook.models import ColumnMapping

DATA = Path(__file__).parent / "data" / "flat"
FLAT = "/admin/workbook/flat/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _page(client, response):
    assert response.status_code == 302, response.status_code
    run_jobs()
    return BeautifulSoup(client.get(response["Location"]).content, "html.parser")


def _upload(client, name, unit=""):
    data = (DATA / name).read_bytes()
    return _page(client, client.post(FLAT, {"sheet": SimpleUploadedFile(name, data), "unit": unit}))


def _submit(client, page, form_id, button, changes=None):
    """Post one of the check page's forms as a browser would, with ``changes`` made to it."""
    form = page.select_one(f"form#{form_id}")
    data = {
        i["name"]: i.get("value", "") for i in form.select("input[name]") if i["type"] != "submit"
    }
    for select in form.select("select"):
        chosen = select.select_one("option[selected]")
        data[select["name"]] = chosen["value"] if chosen else ""
    data.update(changes or {})
    data[button] = "1"
    return _page(client, client.post(form["action"], data))


def _mapping(page):
    rows = {}
    for row in page.select("#flat-columns tbody tr"):
        chosen = row.select_one("option[selected]")
        rows[row["data-header"]] = chosen["value"] if chosen else ""
    return rows


def _preview(page):
    return {
        r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.select("td")]
        for r in page.select("#import-preview tbody tr")
    }


def test_guessed_mapping_preview_then_confirm(hr_client):
    page = _upload(hr_client, "hris_export.csv")
    assert _mapping(page) == {
        "Employee ID": "employee_no",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Job Title": "title",
        "Department": "unit",
        "Reports To ID": "manager_employee_no",
        "Hire Date": "start_date",
        "Notes": "",
    }
    rules = [li.get_text() for li in page.select("#flat-rules li")]
    assert any("joined back into the column “Notes”" in r for r in rules)
    assert _preview(page)["positions"] == ["6", "0", "0", "0"]
    assert not Position.objects.exists()  # a preview writes nothing

    done = _submit(hr_client, page, "flat-confirm", "confirm")
    assert "Sheet imported" in done.select_one(".job-summary").get_text()
    assert Position.objects.count() == 6
    assert done.select_one("a[href='/chart/?kind=reporting']") is not None
    assert done.select_one("form#flat-mapping") is None  # the import is done: no preview
    assert done.select("#flat-rules li")
    # Confirming remembers the mapping for these headers.
    headers = read_flat_path(DATA / "hris_export.csv").headers
    assert ColumnMapping.objects.for_headers(headers)[0] == "employee_no"


def test_changing_a_column_previews_again_and_is_remembered(hr_client, hr):
    page = _upload(hr_client, "hris_export.csv")
    index = list(_mapping(page)).index("Department")
    again = _submit(hr_client, page, "flat-mapping", "preview", {f"column-{index}": ""})
    assert _mapping(again)["Department"] == ""
    assert "guessed: unit" in again.select_one("tr[data-header='Department']").get_text()
    rules = " ".join(li.get_text() for li in again.select("#flat-rules li"))
    assert "every row is in the unit “hris_export”" in rules
    remembered = ColumnMapping.objects.get()
    assert remembered.fields[index] == "" and remembered.changed_by == hr
    assert remembered.history.count() == 1

    # The same headers next time: the remembered mapping, not the guess.
    later = _upload(hr_client, "hris_export.csv")
    assert _mapping(later)["Department"] == ""
    assert "chosen last time" in later.select_one("p.help").get_text()

    _submit(hr_client, again, "flat-confirm", "confirm")
    assert set(Department.objects.values_list("name", flat=True)) == {"hris_export"}


def test_the_unit_can_be_named_on_upload_and_on_preview(hr_client):
    page = _upload(hr_client, "organogram.csv", unit="Cabinet Office")
    again = _submit(hr_client, page, "flat-mapping", "preview", {"unit": "Home Office"})
    _submit(hr_client, again, "flat-confirm", "confirm")
    assert Department.objects.get(name="Policy Group").parent.name == "Home Office"


def test_errors_are_listed_at_the_flat_row_and_header_and_downloadable(hr_client):
    page = _upload(hr_client, "managers_elsewhere.csv")
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in page.select("#import-errors tbody tr")
    ]
    assert rows[0] == [
        "managers_elsewhere.csv",
        "2",
        "Manager ID",
        "No employee “9001” in the file or the database.",
    ]
    assert page.select_one("form#flat-confirm") is None
    assert page.select_one("form#flat-mapping") is not None  # the mapping can still be fixed
    report = hr_client.get(page.select_one("a.job-download")["href"])
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][-1] == "error"
    assert cells[1][-1] == "Manager ID: No employee “9001” in the file or the database."
    assert cells[3][-1] is None  # row 4 is fine

    # Ignoring the manager column makes the same file importable.
    again = _submit(hr_client, page, "flat-mapping", "preview", {"column-4": ""})
    assert not again.select("#import-errors")
    _submit(hr_client, again, "flat-confirm", "confirm")
    assert Employee.objects.count() == 4


def test_an_unreadable_sheet_says_why(hr_client):
    page = _page(
        hr_client,
        hr_client.post(FLAT, {"sheet": SimpleUploadedFile("x.csv", b"\x00\xff\xfe\xfd" * 3)}),
    )
    assert "neither UTF-8, UTF-16 nor GB18030" in page.select_one(".job-summary").get_text()


def test_uploads_over_the_size_limit_are_refused(hr_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    response = hr_client.post(FLAT, {"sheet": SimpleUploadedFile("big.csv", b"a,b\n" * 1000)})
    assert response.status_code == 200
    assert "the limit is 1 KB" in response.content.decode()
    assert not Job.objects.exists()


def test_only_hr_editors_may_import_flat_sheets(client, staff_employee, employee, hr_client):
    page = BeautifulSoup(hr_client.get("/admin/").content, "html.parser")
    assert FLAT in [a["href"] for a in page.select("#workbook-module a")]
    client.force_login(staff_employee)
    assert client.get(FLAT).status_code == 403
    data = (DATA / "hris_export.csv").read_bytes()
    assert client.post(FLAT, {"sheet": SimpleUploadedFile("h.csv", data)}).status_code == 403
    client.force_login(employee)
    assert client.get(FLAT).status_code == 302  # not staff: to the login page
    assert not Job.objects.exists()


def test_confirming_what_is_not_a_finished_check_is_a_404(hr_client):
    assert hr_client.post(FLAT, {"checked": "x", "confirm": "1"}).status_code == 404
    assert hr_client.post(FLAT, {"checked": "999", "confirm": "1"}).status_code == 404
    data = (DATA / "managers_elsewhere.csv").read_bytes()
    hr_client.post(FLAT, {"sheet": SimpleUploadedFile("m.csv", data)})
    queued = Job.objects.get()
    assert hr_client.post(FLAT, {"checked": str(queued.pk), "confirm": "1"}).status_code == 404
    run_jobs()  # the check fails: its file can be previewed again, not imported
    assert hr_client.post(FLAT, {"checked": str(queued.pk), "confirm": "1"}).status_code == 404


def test_mappings_are_visible_in_the_admin(hr_client):
    ColumnMapping.objects.remember(["工号", "岗位"], ["employee_no", "title"])
    page = BeautifulSoup(hr_client.get("/admin/workbook/columnmapping/").content, "html.parser")
    assert "工号, 岗位" in page.select_one("#result_list").get_text()
