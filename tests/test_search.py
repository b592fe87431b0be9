import pytest
from django.db import connection

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Position
from search.search import COUNT_CAP, PER_GROUP, PER_PAGE
from tests.factories import grow_org
from tests.pages import soup, texts


@pytest.fixture
def searchable(org):
    ops = Department.objects.create(
        code="OPS", name="运营部", parent=org["acme"], aliases="Operations Department"
    )
    DepartmentFunction.objects.create(
        department=ops, text="Organize departmental work plan", order=1
    )
    DepartmentFunction.objects.create(
        department=org["sales"], text="负责建立公司整体销售网络", order=2
    )
    Form.objects.create(code="F-ORDER", name="订单评审表")
    Kpi.objects.create(position=org["sales_mgr"], text="客户流失率低于10%")
    return org


def _search(client, employee, q):
    client.force_login(employee)
    return soup(client.get("/search/", {"q": q}))


def test_one_character_chinese_query(client, employee, searchable):
    page = _search(client, employee, "销")
    assert "销售部" in texts(page, "main li a", sep="")
    assert "销售部经理" in texts(page, "main li a", sep="")


def test_two_character_query_is_highlighted(client, employee, searchable):
    page = _search(client, employee, "流失")
    assert texts(page, "main li mark") == ["流失"]


def test_traditional_finds_simplified(client, employee, searchable):
    page = _search(client, employee, "銷售部經理")
    assert "销售部经理" in texts(page, "main li a", sep="")


def test_english_alias_is_matched(client, employee, searchable):
    page = _search(client, employee, "operations")
    assert texts(page, "main section li a", sep="")[0] == "运营部"


@pytest.mark.parametrize(
    "question",
    [
        "销售部的职责是什么",
        "銷售部的職責是什麼",
        "What is the responsibility of the sales department?",
    ],
)
def test_a_question_naming_a_department_answers_with_its_functions_first(
    client, employee, searchable, question
):
    searchable["sales"].aliases = "Sales Department"
    searchable["sales"].save()
    page = _search(client, employee, question)
    first = page.select_one(".results > section")
    assert "first-answer" in first["class"]
    assert first.h2.a.get_text() == "销售部"
    assert texts(first, "ol.items li")[0] == "1. 负责产品销售"
    # Never a neighbour: the operations department is not the answer.
    assert "运营部" not in first.get_text()


def test_a_long_query_is_found_in_every_searched_field(client, employee, org):
    # Three characters and more without case take the gram index's pairs on
    # PostgreSQL (core.substring), then the word itself is looked for in the
    # rows found. Each row below matches through one field only.
    Duty.objects.create(position=org["sales_rep"], text="走访客户", process_steps="填写拜访记录表")
    Kpi.objects.create(position=org["hr_mgr"], text="按时完成", metric="拜訪記錄完整率")
    Position.objects.create(code="拜访记录-X", title="文员", department=org["hr"])
    page = _search(client, employee, "拜访记录")
    groups = {
        section.h2.contents[0].strip(): texts(section, "li", sep="")
        for section in page.select(".results > section")
    }
    assert [text.split("—")[0].strip() for text in groups["Duties"]] == ["走访客户"]
    assert [text.split("—")[0].strip() for text in groups["KPIs"]] == ["按时完成"]
    assert [text.split("人力")[0] for text in groups["Positions"]] == ["文员"]


def test_a_long_word_with_case_is_found_whatever_its_case(client, employee, org):
    # The trigram path on PostgreSQL: one branch per field and spelling.
    Duty.objects.create(position=org["sales_rep"], text="维护 EXCEL 台账")
    Duty.objects.create(position=org["sales_rep"], text="整理报表", process_steps="导出Excel文件")
    Position.objects.create(code="EXCEL-1", title="文员", department=org["hr"])
    groups = _groups(_search(client, employee, "excel"))
    assert sorted(hit.split("—")[0] for hit in groups["duties"][1]) == ["整理报表", "维护EXCEL台账"]
    assert [hit.split("人力")[0] for hit in groups["positions"][1]] == ["文员"]


