import pytest
from django.db import connection
from django.test import Client

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, Employee
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


@pytest.mark.parametrize("size", [2, 20])
def test_department_page_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=size, duties=3)
    # Expect 13 queries on a first view:
    # * session, user
    # * the content generation (the body is cached under it, storage.fragments)
    # * the department
    # * its functions, and their KPIs
    # * its positions with holder counts, and their current holders
    # * the user's own and group permissions (for edit links)
    # * its ancestors (breadcrumb)
    # * its sub-units with cumulative position counts
    # * KPIs of its duties, positions and functions
    # * forms it owns or its duties use
    with django_assert_num_queries(13):
        first = hr_client.get("/departments/D0/")
    # Then the body comes from the cache: session, user, generation, and the
    # permissions, which are cached under the generation too. (On PostgreSQL
    # the test's own uncommitted writes turn the cache off: all 13 again.)
    with django_assert_num_queries(13 if connection.vendor == "postgresql" else 3):
        again = hr_client.get("/departments/D0/")
    main = [soup(r).select_one("main").decode() for r in (first, again)]
    assert main[0] == main[1]  # the same page (the header's CSRF tokens differ)


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
