"""HR uploads a large workbook in a browser and watches the check, then the import, progress.

The app server (gunicorn) and the worker are processes of their own
(tests/processes.py), as in production: the page learns the progress only
from the server, which learns it from the worker.
"""

import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import ARTIFACTS
from tests.processes import HOST, Site
from tests.test_jobs_worker import SIZES, large_workbook

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.shell(
        "from django.contrib.auth.models import Group, User\n"
        "hr = User.objects.create_user('hr', password='hr-pass-123', is_staff=True)\n"
        "hr.groups.add(Group.objects.get(name='HR editors'))\n"
    )
    yield site
    site.stop()


def _watch(page, seconds=120):
    """The progress bar's values, sampled until the job's page shows it finished."""
    values = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = page.evaluate(
                "() => { const b = document.querySelector('.job-progress');"
                " return b ? [b.dataset.status, b.querySelector('progress').value,"
                " b.querySelector('.job-step').textContent] : null; }"
            )
        except PlaywrightError:  # the page reloads itself when the job ends
            state = None
        if state is not None:
            status, value, step = state
            if not values or values[-1] != (value, step):
                values.append((value, step))
            if status in ("done", "failed"):
                return status, values
        time.sleep(0.05)
    raise AssertionError(f"the job did not finish: {values}")


def test_the_progress_bar_moves_during_a_real_import(chromium, site, tmp_path):
    port = site.server()
    site.worker()
    path = tmp_path / "large.xlsx"
    path.write_bytes(large_workbook())
    base = f"http://{HOST}:{port}"
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "hr")
        page.fill("#id_password", "hr-pass-123")
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/workbook/import/")
        page.set_input_files("input[type=file]", str(path))
        page.click("input[type=submit]")
        page.wait_for_url("**/jobs/*/")

        status, values = _watch(page)
        page.wait_for_selector("#import-preview")
        assert status == "done", values
        assert page.locator(".job-status").inner_text() == "done"
        row = page.locator("#import-preview tbody tr", has_text="duties").inner_text()
        assert str(SIZES.duties) in row
        moving = [v for v, _step in values if 0 < v < 100]
        assert len(set(moving)) >= 2, values  # seen between start and end, more than once

        page.click("input[name=confirm]")
        page.wait_for_url("**/jobs/*/")
        status, values = _watch(page)
        assert status == "done", values
        page.wait_for_selector(".job-summary")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "job-import-done.png"), full_page=True)
        assert "Workbook imported" in page.locator(".job-summary").inner_text()
        assert len({v for v, _step in values if 0 < v < 100}) >= 2, values
        # "duties: writing", or a stage of it: "duties: writing (forms)".
        assert any(": writing" in step for _v, step in values), values
        assert site.query("SELECT count(*) FROM positions_duty") == [(SIZES.duties,)]
    finally:
        context.close()
