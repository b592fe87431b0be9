"""The HR changelists cost the same number of queries for 10 units as for 1,000.

Each changelist is requested at two sizes with the same locked count, and the
department list's cumulative position counts are checked against a count made
here, independently, from the rows in the database.
"""

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from departments.models import Department
from positions.models import Assignment, Duty, Employee, Position

SIZES = [10, 1000]


def _unit(code, parent, order, **extra):
    # bulk_create skips mptt: the tree fields get real values from rebuild().
    tree_fields = {"lft": 0, "rght": 0, "tree_id": 0, "level": 0}
    name = extra.pop("name", code)
    return Department(code=code, name=name, parent=parent, order=order, **tree_fields, **extra)


def build_org(size):
    """A company of ``size`` units: nine branches, the other units spread below them.

    Unit number i has i % 3 positions (so some have none), the first one its
    head; every position has one duty; every other position has a holder.
    Built with bulk_create and one rebuild: about a second for 1,000 units.
    """
    company = _unit("CO", None, 1, name="公司", kind=Department.Kind.COMPANY)
    Department.objects.bulk_create([company])
    branches = [_unit(f"B{i}", company, i) for i in range(1, min(size, 10))]
    Department.objects.bulk_create(branches)
    rest = [_unit(f"U{i}", branches[i % len(branches)], i) for i in range(size - 1 - len(branches))]
    Department.objects.bulk_create(rest)
    Department.objects.rebuild()

    positions = [
        Position(
            code=f"{unit.code}-P{k}",
            title=f"岗位{unit.code}-{k}",
            department=unit,
            is_head=k == 0,
            headcount=2,
        )
        for index, unit in enumerate([company, *branches, *rest])
        for k in range(index % 3)
    ]
    Position.objects.bulk_create(positions)
    Duty.objects.bulk_create(
        Duty(position=position, text=f"{position.title}的职责", order=1) for position in positions
    )
    people = Employee.objects.bulk_create(
        Employee(employee_no=f"E{n}", name=f"员工{n}") for n in range(0, len(positions), 2)
    )
    Assignment.objects.bulk_create(
        Assignment(employee=person, position=positions[2 * n]) for n, person in enumerate(people)
    )
    assert Department.objects.count() == size
    return positions


def expected_cumulative_counts():
    """{code: positions in the unit and all units below}, counted here from parent links."""
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    codes = dict(Department.objects.values_list("pk", "code"))
    totals = Counter()
    for department_id in Position.objects.values_list("department_id", flat=True):
        while department_id is not None:
            totals[codes[department_id]] += 1
            department_id = parents[department_id]
    return {code: totals[code] for code in codes.values()}


def table_rows(response):
    """The changelist table as a list of {column: text}, by the cells' field-* classes."""
    page = BeautifulSoup(response.content, "html.parser")
    rows = []
    for tr in page.select("#result_list tbody tr"):
        cells = {}
        for cell in tr.find_all(["td", "th"]):
            for css in cell.get("class", []):
                if css.startswith("field-"):
                    cells[css.removeprefix("field-")] = cell.get_text(strip=True)
        rows.append(cells)
    return rows


@pytest.mark.parametrize("size", SIZES)
def test_department_changelist_queries_do_not_grow_and_counts_add_up(
    hr_client, django_assert_num_queries, size
):
    build_org(size)

    # Expect 7 queries:
    # * the session
    # * the user
    # * the user's own permissions
    # * the user's group permissions
    # * the number of departments (paginator; no second count for "N total")
    # * the page of departments with own and cumulative position counts (two subqueries)
    # * (pk, parent) of every department, for the drag-and-drop tree
    with django_assert_num_queries(7):
        response = hr_client.get(reverse("admin:departments_department_changelist"))

    rows = table_rows(response)
    assert len(rows) == min(size, 100)
    expected = expected_cumulative_counts()
    own = Counter(Position.objects.values_list("department__code", flat=True))
    shown = {row["code"]: (int(row["own_positions"]), int(row["all_positions"])) for row in rows}
    assert shown == {code: (own[code], expected[code]) for code in shown}
    assert shown["CO"] == (0, Position.objects.count())


