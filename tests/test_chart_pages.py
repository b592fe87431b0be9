"""The drawn chart's page, its options, its bad input, and its exports from the page and the shell."""

import defusedxml.ElementTree as ET
import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from departments.models import Department
from orgchart.data import CHILDREN_ON_SCREEN, DEPTH_BUDGET, MEMBERS_ON_SCREEN, SCREEN_BUDGET
from positions.models import Assignment, DottedLine, Employee, Position
from tests.factories import shapes
from tests.pages import soup

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def boxes(page, kind=None):
    rects = page.select("svg.orgchart rect[data-code]")
    return [r["data-code"] for r in rects if kind is None or r["data-kind"] == kind]


def test_home_is_the_drawn_chart_of_units_with_heads_and_staffing(client, employee, org):
    client.force_login(employee)
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert boxes(page, "unit")[:3] == ["ACME", "SALES", "HR"]
    words = page.select_one("svg.orgchart").get_text(" ")
    assert "Headcount 4 · filled 0" in words and "vacant 4" in words
    # Each box links to its department page.
    link = page.select_one('a.box[data-key="unit:SALES"]')
    assert link["href"] == "/departments/SALES/"
    lines = page.select("svg.orgchart polyline[data-line=solid]")
    assert {(line["data-from"], line["data-to"]) for line in lines} >= {("ACME", "SALES")}


