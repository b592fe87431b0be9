import pytest
from django.urls import reverse

from browse.views.departments import CHART_CHILDREN_SHOWN, CHART_UNIT_BUDGET
from departments.models import Department
from positions.models import Assignment, DottedLine, Employee, Position
from tests.factories import grow_org
from tests.pages import soup, texts


def test_chart_lists_units_and_positions_head_first_with_staffing(client, employee, org):
    Assignment.objects.create(
        employee=Employee.objects.create(employee_no="E1", name="张伟"), position=org["sales_rep"]
    )
    DottedLine.objects.create(
        from_position=org["sales_mgr"], to_position=org["hr_mgr"], label="业务指导"
    )
    client.force_login(employee)
    page = soup(client.get("/chart/list/"))
    assert texts(page, ".chart .unit-name") == ["示例公司", "销售部", "人力资源部"]
    sales = page.find("a", class_="unit-name", string="销售部").find_parent("details")
    boxes = sales.select(":scope > ul.positions > li > a.pos-box")
    assert [b.contents[0].strip() for b in boxes] == ["销售部经理", "销售代表"]
    assert "head" in boxes[0]["class"]
    assert boxes[1].select_one(".staff").get_text(" ", strip=True).startswith("1/3")
    assert "2" in boxes[1].select_one(".staff").get_text()  # two vacancies
    dotted = sales.select_one(".line-dotted")
    assert dotted.a.get_text() == "人力资源部经理" and "业务指导" in dotted.get_text()
    # Employees see no edit links.
    assert page.select(".edit-link") == []


def test_hr_editors_get_edit_links(hr_client, org):
    page = soup(hr_client.get("/chart/list/"))
    links = [a["href"] for a in page.select("a.edit-link")]
    assert reverse("admin:departments_department_change", args=[org["sales"].pk]) in links


def test_deep_units_are_fetched_when_opened(hr_client, org, monkeypatch):
    # A big organisation: only the levels that fit the budget are rendered.
    monkeypatch.setattr("browse.views.departments.CHART_UNIT_BUDGET", 3)
    team = Department.objects.create(code="TEAM", name="华东组", parent=org["sales"])
    Department.objects.create(code="SUB", name="上海小组", parent=team)
    page = soup(hr_client.get("/chart/list/"))
    # Company and departments fit; the sales department's sub-units do not.
    assert "华东组" not in texts(page, ".unit-name")
    sales = page.find("a", class_="unit-name", string="销售部").find_parent("details")
    more = sales.select_one(":scope > details.more")
    assert more["data-subtree"] == reverse("departments:subtree", args=["SALES"])
    assert more.select_one(".subtree-link")["href"] == "/chart/list/?root=SALES"  # without JS
    fragment = soup(hr_client.get(more["data-subtree"]))
    assert texts(fragment, ".unit-name") == ["华东组", "上海小组"]
    rooted = soup(hr_client.get("/chart/list/?root=SALES"))
    assert texts(rooted, ".chart .unit-name") == ["销售部", "华东组", "上海小组"]
    assert texts(rooted, ".breadcrumb li")[1:] == ["示例公司", "销售部"]


def test_unknown_root_is_a_404(hr_client, org):
    assert hr_client.get("/chart/list/?root=NOPE").status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_chart_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=3, duties=1)
    # Expect 8 queries:
    # * session, user
    # * the units ranked among their siblings (to choose how many levels fit)
    # * the first positions of those shown, with their units' counts
    # * those positions' holders
    # * the dotted lines out of them
    # * the user's own and group permissions (for edit links)
    with django_assert_num_queries(8):
        hr_client.get("/chart/list/")


@pytest.mark.parametrize("size", [3, 30])
def test_position_chart_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=3, duties=1)
    # Expect 7 queries: session, user, three reporting levels, two permission look-ups.
    with django_assert_num_queries(7):
        page = soup(hr_client.get("/chart/positions/"))
    top = page.select_one(".chart > ul > li")
    assert top.a.contents[0].strip() == "总经理"
    # Department heads report to 总经理; their staff report to them.
    heads = top.select(":scope > ul > li > a.pos-box")
    assert len(heads) == size


