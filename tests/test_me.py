from django.contrib.auth.models import User

from positions.models import Assignment, Employee
from tests.pages import soup, texts


def test_user_without_employee_record_is_told_what_is_missing(client, employee):
    client.force_login(employee)
    page = soup(client.get("/me/"))
    assert "emp" in page.select_one("main .card p").get_text()
    assert page.select_one("main .card a")["href"] == "/chart/"


def test_employee_sees_primary_position_and_links_to_the_others(client, org):
    user = User.objects.create_user("li.na", password="x-pass-123")
    person = Employee.objects.create(employee_no="E7", name="李娜", user=user)
    Assignment.objects.create(employee=person, position=org["sales_rep"], is_primary=False)
    Assignment.objects.create(employee=person, position=org["sales_mgr"], is_primary=True)
    client.force_login(user)
    page = soup(client.get("/me/"))
    assert page.h1.get_text(strip=True) == "销售部经理"
    assert [a["href"] for a in page.select("main > p a") if "/positions/" in a["href"]][-1] == (
        "/positions/SALES-REP/"
    )
    assert texts(page, "#duties-h ~ ol.items > li")[0] == "1. 制定销售计划"


def test_employee_whose_positions_have_ended_is_told_so(client, org):
    user = User.objects.create_user("old", password="x-pass-123")
    person = Employee.objects.create(employee_no="E8", name="老员工", user=user)
    Assignment.objects.create(
        employee=person, position=org["sales_rep"], start_date="2020-01-01", end_date="2021-01-01"
    )
    client.force_login(user)
    page = soup(client.get("/me/"))
    assert "E8" in page.select_one("main .card p").get_text()