def test_department_changelist_counts_on_a_small_tree(hr_client, org):
    # ACME (CEO) > SALES (2 positions) > SALES-EAST (1), HR (1): numbers a reader can check.
    east = Department.objects.create(code="SALES-EAST", name="华东销售部", parent=org["sales"])
    Position.objects.create(code="EAST-REP", title="华东销售代表", department=east)

    rows = table_rows(hr_client.get(reverse("admin:departments_department_changelist")))

    assert [(r["code"], r["own_positions"], r["all_positions"]) for r in rows] == [
        ("ACME", "1", "5"),
        ("SALES", "2", "3"),
        ("SALES-EAST", "1", "1"),
        ("HR", "1", "1"),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_position_changelist_queries_do_not_grow(hr_client, django_assert_num_queries, size):
    positions = build_org(size)

    # Expect 7 queries:
    # * the session
    # * the user
    # * the user's own permissions
    # * the user's group permissions
    # * the top units with their levels, for the tree filter
    # * the number of positions (paginator; no second count for "N total")
    # * the page of positions with department, superior and holder count
    with django_assert_num_queries(7):
        response = hr_client.get(reverse("admin:positions_position_changelist"))

    rows = table_rows(response)
    assert len(rows) == min(len(positions), 100)
    first = Position.objects.with_staffing().get(code=rows[0]["code"])
    assert (rows[0]["holders"], rows[0]["vacancies"]) == (
        str(first.holder_count),
        str(first.vacancies),
    )


@pytest.mark.parametrize("size", SIZES)
def test_duty_changelist_queries_do_not_grow(hr_client, django_assert_num_queries, size):
    positions = build_org(size)

    # Expect 8 queries:
    # * the session
    # * the user
    # * the user's own permissions
    # * the user's group permissions
    # * the top units with their levels, for the tree filter
    # * the number of duties (paginator; no second count for "N total")
    # * the page of duties with their positions and departments
    # * their numbers among their positions' duties
    with django_assert_num_queries(8):
        response = hr_client.get(reverse("admin:positions_duty_changelist"))

    rows = table_rows(response)
    assert len(rows) == min(len(positions), 100)
    duty = Duty.objects.select_related("position__department").get(text=rows[0]["text"])
    assert (rows[0]["number"], rows[0]["position"], rows[0]["department"]) == (
        "1",
        duty.position.title,
        duty.position.department.name,
    )


def test_the_unit_filter_offers_the_top_of_the_tree_and_filters_a_subtree(hr_client):
    build_org(1000)
    page = BeautifulSoup(
        hr_client.get(reverse("admin:positions_position_changelist")).content, "html.parser"
    )
    offered = [a.get_text(strip=True) for a in page.select("#changelist-filter a")]
    # The company and its nine branches, not the 990 units below them.
    assert {"公司", "B1", "B9"} <= set(offered) and "U1" not in offered
    branch = Department.objects.get(code="B1")
    filtered = hr_client.get(
        reverse("admin:positions_position_changelist"),
        {"department__id__inhierarchy": branch.pk},
    )
    codes = {row["code"] for row in table_rows(filtered)}
    below = Position.objects.filter(
        department__tree_id=branch.tree_id,
        department__lft__gte=branch.lft,
        department__rght__lte=branch.rght,
    )
    assert codes == set(below.values_list("code", flat=True)[:100])
    # A unit deeper down, chosen by a link elsewhere, is offered too.
    deep = Department.objects.get(code="U1")
    page = BeautifulSoup(
        hr_client.get(
            reverse("admin:positions_position_changelist"), {"department__id__inhierarchy": deep.pk}
        ).content,
        "html.parser",
    )
    assert "U1" in [a.get_text(strip=True) for a in page.select("#changelist-filter a")]


def test_a_position_is_found_by_the_words_of_its_duties(hr_client, org):
    Duty.objects.create(position=org["hr_mgr"], text="组织年度招聘计划", order=9)
    for q in ["招聘", "年度招聘", "招聘 年度"]:
        rows = table_rows(hr_client.get(reverse("admin:positions_position_changelist"), {"q": q}))
        assert [row["code"] for row in rows] == ["HR-MGR"], q
    rows = table_rows(hr_client.get(reverse("admin:positions_position_changelist"), {"q": "销售"}))
    assert {row["code"] for row in rows} >= {"SALES-MGR", "SALES-REP"}
