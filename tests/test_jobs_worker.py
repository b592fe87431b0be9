"""A real worker process imports a large workbook; its progress is seen from outside; it is killed.

The worker is ``manage.py worker`` in a process of its own, on the test's
database (tests/processes.py). While it imports, another connection sees the
progress move, though the import writes everything in one transaction. Killed
with SIGKILL half-way through the writes, it leaves nothing written; the job
is failed once its heartbeat is stale, and a retry imports the workbook.
"""

import os
import signal
import time
from types import SimpleNamespace

import pytest

from bench.orgshapes.realistic import generate_sheets
from tests.processes import Site
from tests.workbooks import xlsx

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = SimpleNamespace(
    departments=200,
    functions_per_department=3,
    positions=2500,
    dotted_lines=100,
    forms=200,
    duties=12000,
    kpis=2000,
    employees=800,
    seed=3,
)
STALE = 5


def large_workbook():
    from workbook.sheets import COLUMNS

    sheets = generate_sheets(SIZES)
    return xlsx(sheets, header={name: list(COLUMNS[name]) for name in sheets})


START = """
from django.contrib.auth.models import Group, User
from jobs.runner import start
hr, _ = User.objects.get_or_create(username='hr', defaults={{'is_staff': True}})
hr.groups.add(Group.objects.get(name='HR editors'))
data = open({path!r}, 'rb').read()
job, _ = start(hr, 'workbook-import', upload=(data, 'large.xlsx'), language='en')
print(job.pk)
"""


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path, {"JOB_STALE_SECONDS": str(STALE)})
    yield site
    site.stop()


def test_a_killed_worker_writes_nothing_and_the_retried_job_imports(site, tmp_path):
    path = tmp_path / "large.xlsx"
    path.write_bytes(large_workbook())
    job_id = int(site.shell(START.format(path=str(path))).split()[-1])
    worker = site.worker()

    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, step, done, total = site.progress(job_id)
        if status == "running" and (not seen or seen[-1][:2] != (step, done)):
            seen.append((step, done, total))
        if status == "running" and "duties: writing" in step:
            break
        assert status in ("queued", "running"), (status, step)
        time.sleep(0.05)
    else:
        pytest.fail(f"the import never reached the duties; progress seen: {seen}")
    # Half-way through the writes, inside the import's one transaction.
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)

    # The progress was seen moving from outside, sheet by sheet, with row counts.
    assert len(seen) >= 3, seen
    assert [done for _step, done, _total in seen] == sorted(done for _s, done, _t in seen)
    assert seen[-1][2] == 2 * sum(len(rows) for rows in generate_sheets(SIZES).values())
    assert any(": writing" in step and 0 < done < total for step, done, total in seen)
    assert site.query("SELECT count(*) FROM departments_department") == [(0,)]
    assert site.query("SELECT count(*) FROM positions_duty") == [(0,)]

    # Still "running" in its row; once its heartbeat is stale the job is failed.
    assert site.progress(job_id)[0] == "running"
    time.sleep(STALE + 1)
    assert site.shell("from jobs.runner import reap; print(reap())").split()[-1] == "1"
    [(status, summary)] = site.query("SELECT status, summary FROM jobs_job WHERE id = ?", [job_id])
    assert status == "failed" and "worker stopped" in summary

    site.shell(
        "from django.contrib.auth.models import User\n"
        "from jobs.models import Job\n"
        "from jobs.runner import retry\n"
        f"print(retry(Job.objects.get(pk={job_id}), User.objects.get(username='hr')))"
    )
    assert site.worker("--batch").wait(180) == 0
    [(status, attempt, summary)] = site.query(
        "SELECT status, attempt, summary FROM jobs_job WHERE id = ?", [job_id]
    )
    assert (status, attempt) == ("done", 2), summary
    assert site.query("SELECT count(*) FROM departments_department") == [(SIZES.departments,)]
    assert site.query("SELECT count(*) FROM positions_duty") == [(SIZES.duties,)]