def test_search_escapes_what_it_highlights(client, employee, org):
    Form.objects.create(code="F-XSS", name="<script>alert(1)</script>表")
    page = _search(client, employee, "<script>")
    assert page.select("main script") == []
    assert texts(page, "main li mark") == ["<script>"]


def test_empty_and_overlong_queries(client, employee, org):
    assert _search(client, employee, "").select(".results section") == []
    page = _search(client, employee, "销" * 500)
    assert page.select_one("#site-search")["value"] == "销" * 100


def _groups(page):
    """Group key -> (badge, hit texts) of a results page."""
    return {
        section["data-group"]: (
            section.select_one("h2 .badge").get_text(strip=True),
            texts(section, "li", sep=""),
        )
        for section in page.select(".results > section[data-group]")
    }


def test_the_best_match_comes_first(client, employee, org):
    for code, title in [("B1", "高级采购专员"), ("B2", "采购经理"), ("B3", "采购")]:
        Position.objects.create(code=code, title=title, department=org["hr"])
    page = _search(client, employee, "采购")
    hits = _groups(page)["positions"][1]
    # The whole title, then one that starts with the word, then one holding it.
    assert [hit.split("人力")[0] for hit in hits] == ["采购", "采购经理", "高级采购专员"]


def test_the_best_match_comes_first_whatever_the_case(client, employee, org):
    for code, title in [("B1", "Senior BUYER"), ("B2", "buyer assistant"), ("B3", "Buyer")]:
        Position.objects.create(code=code, title=title, department=org["hr"])
    hits = _groups(_search(client, employee, "buyer"))["positions"][1]
    # Texts joined without spaces (tests.pages.texts, sep=""): the marks split them.
    assert [hit.split("人力")[0] for hit in hits] == ["Buyer", "buyerassistant", "SeniorBUYER"]


def test_long_duties_rank_by_where_the_word_is(client, employee, org):
    rep = org["sales_rep"]
    filler = "协调各方资源，" * 280  # about 2,000 characters, as the long-duties shape
    Duty.objects.bulk_create(
        [
            Duty(position=rep, order=11, text=filler, process_steps="收集鑫源数据"),
            Duty(position=rep, order=12, text=filler + "跟进鑫源项目"),
            Duty(position=rep, order=13, text="鑫源项目" + filler),
        ]
    )
    hits = _groups(_search(client, employee, "鑫源"))["duties"][1]
    # At the start, then inside the text, then only in the process steps.
    assert hits[0].startswith("鑫源项目")
    assert hits[1].startswith("…") and "跟进鑫源项目" in hits[1]  # an excerpt around it
    assert hits[2].startswith("协调各方")


def test_a_short_word_found_nowhere(client, employee, org):
    for q in ["鑫", "鑫鑫"]:
        page = _search(client, employee, q)
        assert page.select(".results > section") == []
        assert texts(page, "main p.empty") == [f"Nothing matches “{q}”."]


@pytest.fixture
def common_word(org):
    """COUNT_CAP + 5 duties holding 岗位 (the count stops at the cap), 30 KPIs."""
    Duty.objects.bulk_create(
        Duty(position=org["sales_rep"], text=f"岗位职责{n:04d}", order=n)
        for n in range(COUNT_CAP + 5)
    )
    Kpi.objects.bulk_create(
        Kpi(position=org["sales_rep"], text=f"岗位指标{n:02d}", order=n) for n in range(30)
    )
    return org


