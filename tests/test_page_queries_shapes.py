"""Every employee page costs the same queries at two sizes of several shapes (issue 13).

Each shape of bench.orgshapes.shapes is built at 30 and at 90 positions (three
duties each), and every page of ``shapes.pages`` (the shape's worst cases: the
unit with the most positions, the position with the most reports, …) is
requested once as a first view: the cache emptied and the content generation
moved before it, so nothing is served from what an earlier request kept. On
PostgreSQL the build's uncommitted writes leave no generation at all (nothing
is cached, storage/generation.py), on SQLite the generation moves: either
way every query of the page runs, and the counts are the same on both.

Each shape's organisations are built by its one test, inside savepoints
that are rolled back, and its pages' counts compared with EXPECTED at once. bench.page_shapes times the same pages at 20,000
positions.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.roles import EMPLOYEES
from departments.models import Department
from tests.factories import shapes

pytestmark = pytest.mark.django_db

SIZES = (30, 90)
SHAPES = ("wide", "chain", "one-boss", "random", "forms-kpis")

# Queries of a first view. Every page but the subtree fragment has four:
# * the session, the user
# * the user's own and their groups' permissions (the menu, edit links)
# and those cached under it read the content generation too.
# The reporting chart: + generation, its tops (the positions reporting to nobody,
# or the root with the positions above it), the levels below them that fit the
# screen (one recursive query, orgchart.reporting), the drawn positions' holders
# and the dotted lines between them. A top whose reports do not all fit reads
# a page of them too (one more, at 20,000 positions on one-boss and chain).
REPORTING = 9
# The units chart: + generation, units, their positions' headcount, their
# holders (orgchart.data.outline), the drawn units' heads, the heads' holders.
UNITS = 10
# The positions chart: the same + the dotted lines between the drawn positions
# (the drawn units' first positions come with their heads).
POSITIONS = 11
EXPECTED = {
    "chart": UNITS,
    "chart: positions": POSITIONS,
    "chart: reporting": REPORTING,
    "chart: from a unit": UNITS,
    "chart: a unit's positions": POSITIONS,
    "chart: reporting from a position": REPORTING,
    "chart: find a unit": UNITS,
    "chart: all levels": UNITS,
    # + the units ranked among their siblings (the first 20 of each parent, the
    # levels that fit), the first positions of those shown with their units'
    # counts, those positions' holders, their dotted lines
    "chart list": 8,
    # session, user, the unit, the ranked units, positions, holders, dotted lines
    "chart subtree (fragment)": 7,
    # + the tops, then one query per level below them (three fit here; a level
    # that would not fit the budget is not read: the level above counts it)
    "position chart": 8,
    # + the position with how many report to it, then one query per level
    # below it: one on wide and chain (H-BIG's and the bottom head's reports
    # have none), two on forms-kpis, three on one-boss and random
    "position chart from a position": {"wide": 6, "chain": 6, "forms-kpis": 7, "*": 8},
    # + generation, the department, its functions and their KPIs, a page of its
    # positions with staffing and holders, its ancestors, the KPIs and forms of
    # its functions and of the page's positions; and a page of sub-units with
    # their own positions where it has any. Which of these it has differs by
    # shape (the picked unit), never by size.
    "department": {"wide": 16, "chain": 14, "one-boss": 16, "random": 17, "forms-kpis": 18},
    # + generation, the position, its duties, their forms, the KPIs of the
    # duties and of the position, holders, the department's ancestors (none
    # asked for a top unit's position: H-B0 on one-boss, random's pick), direct
    # reports counted, dotted lines out and in
    "position": {"one-boss": 12, "random": 12, "*": 13},
    "position print": {"one-boss": 11, "random": 11, "*": 12},  # no generation
    # + the position with its control record
    "job description control": 5,
    # the position page's, but the generation, after the user's assignments
    "my position": {"one-boss": 11, "random": 11, "*": 12},
    # + the count, the page of forms with their departments, their duties
    "forms catalogue": 7,
    "forms catalogue, last page": 7,
    # + the form, the count and a page of its duties, their numbers
    "form": 8,
    # + a page of units in tree order, a page of their positions in order, where
    # the KPIs of those and of the units' functions sit, the page's KPIs, the count
    "KPIs": 9,
    "KPIs due in December": 9,
    "KPIs, last page": 9,
    # + generation, the departments' names and aliases, then per group
    # (units, positions, duties, KPIs, forms) its ranked matches up to the cap;
    # a group with matches also reads its page of rows (not counted here)
    "search 1 char": 11,
    "search 2 chars": 11,
    "search 4 chars": 11,
    "search common word": 11,
    "search traditional": 11,
    # + the department the question names, its functions and their KPIs
    "search question": 14,
}

# Sizes at which a page's count changes: (page, shape, sizes) -> why.
CHANGES = {
    ("position chart", "wide", (100, 300)): (
        "the position chart runs one query per level that fits its budget of 100 positions "
        "(browse.views.positions.POSITION_CHART_BUDGET): 8 at 100 positions on wide, 7 at 300"
    ),
}


def _expected(page, shape):
    expected = EXPECTED[page]
    return expected.get(shape, expected.get("*")) if isinstance(expected, dict) else expected


def _first_view(client, url):
    """The queries of one request that finds nothing kept from the requests before it."""
    # A write, as an HR edit makes: the generation moves (SQLite).
    Department.objects.filter(pk=Department.objects.order_by("pk").values("pk")[:1]).update(order=1)
    cache.clear()
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if url.startswith("/search/"):
        # A group with matches reads its page of rows; one without has none to read.
        # The count depends on which groups match, never on how many rows do.
        return len(queries) - len(response.context["results"].groups)
    return len(queries)


def _measure(shape, positions, only):
    picks = shapes.build(shape, positions=positions, duties=3 * positions)
    user = User.objects.create_user(f"reader-{positions}")
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    shapes.hold(user, picks.position)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return {
        label: _first_view(client, url)
        for label, url in shapes.pages(picks)
        if only is None or label in only
    }


@pytest.fixture(scope="module")
def counts():
    """counts(shape, sizes, only): [{page: queries} at each size], measured once."""
    found = {}

    def of(shape, sizes=SIZES, only=None):
        key = (shape, sizes, only)
        if key not in found:
            found[key] = []
            for positions in sizes:
                with transaction.atomic():
                    found[key].append(_measure(shape, positions, only))
                    transaction.set_rollback(True)
        return found[key]

    return of


@pytest.mark.parametrize("shape", SHAPES)
def test_a_first_view_of_every_page_costs_the_same_queries_at_both_sizes(counts, shape):
    # One test per shape, so that each shape is built once in a run (-n 2 too).
    expected = {page: _expected(page, shape) for page in EXPECTED}

    assert counts(shape) == [expected] * len(SIZES)


@pytest.mark.parametrize(
    "page, shape, sizes",
    [
        pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason=why))
        for case, why in CHANGES.items()
    ],
)
def test_pages_whose_count_changes_with_the_size(counts, page, shape, sizes):
    found = [at_size[page] for at_size in counts(shape, sizes, only=(page,))]

    assert found == [_expected(page, shape)] * len(sizes)


def test_every_page_of_the_benchmark_is_counted():
    Department.objects.create(code="BIG", name="共享服务中心")
    picks = shapes.Picks("wide", "BIG", "WIDE", "H-BIG", "F0", dict(shapes.SEARCHES))

    assert [label for label, _url in shapes.pages(picks)] == list(EXPECTED)
