"""Drawings built by hand, for the chart renderers' tests and benchmark (no layout, no Django).

- ``sample(photo_path)``: three levels with simplified, traditional and English
  labels, a head, a vacant (dashed) position, a highlighted one, a holder with
  a photo, a toggle, and a dotted line labelled 业务指导.
- ``large(columns, depth)``: a root over ``columns`` columns of ``depth``
  boxes each, connected as a compact tree: ``large(300, 7)`` is 2,101 boxes
  60,000 px wide; ``large(40, 50)`` is 2,001 boxes 8,000 px wide and 4,000 tall.
"""

from orgchart.drawing import (
    COLOURS,
    DETAIL_SIZE,
    DOTTED,
    PERSON,
    POSITION,
    SOLID,
    TITLE_SIZE,
    UNIT,
    Box,
    Drawing,
    Line,
    Photo,
    Text,
)

BOX_W, BOX_H = 168, 58
LINE_STEP = DETAIL_SIZE * 1.35


def _box(key, kind, x, y, title, details=(), w=BOX_W, h=BOX_H, palette="position", **extra):
    """A box whose title and detail lines are centred, as the layout places them."""
    top = y + (h - TITLE_SIZE * 1.35 - LINE_STEP * len(details)) / 2
    baseline = top + TITLE_SIZE * 1.05
    texts = [Text(x + w / 2, baseline, title, size=TITLE_SIZE, bold=True)]
    for detail in details:
        baseline += LINE_STEP
        texts.append(Text(x + w / 2, baseline, detail, size=DETAIL_SIZE, colour=COLOURS["muted"]))
    return Box(
        key=key,
        kind=kind,
        code=key.split(":", 1)[1],
        x=x,
        y=y,
        w=w,
        h=h,
        texts=texts,
        label=title,
        fill=COLOURS[f"{palette}_fill"],
        stroke=COLOURS[f"{palette}_stroke"],
        **extra,
    )


def _elbow(parent, child):
    """Parent's bottom middle, down to half the gap, across, down to the child's top middle."""
    x0, y0 = parent.x + parent.w / 2, parent.y + parent.h
    x1, y1 = child.x + child.w / 2, child.y
    middle = (y0 + y1) / 2
    return Line(parent.code, child.code, SOLID, [(x0, y0), (x0, middle), (x1, middle), (x1, y1)])


SAMPLE_LABELS = [
    "星河集团有限公司",
    "Xinghe Group Co., Ltd.",
    "财务部",
    "人力資源部",
    "研发中心",
    "R&D Centre",
    "财务经理",
    "會計主管",
    "出纳",
    "招聘專員",
    "张伟",
    "软件工程师",
    "Software Engineer",
    "业务指导",
]