def test_a_word_in_thousands_of_rows_shows_a_page_and_a_capped_count(client, employee, common_word):
    page = _search(client, employee, "岗位")
    groups = _groups(page)
    assert groups["duties"][0] == f"more than {COUNT_CAP}"
    assert len(groups["duties"][1]) == PER_GROUP
    # Below the cap the count is exact.
    assert groups["kpis"][0] == "30"
    assert len(groups["kpis"][1]) == PER_GROUP
    more = {a["href"] for a in page.select(".results p.more a")}
    assert more == {"?q=%E5%B2%97%E4%BD%8D&in=duties", "?q=%E5%B2%97%E4%BD%8D&in=kpis"}


def test_a_group_is_paged_up_to_the_cap(client, employee, common_word):
    client.force_login(employee)
    first = soup(client.get("/search/", {"q": "岗位", "in": "duties"}))
    assert list(_groups(first)) == ["duties"]
    hits = _groups(first)["duties"][1]
    assert len(hits) == PER_PAGE
    # The shortest texts first, then in the order they were written.
    assert hits[0].startswith("岗位职责0000")
    pages = COUNT_CAP // PER_PAGE
    assert texts(first, ".pager span") == [f"page 1 of {pages}"]
    second = soup(client.get("/search/", {"q": "岗位", "in": "duties", "page": "2"}))
    assert _groups(second)["duties"][1][0].startswith(f"岗位职责{PER_PAGE:04d}")
    last = soup(client.get("/search/", {"q": "岗位", "in": "duties", "page": "9999"}))
    assert texts(last, ".pager span") == [f"page {pages} of {pages}"]
    assert _groups(last)["duties"][1][-1].startswith(f"岗位职责{COUNT_CAP - 1:04d}")
    assert texts(last, ".results p.muted") == [
        f"Only the first {COUNT_CAP} are listed: add a word to narrow the search."
    ]
    # An unknown group is the overview.
    assert list(_groups(soup(client.get("/search/", {"q": "岗位", "in": "nope"})))) == [
        "duties",
        "kpis",
    ]


@pytest.mark.parametrize("size", [2, 20])
def test_a_short_word_in_every_group_costs_two_queries_a_group(
    hr_client, size, django_assert_num_queries
):
    grow_org(departments=size, positions=2, duties=2)
    # Expect 16 queries:
    # * session, user, the content generation
    # * department names and aliases (to spot a named department): none
    # * for departments, positions, duties, KPIs and forms each: the first
    #   1,001 matches with their rank, then the shown page of rows
    # * two permission look-ups
    with django_assert_num_queries(16):
        page = soup(hr_client.get("/search/", {"q": "0"}))
    assert list(_groups(page)) == ["departments", "positions", "duties", "kpis", "forms"]
    # One group's page: session, user, generation, its two queries; the
    # permissions are kept under the generation (not on PostgreSQL, where the
    # test's own uncommitted writes turn the cache off: two look-ups more).
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 5):
        page = soup(hr_client.get("/search/", {"q": "0", "in": "duties"}))
    assert list(_groups(page)) == ["duties"]


@pytest.mark.parametrize("size", [2, 20])
def test_search_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=2, duties=2)
    # Expect 14 queries on a first view:
    # * session, user
    # * the content generation (results are cached under it, storage.fragments)
    # * department names and aliases (to spot a named department)
    # * the named department, its functions, their KPIs
    # * departments, positions, duties, KPIs, forms matching the keywords
    #   (none: no page of rows to read)
    # * two permission look-ups
    with django_assert_num_queries(14):
        first = hr_client.get("/search/", {"q": "部门0的职责是什么"})
    # Then from the cache: session, user, generation (the permissions are kept
    # under it too). On PostgreSQL the test's own uncommitted writes turn the cache off.
    with django_assert_num_queries(14 if connection.vendor == "postgresql" else 3):
        again = hr_client.get("/search/", {"q": "部门0的职责是什么"})
    assert soup(first).select_one("main").decode() == soup(again).select_one("main").decode()
    # A change is found at once: the generation moved.
    Department.objects.filter(code="D0").update(aliases="新别名")
    assert "新别名" in hr_client.get("/search/", {"q": "新别名"}).content.decode()
