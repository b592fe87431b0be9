import pytest

from departments.models import Department
from kpis.models import Kpi
from positions.models import Position
from tests.factories import grow_org
from tests.pages import soup, texts


@pytest.fixture
def kpis(org):
    mgr_duty = org["sales_mgr"].duties.order_by("order").first()
    Kpi.objects.create(
        duty=mgr_duty,
        text="每年12月20日前提交年度销售计划",
        period="yearly",
        deadline_month=12,
        deadline_day=20,
    )
    Kpi.objects.create(
        duty=mgr_duty,
        text="每年3月提交薪酬调查报告",
        period="yearly",
        deadline_month=3,
        deadline_day=31,
    )
    Kpi.objects.create(
        position=org["hr_mgr"], text="每月25日前提交月度报告", period="monthly", deadline_day=25
    )
    Kpi.objects.create(
        position=org["hr_mgr"], text="招聘达成率为90%以上", comparison="ge", target=90, unit="%"
    )


def test_kpis_are_grouped_by_department_and_position(client, employee, kpis):
    client.force_login(employee)
    page = soup(client.get("/kpis/"))
    assert texts(page, "main section.card > h2") == ["销售部", "人力资源部"]
    assert texts(page, "main section.card h3") == ["销售部经理", "人力资源部经理"]


def test_units_and_positions_with_the_same_name_are_not_merged(client, employee, kpis, org):
    # A second company's 人力资源部 follows the first one's in tree order, and it
    # has two positions both called 专员.
    beta = Department.objects.create(code="BETA", name="另一公司", kind="company")
    hr2 = Department.objects.create(code="BETA-HR", name="人力资源部", parent=beta)
    for code in ("BETA-HR-1", "BETA-HR-2"):
        position = Position.objects.create(code=code, title="专员", department=hr2)
        Kpi.objects.create(position=position, text=f"{code}的指标")
    client.force_login(employee)
    page = soup(client.get("/kpis/"))
    sections = page.select("main section.card")
    assert texts(page, "main section.card > h2") == ["销售部", "人力资源部", "人力资源部"]
    assert sections[2].h2.a["href"] == "/departments/BETA-HR/"
    assert [h3.a["href"] for h3 in sections[2].select("h3")] == [
        "/positions/BETA-HR-1/",
        "/positions/BETA-HR-2/",
    ]


def test_filter_by_period(client, employee, kpis):
    client.force_login(employee)
    page = soup(client.get("/kpis/?period=monthly"))
    assert texts(page, ".kpi-text") == ["每月25日前提交月度报告"]


def test_what_is_due_in_december(client, employee, kpis):
    client.force_login(employee)
    page = soup(client.get("/kpis/?month=12"))
    # Yearly ones due in December, and every monthly deadline.
    assert sorted(texts(page, ".kpi-text")) == sorted(
        ["每年12月20日前提交年度销售计划", "每月25日前提交月度报告"]
    )


def test_bad_filters_are_ignored(client, employee, kpis):
    client.force_login(employee)
    page = soup(client.get("/kpis/?period=%3Cscript%3E&month=13"))
    assert len(texts(page, ".kpi-text")) == 4


def _walk(client, url):
    """Every page of the list from ``url`` on, following "next": (KPI texts, pages)."""
    seen, pages = [], 0
    while url:
        page = soup(client.get(url))
        pages += 1
        seen += texts(page, ".kpi-text")
        following = [a["href"] for a in page.select(".pager a") if "next" in a.get_text()]
        url = f"/kpis/{following[0]}" if following else None
        assert pages < 50
    return seen, pages


def _name_kpis_by_owner():
    for kpi in Kpi.objects.select_related("duty__position"):
        kpi.text = f"{kpi.duty.position.code}/{kpi.duty.order}"
        kpi.save()


def test_the_list_walks_the_units_in_pages(client, employee, monkeypatch):
    grow_org(departments=7, positions=3, duties=1)
    _name_kpis_by_owner()
    monkeypatch.setattr("browse.views.kpis.KPIS_PER_PAGE", 4)
    monkeypatch.setattr("browse.views.kpis.UNITS_PER_PAGE", 3)
    client.force_login(employee)
    seen, pages = _walk(client, "/kpis/")
    # Every KPI once, in the order of the organisation, across pages cut
    # inside a unit (3 KPIs each, 4 a page) and after 3 units.
    everything = Kpi.objects.with_owner().in_owner_order().values_list("text", flat=True)
    assert seen == list(everything) and len(seen) == 21
    assert seen[:4] == ["D0-P0/1", "D0-P1/1", "D0-P2/1", "D1-P0/1"]
    assert pages == 6
    page = soup(client.get("/kpis/?from=D1&skip=2"))
    assert texts(page, ".pager a") == ["« first page", "next ›"]
    assert texts(page, "main section.card > h2")[0] == "部门1"


