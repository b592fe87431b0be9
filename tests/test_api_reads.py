"""Reads through the API: lists, filters, pages, trees, job descriptions, chart and headcount."""

import pytest

from kpis.models import Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position
from tests.api_helpers import TokenClient, api_as
from tests.documents_helpers import approve
from tests.factories import grow_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(hr):
    return api_as(hr)


def _all(client, path, **params):
    """Every row of a list, following the cursor."""
    rows, response = [], client.get(path, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = client.get(body["next"])


def test_positions_carry_their_reporting_and_dotted_lines(reader, org):
    DottedLine.objects.create(
        from_position=org["sales_rep"], to_position=org["hr_mgr"], label="业务指导"
    )
    rows = {row["code"]: row for row in _all(reader, "/api/positions/")}
    assert rows["SALES-REP"]["reports_to"] == "SALES-MGR"
    assert rows["SALES-REP"]["dotted_lines"] == [{"to": "HR-MGR", "label": "业务指导"}]
    assert rows["HR-MGR"]["dotted_lines_from"] == [{"source": "SALES-REP", "label": "业务指导"}]
    assert rows["CEO"]["direct_reports"] == ["HR-MGR", "SALES-MGR"]
    assert rows["SALES-REP"]["headcount"] == 3 and rows["SALES-REP"]["vacancies"] == 3


def test_filters_pick_a_subtree_and_bad_values_are_400(reader, org):
    codes = [row["code"] for row in _all(reader, "/api/positions/", under="SALES")]
    assert sorted(codes) == ["SALES-MGR", "SALES-REP"]
    assert [r["code"] for r in _all(reader, "/api/positions/", is_head="false")] == ["SALES-REP"]
    assert _all(reader, "/api/positions/", under="NOPE") == []
    response = reader.get("/api/positions/", {"is_head": "maybe"})
    assert response.status_code == 400
    assert "is_head" in response.json()["errors"]
    assert reader.get("/api/units/", {"kind": "castle"}).status_code == 400


def test_pages_follow_a_stable_cursor_and_the_page_size_is_capped(reader, settings, db):
    grow_org(departments=4, positions=3, duties=0)
    settings.API_MAX_PAGE_SIZE = 4
    first = reader.get("/api/positions/", {"page_size": 1000}).json()
    assert len(first["results"]) == 4
    every = _all(reader, "/api/positions/", page_size=3)
    assert len(every) == Position.objects.count()
    assert len({row["code"] for row in every}) == len(every)
    assert reader.get("/api/positions/", {"cursor": "garbage"}).status_code == 404


def test_the_unit_tree_and_a_subtree(reader, tree):
    roots = reader.get("/api/units/tree/").json()
    assert [root["code"] for root in roots] == ["ACME"]
    assert [c["code"] for c in roots[0]["children"]] == ["SALES", "HR", "OPS"]
    sales = reader.get("/api/units/SALES/tree/").json()
    assert [c["code"] for c in sales["children"]] == ["TEAM-1", "TEAM-2", "TEAM-3"]
    shallow = reader.get("/api/units/tree/", {"depth": 1}).json()
    assert all(child["children"] == [] for child in shallow[0]["children"])
    assert reader.get("/api/units/tree/", {"depth": 0}).status_code == 400


def test_duties_come_with_kpis_verbatim_and_structured_and_their_forms(reader, org):
    duty = Duty.objects.filter(position=org["sales_mgr"]).order_by("order").first()
    Kpi.objects.create(
        duty=duty, text="每月销售目标产值需完成90%(含)以上", metric="销售目标产值完成率",
        comparison="ge", target=90, unit="%", period="monthly",
    )  # fmt: skip
    rows = _all(reader, "/api/duties/", position="SALES-MGR")
    assert [row["text"] for row in rows] == ["制定销售计划", "管理销售团队", "审核销售合同"]
    kpi = rows[0]["kpis"][0]
    assert kpi["text"] == "每月销售目标产值需完成90%(含)以上"
    assert kpi["structure"] == "销售目标产值完成率 ≥ 90 %"


def test_employees_and_their_current_positions(reader, org):
    person = Employee.objects.create(employee_no="E1", name="张三")
    Assignment.objects.create(employee=person, position=org["sales_rep"])
    rows = _all(reader, "/api/employees/")
    assert rows == [
        {
            "employee_no": "E1",
            "name": "张三",
            "is_active": True,
            "positions": [
                {"position": "SALES-REP", "is_primary": True, "start_date": None, "end_date": None}
            ],
        }
    ]
    assert _all(reader, "/api/assignments/", position="SALES-REP")[0]["employee"] == "E1"
    assert _all(reader, "/api/employees/", position="CEO") == []


def test_employees_read_the_approved_job_description_and_not_the_draft(
    org, hr, employee, reviewer, approver
):
    path = f"/api/positions/{org['sales_mgr'].code}/job-description/"
    staff = api_as(employee)
    assert staff.get(path).status_code == 404  # nothing approved yet
    approve(org["sales_mgr"], hr, reviewer, approver)
    Duty.objects.create(position=org["sales_mgr"], text="尚未批准的新职责", order=9)

    approved = staff.get(path).json()
    assert approved["showing"] == "approved" and approved["revision"] == 1
    assert "尚未批准的新职责" not in str(approved["content"])
    assert "制定销售计划" in str(approved["content"])
    assert staff.get(path, {"view": "draft"}).status_code == 403
    assert staff.get("/api/duties/").status_code == 403  # the live rows are the draft

    draft = api_as(reviewer).get(path, {"view": "draft"}).json()
    assert draft["showing"] == "draft"
    assert "尚未批准的新职责" in str(draft["content"])


def test_chart_and_headcount(reader, org):
    person = Employee.objects.create(employee_no="E1", name="张三")
    Assignment.objects.create(employee=person, position=org["sales_rep"])
    chart = reader.get("/api/chart/").json()
    units = {unit["code"]: unit for unit in chart["units"]}
    assert units["SALES"]["head"]["code"] == "SALES-MGR"
    assert units["ACME"]["headcount"] == 6 and units["ACME"]["holders"] == 1
    rows = {row["code"]: row for row in reader.get("/api/headcount/").json()}
    assert rows["SALES"] == {
        "code": "SALES", "name": "销售部", "parent": "ACME", "planned": 4, "filled": 1,
        "vacant": 3, "total_planned": 4, "total_filled": 1, "total_vacant": 3,
    }  # fmt: skip
    assert rows["ACME"]["total_planned"] == 6 and rows["ACME"]["planned"] == 1
    only_sales = reader.get("/api/headcount/", {"under": "SALES"}).json()
    assert [row["code"] for row in only_sales] == ["SALES"]
    assert reader.get("/api/chart/", {"under": "NOPE"}).status_code == 404


def test_errors_are_json_in_the_users_language(hr, org):
    client = api_as(hr)
    response = client.get("/api/nowhere/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    # The lead translates our own messages; DRF's come translated already.
    anonymous = TokenClient(None).get("/api/units/", headers={"Accept-Language": "zh-hans"})
    assert anonymous.json()["detail"] == "身份认证信息未提供。"
    response = client.get("/api/units/%00/")
    assert response.status_code in (400, 404) and response["Content-Type"] == "application/json"


def _warm(client):
    client.get("/api/units/")  # records the token's use: later requests skip that UPDATE


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_counts_are_fixed(hr, size, django_assert_num_queries):
    grow_org(departments=size, positions=3, duties=2)
    positions = list(Position.objects.order_by("pk")[:4])
    for a, b in zip(positions, positions[1:], strict=False):
        DottedLine.objects.create(from_position=a, to_position=b)
    for duty in Duty.objects.all():
        Kpi.objects.create(duty=duty, text="每月25日前提交")
    client = api_as(hr)
    _warm(client)
    # Expect 7 queries:
    # * the token with its user
    # * the user's own and group permissions
    # * one page of positions with their department, superior and holder count
    # * their direct reports, dotted lines out and dotted lines in
    with django_assert_num_queries(7):
        assert client.get("/api/positions/").status_code == 200
    # Expect 6 queries: token, two permission look-ups, duties, their KPIs, their forms.
    with django_assert_num_queries(6):
        assert client.get("/api/duties/").status_code == 200
    # Expect 4 queries: token, two permission look-ups, units with their parents.
    with django_assert_num_queries(4):
        assert client.get("/api/units/").status_code == 200


def test_an_address_with_a_newline_is_a_json_404(reader, db):
    response = reader.get("/api/duties/a%0Ab/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_documentation_page_works_offline_under_the_csp(db):
    from bs4 import BeautifulSoup

    response = TokenClient(None).get("/api/docs/")
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("style") is None
    sources = [tag.get("src") or tag.get("href") for tag in page.select("script, link")]
    assert sources and all(src.startswith("/") for src in sources if src), sources
    assert all(tag.get("src") for tag in page.select("script"))  # no inline script
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_head_gives_the_etag(reader, org):
    response = reader.client.head(
        f"/api/positions/{org['ceo'].code}/", HTTP_AUTHORIZATION=f"Bearer {reader.token}"
    )
    assert response.status_code == 200 and response["ETag"] == '"v0"'


def test_employees_do_not_read_the_live_summary_and_requirements(org, employee, reviewer):
    Position.objects.filter(code="SALES-MGR").update(summary="草稿概述", requirements="草稿要求")
    path = "/api/positions/SALES-MGR/"
    mine = api_as(employee).get(path).json()
    assert mine["summary"] is None and mine["requirements"] is None
    assert api_as(reviewer).get(path).json()["summary"] == "草稿概述"
