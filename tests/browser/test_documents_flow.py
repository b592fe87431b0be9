"""A job description from draft to approved revision, and two revisions compared, in a browser."""

import pytest

from documents.models import Document, Revision
from documents.workflow import perform
from positions.models import Duty
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page, live_server, username, password):
    page.context.clear_cookies()
    login(page, live_server, username, password)


def _act(page, action, comment=""):
    if comment:
        page.fill("#comment", comment)
    page.click(f".workflow-form button[value={action}]")
    page.wait_for_load_state()
    return page.locator("ul.messages li").first.inner_text()


def test_draft_review_approve_read_compare(
    page, live_server, org, hr, reviewer, approver, employee, screenshot
):
    control = f"{live_server.url}/documents/positions/SALES-MGR/"

    # The editor finds the draft on the job description and submits it.
    _as(page, live_server, "hr", "hr-pass-123")
    page.goto(f"{live_server.url}/positions/SALES-MGR/")
    assert "unapproved" in page.locator(".doc-banner").get_attribute("class")
    page.click(".doc-banner a[href$='/documents/positions/SALES-MGR/']")
    page.wait_for_url(control)
    assert page.locator(".workflow-form button[value=approve]").count() == 0
    _act(page, "submit", "请审核业务经理岗位说明书")
    assert page.locator("#draft-status").inner_text() == "审核中"
    screenshot("submitted")

    # The reviewer sends it back once, then passes it.
    _as(page, live_server, "reviewer", "rev-pass-123")
    page.goto(control)
    message = _act(page, "return")
    assert message == "请说明退回的理由：必须填写意见。"  # refused: no comment
    _act(page, "return", "请补充工作指标")
    assert page.locator("#draft-status").inner_text() == "草稿"
    _as(page, live_server, "hr", "hr-pass-123")
    page.goto(control)
    _act(page, "submit", "已补充")
    _as(page, live_server, "reviewer", "rev-pass-123")
    page.goto(control)
    _act(page, "pass", "同意")
    assert page.locator("#draft-status").inner_text() == "已审核，待批准"

    # The approver approves: revision 1.
    _as(page, live_server, "approver", "app-pass-123")
    page.goto(control)
    message = _act(page, "approve")
    assert message.startswith("已批准为第1版")
    screenshot("approved")
    assert [step.action for step in Document.objects.get().transitions.order_by("at", "id")] == [
        "submit",
        "return",
        "submit",
        "pass",
        "approve",
    ]

    # Employees read it; a later edit of the draft does not reach them.
    Duty.objects.filter(text="管理销售团队").update(text="管理并培训销售团队")
    _as(page, live_server, "emp", "emp-pass-123")
    page.goto(f"{live_server.url}/positions/SALES-MGR/")
    banner = page.locator(".doc-banner")
    assert "approved" in banner.get_attribute("class")
    assert "已批准的第1版" in banner.inner_text()
    assert "管理销售团队" in page.locator("#duties-h ~ ol.items").inner_text()
    assert "管理并培训销售团队" not in page.locator("main").inner_text()
    screenshot("employee-reads-revision-1")

    # Revision 2, then the employee compares 1 with 2.
    mgr = org["sales_mgr"]
    perform(mgr, "submit", hr)
    perform(mgr, "pass", reviewer)
    perform(mgr, "approve", approver)
    assert Revision.objects.count() == 2
    page.goto(f"{live_server.url}/positions/SALES-MGR/")
    page.click(".doc-banner a[href$='/documents/positions/SALES-MGR/']")
    page.select_option(".compare-form select[name=a]", "1")
    page.select_option(".compare-form select[name=b]", "2")
    page.click(".compare-form button")
    page.wait_for_url("**/compare/?a=1&b=2")
    changed = page.locator("section.diff-block").first.locator("tr.changed")
    assert changed.count() == 1
    assert changed.locator("td.new .diff-text > ins").inner_text() == "并培训"
    screenshot("compare-1-2")
    assert page.external_requests == []