def test_a_wide_organisation_renders_only_what_fits(
    hr_client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("browse.views.departments.CHART_UNIT_BUDGET", 10)
    grow_org(departments=30, positions=1, duties=0)
    page = soup(hr_client.get("/chart/list/"))
    # 31 units do not fit in 10: the company is shown, its departments are fetched on opening.
    assert texts(page, ".chart .unit-name") == ["公司"]
    more = page.select_one("details.more")
    fragment = soup(hr_client.get(more["data-subtree"]))
    # The company's 16 direct departments; theirs come on the next opening.
    assert len(fragment.ul.find_all("li", recursive=False)) == 16
    assert len(fragment.select("details.more[data-subtree]")) == 14


@pytest.mark.parametrize("size", [3, 30])
def test_subtree_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=3, duties=1)
    # Expect 9 queries:
    # * session, user
    # * the unit opened
    # * the units below it ranked among their siblings (to choose how many levels fit)
    # * the first positions of those shown, with their units' counts
    # * those positions' holders
    # * the dotted lines out of them
    # * the user's own and group permissions (for edit links)
    with django_assert_num_queries(9):
        hr_client.get("/chart/subtree/CO/")


def test_the_position_chart_lists_the_first_reports_of_a_position(client, employee, monkeypatch):
    grow_org(departments=1, positions=1, duties=0)
    monkeypatch.setattr("browse.views.positions.POSITION_CHART_CHILDREN", 3)
    gm = Position.objects.get(code="GM")
    Position.objects.bulk_create(
        Position(code=f"R{n}", title=f"助理{n}", department=gm.department, reports_to=gm)
        for n in range(5)
    )
    client.force_login(employee)
    page = soup(client.get("/chart/positions/", {"root": "GM"}))
    # GM's six reports (the head of D0 and five assistants), the first three by code.
    assert texts(page, ".chart > ul > li > ul > li > a.pos-box", sep="") == [
        "岗位0-0部门0",
        "助理0公司",
        "助理1公司",
    ]
    more = page.select_one(".chart li.more a")
    assert more.get_text() == "and 3 more, in the reporting chart"
    assert more["href"] == "/chart/?kind=reporting&focus=GM&depth=1"


@pytest.fixture
def many_teams(org, monkeypatch):
    """Seven teams under the sales department, three of them shown at a time."""
    monkeypatch.setattr("browse.views.departments.CHART_CHILDREN_SHOWN", 3)
    return [
        Department.objects.create(code=f"T{n}", name=f"销售{n}组", parent=org["sales"], order=n)
        for n in range(1, 8)
    ]


def _unit(page, name):
    return page.find("a", class_="unit-name", string=name).find_parent("details")


def test_a_unit_with_many_sub_units_shows_the_first_and_says_what_is_cut(hr_client, many_teams):
    page = soup(hr_client.get("/chart/list/"))
    sales = _unit(page, "销售部")
    assert texts(sales, ":scope > ul > li > details > summary .unit-name") == [
        "销售1组",
        "销售2组",
        "销售3组",
    ]
    more = sales.select_one(":scope > details.next-units")
    assert "Sub-units 1–3 of 7 are shown" in more.summary.get_text()
    assert more["data-subtree"] == "/chart/subtree/SALES/?page=2"
    assert more.select_one("a.subtree-link")["href"] == "/chart/list/?root=SALES&page=2"


def test_the_next_sub_units_are_a_fragment_away_and_none_is_lost(hr_client, many_teams):
    page = soup(hr_client.get("/chart/list/"))
    seen = texts(_unit(page, "销售部"), ":scope > ul > li .unit-name")
    url = _unit(page, "销售部").select_one(":scope > details.next-units")["data-subtree"]
    while url:
        fragment = soup(hr_client.get(url))
        listed = fragment.find("ul", recursive=False).find_all("li", recursive=False)
        seen += [li.select_one(".unit-name").get_text() for li in listed]
        more = fragment.find("details", class_="next-units", recursive=False)
        url = more["data-subtree"] if more else None
    assert seen == [team.name for team in many_teams]
    # Past the last page there is nothing.
    assert hr_client.get("/chart/subtree/SALES/?page=4").status_code == 404


def test_without_javascript_the_next_sub_units_are_a_page_of_the_list(hr_client, many_teams):
    page = soup(hr_client.get("/chart/list/?root=SALES&page=2"))
    assert texts(page, ".chart > ul > li > details > ul > li .unit-name") == [
        "销售4组",
        "销售5组",
        "销售6组",
    ]
    assert "Sub-units 4–6 of 7." in texts(page, "p.cut")[0]
    assert page.select_one("a[rel=prev]")["href"] == "/chart/list/?root=SALES&page=1"
    last = soup(hr_client.get(page.select_one(".next-units a.subtree-link")["href"]))
    assert texts(last, ".chart > ul > li > details > ul > li .unit-name") == ["销售7组"]
    assert last.select(".next-units") == []
    assert hr_client.get("/chart/list/?root=SALES&page=9").status_code == 404


