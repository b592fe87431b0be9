import pytest

from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position
from tests.factories import grow_org
from tests.pages import soup, texts


@pytest.fixture
def described(org):
    """The sales manager with steps, forms, KPIs, an authority and requirements."""
    mgr = org["sales_mgr"]
    mgr.summary = "负责销售部全面工作"
    mgr.requirements = "本科及以上学历"
    mgr.save()
    first = mgr.duties.order_by("order").first()
    first.process_steps = "收集市场信息\n编制计划\n报总经理审批"
    first.save()
    first.forms.add(Form.objects.create(code="F-PLAN", name="年度销售计划表"))
    Kpi.objects.create(
        duty=first,
        text="每年12月20日前提交年度销售计划",
        deadline_month=12,
        deadline_day=20,
        period="yearly",
    )
    Kpi.objects.create(
        duty=first,
        text="销售任务完成率达90%以上",
        metric="销售任务完成率",
        comparison="ge",
        target=90,
        unit="%",
    )
    Kpi.objects.create(duty=first, text="做好客户关系")  # not structured
    Duty.objects.create(position=mgr, kind="authority", text="对本部门人员请假1天以内有审批权")
    DottedLine.objects.create(from_position=mgr, to_position=org["hr_mgr"], label="业务指导")
    DottedLine.objects.create(from_position=org["ceo"], to_position=mgr)
    Assignment.objects.create(
        employee=Employee.objects.create(employee_no="E1", name="王芳"), position=mgr
    )
    return mgr


def test_job_description_shows_lines_duties_and_kpis(client, employee, described):
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/"))
    facts = dict(zip(texts(page, "dl.facts dt"), texts(page, "dl.facts dd"), strict=True))
    values = list(facts.values())
    assert values[0] == "示例公司 › 销售部"
    assert page.select_one(".line-solid a")["href"] == "/positions/CEO/"
    assert [a.get_text() for a in page.select("dd.line-dotted a")] == ["人力资源部经理", "总经理"]
    assert "⇢" in page.select("dd.line-dotted div")[0].get_text()
    assert "⇠" in page.select("dd.line-dotted div")[1].get_text()
    assert "王芳" in values
    assert "销售代表" in " ".join(values)  # direct report
    duties = page.select("#duties-h ~ ol.items > li")
    assert [d.select_one(".no").get_text() for d in duties] == ["1.", "2.", "3."]
    first = duties[0]
    assert texts(first, "ol.steps li") == ["收集市场信息", "编制计划", "报总经理审批"]
    assert texts(first, ".kpi-structure") == ["销售任务完成率 ≥ 90 %"]
    assert "每年12月20日前提交年度销售计划" in texts(first, ".kpi-text")
    assert "做好客户关系" in texts(first, ".kpi-text")  # kept verbatim
    assert texts(first, ".forms a") == ["《年度销售计划表》"]
    assert texts(page, "#authorities-h ~ ol.items li") == ["1. 对本部门人员请假1天以内有审批权"]
    assert texts(page, "#requirements-h + p") == ["本科及以上学历"]
    assert texts(page, "#summary-h + p") == ["负责销售部全面工作"]


def test_print_view_has_no_navigation_and_keeps_numbering(client, employee, described):
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/print/"))
    assert page.select("header, nav.main-nav, .search-box, footer") == []
    assert [link["href"].rsplit("/", 1)[-1] for link in page.select("link[rel=stylesheet]")] == [
        "site.css",
        "print.css",
        "documents.css",
    ]
    # The control block (编制/审核/批准) heads the page, as on the paper document.
    assert len(page.select("table.control-block thead th")) == 3
    assert [d.get_text() for d in page.select("#duties-h ~ ol.items .no")] == ["1.", "2.", "3."]


def test_unknown_position_is_404(client, employee, db):
    client.force_login(employee)
    assert client.get("/positions/NOPE/").status_code == 404


