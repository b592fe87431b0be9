"""HR imports a whole workbook in the admin: check, preview, confirm; or fix the errors.

The check and the import are background jobs: each post starts one and
leads to its page; ``run_jobs`` is the worker.
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from departments.models import Department
from jobs.models import Job
from positions.models import Duty, Position
from tests.jobs_helpers import run_jobs
from tests.workbooks import SMALL, xlsx

IMPORT = "/admin/workbook/import/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, data, name="org.xlsx"):
    """Upload, let the worker check it; the check job's page."""
    response = client.post(IMPORT, {"workbook": SimpleUploadedFile(name, data)})
    if response.status_code != 302:
        return response
    run_jobs()
    return client.get(response["Location"])


def _confirm(client, page):
    """The check page's Import button; the import job's page once the worker ran it."""
    form = page.select_one("form[action='/admin/workbook/import/']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    response = client.post(IMPORT, data)
    assert response.status_code == 302
    run_jobs()
    return client.get(response["Location"])


def _cells(page, selector):
    return [[c.get_text(strip=True) for c in row.select("th, td")] for row in page.select(selector)]


def test_preview_then_confirm(hr_client):
    page = BeautifulSoup(_upload(hr_client, xlsx(SMALL)).content, "html.parser")
    rows = {r[0]: r[1:] for r in _cells(page, "#import-preview tbody tr")}
    assert rows["departments"] == ["2", "0", "0", "0"]
    assert rows["duties"] == ["2", "0", "0", "0"]
    assert not Department.objects.exists()  # a preview writes nothing

    done = BeautifulSoup(_confirm(hr_client, page).content, "html.parser")
    assert "Workbook imported: 6 records" in done.select_one(".job-summary").get_text()
    assert Position.objects.get(code="MGR").reports_to.code == "GM"
    assert Duty.objects.count() == 2


def test_preview_lists_items_the_workbook_dropped(hr_client):
    _confirm(hr_client, BeautifulSoup(_upload(hr_client, xlsx(SMALL)).content, "html.parser"))
    shorter = dict(SMALL, duties=SMALL["duties"][:1])
    page = BeautifulSoup(_upload(hr_client, xlsx(shorter)).content, "html.parser")
    assert [li.get_text() for li in page.select("ul.deleted-items li")] == [
        "销售部经理: 管理销售团队"
    ]
    rows = {r[0]: r[1:] for r in _cells(page, "#import-preview tbody tr")}
    assert rows["duties"] == ["0", "0", "1", "1"]


def test_errors_are_listed_and_downloadable_beside_their_rows(hr_client):
    bad = dict(
        SMALL,
        positions=[*SMALL["positions"], {"code": "X", "title": "X", "department_code": "NOPE"}],
    )
    page = BeautifulSoup(_upload(hr_client, xlsx(bad)).content, "html.parser")
    [error] = _cells(page, "#import-errors tbody tr")
    assert error[:3] == ["positions", "4", "department_code"]
    assert "NOPE" in error[3]
    assert not Department.objects.exists()

    report = hr_client.get(page.select_one("a.job-download")["href"])
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content)))["positions"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "error"
    assert sheet.cell(row=4, column=1).value == "X"
    assert "department_code" in sheet.cell(row=4, column=len(header)).value
    assert sheet.cell(row=2, column=len(header)).value in (None, "")


def test_not_a_spreadsheet_is_refused_with_a_message(hr_client):
    page = BeautifulSoup(
        _upload(hr_client, b"%PDF-1.4 not a workbook", "org.pdf").content, "html.parser"
    )
    assert "not a spreadsheet" in page.select_one(".job-summary.errornote").get_text().lower()
    assert Job.objects.get().status == "failed"
    assert not Department.objects.exists()


def test_template_and_export_downloads(hr_client, org):
    template = hr_client.get(reverse("admin-workbook-template"))
    assert load_workbook(io.BytesIO(template.content)).sheetnames[-1] == "notes"
    page = BeautifulSoup(
        hr_client.get(reverse("admin-workbook-export"), {"department": "SALES"}).content,
        "html.parser",
    )
    form = {i["name"]: i.get("value", "") for i in page.select("#content-main form input[name]")}
    assert form["department"] == "SALES"
    job_page = hr_client.post(reverse("admin-workbook-export"), form)
    run_jobs()
    page = BeautifulSoup(hr_client.get(job_page["Location"]).content, "html.parser")
    export = hr_client.get(page.select_one("a.job-download")["href"])
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert [row[0].value for row in book["departments"].iter_rows(min_row=2)] == ["SALES"]
    assert (
        hr_client.get(reverse("admin-workbook-export"), {"department": "NOPE"}).status_code == 404
    )


def test_admin_index_links_to_the_workbook_pages(hr_client):
    page = BeautifulSoup(hr_client.get("/admin/").content, "html.parser")
    links = [a["href"] for a in page.select("#workbook-module a")]
    assert IMPORT in links


def test_only_hr_editors_may_import(client, staff_employee, employee):
    client.force_login(staff_employee)
    assert client.get(IMPORT).status_code == 403
    assert _upload(client, xlsx(SMALL)).status_code == 403
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert IMPORT not in [a["href"] for a in page.select("#workbook-module a")]
    client.force_login(employee)  # not staff: the admin sends them to log in
    assert client.get(IMPORT).status_code == 302
    assert not Department.objects.exists()


def test_confirming_a_job_that_is_not_a_finished_check_is_a_404(hr_client):
    assert hr_client.post(IMPORT, {"checked": "../../etc/passwd"}).status_code == 404
    assert hr_client.post(IMPORT, {"checked": "999"}).status_code == 404
    hr_client.post(IMPORT, {"workbook": SimpleUploadedFile("org.xlsx", xlsx(SMALL))})
    queued = Job.objects.get()
    assert hr_client.post(IMPORT, {"checked": str(queued.pk)}).status_code == 404  # not run yet
    assert not Department.objects.exists()


def test_a_corrected_error_report_imports_as_it_is(hr_client):
    bad = dict(SMALL, duties=[*SMALL["duties"], {"position_code": "NOPE", "text": "x"}])
    page = BeautifulSoup(_upload(hr_client, xlsx(bad)).content, "html.parser")
    download = hr_client.get(page.select_one("a.job-download")["href"])
    report = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    report["duties"].delete_rows(4)  # HR removes the bad row and uploads the report again
    buffer = io.BytesIO()
    report.save(buffer)
    page = BeautifulSoup(_upload(hr_client, buffer.getvalue()).content, "html.parser")
    rows = {r[0]: r[1:] for r in _cells(page, "#import-preview tbody tr")}
    assert rows["duties"] == ["2", "0", "0", "0"]
