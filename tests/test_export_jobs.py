"""Large exports go to the background worker: job descriptions of a big subtree, a big chart.

Small ones still download at once (tests/test_documents_export.py,
tests/test_chart_exports.py).
"""

import io
import zipfile

import pytest
from bs4 import BeautifulSoup

from documents import views as document_views
from jobs.models import Job
from orgchart import views as chart_views
from positions.models import Position
from tests.jobs_helpers import download, finished


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _start_form(page):
    form = BeautifulSoup(page.content, "html.parser").select_one("form[data-once]")
    return {i["name"]: i.get("value", "") for i in form.select("input[name]")}


def test_a_large_subtree_of_descriptions_is_exported_by_the_worker(client, employee, org):
    for i in range(document_views.INLINE_EXPORT):
        Position.objects.create(code=f"REP{i}", title=f"销售代表{i}", department=org["sales"])
    client.force_login(employee)
    url = "/documents/departments/ACME/export/?format=zip"
    page = client.get(url)
    assert page.status_code == 200 and not Job.objects.exists()  # a GET starts nothing
    form = _start_form(page)
    assert form["format"] == "zip"
    done = finished(client, client.post(url.split("?")[0], form))
    job = Job.objects.get()
    assert (job.kind, job.status, job.owner) == ("documents-export", "done", employee)
    archive = zipfile.ZipFile(io.BytesIO(download(client, done.content)))
    subjects = 3 + Position.objects.count()  # ACME, SALES, HR and every position
    assert len(archive.namelist()) == subjects
    # The same form posted again (a double click) finds the same job.
    again = client.post(url.split("?")[0], form)
    assert again["Location"] == f"/jobs/{job.pk}/" and Job.objects.count() == 1


def test_drafts_of_a_large_subtree_are_refused_to_employees(client, employee, org, monkeypatch):
    monkeypatch.setattr(document_views, "INLINE_EXPORT", 1)
    client.force_login(employee)
    assert client.get("/documents/departments/ACME/export/?view=draft").status_code == 403
    assert not Job.objects.exists()


def test_a_large_chart_pdf_is_drawn_by_the_worker(client, employee, org, monkeypatch):
    monkeypatch.setattr(chart_views, "INLINE_EXPORT_ITEMS", 3)
    client.force_login(employee)
    page = client.get("/chart/export/", {"format": "pdf", "kind": "positions"})
    assert page.status_code == 200 and not Job.objects.exists()
    form = _start_form(page)
    assert (form["format"], form["kind"]) == ("pdf", "positions")
    done = finished(client, client.post("/chart/export/", form))
    assert Job.objects.get().status == "done"
    assert download(client, done.content).startswith(b"%PDF")
    # An SVG stays immediate: it is streamed as it is written.
    svg = client.get("/chart/export/", {"format": "svg"})
    assert svg["Content-Type"].startswith("image/svg+xml") and Job.objects.count() == 1
