"""Background jobs as HR and employees meet them: start, follow, finish, fail, retry.

The worker is run in the test's process (tests/jobs_helpers.py); a real worker
process, killed half-way, is tests/test_jobs_worker.py.
"""

import datetime
import io
import uuid

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import HR_EDITORS
from departments.models import Department
from jobs.models import Job, Status
from jobs.runner import reap, retry, start
from positions.models import Position
from tests.jobs_helpers import download, finished, run_jobs
from tests.workbooks import SMALL, xlsx

IMPORT = "/admin/workbook/import/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _page(response):
    return BeautifulSoup(response.content, "html.parser")


def _check(client, data=None, nonce=None):
    form = {"workbook": SimpleUploadedFile("org.xlsx", data or xlsx(SMALL))}
    if nonce:
        form["nonce"] = nonce
    return client.post(IMPORT, form)


def _abandon(job):
    """What a worker killed half-way leaves: the job running, its heartbeat stopped."""
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago, done=3, total=12
    )


def test_a_job_is_queued_then_runs_to_done_with_its_result(hr_client):
    response = _check(hr_client)
    queued = _page(hr_client.get(response["Location"]))
    assert queued.select_one(".job-status").get_text() == "queued"
    assert queued.select_one("progress")["value"] == "0"
    state = hr_client.get(queued.select_one("[data-progress-url]")["data-progress-url"]).json()
    assert (state["status"], state["finished"], state["percent"]) == ("queued", False, 0)

    assert run_jobs() == 1
    done = _page(hr_client.get(response["Location"]))
    assert done.select_one(".job-status").get_text() == "done"
    assert done.select_one("progress")["value"] == "100"
    # The check reported the rows it went through, sheet by sheet (each row checked, then written).
    job = Job.objects.get()
    rows = sum(len(rows) for rows in SMALL.values())
    assert (job.status, job.done, job.total) == ("done", 2 * rows, 2 * rows)
    assert job.owner.username == "hr" and job.finished_at >= job.started_at
    assert not Department.objects.exists()  # a check writes nothing


def test_an_import_job_writes_the_organisation(hr_client):
    check = _page(finished(hr_client, _check(hr_client)))
    form = check.select_one(f"form[action='{IMPORT}']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    imported = _page(finished(hr_client, hr_client.post(IMPORT, data)))
    assert "Workbook imported" in imported.select_one(".job-summary").get_text()
    assert Position.objects.get(code="MGR").department.code == "SALES"
    assert [j.kind for j in Job.objects.order_by("pk")] == ["workbook-check", "workbook-import"]


def test_a_failed_import_offers_its_error_workbook_to_its_owner(hr_client, client, employee):
    bad = dict(SMALL, positions=[*SMALL["positions"], {"code": "X", "title": "X"}])
    page = finished(hr_client, _check(hr_client, xlsx(bad)))
    job = Job.objects.get()
    assert job.status == "failed" and job.report["error_count"] == 1
    assert "problem" in _page(page).select_one(".job-summary.errornote").get_text()
    book = load_workbook(io.BytesIO(download(hr_client, page.content)))
    assert book["positions"].cell(row=1, column=book["positions"].max_column).value == "error"
    # An employee sees neither the page nor the file: as if the job did not exist.
    client.force_login(employee)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/progress/", f"/jobs/{job.pk}/download/"):
        assert client.get(url).status_code == 404, url


def test_a_double_click_starts_one_job(hr_client):
    page = _page(hr_client.get(IMPORT))
    nonce = page.select_one("input[name=nonce]")["value"]
    first = _check(hr_client, nonce=nonce)
    second = _check(hr_client, nonce=nonce)
    assert first["Location"] == second["Location"]
    assert Job.objects.count() == 1
    # The page's next visit is a new form, with a new nonce: a new job.
    again = _page(hr_client.get(IMPORT)).select_one("input[name=nonce]")["value"]
    assert again != nonce
    _check(hr_client, nonce=again)
    assert Job.objects.count() == 2


def test_the_import_button_pressed_twice_imports_once(hr_client):
    check = _page(finished(hr_client, _check(hr_client)))
    form = check.select_one(f"form[action='{IMPORT}']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    assert hr_client.post(IMPORT, data)["Location"] == hr_client.post(IMPORT, data)["Location"]
    assert Job.objects.filter(kind="workbook-import").count() == 1


def test_only_hr_editors_start_imports_and_exports(client, staff_employee, employee, hr):
    for user in (staff_employee, employee):
        client.force_login(user)
        assert _check(client).status_code in (302, 403)
        assert client.post("/admin/workbook/export/").status_code in (302, 403)
    assert not Job.objects.exists()
    with pytest.raises(Exception, match="workbook-import"):
        start(staff_employee, "workbook-import", upload=(xlsx(SMALL), "org.xlsx"))


def test_another_hr_editor_sees_the_job_and_its_result_but_an_employee_does_not(
    hr_client, client, employee
):
    page = finished(hr_client, hr_client.post("/admin/workbook/export/"))
    job = Job.objects.get()
    other = User.objects.create_user("hr2", password="x-pass-123", is_staff=True)
    other.groups.add(Group.objects.get(name=HR_EDITORS))
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert download(client, page.content).startswith(b"PK")
    assert job.pk in [j.pk for j in client.get("/admin/jobs/job/").context["cl"].result_list]
    client.force_login(employee)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert list(client.get("/jobs/").context["page"].object_list) == []


def test_a_job_whose_worker_stopped_fails_and_retries_to_done(hr_client, hr):
    job, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "org.xlsx"))
    _abandon(job)
    page = _page(hr_client.get(f"/jobs/{job.pk}/"))  # the page notices the silent worker
    assert page.select_one(".job-status").get_text() == "failed"
    assert "worker stopped" in page.select_one(".job-summary").get_text()
    job.refresh_from_db()
    assert job.status == "failed" and not Department.objects.exists()

    retried = hr_client.post(page.select_one("form[action$='/retry/']")["action"])
    assert retried.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt, job.done, job.summary) == ("queued", 2, 0, "")
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and "valid" in job.summary
    # The first attempt's queue entry does not run the job again.
    assert run_jobs() == 0 and Job.objects.get().attempt == 2