def test_a_filter_keeps_to_its_kpis_on_every_page(client, employee, monkeypatch):
    grow_org(departments=7, positions=3, duties=2)
    _name_kpis_by_owner()
    monkeypatch.setattr("browse.views.kpis.KPIS_PER_PAGE", 4)
    monkeypatch.setattr("browse.views.kpis.UNITS_PER_PAGE", 3)
    Kpi.objects.filter(duty__order=2).update(period="yearly")
    client.force_login(employee)
    seen, _pages = _walk(client, "/kpis/?period=yearly")
    assert seen == list(
        Kpi.objects.filter(period="yearly")
        .with_owner()
        .in_owner_order()
        .values_list("text", flat=True)
    )
    assert texts(soup(client.get("/kpis/?period=yearly")), "main p.muted")[0] == "21 KPIs"


@pytest.mark.parametrize("size", [2, 20])
def test_kpi_page_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=2, duties=3)
    # Expect 9 queries:
    # * session, user
    # * the units of the page, their positions in order, where the KPIs of
    #   those and of the units' functions sit, the page's KPIs
    # * the count
    # * two permission look-ups
    with django_assert_num_queries(9):
        hr_client.get("/kpis/?period=monthly")
    # A later page looks up the unit it starts at.
    with django_assert_num_queries(10):
        hr_client.get("/kpis/?period=monthly&from=D1&at=D1-P1&skip=1")


def test_a_page_orders_functions_duties_and_positions_kpis_as_the_organisation(
    client, employee, monkeypatch
):
    grow_org(departments=3, positions=2, duties=2)
    unit = Department.objects.get(code="D1")
    function = unit.functions.get()
    head, other = Position.objects.filter(department=unit).order_by("code")
    # Made in an order unlike the list's: the list sorts, not the ids.
    Kpi.objects.create(position=other, text="D1-P1 own", order=0)
    Kpi.objects.create(function=function, text="D1 function 2", order=2)
    Kpi.objects.create(position=head, text="D1-P0 own", order=0)
    Kpi.objects.create(function=function, text="D1 function 1", order=1)
    for kpi in Kpi.objects.filter(duty__isnull=False).select_related("duty__position"):
        kpi.text = f"{kpi.duty.position.code} duty {kpi.duty.order}"
        kpi.save()
    monkeypatch.setattr("browse.views.kpis.KPIS_PER_PAGE", 3)
    client.force_login(employee)
    seen, pages = _walk(client, "/kpis/")
    # A function's KPIs first, then by position; a position's own after its duties'.
    assert seen[4:12] == [
        "D1 function 1",
        "D1 function 2",
        "D1-P0 duty 1",
        "D1-P0 duty 2",
        "D1-P0 own",
        "D1-P1 duty 1",
        "D1-P1 duty 2",
        "D1-P1 own",
    ]
    assert len(seen) == len(set(seen)) == Kpi.objects.count() and pages == 6


def test_a_kpis_period_and_comparison_read_in_the_readers_language(
    client, employee, kpis, settings
):
    client.force_login(employee)
    for code, monthly in (("en", "monthly"), ("zh-hans", "每月")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
        page = soup(client.get("/kpis/?period=monthly"))
        assert texts(page, "ul.kpis .badge")[-1] == monthly
    page = soup(client.get("/kpis/"))
    assert "≥ 90" in texts(page, ".kpi-structure")[0]


def test_a_page_stops_after_its_budget_of_positions_and_the_next_goes_on_there(
    client, employee, monkeypatch
):
    # The company's head (no KPIs) and one unit of 7 positions, 2 KPIs each
    # (their duties'): a page holds the KPIs of 3 positions, so the unit is
    # cut twice between positions.
    grow_org(departments=1, positions=7, duties=2)
    _name_kpis_by_owner()
    monkeypatch.setattr("browse.views.kpis.POSITIONS_PER_PAGE", 3)
    client.force_login(employee)
    first = soup(client.get("/kpis/"))
    assert texts(first, "main section.card h3") == ["岗位0-0", "岗位0-1"]
    following = [a["href"] for a in first.select(".pager a") if "next" in a.get_text()]
    assert following == ["?from=D0&at=D0-P2"]
    second = soup(client.get(f"/kpis/{following[0]}"))
    assert texts(second, "main section.card > h2") == ["部门0"]
    assert texts(second, ".kpi-text") == [f"D0-P{p}/{d}" for p in (2, 3, 4) for d in (1, 2)]
    seen, pages = _walk(client, "/kpis/")
    assert len(seen) == len(set(seen)) == Kpi.objects.count() and pages == 3


def test_a_position_with_more_kpis_than_a_page_goes_on_over_pages(client, employee, monkeypatch):
    grow_org(departments=2, positions=2, duties=1)
    busy = Position.objects.get(code="D0-P1")
    for n in range(7):
        Kpi.objects.create(position=busy, text=f"busy {n}", order=n)
    monkeypatch.setattr("browse.views.kpis.KPIS_PER_PAGE", 3)
    client.force_login(employee)
    seen, pages = _walk(client, "/kpis/")
    others = [t for t in seen if not t.startswith("busy")]
    assert [t for t in seen if t.startswith("busy")] == [f"busy {n}" for n in range(7)]
    assert len(seen) == Kpi.objects.count() and len(others) == 4
    page = soup(client.get("/kpis/?from=D0&at=D0-P1&skip=3"))
    assert texts(page, ".kpi-text")[:3] == ["busy 2", "busy 3", "busy 4"]
