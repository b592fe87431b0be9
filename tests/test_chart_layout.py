"""The drawn chart's layout on four shapes of organisation, for all three charts.

On every shape: boxes of one kind never overlap (a position may sit inside its
unit's box, a holder inside its position's), every parent sits above its
children and over their span, every solid line runs from its parent's box to
its child's, every dotted line of the organisation is drawn, and no text is
wider than its box. The exported SVG is checked the way another tool would
read it: rects with absolute coordinates, no transform but the root group's.
"""

from collections import defaultdict

import defusedxml.ElementTree as ET
import pytest
from django.core.management import call_command

from orgchart import text as textmod
from orgchart.data import ChartOptions, build_chart, snapshot
from orgchart.drawing import DOTTED, SOLID
from orgchart.layout import PAD, SPINE, lay_out
from orgchart.svg import render_svg
from orgchart.tree import Chart, ChartNode
from positions.models import Position
from tests.factories import shapes

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
EPS = 0.51


def overlapping(boxes):
    """Pairs of boxes that overlap, found by a sweep over x (not n²)."""
    found = []
    active = []
    for box in sorted(boxes, key=lambda b: b.x):
        active = [a for a in active if a.x + a.w > box.x + EPS]
        for other in active:
            if other.y < box.y + box.h - EPS and box.y < other.y + other.h - EPS:
                found.append((other.key, box.key))
        active.append(box)
    return found


def check(drawing, chart_kind):
    problems = []
    groups = defaultdict(list)
    for box in drawing.boxes:
        # Boxes inside another are compared with the boxes inside the same kind.
        groups[(box.kind, box.inside is not None)].append(box)
    for group in groups.values():
        problems += [f"overlap {a} {b}" for a, b in overlapping(group)]
    by_code = {}
    for box in drawing.boxes:
        if box.kind != "person":
            by_code.setdefault(box.code, box)
    children = defaultdict(list)
    tb = drawing.orientation == "tb"
    for line in drawing.lines:
        a, b = by_code.get(line.from_code), by_code.get(line.to_code)
        if a is None or b is None:
            problems.append(f"line names a box not drawn: {line.from_code}->{line.to_code}")
            continue
        if line.kind == SOLID:
            children[a.code].append(b)
            (x0, y0), (x1, y1) = line.points[0], line.points[-1]
            if tb:
                starts = abs(y0 - (a.y + a.h)) < EPS and a.x <= x0 <= a.x + a.w
                ends_top = abs(y1 - b.y) < EPS and b.x <= x1 <= b.x + b.w
                ends_side = abs(x1 - b.x) < EPS and b.y <= y1 <= b.y + b.h
            else:
                starts = abs(x0 - (a.x + a.w)) < EPS and a.y <= y0 <= a.y + a.h
                ends_top = abs(x1 - b.x) < EPS and b.y <= y1 <= b.y + b.h
                ends_side = abs(y1 - b.y) < EPS and b.x <= x1 <= b.x + b.w
            if not starts or not (ends_top or ends_side):
                problems.append(f"solid line {a.code}->{b.code} does not join its boxes")
    for code, kids in children.items():
        parent = by_code[code]
        if tb:
            centre = parent.x + parent.w / 2
            low = min(k.x for k in kids) - SPINE
            high = max(k.x + k.w for k in kids)
            above = all(parent.y + parent.h < k.y for k in kids)
        else:
            centre = parent.y + parent.h / 2
            low = min(k.y for k in kids) - SPINE
            high = max(k.y + k.h for k in kids)
            above = all(parent.x + parent.w < k.x for k in kids)
        if not (low - EPS <= centre <= high + EPS) or not above:
            problems.append(f"{code} is not over its children")
    for box in drawing.boxes:
        inner = box.w - 2 * PAD
        for t in box.texts:
            if textmod.width(t.content, t.size) > inner + EPS and t.anchor == "middle":
                problems.append(f"text wider than its box: {t.content!r} in {box.key}")
            if t.anchor == "start" and t.x + textmod.width(t.content, t.size) > box.x + box.w:
                problems.append(f"text runs out of its box: {t.content!r} in {box.key}")
            if not (box.y < t.y < box.y + box.h):
                problems.append(f"text below or above its box: {t.content!r} in {box.key}")
    return problems


def check_svg(svg, drawing):
    root = ET.fromstring(svg.split("?>", 1)[1])
    transforms = [e for e in root.iter() if "transform" in e.attrib]
    assert [e.get("class") for e in transforms] == ["chart-root"]
    rects = [e for e in root.iter(f"{SVG}rect") if "data-code" in e.attrib]
    assert len(rects) == len(drawing.boxes)
    for rect in rects[:50]:
        assert rect.get("data-kind") in ("unit", "position", "person")
        float(rect.get("x")), float(rect.get("width"))
    lines = [e for e in root.iter(f"{SVG}polyline")]
    assert {line.get("data-line") for line in lines} <= {SOLID, DOTTED}
    assert all(line.get("data-from") and line.get("data-to") for line in lines)
    return rects, lines


def full(kind, **kwargs):
    return build_chart(ChartOptions(kind=kind, budget=None, **kwargs)).chart


def dotted_in_org(snap):
    return len(snap.dotted)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