def test_a_running_job_with_a_live_heartbeat_is_left_alone(hr):
    job, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "org.xlsx"))
    Job.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert reap() == 0
    assert Job.objects.get().status == "running"
    assert retry(Job.objects.get(), hr) is False  # only a failed job is retried


def test_the_admin_lists_jobs_with_progress_and_retries_failed_ones(hr_client, hr):
    running, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "org.xlsx"))
    Job.objects.filter(pk=running.pk).update(
        status=Status.RUNNING,
        heartbeat_at=timezone.now(),
        step="duties: checking",
        done=5,
        total=20,
    )
    failed, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "org.xlsx"))
    _abandon(failed)
    page = _page(hr_client.get("/admin/jobs/job/"))
    rows = [r.get_text(" ", strip=True) for r in page.select("#result_list tbody tr")]
    assert any("duties: checking 5/20" in r for r in rows), rows
    assert any("failed" in r and "worker stopped" in r for r in rows), rows
    hr_client.post(
        "/admin/jobs/job/",
        {"action": "retry_failed", "_selected_action": [failed.pk, running.pk]},
    )
    assert Job.objects.get(pk=failed.pk).status == "queued"
    assert Job.objects.get(pk=running.pk).status == "running"


def test_a_failed_job_has_a_retry_button_in_its_admin_row(hr_client, hr):
    done, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "org.xlsx"))
    run_jobs()
    failed, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "again.xlsx"))
    _abandon(failed)
    page = _page(hr_client.get("/admin/jobs/job/"))
    buttons = page.select("#changelist-form button.job-retry")
    assert [b["formaction"] for b in buttons] == [f"/jobs/{failed.pk}/retry/"]
    # The button posts the change list's own form (its CSRF token) to the retry.
    form = page.select_one("#changelist-form")
    token = form.select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = hr_client.post(buttons[0]["formaction"], {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Job.objects.get(pk=failed.pk).status == "queued"
    assert Job.objects.get(pk=done.pk).status == "done"


def test_the_job_speaks_its_owners_language(hr_client, hr):
    job, _ = start(hr, "workbook-check", upload=(b"not a workbook", "x.txt"), language="zh-hans")
    run_jobs()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "电子表格" in job.summary or "工作簿" in job.summary, job.summary


def test_the_worker_says_what_is_missing(db, settings):
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        settings.MEDIA_ROOT = "/proc/no-such-folder/media"
        call_command("worker", "--batch")


def test_old_finished_jobs_are_deleted_with_their_files(hr, settings):
    from django.core.files.storage import default_storage

    from jobs.management.commands.worker import prune

    job, _ = start(hr, "workbook-check", upload=(xlsx(SMALL), "org.xlsx"))
    run_jobs()
    job.refresh_from_db()
    assert default_storage.exists(job.input_file)
    later = timezone.now() + datetime.timedelta(days=settings.JOB_RETENTION_DAYS + 1)
    assert prune(now=later) == 1
    assert not Job.objects.exists() and not default_storage.exists(job.input_file)


@pytest.mark.parametrize("count", [3, 30])
def test_job_lists_cost_the_same_queries_for_3_or_30_jobs(
    hr_client, hr, count, django_assert_num_queries, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 100
    for i in range(count):
        job, _ = start(hr, "workbook-export", params={"department": f"D{i}"})
        if i % 3 == 0:
            _abandon(job)  # some running, some failed
    reap()
    with django_assert_num_queries(6):
        assert hr_client.get("/jobs/").status_code == 200
    with django_assert_num_queries(7):
        assert hr_client.get("/admin/jobs/job/").status_code == 200


def test_a_user_with_too_many_jobs_waiting_is_told_to_wait(
    client, employee, org, settings, monkeypatch
):
    from orgchart import views as chart_views

    monkeypatch.setattr(chart_views, "INLINE_EXPORT_ITEMS", 0)  # every PDF is a job
    settings.JOB_MAX_ACTIVE_PER_USER = 2
    client.force_login(employee)
    for _ in range(2):
        start(employee, "chart-export", params={"query": {"format": ["pdf"]}})
    response = client.post(
        "/chart/export/", {"format": "pdf", "nonce": str(uuid.uuid4())}, follow=True
    )
    assert Job.objects.count() == 2
    assert "already have 2 jobs waiting or running" in response.content.decode()
    run_jobs()  # they end: the next one starts
    assert client.post("/chart/export/", {"format": "pdf"}).status_code == 302
    assert Job.objects.count() == 3