def test_a_unit_with_many_positions_shows_the_first_and_links_to_all(
    client, employee, org, monkeypatch
):
    monkeypatch.setattr("browse.views.departments.CHART_POSITIONS_SHOWN", 2)
    Position.objects.bulk_create(
        Position(code=f"SALES-{n}", title=f"销售专员{n}", department=org["sales"]) for n in range(3)
    )
    client.force_login(employee)
    page = soup(client.get("/chart/list/"))
    sales = _unit(page, "销售部")
    boxes = sales.select(":scope > ul.positions > li > a.pos-box")
    # The head first, then by code.
    assert [b.contents[0].strip() for b in boxes] == ["销售部经理", "销售专员0"]
    cut = sales.select_one(":scope > p.cut a")
    assert cut.get_text(strip=True) == "2 of 5 positions shown: all of them on the unit's page"
    unit_page = soup(client.get(cut["href"]))
    assert len(unit_page.select("table.grid tbody tr")) == 5
    # A unit with no more positions than are shown says nothing.
    assert _unit(page, "人力资源部").select(":scope > p.cut") == []


def test_a_wide_and_deep_organisation_renders_a_bounded_list(hr_client):
    # 30 units under the company, each with two levels below it and three
    # positions: the list renders the first 20 and the budget's units.
    company = Department.objects.create(code="CO", name="公司")
    for n in range(30):
        unit = Department.objects.create(code=f"D{n}", name=f"部门{n}", parent=company, order=n + 1)
        team = Department.objects.create(code=f"D{n}-A", name="组", parent=unit)
        Department.objects.create(code=f"D{n}-B", name="小组", parent=team)
        Position.objects.bulk_create(
            Position(code=f"P{n}-{k}", title=f"岗位{k}", department=unit) for k in range(3)
        )
    page = soup(hr_client.get("/chart/list/"))

    assert len(page.select(".unit-name")) <= CHART_UNIT_BUDGET
    top = page.select_one(".chart > ul > li > details")
    shown = top.select(":scope > ul > li .unit-name")
    assert len(top.select(":scope > ul > li")) == CHART_CHILDREN_SHOWN
    assert shown[0].get_text() == "部门0"
    assert f"1–{CHART_CHILDREN_SHOWN} of 30" in top.select_one(":scope > .next-units").get_text()
    # The shown units' teams fit (41 units), their small teams not (61): each
    # is fetched when its team is opened.
    assert texts(page, ".unit-name").count("组") == CHART_CHILDREN_SHOWN
    assert "小组" not in texts(page, ".unit-name")
    assert len(page.select("details.more[data-subtree]:not(.next-units)")) == CHART_CHILDREN_SHOWN


def test_links_of_a_unit_with_an_unusual_code_work(hr_client, org, monkeypatch):
    monkeypatch.setattr("browse.views.departments.CHART_UNIT_BUDGET", 2)
    team = Department.objects.create(code="R&D 研发+1", name="研发组", parent=org["sales"])
    Department.objects.create(code="SUB", name="上海小组", parent=team)
    Position.objects.create(code="P&1 甲", title="研发员", department=org["sales"])
    page = soup(hr_client.get("/chart/list/?root=SALES"))
    unit = _unit(page, "研发组")
    assert unit.select_one(".unit-name")["href"] == reverse("departments:detail", args=[team.code])
    [box] = [b for b in page.select("a.pos-box") if "研发员" in b.get_text()]
    assert box["href"] == reverse("positions:detail", args=["P&1 甲"])
    more = unit.select_one(":scope > details.more")
    assert more["data-subtree"] == reverse("departments:subtree", args=[team.code])
    assert texts(soup(hr_client.get(more["data-subtree"])), ".unit-name") == ["上海小组"]
    rooted = soup(hr_client.get(more.select_one("a.subtree-link")["href"]))
    assert texts(rooted, ".chart .unit-name") == ["研发组", "上海小组"]
    assert hr_client.get(unit.select_one(".unit-name")["href"]).status_code == 200


