"""HR staff editing the organisation in the admin, in a real browser."""

import pytest

from positions.models import Position
from tests.browser.conftest import admin_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_reorders_duties_by_drag_and_drop(page, live_server, hr, org, screenshot):
    admin_login(page, live_server, "hr", "hr-pass-123")
    page.goto(f"{live_server.url}/admin/departments/department/")
    screenshot("department-tree")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    # The tree opens collapsed; expanding the company shows its departments.
    page.locator("#result_list .tree-node").first.click()
    assert "销售部" in page.locator("#result_list").inner_text()
    screenshot("department-tree-expanded")

    mgr = org["sales_mgr"]
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.goto(f"{live_server.url}/admin/positions/position/{mgr.pk}/change/")
    texts = page.locator("textarea[name^='duties-'][name$='-text']:not([name*='kpis'])")
    assert [texts.nth(i).input_value() for i in range(3)] == [
        "制定销售计划",
        "管理销售团队",
        "审核销售合同",
    ]

    # Drag the third duty above the first one by its handle.
    source = page.locator("#duties-2 > h3.djn-drag-handler").bounding_box()
    target = page.locator("#duties-0 > h3.djn-drag-handler").bounding_box()
    page.mouse.move(source["x"] + 40, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] - 5, steps=25)
    page.mouse.up()
    screenshot("after-drag")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/positions/position/")

    texts = [d.text for d in Position.objects.get(pk=mgr.pk).duties.order_by("order")]
    assert texts[0] == "审核销售合同"
    assert page.external_requests == []


def test_employee_cannot_enter_the_admin(page, live_server, employee):
    admin_login(page, live_server, "emp", "emp-pass-123")
    assert "/admin/login/" in page.url
    assert page.locator(".errornote").count() == 1
