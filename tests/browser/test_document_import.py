"""HR pastes a department's functions from a Word document, checks them, saves them."""

from pathlib import Path

import pytest

from tests.browser.conftest import admin_login
from tests.conftest import make_department

pytestmark = pytest.mark.django_db(transaction=True)

SEED_001 = Path(__file__).parents[2] / "fixtures" / "seeds" / "001_711477e20c8f78cf.txt"


@pytest.fixture
def after_sales(transactional_db):
    company = make_department("JX", "机械经销公司", kind="company")
    return make_department("JX-SVC", "售后服务部", parent=company)


def test_hr_pastes_seed_001_after_sales_functions_and_sees_them_numbered(
    page, live_server, hr, after_sales, screenshot
):
    text = SEED_001.read_text(encoding="utf-8")
    pasted = text[text.index("售后服务部部门职能") : text.index("售后服务部经理岗位职责")]

    admin_login(page, live_server, "hr", "hr-pass-123")
    page.goto(f"{live_server.url}/admin/departments/department/{after_sales.pk}/change/")
    page.click("text=从文档导入")
    page.fill("textarea[name=text]", pasted)
    page.click("input[type=submit]")

    # The check page: the department is matched, the page marker “2、” is gone.
    assert page.input_value("select[name=form-0-target]") == "JX-SVC"
    items = page.input_value("textarea[name=form-0-items_text]")
    assert "15. 负责本部门车辆的管理与维护" in items
    page.click("input[name=check]")
    assert page.locator("#import-preview tbody td").first.inner_text() == "16"
    screenshot("check")
    page.click("input[name=save]")

    page.wait_for_url(f"{live_server.url}/departments/JX-SVC/")
    numbers = page.locator("[aria-labelledby=functions-h] ol.items > li").all_inner_texts()
    assert len(numbers) == 16
    assert numbers[14].split()[-1] == "负责本部门车辆的管理与维护"
    screenshot("department")
    assert page.external_requests == []