@pytest.mark.parametrize(
    "language, words",
    [
        ("zh-hans", "编制 4 · 在岗 0 · 空缺 4"),
        ("zh-hant", "編制 4 · 在崗 0 · 空缺 4"),
        ("en", "Headcount 4"),
    ],
)
def test_the_chart_speaks_the_interface_language_and_keeps_content_as_entered(
    employee, org, language, words
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(employee)
    drawing = soup(client.get("/")).select_one("svg.orgchart").get_text(" ")
    assert words in drawing
    assert "销售部" in drawing  # a name is shown as entered, in every language


def test_positions_and_reporting_charts(client, employee, org):
    DottedLine.objects.create(
        from_position=org["sales_mgr"], to_position=org["hr_mgr"], label="业务指导"
    )
    client.force_login(employee)
    page = soup(client.get("/chart/?kind=positions"))
    assert set(boxes(page, "position")) == set(Position.objects.values_list("code", flat=True))
    page = soup(client.get("/chart/?kind=reporting"))
    dotted = page.select("polyline[data-line=dotted]")
    assert [(d["data-from"], d["data-to"]) for d in dotted] == [
        (org["sales_mgr"].code, org["hr_mgr"].code)
    ]
    assert "业务指导" in page.select_one("g.labels").get_text()
    assert page.select_one("polyline[data-line=dotted]")["stroke-dasharray"]


def test_the_first_view_of_a_big_organisation_stays_within_the_box_budget(client, employee):
    shapes.random_org(2000, per_unit=1)
    client.force_login(employee)
    page = soup(client.get("/"))
    drawn = boxes(page)
    assert 2 <= len(drawn) <= SCREEN_BUDGET
    toggles = page.select("a.toggle[data-action=open]")
    assert toggles, "units with hidden children have a + button"
    # Opening one draws its children; the link works without JavaScript.
    href = toggles[0]["href"]
    code = toggles[0]["data-key"].split(":", 1)[1]
    opened = soup(client.get(href))
    children = Department.objects.get(code=code).get_children().values_list("code", flat=True)
    assert set(children) <= set(boxes(opened))


SHAPES = {
    ("wide", "small"): lambda: shapes.wide(10, 10),
    ("wide", "big"): lambda: shapes.wide(300, 500),
    ("random", "small"): lambda: shapes.random_org(40, per_unit=2),
    ("random", "big"): lambda: shapes.random_org(2000, per_unit=3),
}


@pytest.mark.parametrize("shape", SHAPES, ids="-".join)
def test_the_page_costs_the_same_queries_whatever_the_size(
    client, employee, shape, django_assert_num_queries
):
    SHAPES[shape]()
    client.force_login(employee)
    for kind in ("units", "positions", "reporting"):
        _same_queries(client, kind, django_assert_num_queries)


def _same_queries(client, kind, django_assert_num_queries):
    client.get("/chart/", {"kind": kind})  # reads the organisation once for this generation
    # Expect 3 queries:
    # * the session
    # * the user
    # * the content generation (the organisation, the drawing and the user's
    #   permissions for the menu are kept under it)
    # On PostgreSQL the test's own transaction has written the organisation, so
    # the generation is NULL (nothing may be cached, storage/generation.py) and
    # the organisation and the user's and their groups' permissions (2) are
    # read on every request:
    # * reporting: the tops, the levels that fit (one recursive query), the
    #   drawn positions' holders, the dotted lines between them
    # * units: the outline's units, headcounts and holders; then the drawn
    #   units' heads and their holders
    # * positions: the same, the heads coming with the drawn units' first
    #   positions, and the dotted lines between those
    read = {"reporting": 4, "units": 5, "positions": 6}[kind]
    expected = 5 + read if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(expected):
        response = client.get("/chart/", {"kind": kind})
    assert response.status_code == 200
    assert boxes(soup(response))


def test_search_highlights_and_opens_the_way_to_what_it_finds(client, employee):
    shapes.chain(12)
    client.force_login(employee)
    page = soup(client.get("/chart/", {"q": "第11层级"}))
    hit = page.select_one(".box.highlight rect")
    assert hit["data-code"] == "L11"
    assert "L11" in page.select_one(".chart-found")["data-found"]
    missing = soup(client.get("/chart/", {"q": "没有这个部门"}))
    assert "Nothing in this chart matches" in missing.select_one(".chart-found").get_text()
    assert not missing.select(".box.highlight")


def test_focus_shows_the_path_up_then_levels_down(client, employee):
    shapes.wide(5, 3)
    client.force_login(employee)
    page = soup(client.get("/chart/", {"focus": "WIDE", "depth": 1}))
    assert boxes(page) == ["CO", "WIDE", "W0", "W1", "W2", "W3", "W4"]
    crumbs = [a.get_text() for a in page.select(".chart-path a")]
    assert "宽幅集团有限公司" in crumbs


def test_orientation_and_compact_options(client, employee):
    shapes.wide(30, 3)
    client.force_login(employee)
    tb = soup(client.get("/chart/", {"root": "WIDE", "compact": "0"}))
    lr = soup(client.get("/chart/", {"root": "WIDE", "orient": "lr", "compact": "0"}))

    def size(page):
        svg = page.select_one("svg.orgchart")
        return float(svg["width"]), float(svg["height"])

    assert size(tb)[0] > size(tb)[1] and size(lr)[1] > size(lr)[0]


@pytest.mark.parametrize(
    "query, status, words",
    [
        ({"root": "NOPE"}, 404, "NOPE"),
        ({"depth": "0"}, 400, "1"),
        ({"depth": "10000"}, 400, "50"),
        ({"kind": "pie"}, 400, ""),
        ({"open": ["X" * 50]}, 400, "40"),
    ],
)
def test_bad_chart_options_get_a_clear_message_not_a_500(
    client, employee, org, query, status, words
):
    client.force_login(employee)
    response = client.get("/chart/", query)
    assert response.status_code == status
    page = BeautifulSoup(response.content, "html.parser")
    assert words in page.select_one(".chart-error").get_text()
    assert page.select("svg.orgchart")  # the chart is still drawn


@pytest.mark.parametrize(
    "query, words",
    [
        ({"format": "png", "width": "100000"}, "20000"),
        ({"format": "pdf", "paper": "A5"}, "A5"),
        ({"root": "NOPE"}, "NOPE"),
        ({"depth": "10000"}, "50"),
        ({"format": "gif"}, ""),
    ],
)
def test_bad_export_requests_get_a_clear_message(client, employee, org, query, words):
    client.force_login(employee)
    response = client.get("/chart/export/", query)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert words in page.select_one(".chart-error").get_text()


def test_svg_export_is_a_file_other_tools_can_read(client, employee, org):
    client.force_login(employee)
    response = client.get("/chart/export/", {"format": "svg", "kind": "positions"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "attachment" in response["Content-Disposition"]
    assert response.streaming  # written as it is made, not held whole in memory
    content = b"".join(response.streaming_content)
    root = ET.fromstring(content)
    rects = [r for r in root.iter(f"{SVG}rect") if "data-code" in r.attrib]
    assert {r.get("data-kind") for r in rects} == {"unit", "position"}
    assert not [
        e for e in root.iter() if "transform" in e.attrib and e.get("class") != "chart-root"
    ]
    assert b"<script" not in content


def test_export_command_writes_the_file_or_says_what_is_wrong(org, tmp_path):
    out = tmp_path / "chart.svg"
    call_command("export_chart", str(out), "--kind", "reporting", "--root", org["ceo"].code)
    root = ET.fromstring(out.read_bytes())
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("data-kind") == "position"]) >= 3
    for args, words in [
        (["--root", "NOPE", "--format", "svg"], "NOPE"),
        (["--depth", "0", "--format", "svg"], "1"),
        (["--depth", "10000", "--format", "svg"], "50"),
        (["--kind", "pie", "--format", "svg"], "pie"),
        (["--format", "png", "--width", "100000"], "20000"),
        (["--paper", "A5", "--format", "pdf"], "A5"),
    ]:
        with pytest.raises(CommandError, match=words):
            call_command("export_chart", str(tmp_path / "x.out"), *args)
    assert not (tmp_path / "x.out").exists()


def test_names_are_escaped_in_the_drawing(client, employee, org):
    Department.objects.filter(pk=org["sales"].pk).update(name='<script>alert(1)</script>"&')
    client.force_login(employee)
    body = client.get("/").content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;" in body


@pytest.mark.django_db(transaction=True)
def test_once_committed_the_organisation_is_read_once_per_generation(
    client, employee, django_assert_num_queries
):
    """As in production: the org is committed, so PostgreSQL's generation is not NULL."""
    shapes.random_org(2000, per_unit=3)
    client.force_login(employee)
    for kind in ("units", "positions", "reporting"):
        client.get("/chart/", {"kind": kind})
        # Expect 3 queries: session, user, generation (permissions are kept under it).
        with django_assert_num_queries(3):
            assert client.get("/chart/", {"kind": kind}).status_code == 200
    # A write moves the generation: the next page reads the organisation again.
    Department.objects.filter(code="R1").update(name="改名后的部门")
    page = soup(client.get("/"))
    assert "改名后的部门" in page.select_one("svg.orgchart").get_text()


def _reports_of(code):
    return set(
        Position.objects.filter(reports_to__code=code, department__is_active=True).values_list(
            "code", flat=True
        )
    )


def test_all_levels_of_a_big_reporting_chart_stop_at_the_budget_and_say_so(client, employee):
    shapes.random_org(2000, per_unit=3)
    client.force_login(employee)
    page = soup(client.get("/chart/", {"kind": "reporting", "depth": "50"}))
    drawn = boxes(page, "position")
    assert 1 <= len(drawn) <= DEPTH_BUDGET  # not 6,000 boxes
    banner = page.select_one(".chart-cut").get_text(" ")
    assert "levels below the top" in banner and f"more than {DEPTH_BUDGET} boxes" in banner
    # The banner counts what is folded away: the boxes' +N added up.
    toggles = page.select("a.toggle[data-action=open]")
    folded = sum(int(t.get_text().lstrip("+")) for t in toggles)
    assert f"{folded} more units or positions" in banner
    # A folded box says how many report to it, and its + draws all levels from it.
    toggle = toggles[0]
    code = toggle["data-key"].split(":", 1)[1]
    assert toggle.get_text() == f"+{len(_reports_of(code))}"
    rooted = soup(client.get(toggle["href"]))
    assert rooted.select_one(".chart-path li[aria-current=page]")
    assert _reports_of(code) <= set(boxes(rooted, "position"))
    assert boxes(rooted, "position")[0] == code


def test_all_levels_of_the_units_chart_stop_at_the_budget_and_say_so(client, employee):
    shapes.random_org(2000, per_unit=1)
    client.force_login(employee)
    page = soup(client.get("/chart/", {"depth": "30"}))
    assert len(boxes(page, "unit")) <= DEPTH_BUDGET
    assert "folded into the boxes marked +" in page.select_one(".chart-cut").get_text()
    toggle = page.select_one("a.toggle[data-action=open]")
    code = toggle["data-key"].split(":", 1)[1]
    children = set(Department.objects.get(code=code).get_children().values_list("code", flat=True))
    assert toggle.get_text() == f"+{len(children)}"
    assert children <= set(boxes(soup(client.get(toggle["href"])), "unit"))


def test_a_few_levels_that_fit_are_drawn_whole_without_a_banner(client, employee, org):
    client.force_login(employee)
    page = soup(client.get("/chart/", {"kind": "reporting", "depth": "30"}))
    assert set(boxes(page, "position")) == set(Position.objects.values_list("code", flat=True))
    assert page.select_one(".chart-cut") is None


def test_the_reporting_first_view_folds_what_does_not_fit_and_opens_it(client, employee):
    shapes.random_org(2000, per_unit=3)
    client.force_login(employee)
    page = soup(client.get("/chart/", {"kind": "reporting"}))
    drawn = boxes(page, "position")
    assert 1 <= len(drawn) <= SCREEN_BUDGET
    toggle = page.select_one("a.toggle[data-action=open]")
    code = toggle["data-key"].split(":", 1)[1]
    reports = _reports_of(code)
    assert toggle.get_text() == f"+{len(reports)}"
    # Opening it draws its reports in place, the rest of the chart kept.
    opened = boxes(soup(client.get(toggle["href"])), "position")
    assert reports <= set(opened) and set(drawn) <= set(opened)


def test_ten_thousand_reports_to_one_position_are_drawn_a_screen_at_a_time(client, employee):
    unit = shapes.units([("ONE", "共享中心", None)])["ONE"]
    boss = Position.objects.create(code="BOSS", title="中心总监", department=unit, is_head=True)
    Position.objects.bulk_create(
        [
            Position(code=f"S{i:05}", title=f"专员{i}", department=unit, reports_to=boss)
            for i in range(10000)
        ]
    )
    client.force_login(employee)
    response = client.get("/chart/", {"kind": "reporting"})
    page = soup(response)
    drawn = boxes(page, "position")
    assert len(drawn) == 1 + CHILDREN_ON_SCREEN  # not 10,001 boxes
    assert len(response.content) < 1_000_000
    toggle = page.select_one('a.toggle[data-key="position:BOSS"]')
    assert toggle.get_text() == f"+{10000 - CHILDREN_ON_SCREEN}"
    nxt = soup(client.get(toggle["href"]))
    assert "S00200" in boxes(nxt) and "S00000" not in boxes(nxt)
    assert "201–400" in nxt.select_one(".chart-paging").get_text()
    # A search finds one far down the list and draws it, highlighted.
    found = soup(client.get("/chart/", {"kind": "reporting", "q": "专员9876"}))
    assert found.select_one(".box.highlight rect")["data-code"] == "S09876"


def test_thousands_of_top_units_are_drawn_a_screen_at_a_time(client, employee):
    shapes.units([(f"T{i:04}", f"独立单位{i}", None) for i in range(1000)])
    client.force_login(employee)
    page = soup(client.get("/"))
    assert boxes(page) == [f"T{i:04}" for i in range(CHILDREN_ON_SCREEN)]
    paging = page.select_one(".chart-paging")
    assert "1–200" in paging.get_text()
    last = soup(client.get("/chart/", {"start": "800"}))
    assert boxes(last)[-1] == "T0999"
    assert "801–1000" in last.select_one(".chart-paging").get_text()


def test_a_single_top_with_many_full_units_keeps_the_positions_chart_near_the_budget(
    client, employee
):
    rows = [("TOP", "集团", None)] + [(f"U{i:03}", f"分公司{i}", "TOP") for i in range(150)]
    units = shapes.units(rows)
    Position.objects.bulk_create(
        [
            Position(code=f"P{i:03}-{k}", title=f"岗位{k}", department=units[f"U{i:03}"])
            for i in range(150)
            for k in range(40)
        ]
    )
    client.force_login(employee)
    page = soup(client.get("/chart/", {"kind": "positions"}))
    assert len(boxes(page, "unit")) == 151
    assert len(boxes(page)) <= 3 * SCREEN_BUDGET  # not 6,151 boxes
    assert "more position" in page.select_one("svg.orgchart").get_text()  # "and 37 more positions"


def test_the_positions_chart_without_vacancies_draws_the_first_filled_positions(client, employee):
    units = shapes.units([("TOP", "集团", None), ("U", "销售部", "TOP")])
    unit = units["U"]
    head = Position.objects.create(code="U-HEAD", title="主管", department=unit, is_head=True)
    posts = Position.objects.bulk_create(
        [Position(code=f"P{k:02}", title=f"岗位{k}", department=unit) for k in range(50)]
    )
    staff = Employee.objects.bulk_create(
        [Employee(employee_no=f"E{k:02}", name=f"员工{k}") for k in range(45)]
    )
    Assignment.objects.bulk_create(
        [Assignment(employee=e, position=p) for e, p in zip(staff, posts, strict=False)]
    )
    client.force_login(employee)

    page = soup(client.get("/chart/", {"kind": "positions", "vacancies": "0"}))
    assert boxes(page, "position") == [f"P{k:02}" for k in range(MEMBERS_ON_SCREEN)]
    words = page.select_one("svg.orgchart").get_text()
    assert "and 5 more positions" in words  # P40–P44; the vacant ones are not counted
    assert "Head: 主管" in words and "(vacant)" not in words

    page = soup(client.get("/chart/", {"kind": "positions"}))
    assert boxes(page, "position") == [head.code] + [f"P{k:02}" for k in range(39)]
    words = page.select_one("svg.orgchart").get_text()
    assert "and 11 more positions" in words
    assert "Head: 主管 (vacant)" in words