@pytest.mark.parametrize("size", [2, 25])
def test_position_page_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=size)
    assert Position.objects.get(code="D0-P0").duties.count() == size
    # Expect 13 queries (the first request; a second one is served from the
    # cache, see tests/test_position_cache.py):
    # * session, user
    # * the content generation (the cache key; read before any data)
    # * the position with its department and superior
    # * duties, their forms
    # * the KPIs of the duties and of the position itself
    # * current holders
    # * department path
    # * the user's own and group permissions (for edit links)
    # * direct reports, counted
    # * dotted lines, out and in
    with django_assert_num_queries(13):
        hr_client.get("/positions/D0-P0/")


@pytest.mark.parametrize("size", [2, 25])
def test_print_view_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=size)
    # Expect 12 queries, the same as the position page but the generation:
    # * session, user
    # * the position with its department and superior
    # * duties, their forms
    # * the KPIs of the duties and of the position itself
    # * current holders
    # * department path
    # * the user's own and group permissions
    # * direct reports, counted
    # * dotted lines, out and in
    with django_assert_num_queries(12):
        hr_client.get("/positions/D0-P0/print/")


@pytest.mark.parametrize("approved", [False, True])
def test_a_position_with_many_reports_names_the_first_and_links_to_the_chart(
    client, employee, org, hr, reviewer, approver, approved
):
    from browse.versions import REPORTS_SHOWN
    from tests.documents_helpers import approve

    boss = org["sales_mgr"]
    Position.objects.bulk_create(
        Position(code=f"R{n:03d}", title=f"下属{n:03d}", department=org["sales"], reports_to=boss)
        for n in range(REPORTS_SHOWN + 10)
    )
    if approved:
        approve(boss, hr, reviewer, approver)
    client.force_login(employee)
    for url in ["/positions/SALES-MGR/", "/positions/SALES-MGR/print/"]:
        page = soup(client.get(url))
        reports = page.select("dl.facts dd a[href^='/positions/R']")
        assert len(reports) == REPORTS_SHOWN
        assert reports[0].get_text() == "下属000"
        total = REPORTS_SHOWN + 11  # and the sales representative
        more = page.select_one("dl.facts a.more")
        assert more.get_text() == f"all {total} in the reporting chart"
        assert more["href"] == "/chart/?kind=reporting&focus=SALES-MGR&depth=1"


@pytest.mark.parametrize("size", [2, 40])
def test_every_kpi_of_a_position_is_shown_at_a_fixed_query_count(
    client, employee, size, django_assert_num_queries
):
    grow_org(departments=1, positions=2, duties=2)
    post = Position.objects.get(code="D0-P0")
    duty = post.duties.order_by("order").first()
    Kpi.objects.bulk_create(
        [Kpi(duty=duty, text=f"职责指标{n}", period="monthly", order=n + 1) for n in range(size)]
        + [Kpi(position=post, text=f"岗位指标{n}", deadline_day=25, order=n) for n in range(size)]
    )
    client.force_login(employee)
    # Expect 13 queries, however many KPIs (see test_position_page_query_count_is_fixed).
    with django_assert_num_queries(13):
        page = soup(client.get("/positions/D0-P0/"))
    first = page.select("#duties-h ~ ol.items > li")[0]
    # The KPI the workbook gave the duty, then every one added, in order.
    assert texts(first, ".kpi-text")[1:] == [f"职责指标{n}" for n in range(size)]
    assert texts(first, ".badge")[-1] == "monthly"
    assert texts(page, "#duties-h ~ ul.kpis .kpi-text") == [f"岗位指标{n}" for n in range(size)]
    assert texts(page, "#duties-h ~ ul.kpis .badge")[0] == "every month by day 25"


def test_kpi_labels_speak_the_interface_language(client, employee, described):
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert texts(page, "#duties-h ~ ol.items .kpis .badge") == ["每年 12 月 20 日前", "每年"]
