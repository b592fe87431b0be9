"""The Content-Security-Policy in a real browser: nothing on the site or in the admin is refused.

Chromium reports every refused script, style or fetch as a
``securitypolicyviolation`` event; the pages listen for it from the start and
the test reads what was collected after using each page as HR staff would.
"""

import pytest

from tests.browser.conftest import admin_login, login

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def violations(page):
    return page.evaluate("window.__cspViolations || []")


@pytest.fixture
def watched(page):
    page.add_init_script(COLLECT)
    page.console_csp = []
    page.on(
        "console",
        lambda m: page.console_csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def test_admin_works_under_the_policy(watched, live_server, hr, org, screenshot):
    page = watched
    admin_login(page, live_server, "hr", "hr-pass-123")
    seen = {}

    def visit(path):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)

    visit("/admin/")
    visit("/admin/departments/department/")
    # The draggable tree's script runs: expanding a node works.
    page.locator("#result_list .tree-node").first.click()
    assert "销售部" in page.locator("#result_list").inner_text()
    seen["tree expanded"] = violations(page)

    visit(f"/admin/departments/department/{org['sales'].pk}/change/")
    visit(f"/admin/positions/position/?department__id__inhierarchy={org['sales'].pk}")
    visit(f"/admin/positions/position/{org['sales_mgr'].pk}/change/")
    # django-nested-admin adds a duty row with its KPI inline; select2 opens.
    before = page.locator("textarea[name^='duties-'][name$='-text']:not([name*='kpis'])").count()
    page.locator(".djn-add-handler.djn-model-positions-duty").first.click()
    after = page.locator("textarea[name^='duties-'][name$='-text']:not([name*='kpis'])").count()
    assert after == before + 1
    page.locator(".select2-selection").first.click()
    page.wait_for_selector(".select2-results")
    seen["nested add + select2"] = violations(page)
    screenshot("position-change-under-csp")

    visit(f"/admin/positions/position/{org['sales_mgr'].pk}/history/")
    visit("/admin/positions/duty/")
    visit("/admin/workbook/import/")

    assert {path: v for path, v in seen.items() if v} == {}
    assert page.console_csp == []
    _the_watch_sees_a_violation(page)


def _the_watch_sees_a_violation(page):
    """The collector is live: a style attribute set by a script is refused and reported."""
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "style-src" in violations(page)[0]


def test_site_pages_work_under_the_policy(watched, live_server, hr, org):
    page = watched
    login(page, live_server, "hr", "hr-pass-123")
    seen = {}
    for path in ["/chart/", "/chart/positions/", "/departments/SALES/", "/positions/SALES-MGR/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    # site.js runs: the language menu switches on change.
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    seen["language switch"] = violations(page)
    assert {path: v for path, v in seen.items() if v} == {}
    assert page.console_csp == []
    _the_watch_sees_a_violation(page)
