"""The demo organisation in fixtures/demo, loaded as `make demo` loads it."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from departments.models import Department
from kpis.models import Kpi
from orgduties.numbering import number_items
from positions.models import Position
from tests.pages import soup, texts


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_load_demo_twice_changes_nothing(demo, capsys):
    counts = (Department.objects.count(), Position.objects.count(), Kpi.objects.count())
    call_command("load_demo", verbosity=2)
    out = capsys.readouterr().out
    assert " created      0" in out or "0 records created" in out
    assert (Department.objects.count(), Position.objects.count(), Kpi.objects.count()) == counts
    assert Department.objects.tree_problems() == []


def test_seed_001_departments_with_functions_and_managers(demo):
    names = {"售后服务部", "销售部", "信审债权部", "综合管理部", "财务部"}
    units = {
        d.name: d
        for d in Department.objects.filter(name__in=names, functions__isnull=False).distinct()
    }
    assert names <= set(units)
    admin = units["综合管理部"]
    sections = number_items(admin.functions.order_by("order", "id"))
    assert [s.title for s in sections] == [
        "人力资源管理",
        "行政管理",
        "总务后勤管理",
        "档案管理",
        "车辆管理",
    ]
    assert [len(s.items) for s in sections] == [9, 12, 8, 4, 6]
    # Page noise is gone: no function text carries a page marker or a site footer.
    for unit in units.values():
        for function in unit.functions.all():
            assert "第" not in function.text or "页" not in function.text
            assert "专心-专注-专业" not in function.text
    after_sales = units["售后服务部"]
    assert after_sales.functions.count() == 16
    manager = after_sales.positions.get(is_head=True)
    assert manager.reports_to.title == "总经理"
    assert manager.direct_reports.count() >= 2
    assert manager.duties.count() == 14


def test_seed_003_manager_kpis(demo):
    hr_manager = Position.objects.get(title="人力资源部经理")
    kpis = Kpi.objects.filter(duty__position=hr_manager)
    recruit = kpis.get(text__contains="招聘达成率")
    assert recruit.structure.startswith("招聘达成率 ≥ 90")
    deadline = kpis.get(text__startswith="每年12月20日前")
    assert (deadline.deadline_month, deadline.deadline_day) == (12, 20)


def test_seed_004_staffing_in_traditional_characters(demo):
    sales = Department.objects.get(name="銷售部")
    staffing = {p.title: p.headcount for p in sales.positions.all()}
    assert staffing["銷售部部長"] == 1
    assert staffing["內貿銷售經理"] == 1
    assert staffing["銷售內勤"] == 3
    assert staffing["外貿銷售經理"] == 1
    head = sales.positions.get(is_head=True)
    assert head.dotted_lines_out.get().to_position.title == "銷售會計"


def test_seed_000_operations_in_english(demo):
    ops = Department.objects.get(name="Operations Department")
    assert ops.functions.count() == 14
    assert (
        ops.functions.order_by("order").first().text.startswith("Organize departmental work plan")
    )


def test_every_page_works_on_the_demo(demo, client):
    # As `make demo` does: the HR login is created after the demo is loaded, and the
    # demo's employee E0001 is that login, so "my position" has something to show.
    call_command("create_hr_user", stdout=io.StringIO())
    hr_client = client
    hr_client.force_login(User.objects.get(username="hr"))
    me = soup(hr_client.get("/me/"))
    assert "综合管理部经理" in me.find("h1").get_text()
    position = Position.objects.filter(duties__kpis__isnull=False).first()
    for url in [
        "/chart/",
        "/chart/positions/",
        f"/positions/{position.code}/",
        "/forms/",
        "/kpis/",
    ]:
        assert hr_client.get(url).status_code == 200, url
    for department in Department.objects.all():
        assert hr_client.get(f"/departments/{department.code}/").status_code == 200
    page = soup(
        hr_client.get("/search/", {"q": "What is the responsibility of the sales department?"})
    )
    assert texts(page, ".first-answer h2 a")[0] in {"销售部", "銷售部"}


def test_template_workbook_imports_into_the_demo(demo, tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("org_template", str(path))
    call_command("import_org", str(path), verbosity=0)
    assert Position.objects.get(code="CO-SALES-MGR").reports_to.code == "CO-GM"
    assert Department.objects.tree_problems() == []