def test_the_positions_shown_share_a_budget_over_the_units(client, employee, org, monkeypatch):
    # Three units, six positions to show: two each (and at least one however many units).
    monkeypatch.setattr("browse.views.departments.CHART_POSITION_BUDGET", 6)
    Position.objects.bulk_create(
        Position(code=f"HR-{n}", title=f"人事专员{n}", department=org["hr"]) for n in range(3)
    )
    client.force_login(employee)
    page = soup(client.get("/chart/list/"))
    hr_unit = _unit(page, "人力资源部")
    assert len(hr_unit.select(":scope > ul.positions > li")) == 2
    assert texts(hr_unit, ":scope > p.cut") == [
        "2 of 4 positions shown: all of them on the unit's page"
    ]
    monkeypatch.setattr("browse.views.departments.CHART_POSITION_BUDGET", 1)
    page = soup(client.get("/chart/list/"))
    assert len(_unit(page, "人力资源部").select(":scope > ul.positions > li")) == 1


def test_several_tops_each_show_their_first_reports_and_count_the_rest(
    client, employee, monkeypatch
):
    grow_org(departments=1, positions=1, duties=0)
    monkeypatch.setattr("browse.views.positions.POSITION_CHART_CHILDREN", 3)
    gm = Position.objects.get(code="GM")
    vp = Position.objects.create(code="VP", title="副总", department=gm.department)
    Position.objects.bulk_create(
        [
            *(
                Position(code=f"R{n}", title=f"助理{n}", department=gm.department, reports_to=gm)
                for n in range(5)
            ),
            Position(code="S0", title="秘书", department=gm.department, reports_to=vp),
        ]
    )
    client.force_login(employee)
    page = soup(client.get("/chart/positions/"))
    gm_box, vp_box = page.select(".chart > ul > li")
    # GM's six reports (the head of D0 and five assistants): the first three by code.
    assert texts(gm_box, ":scope > ul > li > a.pos-box", sep="") == [
        "岗位0-0部门0",
        "助理0公司",
        "助理1公司",
    ]
    more = gm_box.select_one(":scope > ul > li.more a")
    assert more.get_text() == "and 3 more, in the reporting chart"
    assert more["href"] == "/chart/?kind=reporting&focus=GM&depth=1"
    assert texts(vp_box, ":scope > ul > li > a.pos-box", sep="") == ["秘书公司"]
    assert vp_box.select_one("li.more") is None


def test_tops_beyond_the_cut_are_counted_and_linked(client, employee, monkeypatch):
    monkeypatch.setattr("browse.views.positions.POSITION_CHART_CHILDREN", 3)
    unit = Department.objects.create(code="CO", name="公司")
    Position.objects.bulk_create(
        Position(code=f"T{n}", title=f"负责人{n}", department=unit) for n in range(5)
    )
    client.force_login(employee)
    page = soup(client.get("/chart/positions/"))
    assert texts(page, ".chart > ul > li > a.pos-box", sep="") == [
        "负责人0公司",
        "负责人1公司",
        "负责人2公司",
    ]
    more = page.select_one(".chart > ul > li.more a")
    assert more.get_text() == "and 2 more, in the reporting chart"
    assert more["href"] == "/chart/?kind=reporting"


def test_a_level_beyond_the_budget_is_one_click_away(client, employee, monkeypatch):
    monkeypatch.setattr("browse.views.positions.POSITION_CHART_BUDGET", 4)
    grow_org(departments=2, positions=3, duties=0)
    client.force_login(employee)
    page = soup(client.get("/chart/positions/"))
    # GM and the two unit heads fit; their six staff would not: each head links to them.
    heads = page.select(".chart > ul > li > ul > li")
    assert texts(page, ".chart > ul > li > ul > li > a.pos-box", sep="") == [
        "岗位0-0部门0",
        "岗位1-0部门1",
    ]
    assert [h.select_one(":scope > a.subtree-link")["href"] for h in heads] == [
        "/chart/positions/?root=D0-P0",
        "/chart/positions/?root=D1-P0",
    ]
    below = soup(client.get("/chart/positions/", {"root": "D0-P0"}))
    assert texts(below, ".chart > ul > li > ul > li > a.pos-box", sep="") == [
        "岗位0-1部门0",
        "岗位0-2部门0",
    ]


def test_codes_are_quoted_in_the_position_chart_links(client, employee):
    unit = Department.objects.create(code="CO", name="公司")
    top = Position.objects.create(code="A&B 1", title="总监", department=unit)
    Position.objects.create(code="C'2", title="专员", department=unit, reports_to=top)
    client.force_login(employee)
    page = soup(client.get("/chart/positions/", {"root": "A&B 1"}))
    links = [a["href"] for a in page.select(".chart a.pos-box")]
    assert links == [
        reverse("positions:detail", args=["A&B 1"]),
        reverse("positions:detail", args=["C'2"]),
    ]
    assert client.get(links[0]).status_code == 200
