import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, Duty, Employee, Position
from tests.factories import grow_org
from tests.pages import soup, texts


@pytest.fixture
def admin_dept(org):
    dept = Department.objects.create(
        code="ADMIN", name="综合管理部", parent=org["acme"], description="负责行政与人事"
    )
    for order, (section, text) in enumerate(
        [
            ("人力资源管理", "负责员工招聘"),
            ("人力资源管理", "负责员工培训"),
            ("行政管理", "负责对外接待"),
        ],
        start=1,
    ):
        DepartmentFunction.objects.create(department=dept, section=section, text=text, order=order)
    return dept


def test_functions_are_numbered_within_sections(client, employee, admin_dept):
    client.force_login(employee)
    page = soup(client.get("/departments/ADMIN/"))
    assert texts(page, ".section-title") == ["一、人力资源管理", "二、行政管理"]
    assert texts(page, "#functions-h ~ ol.items > li") == [
        "1. 负责员工招聘",
        "2. 负责员工培训",
        "1. 负责对外接待",
    ]


def test_department_page_shows_path_positions_staffing_forms_and_kpis(client, employee, org):
    sales, mgr = org["sales"], org["sales_mgr"]
    Assignment.objects.create(
        employee=Employee.objects.create(employee_no="E1", name="李娜"), position=mgr
    )
    form = Form.objects.create(code="F-ORDER", name="订单评审表")
    mgr.duties.first().forms.add(form)
    Kpi.objects.create(
        duty=mgr.duties.first(),
        text="销售任务完成率达90%以上",
        comparison="ge",
        target=90,
        unit="%",
    )
    Department.objects.create(code="TEAM", name="华东组", parent=sales)
    client.force_login(employee)
    page = soup(client.get("/departments/SALES/"))
    assert texts(page, ".breadcrumb li")[1:] == ["示例公司", "销售部"]
    rows = page.select("table.grid tbody tr")
    assert [r.td.a.get_text() for r in rows] == ["销售部经理", "销售代表"]  # head first
    cells = [td.get_text(strip=True) for td in rows[1].select("td")]
    assert cells[2:] == ["3", "–", "3"]  # headcount, no holders, three vacancies
    assert rows[0].select("td")[3].get_text(strip=True) == "李娜"
    assert page.select_one("dl.facts a")["href"] == "/positions/SALES-MGR/"  # the head
    assert texts(page, "#children-h + ul a") == ["华东组"]
    assert texts(page, "#forms-h ~ p.forms a") == ["《订单评审表》"]
    assert "≥ 90 %" in texts(page, "#kpis-h ~ ul.kpis .kpi-structure")[0]


def test_unknown_department_is_404(client, employee, db):
    client.force_login(employee)
    assert client.get("/departments/NOPE/").status_code == 404


@pytest.mark.parametrize("size", [4, 20])
def test_department_page_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=size, duties=3)
    # Expect 18 queries on a first view of D2 (which has a sub-unit, D3):
    # * session, user
    # * the content generation (the body is cached under it, storage.fragments)
    # * the user's own and group permissions (for edit links)
    # * the department
    # * its functions, and their KPIs
    # * how many positions, a page of them with holder counts, their holders
    # * how many sub-units, a page of them with their own position counts
    # * how many KPIs of its duties, positions and functions, and the first
    # * how many forms it owns or its duties use, and the first
    # * its ancestors (breadcrumb)
    with django_assert_num_queries(18):
        first = hr_client.get("/departments/D2/")
    # Then the body comes from the cache: session, user, generation, and the
    # permissions, which are cached under the generation too. (On PostgreSQL
    # the test's own uncommitted writes turn the cache off: all 18 again.)
    with django_assert_num_queries(18 if connection.vendor == "postgresql" else 3):
        again = hr_client.get("/departments/D2/")
    main = [soup(r).select_one("main").decode() for r in (first, again)]
    assert main[0] == main[1]  # the same page (the header's CSRF tokens differ)


