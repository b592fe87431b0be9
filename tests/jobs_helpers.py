"""Run queued background jobs in the test's own process, as the worker would.

The worker (``manage.py worker``) is django-tasks-db's ``db_worker`` loop; its
``Worker.run_task`` is what runs each job. The loop itself closes "obsolete"
connections between jobs, which would end a test's transaction, so tests run
the queue with ``run_jobs()`` and keep the loop for the tests that start a
real worker process (tests/test_jobs_worker.py).
"""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_jobs(limit=20):
    """Run every queued job (at most ``limit``); how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().first()
        if result is None:
            return ran
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def finished(client, response):
    """Run the job a post started (``response`` redirects to its page); the page, finished."""
    assert response.status_code == 302, response.status_code
    run_jobs()
    return client.get(response["Location"])


def download(client, page_content) -> bytes:
    """The result a finished job's page offers."""
    from bs4 import BeautifulSoup

    link = BeautifulSoup(page_content, "html.parser").select_one("a.job-download")
    assert link is not None, "the job's page offers no download"
    return b"".join(client.get(link["href"]).streaming_content)