def sample(photo_path=None, title="星河集团 组织架构图"):
    margin = 24
    root = _box(
        "unit:G01",
        UNIT,
        296,
        margin,
        "星河集团有限公司",
        ["Xinghe Group Co., Ltd."],
        w=200,
        palette="unit",
        children=9,
    )
    units = [
        _box("unit:F01", UNIT, 24, 132, "财务部", ["Finance · 编制 6"], palette="unit"),
        _box("unit:H01", UNIT, 312, 132, "人力資源部", ["人員 4 · 編制 5"], palette="unit"),
        _box(
            "unit:R01",
            UNIT,
            600,
            132,
            "研发中心",
            ["R&D Centre"],
            palette="unit",
            children=30,
            hidden=12,
            toggle_at=(600 + BOX_W / 2, 132 + BOX_H + 12),
        ),
    ]
    positions = [
        _box("position:F01-01", POSITION, 24, 250, "财务经理", ["部门负责人"], palette="head"),
        _box("position:F01-02", POSITION, 24, 330, "會計主管", ["編制 2 · 在崗 2"]),
        _box(
            "position:F01-03",
            POSITION,
            24,
            410,
            "出纳",
            ["空缺 Vacant"],
            palette="vacant",
            dashed=True,
        ),
        _box("position:H01-01", POSITION, 312, 250, "招聘專員", ["Recruiter"], highlight=True),
        _box(
            "person:E1024@H01-02",
            PERSON,
            312,
            330,
            "张伟",
            ["E1024 · 培训主管"],
            h=70,
            palette="person",
        ),
        _box(
            "position:R01-01",
            POSITION,
            600,
            280,
            "软件工程师",
            ["Software Engineer"],
        ),
    ]
    person = positions[4]
    # The photo on the left, the texts centred in what is left of the box.
    person.photo = Photo(person.x + 8, person.y + 11, 48, "E1024", path=photo_path)
    for text in person.texts:
        text.x = person.x + 60 + (person.w - 64) / 2
    lines = [_elbow(root, unit) for unit in units]
    for unit in units:
        stack = [p for p in positions if p.x == unit.x]
        for upper, lower in zip([unit, *stack], stack, strict=False):
            x = unit.x + 12
            lines.append(Line(unit.code, lower.code, SOLID, [(x, upper.y + upper.h), (x, lower.y)]))
    # Finance guides R&D's engineer: a dotted line above the boxes, with its label.
    finance, engineer = units[0], positions[5]
    y = 118
    lines.append(
        Line(
            finance.code,
            engineer.code,
            DOTTED,
            [
                (finance.x + finance.w - 20, finance.y),
                (finance.x + finance.w - 20, y),
                (560, y),
                (560, engineer.y + engineer.h / 2),
                (engineer.x, engineer.y + engineer.h / 2),
            ],
            label="业务指导",
            label_at=(560, 250),
        )
    )
    boxes = [root, *units, *positions]
    width = max(b.x + b.w for b in boxes) + margin
    height = max(b.y + b.h for b in boxes) + margin
    return Drawing(width, height, boxes, lines, title=title, kind="units")


def large(columns=300, depth=7, title="大型组织 Large organisation"):
    """A root over ``columns`` columns of ``depth`` stacked boxes (1 + columns * depth boxes)."""
    margin, gap_x, gap_y, top = 24, 32, 22, 130
    width = margin * 2 + columns * (BOX_W + gap_x) - gap_x
    root = _box("unit:ROOT", UNIT, width / 2 - 100, margin, "总部", ["Headquarters"], w=200)
    boxes, lines = [root], []
    bus = (root.y + root.h + top) / 2
    lines.append(
        Line(
            "ROOT",
            "*",
            SOLID,
            [
                (root.x + root.w / 2, root.y + root.h),
                (root.x + root.w / 2, bus),
            ],
        )
    )
    number = 0
    for column in range(columns):
        x = margin + column * (BOX_W + gap_x)
        lines.append(
            Line("ROOT", f"C{column}", SOLID, [(x + BOX_W / 2, bus), (x + BOX_W / 2, top)])
        )
        for level in range(depth):
            number += 1
            y = top + level * (BOX_H + gap_y)
            vacant = number % 11 == 0
            box = _box(
                f"position:P{number:05d}",
                POSITION,
                x,
                y,
                f"岗位 {number:04d} 財務專員" if number % 2 else f"岗位 {number:04d} 财务专员",
                [f"P{number:05d} · 编制 {number % 5 + 1}"],
                palette="vacant" if vacant else ("head" if level == 0 else "position"),
                dashed=vacant,
            )
            boxes.append(box)
            if level:
                lines.append(
                    Line(f"C{column}", box.code, SOLID, [(x + 12, y - gap_y), (x + 12, y)])
                )
    lines.append(
        Line(
            "ROOT",
            "*",
            SOLID,
            [
                (margin + BOX_W / 2, bus),
                (margin + (columns - 1) * (BOX_W + gap_x) + BOX_W / 2, bus),
            ],
        )
    )
    height = top + depth * (BOX_H + gap_y) - gap_y + margin
    return Drawing(width, height, boxes, lines, title=title, kind="positions")
