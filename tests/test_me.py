import pytest

from positions.models import Assignment, Employee, Position
from tests.factories import grow_org
from tests.pages import soup, texts


def test_user_without_employee_record_is_told_what_is_missing(client, employee):
    client.force_login(employee)
    page = soup(client.get("/me/"))
    assert "emp" in page.select_one("main .card p").get_text()
    assert page.select_one("main .card a")["href"] == "/chart/"


def test_employee_sees_primary_position_and_links_to_the_others(client, org, outsider):
    # /me/ needs a login and an employee record, no group.
    person = Employee.objects.create(employee_no="E7", name="李娜", user=outsider)
    Assignment.objects.create(employee=person, position=org["sales_rep"], is_primary=False)
    Assignment.objects.create(employee=person, position=org["sales_mgr"], is_primary=True)
    client.force_login(outsider)
    page = soup(client.get("/me/"))
    assert page.h1.get_text(strip=True) == "销售部经理"
    assert [a["href"] for a in page.select("main > p a") if "/positions/" in a["href"]][-1] == (
        "/positions/SALES-REP/"
    )
    assert texts(page, "#duties-h ~ ol.items > li")[0] == "1. 制定销售计划"


def test_employee_whose_positions_have_ended_is_told_so(client, org, outsider):
    person = Employee.objects.create(employee_no="E8", name="老员工", user=outsider)
    Assignment.objects.create(
        employee=person, position=org["sales_rep"], start_date="2020-01-01", end_date="2021-01-01"
    )
    client.force_login(outsider)
    page = soup(client.get("/me/"))
    assert "E8" in page.select_one("main .card p").get_text()


@pytest.mark.parametrize("size", [2, 20])
def test_my_position_query_count_is_fixed(hr_client, hr, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=size)
    person = Employee.objects.get(employee_no="E0-0")  # holds D0-P0, the unit's head
    person.user = hr
    person.save()
    for p in range(1, size):  # and size - 1 other positions
        Assignment.objects.create(
            employee=person, position=Position.objects.get(code=f"D1-P{p}"), is_primary=False
        )
    # Expect 12 queries:
    # * session, user
    # * the user's current assignments with their employee record, positions,
    #   departments and superiors
    # * the primary position's duties, their forms
    # * the KPIs of its duties and of the position itself
    # * its current holders
    # * its department path
    # * the user's own and group permissions
    # * its direct reports
    # * its dotted lines, out and in
    with django_assert_num_queries(12):
        page = soup(hr_client.get("/me/"))
    assert page.h1.get_text(strip=True) == "岗位0-0"