def test_a_wide_unit_pages_its_positions_and_sub_units_and_cuts_its_lists(
    client, employee, monkeypatch
):
    grow_org(departments=2, positions=7, duties=2)
    unit = Department.objects.get(code="D0")
    for n in range(5):
        Department.objects.create(code=f"D0-{n}", name=f"小组{n}", parent=unit)
    monkeypatch.setattr("browse.views.departments.POSITIONS_PER_PAGE", 3)
    monkeypatch.setattr("browse.views.departments.UNITS_PER_PAGE", 2)
    monkeypatch.setattr("browse.views.departments.KPIS_SHOWN", 4)
    client.force_login(employee)
    page = soup(client.get("/departments/D0/"))
    rows = page.select("#positions-h ~ table tbody tr")
    assert [r.td.a.get_text() for r in rows] == ["岗位0-0", "岗位0-1", "岗位0-2"]  # head first
    assert texts(page, "#positions-h .badge") == ["7"]
    assert texts(page, "#children-h + ul a") == ["小组0", "小组1"]
    assert texts(page, "#children-h .badge") == ["5"]
    pagers = [texts(nav, "span")[0] for nav in page.select("nav.pager")]
    assert pagers == ["page 1 of 3", "page 1 of 3"]
    # The KPIs of this page's positions, the first 4 of them, and the way to all.
    assert len(page.select("#kpis-h ~ ul.kpis .kpi-text")) == 4
    more = page.select_one("#kpis-h ~ p.more a")
    assert more["href"] == "/kpis/?from=D0"
    assert more.get_text() == "All the unit's KPIs, in the KPI list ›"
    assert page.select_one("#forms-h ~ p.more a")["href"] == "/forms/?unit=D0"
    last = soup(client.get("/departments/D0/?page=3&units=3"))
    assert [r.td.a.get_text() for r in last.select("#positions-h ~ table tbody tr")] == ["岗位0-6"]
    assert texts(last, "#children-h + ul a") == ["小组4"]
    # The head is named on every page.
    assert last.select_one("dl.facts a")["href"] == "/positions/D0-P0/"
    # On one page, the unit's KPIs are counted (a new budget: not the cached page).
    monkeypatch.setattr("browse.views.departments.POSITIONS_PER_PAGE", 10)
    cache.clear()
    whole = soup(client.get("/departments/D0/"))
    assert texts(whole, "#kpis-h .badge") == ["14"]
    assert texts(whole, "#kpis-h ~ p.more a") == ["All 14 KPIs, in the KPI list ›"]


def test_a_units_forms_are_listed_in_the_catalogue(client, employee):
    grow_org(departments=3, positions=2, duties=1)
    client.force_login(employee)
    page = soup(client.get("/forms/?unit=D1"))
    assert texts(page, "table.grid tbody td:first-child a") == ["《表单1》"]
    assert client.get("/forms/?unit=NOPE").status_code == 404


def test_the_cached_department_page_is_never_stale(hr_client, employee):
    grow_org(departments=3, positions=2, duties=1)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # not hr_client's: that one is the HR editor
    client.force_login(employee)
    before = soup(client.get("/departments/D0/")).select_one("h1").get_text()
    Department.objects.filter(code="D0").update(name="改名后的部门")  # no signal, no save()
    after = soup(client.get("/departments/D0/")).select_one("h1").get_text()
    assert before != after and "改名后的部门" in after
    # HR editors and employees get their own cached bodies: only editors see the admin link.
    assert soup(hr_client.get("/departments/D0/")).select(".edit-link")
    assert not soup(client.get("/departments/D0/")).select(".edit-link")


def test_the_first_kpis_are_the_functions_then_by_position_code_duties_before_own(
    client, employee, org, monkeypatch
):
    sales = org["sales"]
    # Codes whose order differs by collation: "B…" before "a…" by code point.
    later = Position.objects.create(code="a-2", title="后岗位", department=sales)
    first = Position.objects.create(code="B-1", title="前岗位", department=sales)
    Kpi.objects.create(position=later, text="后岗位自己的指标", order=1)
    Kpi.objects.create(
        duty=Duty.objects.create(position=later, text="后职责", order=1), text="后职责指标"
    )
    second, early = (
        Duty.objects.create(position=first, text=t, order=n) for n, t in ((2, "二"), (1, "一"))
    )
    Kpi.objects.create(duty=second, text="前职责二的指标")
    Kpi.objects.create(position=first, text="前岗位自己的指标")
    Kpi.objects.create(duty=early, text="前职责一的指标", order=2)
    Kpi.objects.create(duty=early, text="前职责一的首个指标", order=1)
    Kpi.objects.create(function=sales.functions.get(), text="职能的指标")
    client.force_login(employee)
    texts_of = lambda page: texts(page, "#kpis-h ~ ul.kpis .kpi-text")  # noqa: E731
    expected = [
        "职能的指标",
        "前职责一的首个指标",
        "前职责一的指标",
        "前职责二的指标",
        "前岗位自己的指标",
        "后职责指标",
        "后岗位自己的指标",
    ]
    page = soup(client.get("/departments/SALES/"))
    assert texts_of(page) == expected
    assert texts(page, "#kpis-h .badge") == ["7"]
    # Cut to the first three, the count stays the unit's.
    monkeypatch.setattr("browse.views.departments.KPIS_SHOWN", 3)
    cache.clear()
    page = soup(client.get("/departments/SALES/"))
    assert texts_of(page) == expected[:3]
    assert texts(page, "#kpis-h ~ p.more a") == ["All 7 KPIs, in the KPI list ›"]
