"""HR uploads another system's sheet, maps the one column the guess missed, previews,
confirms, and sees the reporting lines it brought (issue 14's browser acceptance).

The check and the import are background jobs; ``run_jobs`` is the worker, run
in the test's thread between the page's steps.
"""

import pytest

from positions.models import Position
from tests.browser.conftest import admin_login
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)

# "Boss" is no header the import knows: it is guessed as ignored.
SHEET = (
    "Staff No,Full Name,Job Title,Department,Boss,Hire Date\n"
    "E1,Grace Hopper,Chief Executive,Acme,,2015-01-05\n"
    "E2,Alan Turing,Head of Engineering,Acme/Engineering,E1,2016-03-01\n"
    "E3,Ada Lovelace,Software Engineer,Acme/Engineering,E2,2018-07-16\n"
    "E4,Linus Torvalds,Software Engineer,Acme/Engineering,E2,2019-02-11\n"
)


def _finish_job(page):
    page.wait_for_url("**/jobs/**")
    run_jobs()
    page.reload()
    page.wait_for_selector(".job-summary")


def test_upload_map_a_column_preview_confirm_and_see_the_reporting_lines(
    page, live_server, hr, tmp_path, settings, screenshot
):
    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "hris.csv"
    path.write_text(SHEET, encoding="utf-8")
    admin_login(page, live_server, "hr", "hr-pass-123")
    page.goto(f"{live_server.url}/admin/")
    page.click("#workbook-module a[href='/admin/workbook/flat/']")
    page.set_input_files("input[name=sheet]", str(path))
    page.click("#flat-upload input[type=submit]")
    _finish_job(page)

    boss = page.locator("tr[data-header='Boss'] select")
    assert boss.input_value() == ""  # ignored: the guess did not know "Boss"
    assert page.locator("#import-preview").count() == 1
    screenshot("guessed")
    boss.select_option("manager_employee_no")
    page.click("#flat-mapping input[name=preview]")
    _finish_job(page)

    assert page.locator("tr[data-header='Boss'] select").input_value() == "manager_employee_no"
    positions = page.locator("#import-preview tbody tr", has_text="positions").inner_text()
    assert positions.split()[1] == "3"  # created
    screenshot("mapped")
    page.click("#flat-confirm input[name=confirm]")
    _finish_job(page)

    engineer = Position.objects.get(title="Software Engineer")
    assert engineer.reports_to.title == "Head of Engineering"
    assert engineer.headcount == 2
    page.click("a[href='/chart/?kind=reporting']")
    page.wait_for_selector("svg.orgchart g.chart-root")
    chart = page.locator("svg.orgchart")
    assert chart.get_attribute("data-kind") == "reporting"
    assert page.locator(f'svg.orgchart [data-key="position:{engineer.code}"]').count() == 1
    line = page.locator(
        f'svg.orgchart polyline[data-to="{engineer.code}"], '
        f'svg.orgchart polyline[data-from="{engineer.code}"]'
    )
    assert line.count() >= 1
    assert "Software Engineer" in chart.text_content()
    screenshot("chart")
    assert page.external_requests == []