SHAPES = {
    "demo": lambda: call_command("load_demo", verbosity=0),
    "chain30": lambda: shapes.chain(30),
    "wide": lambda: shapes.wide(300, 500),
    "random2000": lambda: shapes.random_org(2000, per_unit=3),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_chart_of_every_shape_is_drawn_cleanly(shape):
    SHAPES[shape]()
    snap = snapshot()
    for kind in ("units", "positions", "reporting"):
        for orientation in ("tb", "lr"):
            chart = full(kind)
            drawing = lay_out(chart, orientation=orientation)
            assert check(drawing, kind) == [], (shape, kind, orientation)
            drawn = {b.code for b in drawing.boxes if b.kind != "person"}
            if kind == "units":
                assert drawn == set(snap.unit_by_code)
            else:
                assert set(snap.post_by_code) <= drawn
                dotted = [line for line in drawing.lines if line.kind == DOTTED]
                assert len(dotted) == dotted_in_org(snap)
            if orientation == "tb":
                check_svg(render_svg(drawing), drawing)


def test_compact_mode_stacks_300_sub_units_in_columns_under_their_parent():
    shapes.wide(300, 5)
    wide = lay_out(full("units", root="WIDE"))
    flat = lay_out(full("units", root="WIDE"), compact=False)
    assert check(wide, "units") == []
    parent = wide.box("unit:WIDE")
    columns = {round(b.x) for b in wide.boxes if b.code.startswith("W") and b.code != "WIDE"}
    assert 10 <= len(columns) <= 30  # columns, not one row of 300
    assert flat.width > 10 * wide.width
    assert wide.height < flat.height * 30
    xs = [b.x for b in wide.boxes if b.code != "WIDE"]
    assert min(xs) - SPINE <= parent.x + parent.w / 2 <= max(xs) + 184


def test_a_unit_with_500_positions_draws_them_inside_its_box_in_columns():
    shapes.wide(3, 500)
    drawing = lay_out(full("positions", root="BIG"))
    unit = drawing.box("unit:BIG")
    inside = [b for b in drawing.boxes if b.inside == unit.key]
    assert len(inside) == 501  # its head and 500 positions
    for b in inside:
        assert unit.x <= b.x and b.x + b.w <= unit.x + unit.w
        assert unit.y <= b.y and b.y + b.h <= unit.y + unit.h
    assert unit.w < 5000 and unit.h < 5000  # columns, not a 40,000 px strip


def test_a_chain_30_deep_is_one_column_from_top_to_bottom():
    shapes.chain(30)
    drawing = lay_out(full("units"))
    xs = {round(b.x + b.w / 2) for b in drawing.boxes}
    assert len(xs) == 1
    ys = [b.y for b in drawing.boxes]
    assert ys == sorted(ys) and len(ys) == 30
    lr = lay_out(full("units"), orientation="lr")
    assert len({round(b.y + b.h / 2) for b in lr.boxes}) == 1


def test_labels_wrap_inside_their_boxes_in_chinese_and_english():
    long_zh = "华东区域市场营销与客户关系管理中心（含电子商务与新媒体运营）"
    long_en = "Regional Marketing and Customer Relationship Management Centre for East China"
    chart = Chart(
        "units",
        [ChartNode("unit", "A", long_zh, [long_en], children=[ChartNode("unit", "B", long_en)])],
    )
    drawing = lay_out(chart)
    assert check(drawing, "units") == []
    a = drawing.box("unit:A")
    lines = [t.content for t in a.texts if t.bold]
    assert len(lines) >= 2 and "".join(lines).replace("…", "") in long_zh
    b = drawing.box("unit:B")
    words = " ".join(t.content for t in b.texts if t.bold)
    assert words.startswith("Regional Marketing")  # broken at spaces, not inside words


def test_the_width_table_is_never_narrower_than_the_real_font():
    """The PDF's and PNG's font (Noto Sans CJK) draws no wider than the layout assumed."""
    from PIL import ImageFont

    from orgchart.fonts import NoChineseFont, find

    try:
        font = find()
    except NoChineseFont as error:
        pytest.skip(str(error))
    samples = [
        "售后服务部经理",
        "財務部部長（業務指導）",
        "Regional Marketing Manager",
        "WWW MMM 100% @@",
        "iiii llll ,,,, ....",
        "Headcount 26 · filled 4 · vacant 22",
        "编制 26 · 在岗 4 · 空缺 22",
    ]
    for bold, size in ((True, 13), (False, 11)):
        path, index = (
            (font.bold_path, font.bold_index)
            if bold and font.bold_path
            else (font.path, font.index)
        )
        real = ImageFont.truetype(path, size * 4, index=index)
        for sample in samples:
            measured = real.getlength(sample) / 4
            assert measured <= textmod.width(sample, size), (sample, measured)


def test_a_flat_list_of_many_top_units_stacks_instead_of_one_endless_row():
    chart = Chart("units", [ChartNode("unit", f"T{i}", f"独立单位{i}") for i in range(500)])
    drawing = lay_out(chart)
    assert check(drawing, "units") == []
    assert drawing.width < 20000  # not 500 boxes side by side (100,000 px)


def test_a_reporting_chain_thousands_deep_is_drawn_without_recursion(client, employee):
    unit = shapes.units([("ONE", "单一部门", None)])["ONE"]
    boss = None
    for i in range(1500):
        boss = Position.objects.create(
            code=f"CH{i}", title=f"岗位{i}", department=unit, reports_to=boss
        )
    chart = full("reporting", vacancies=False)
    assert chart.roots == []  # nobody holds any of them: nothing filled to show
    drawing = lay_out(full("reporting"))
    assert len(drawing.boxes) == 1500
    client.force_login(employee)
    response = client.get("/chart/", {"kind": "reporting", "vacancies": "0", "depth": "50"})
    assert response.status_code == 200
