"""PostgreSQL loses the import's connection in the middle of a workbook import.

What a restart of PostgreSQL does to a client is end its backend: the next
query fails with "terminating connection due to administrator command" or
"server closed the connection unexpectedly". The test does exactly that to
the import's own backend, from another connection, with
pg_terminate_backend() after the departments have been written and before
the positions: the shared server stays up for everyone else (a real restart
would take down every other test run on the machine).

Then: the import job fails cleanly, the database is as before, HR sees on the
job's page that nothing was written, and retrying the job succeeds.
"""

import time

import psycopg2
import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from departments.models import Department
from jobs.models import Job
from positions.models import Duty, Position
from tests.jobs_helpers import run_jobs
from tests.workbooks import SMALL, xlsx
from workbook.importing.positions import PositionSheet

IMPORT = "/admin/workbook/import/"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    settings.MEDIA_ROOT = tmp_path


def _terminate(pid):
    """End one backend from a separate connection, and wait until it is gone."""
    params = connection.settings_dict
    other = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"] or "postgres",
        password=params["PASSWORD"] or None,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
    finally:
        other.close()


def snapshot():
    return (
        list(Department.objects.order_by("code").values_list("code", "name", "parent__code")),
        list(Position.objects.order_by("code").values_list("code", "title", "version")),
        list(Duty.objects.order_by("pk").values_list("position__code", "text")),
    )


def test_the_connection_ended_mid_import_writes_nothing_and_a_retry_succeeds(
    hr_client, monkeypatch
):
    Department.objects.create(code="OLD", name="原有部门")
    before = snapshot()
    page_url = hr_client.post(IMPORT, {"workbook": SimpleUploadedFile("org.xlsx", xlsx(SMALL))})[
        "Location"
    ]
    run_jobs()  # the check
    page = BeautifulSoup(hr_client.get(page_url).content, "html.parser")
    form = page.select_one(f"form[action='{IMPORT}']")
    confirm = {i["name"]: i.get("value", "") for i in form.select("input[name]")}

    original = PositionSheet.write
    ended = []

    def lose_the_connection(self):
        # The departments are written (inside the import's transaction); now the server goes.
        assert Department.objects.count() > 1
        _terminate(connection.connection.get_backend_pid())
        ended.append(True)
        return original(self)

    monkeypatch.setattr(PositionSheet, "write", lose_the_connection)
    response = hr_client.post(IMPORT, confirm)
    run_jobs()

    assert ended == [True]
    job = Job.objects.get(kind="workbook-import")
    assert job.status == "failed"
    assert job.summary == "The database failed during the import. Nothing was written; retry it."
    page = BeautifulSoup(hr_client.get(response.url).content, "html.parser")
    assert job.summary in page.select_one(".job-summary").get_text()
    assert snapshot() == before  # a new connection: nothing of the import is there

    monkeypatch.setattr(PositionSheet, "write", original)
    retry = hr_client.post(page.select_one("form[action$='/retry/']")["action"])
    assert retry.status_code == 302
    run_jobs()
    assert Job.objects.get(kind="workbook-import").status == "done"
    assert Position.objects.get(code="MGR").reports_to.code == "GM"
    assert Duty.objects.count() == 2
    assert Department.objects.filter(code="OLD").exists()
