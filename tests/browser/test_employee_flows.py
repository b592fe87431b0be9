"""An employee browsing the organisation, in a real browser."""

import pytest

from departments.models import Department, DepartmentFunction
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deep_org(org):
    org["sales"].aliases = "Sales Department"
    org["sales"].save()
    team = Department.objects.create(code="TEAM", name="华东组", parent=org["sales"])
    Department.objects.create(code="SUB", name="上海小组", parent=team)
    DepartmentFunction.objects.create(department=org["sales"], text="负责客户接待", order=2)
    return org


def test_chart_to_department_to_position(page, live_server, employee, deep_org, screenshot):
    login(page, live_server, "emp", "emp-pass-123")
    assert page.url.endswith("/chart/")
    page.goto(f"{live_server.url}/chart/list/")  # the list; /chart/ is the drawn chart
    page.click("a.unit-name:text('销售部')")
    page.wait_for_url("**/departments/SALES/")
    assert page.locator("h1").inner_text().startswith("销售部")
    screenshot("department")
    page.click("table.grid a:text('销售部经理')")
    page.wait_for_url("**/positions/SALES-MGR/")
    items = page.locator("#duties-h ~ ol.items > li")
    assert items.count() == 3
    assert items.first.inner_text().startswith("1.")
    screenshot("position")
    page.click("a:text('总经理')")
    page.wait_for_url("**/positions/CEO/")
    assert page.external_requests == []


def test_expanding_a_deep_unit_fetches_its_subtree(
    page, live_server, employee, deep_org, monkeypatch
):
    # As in a large organisation: the chart renders only what fits its budget.
    monkeypatch.setattr("browse.views.departments.CHART_UNIT_BUDGET", 3)
    login(page, live_server, "emp", "emp-pass-123")
    page.goto(f"{live_server.url}/chart/list/")
    assert page.locator("a.unit-name:text('华东组')").count() == 0
    more = page.locator("details.more[data-subtree='/chart/subtree/SALES/'] > summary")
    more.click()  # opens, and the script fetches the sub-units
    page.wait_for_selector("a.unit-name:text('华东组')")
    assert page.external_requests == []


def test_the_next_sub_units_come_after_the_first_ones(
    page, live_server, employee, deep_org, monkeypatch
):
    # One sub-unit shown a unit: the company's second department is a link away.
    monkeypatch.setattr("browse.views.departments.CHART_CHILDREN_SHOWN", 1)
    login(page, live_server, "emp", "emp-pass-123")
    page.goto(f"{live_server.url}/chart/list/")
    assert page.locator("a.unit-name:text('人力资源部')").count() == 0
    more = page.locator("details.next-units[data-subtree='/chart/subtree/ACME/?page=2'] > summary")
    assert "显示了 2 个下级单位中的第 1–1 个" in more.inner_text()  # the default language
    more.click()  # the script fetches the next ones in place of the link
    hr_link = page.locator("a.unit-name:text('人力资源部')")
    hr_link.wait_for()
    assert (
        page.locator("details.next-units[data-subtree='/chart/subtree/ACME/?page=2']").count() == 0
    )
    assert hr_link.evaluate("link => link === document.activeElement")
    assert page.locator("a.unit-name:text('销售部')").count() == 1  # nothing lost, nothing twice
    assert page.external_requests == []


def test_search_in_chinese_and_english(page, live_server, employee, deep_org, screenshot):
    login(page, live_server, "emp", "emp-pass-123")
    page.fill("#site-search", "销售部的职责是什么")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/**")
    first = page.locator(".results > section").first
    assert "first-answer" in first.get_attribute("class")
    assert first.locator("h2 a").inner_text() == "销售部"
    screenshot("question")
    page.fill("#site-search", "What is the responsibility of the sales department?")
    page.press("#site-search", "Enter")
    page.wait_for_load_state()
    assert page.locator(".results > section h2 a").first.inner_text() == "销售部"
    page.fill("#site-search", "經理")
    page.press("#site-search", "Enter")
    page.wait_for_load_state()
    assert page.locator("main li mark").count() >= 2


def test_switch_language(page, live_server, employee, deep_org):
    login(page, live_server, "emp", "emp-pass-123")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.select_option("#language", "en")  # the script submits on change
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/chart/")
    page.select_option("#language", "zh-hant")
    page.wait_for_function("document.documentElement.lang === 'zh-hant'")


def test_print_view_fits_a4(page, live_server, employee, deep_org, tmp_path):
    login(page, live_server, "emp", "emp-pass-123")
    page.goto(f"{live_server.url}/positions/SALES-MGR/print/")
    assert page.locator("header").count() == 0
    pdf = tmp_path / "jd.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    # A4 is 595 x 842 points.
    assert b"/MediaBox [0 0 595" in data or b"/MediaBox [0 0 594" in data


def test_no_page_requests_anything_from_the_internet(page, live_server, hr, deep_org):
    """Intranets have no internet: every page, and the admin, load only local files."""
    login(page, live_server, "hr", "hr-pass-123")
    urls = [
        "/chart/",
        "/chart/positions/",
        "/departments/SALES/",
        "/positions/SALES-MGR/",
        "/positions/SALES-MGR/print/",
        "/me/",
        "/forms/",
        "/kpis/",
        "/search/?q=销售",
        "/admin/",
        "/admin/departments/department/",
        f"/admin/positions/position/{deep_org['sales_mgr'].pk}/change/",
    ]
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
    assert page.external_requests == []
    # The pages did load their own scripts and styles.
    assert any(u.endswith("/static/css/site.css") for u in loaded)
    assert any("/static/admin/" in u for u in loaded)


def test_the_flows_work_with_javascript_off(chromium, live_server, employee, deep_org, monkeypatch):
    """Scripts only enhance: sub-units, search and the language menu work without them."""
    monkeypatch.setattr("browse.views.departments.CHART_UNIT_BUDGET", 3)
    context = chromium.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, "emp", "emp-pass-123")
        page.goto(f"{live_server.url}/chart/list/")
        # A unit at the edge of the chart: without the script its sub-units are a link away.
        page.click("details.more[data-subtree='/chart/subtree/SALES/'] > summary")
        page.click("a.subtree-link[href='/chart/list/?root=SALES']")
        page.wait_for_url("**/chart/list/?root=SALES")
        page.click("a.unit-name:text('华东组')")
        page.wait_for_url("**/departments/TEAM/")
        # The next sub-units of a unit are a page of the list.
        monkeypatch.setattr("browse.views.departments.CHART_CHILDREN_SHOWN", 1)
        page.goto(f"{live_server.url}/chart/list/")
        page.click("details.next-units > summary")
        page.click("details.next-units a.subtree-link")
        page.wait_for_url("**/chart/list/?root=ACME&page=2")
        assert page.locator(".chart a.unit-name").all_inner_texts() == ["示例公司", "人力资源部"]
        page.fill("#site-search", "销售部的职责是什么")
        page.press("#site-search", "Enter")
        page.wait_for_url("**/search/**")
        assert page.locator(".results > section h2 a").first.inner_text() == "销售部"
        page.select_option("#language", "en")
        page.click(".lang-switch button")  # hidden only when the script submits on change
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "/search/" in page.url
    finally:
        context.close()
