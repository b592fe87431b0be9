"""The screen's reporting chart reads only what it draws, and draws what the whole snapshot would."""

import pytest

from orgchart.data import SCREEN_BUDGET, ChartOptions, _build, _Builder, build_chart, snapshot
from positions.models import Assignment, Employee, Position
from tests.factories import shapes

pytestmark = pytest.mark.django_db


def _shape(chart):
    """What a reader sees: each box with its words, its count of reports and its button."""
    return [
        (n.code, tuple(n.details), n.child_count, len(n.children), n.toggle_href, n.highlight)
        for n in chart.walk()
    ]


def _both(**options):
    lazy = build_chart(ChartOptions(kind="reporting", **options), base_url="/chart/")
    whole = _build(_Builder(snapshot(), ChartOptions(kind="reporting", **options)), "/chart/")
    return lazy, whole


@pytest.fixture
def org():
    shapes.random_org(600, per_unit=3)
    boss = Position.objects.get(code="RP0-0")
    Position.objects.bulk_create(
        [
            Position(code=f"W{i:04}", title=f"专员{i}", department=boss.department, reports_to=boss)
            for i in range(450)
        ]
    )
    people = Employee.objects.bulk_create(
        [Employee(employee_no=f"TR{i:03}", name=f"员工{i}") for i in range(20)]
    )
    posts = Position.objects.order_by("code")[:20]
    Assignment.objects.bulk_create(
        [Assignment(employee=e, position=p) for e, p in zip(people, posts, strict=True)]
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"root": "RP0-0"},
        {"root": "RP0-0", "start": 200},
        {"root": "RP0-0", "start": 9999},
        {"root": "RP17-1"},
        {"opened": ["RP3-1", "RP9-2"]},
        {"closed": ["RP0-0"]},
        {"q": "员工7"},
        {"q": "W0420"},
        {"root": "RP5-0", "q": "W0420"},
        {"focus": "RP40-2", "depth": 2},
        {"holders": False, "photos": True, "orientation": "lr"},
    ],
    ids=str,
)
def test_the_screen_draws_what_the_whole_snapshot_draws(org, options):
    lazy, whole = _both(**options)
    assert _shape(lazy.chart) == _shape(whole.chart)
    assert [(d.from_code, d.to_code) for d in lazy.chart.dotted] == [
        (d.from_code, d.to_code) for d in whole.chart.dotted
    ]
    assert lazy.paging == whole.paging
    assert [p.code for p in lazy.path] == [p.code for p in whole.path]
    assert getattr(lazy.found, "code", None) == getattr(whole.found, "code", None)
    assert lazy.chart.count_boxes() <= SCREEN_BUDGET + 450


def test_an_unknown_root_is_missing_as_before(org):
    lazy, whole = _both(root="NOPE")
    assert lazy.missing_root and whole.missing_root
