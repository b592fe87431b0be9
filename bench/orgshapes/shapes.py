"""Organisations of several shapes, written straight into the tables with bulk_create.

One generator for the benchmarks (bench.generate_org, bench.page_shapes) and
the tests (tests/factories.py): ``build(shape, positions, duties, seed)``
writes one of ``SHAPES`` at the size asked for and returns its ``Picks``, the
pages that are the worst case on that shape (the department with 2,000
positions, the position with 10,000 direct reports, the word in 100,000
duties). The same arguments give the same organisation, row for row.

The shapes, each at ``positions`` positions and ``duties`` duties (20,000 and
200,000 in the benchmarks; where a shape's feature has a size of its own it
grows with ``positions`` up to the figure of issue 13):

- ``balanced``: a complete tree of units, six sub-units each, ten positions a unit;
- ``chain``: units nested 30 levels deep, heads reporting up the chain;
- ``wide``: a unit with 300 sub-units, and one unit with 2,000 positions;
- ``random``: a random recursive tree whose positions report across units;
- ``one-boss``: 10,000 positions reporting to one position;
- ``long-duties``: a tenth of the positions have duties of 2,000 characters;
- ``common-word``: one word (协同推进) in 100,000 duties;
- ``forms-kpis``: 5,000 forms and 50,000 KPIs, a fifth of the forms and of
  the KPIs in one department, one form used by 2,000 duties.

Every shape has functions, duties with process steps, forms linked to
duties, KPIs, dotted lines and a holder for most positions. The skeletons
``units``, ``chain``, ``wide`` and ``random_org`` (units and positions only)
are the chart tests' organisations, kept as they were. ``classic`` is
bench.generate_org's organisation of the earlier figures in bench/RESULTS.md,
row for row. Rows go in without history (this is test data) and the tree is
computed once. Needs Django set up before it is imported.
"""

import random
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Count

from core.roles import EMPLOYEES
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position

BATCH = 5000

WORDS = [
    "销售",
    "市场",
    "客户",
    "服务",
    "财务",
    "预算",
    "招聘",
    "培训",
    "绩效",
    "薪酬",
    "采购",
    "供应商",
    "生产",
    "计划",
    "质量",
    "安全",
    "技术",
    "研发",
    "合同",
    "档案",
    "行政",
    "后勤",
    "车辆",
    "信息",
    "网络",
    "设备",
    "库存",
    "物流",
    "报表",
    "审核",
]
VERBS = ["负责", "组织", "协助", "参与", "监督", "制定", "审核", "管理", "跟踪", "编制"]
UNITS = ["部", "中心", "科", "组", "办事处"]
TITLES = ["经理", "主管", "专员", "助理", "工程师", "会计", "文员"]
# The common-word shape's phrase: in no other text of any shape.
COMMON = "协同推进"


def phrase(rng, n=3):
    return "".join(rng.choice(WORDS) for _ in range(n))


def batched(model, rows, size=BATCH):
    """bulk_create in batches; the created rows, with their primary keys."""
    made = []
    for start in range(0, len(rows), size):
        made += model.objects.bulk_create(rows[start : start + size], batch_size=size)
    return made


@dataclass
class Picks:
    """What to time on a shape: the worst case of each page there (codes and queries)."""

    shape: str
    department: str  # the department page with the most on it
    subtree: str  # the unit whose chart subtree is the largest
    position: str  # the position page with the most on it
    form: str  # the form used by the most duties
    searches: dict = field(default_factory=dict)  # label -> query


SEARCHES = {
    "search 1 char": "销",
    "search 2 chars": "采购",
    "search 4 chars": "采购计划",
    "search common word": "负责",
    "search traditional": "銷售",
}


# ---------------------------------------------------------------- skeletons
# Units and positions only, as the chart's tests and bench.chart build them.


def units(rows):
    """Create units from (code, name, parent code) rows, parents first; rebuild the tree."""
    made = Department.objects.bulk_create(
        [
            Department(code=code, name=name, lft=0, rght=0, tree_id=0, level=0, order=i)
            for i, (code, name, _parent) in enumerate(rows)
        ],
        batch_size=2000,
    )
    by_code = {d.code: d for d in made}
    for dept, (_code, _name, parent) in zip(made, rows, strict=True):
        dept.parent_id = by_code[parent].pk if parent else None
    Department.objects.bulk_update(made, ["parent"], batch_size=2000)
    Department.objects.rebuild()
    return {d.code: d for d in Department.objects.all()}


def _heads(units, reports_up=True):
    """One head position per unit (H-<code>), each reporting to the head of the unit above."""
    heads = Position.objects.bulk_create(
        [
            Position(code=f"H-{code}", title=f"{unit.name}负责人", department=unit, is_head=True)
            for code, unit in units.items()
        ],
        batch_size=2000,
    )
    if reports_up:
        by_unit = {p.department_id: p for p in heads}
        by_pk = {u.pk: u for u in units.values()}
        for p in heads:
            p.reports_to = by_unit.get(by_pk[p.department_id].parent_id)
        Position.objects.bulk_update(heads, ["reports_to"], batch_size=2000)
    return heads


def chain(depth=30):
    """Units nested ``depth`` deep (L0…), each head reporting to the one above."""
    rows = [
        (f"L{i}", f"第{i}层级管理部门" if i % 2 else f"Level {i} unit", f"L{i - 1}" if i else None)
        for i in range(depth)
    ]
    _heads(units(rows))


def wide(sub_units=300, positions=500):
    """A company with one unit of ``sub_units`` sub-units and one of ``positions`` positions."""
    rows = [
        ("CO", "宽幅集团有限公司", None),
        ("WIDE", "区域事业部", "CO"),
        ("BIG", "共享服务中心", "CO"),
    ]
    rows += [(f"W{i}", f"城市分公司{i}", "WIDE") for i in range(sub_units)]
    made = units(rows)
    heads = {p.department_id: p for p in _heads(made)}
    boss = heads[made["BIG"].pk]
    Position.objects.bulk_create(
        [
            Position(
                code=f"B{i}",
                title=f"共享服务专员（{i}）" if i % 3 else f"Shared services specialist {i}",
                department=made["BIG"],
                reports_to=boss,
                headcount=1 + i % 3,
            )
            for i in range(positions)
        ],
        batch_size=2000,
    )


def random_org(n_units=2000, per_unit=3, seed=7, dotted=200):
    """A random tree of units whose positions report to positions in other units."""
    rng = random.Random(seed)
    rows = [("R0", "随机集团", None)]
    for i in range(1, n_units):
        parent = rng.randrange(0, i)
        rows.append(
            (
                f"R{i}",
                f"{rng.choice(['华东', '华南', 'North', '研发', '财务'])}部门{i}",
                f"R{parent}",
            )
        )
    made_units = units(rows)
    order = [made_units[code] for code, _n, _p in rows]
    positions = []
    for index, unit in enumerate(order):
        for k in range(per_unit):
            positions.append(
                Position(
                    code=f"RP{index}-{k}",
                    title=["经理", "主管", "专员", "Engineer"][k % 4] + f"{index}",
                    department=unit,
                    is_head=k == 0,
                    headcount=1 + (index + k) % 2,
                )
            )
    made = Position.objects.bulk_create(positions, batch_size=2000)
    # Each position reports to an earlier one anywhere in the organisation:
    # across units, never in a cycle.
    for i, post in enumerate(made[1:], start=1):
        post.reports_to = made[rng.randrange(0, i)]
    Position.objects.bulk_update(made, ["reports_to"], batch_size=2000)
    lines = {(rng.randrange(len(made)), rng.randrange(len(made))) for _ in range(dotted)}
    DottedLine.objects.bulk_create(
        [
            DottedLine(from_position=made[a], to_position=made[b], label="业务指导")
            for a, b in lines
            if a != b
        ],
        batch_size=2000,
    )
    people = Employee.objects.bulk_create(
        [Employee(employee_no=f"E{i}", name=f"员工{i}") for i in range(0, len(made), 2)],
        batch_size=2000,
    )
    Assignment.objects.bulk_create(
        [Assignment(employee=e, position=made[i * 2]) for i, e in enumerate(people)],
        batch_size=2000,
    )


# ---------------------------------------------------------------- content


def _members(units_, count, rng, prefix="M"):
    """``count`` positions spread evenly over ``units_``, each reporting to its unit's head."""
    heads = dict(
        Position.objects.filter(department__in=units_, is_head=True).values_list(
            "department_id", "pk"
        )
    )
    rows = [
        Position(
            code=f"{prefix}{k}",
            title=f"{phrase(rng, 1)}{rng.choice(TITLES)}",
            department=unit,
            reports_to_id=heads.get(unit.pk),
            headcount=1 + k % 3,
            summary=f"负责{phrase(rng)}相关工作",
        )
        for k in range(count)
        for unit in [units_[k % len(units_)]]
    ]
    return batched(Position, rows)


def _duty_text(rng, index, position_index):
    return f"{rng.choice(VERBS)}{phrase(rng, 4)}，确保{phrase(rng)}按时完成"


def _fill(
    rng,
    *,
    duties,
    kpis,
    forms,
    duty_text=_duty_text,
    hub=None,
    popular=0,
    holders=True,
    dotted=True,
):
    """Functions, forms, duties, form links, KPIs, dotted lines and holders for the organisation.

    Duties go to the positions in turn (a position's duties are ``index % n``
    apart), every fourth duty uses a form. ``hub``: a unit that owns a fifth of
    the forms and whose duties bear a fifth of the KPIs. ``popular``: how many
    duties use form F0.
    """
    unit_ids = list(Department.objects.order_by("tree_id", "lft").values_list("pk", flat=True))
    post_ids = list(Position.objects.order_by("pk").values_list("pk", flat=True))
    functions = [
        DepartmentFunction(department_id=u, text=f"{rng.choice(VERBS)}{phrase(rng)}工作", order=i)
        for u in unit_ids
        for i in range(1, 4)
    ]
    batched(DepartmentFunction, functions)

    owners = [
        hub.pk if hub is not None and i % 5 == 1 else rng.choice(unit_ids) for i in range(forms)
    ]
    made = batched(
        Form,
        [
            Form(code=f"F{i}", name=f"{phrase(rng, 2)}表{i}", department_id=owner)
            for i, owner in enumerate(owners)
        ],
    )
    form_ids = [f.pk for f in made]

    n = len(post_ids)
    rows = []
    for i in range(duties):
        rows.append(
            Duty(
                position_id=post_ids[i % n],
                kind="authority" if i % 10 == 9 else "duty",
                text=duty_text(rng, i, i % n),
                process_steps="\n".join(phrase(rng, 2) for _ in range(rng.randint(0, 3))),
                order=i // n + 1,
            )
        )
    duty_ids = [d.pk for d in batched(Duty, rows)]
    if form_ids:
        links = {(duty_ids[i], rng.choice(form_ids)) for i in range(0, duties, 4)}
        links |= {(duty_ids[i], form_ids[0]) for i in range(min(popular, duties))}
        through = Duty.forms.through
        batched(through, [through(duty_id=d, form_id=f) for d, f in sorted(links)])

    hub_duties = []
    if hub is not None:
        hub_duties = list(
            Duty.objects.filter(position__department=hub)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    rows = []
    for i in range(kpis):
        if hub_duties and i % 5 == 1:
            duty_id = hub_duties[(i // 5) % len(hub_duties)]
        else:
            duty_id = duty_ids[(i * 4) % len(duty_ids)]
        target = rng.choice([80, 90, 95, 98, 100])
        rows.append(
            Kpi(
                duty_id=duty_id,
                text=f"{phrase(rng, 2)}率达到{target}%以上",
                metric=f"{phrase(rng, 2)}率",
                comparison="ge",
                target=target,
                unit="%",
                period=rng.choice(["monthly", "quarterly", "yearly"]),
                deadline_month=rng.choice([None, 3, 6, 12]),
                deadline_day=rng.choice([None, 20, 25]),
                order=i // len(duty_ids),
            )
        )
    batched(Kpi, rows)

    if dotted:
        pairs = {(rng.randrange(n), rng.randrange(n)) for _ in range(max(1, n // 20))}
        # Only "down" by index: never a cycle.
        lines = [
            DottedLine(from_position_id=post_ids[a], to_position_id=post_ids[b], label="业务指导")
            for a, b in sorted(pairs)
            if a < b
        ]
        batched(DottedLine, lines)
    if holders:
        # Nine positions in ten are held; the tenth is vacant.
        held = [p for i, p in enumerate(post_ids) if i % 10 != 9]
        people = batched(
            Employee, [Employee(employee_no=f"S{i}", name=f"员工{i}") for i in range(len(held))]
        )
        batched(
            Assignment,
            [
                Assignment(employee=e, position_id=p, is_primary=True)
                for e, p in zip(people, held, strict=True)
            ],
        )


def _tree_units(n_units, fan_out, prefix="B", top="平衡集团"):
    """A complete tree: unit i's parent is unit (i - 1) // fan_out."""
    rng = random.Random(n_units)
    rows = [(f"{prefix}0", top, None)]
    rows += [
        (f"{prefix}{i}", f"{phrase(rng, 1)}{rng.choice(UNITS)}{i}", f"{prefix}{(i - 1) // fan_out}")
        for i in range(1, n_units)
    ]
    made = units(rows)
    _heads(made)
    return [made[code] for code, _n, _p in rows]


def _balanced_skeleton(positions, rng):
    """Ten positions a unit, six sub-units a unit; the units in tree order.

    At least ten units, so that even a small organisation is three levels deep
    (and its reporting lines four): the pages then do at every size all the
    work that depends on depth.
    """
    tree = _tree_units(max(10, positions // 10), fan_out=6)
    _members(tree, positions - len(tree), rng)
    return tree


def _most_positions(units_):
    counts = dict(
        Position.objects.filter(department__in=units_)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return max(units_, key=lambda u: (counts.get(u.pk, 0), u.rght - u.lft, -u.pk))


# ---------------------------------------------------------------- shapes


def balanced(positions, duties, rng):
    _balanced_skeleton(positions, rng)
    _fill(rng, duties=duties, kpis=duties // 10, forms=max(2, positions // 20))


def chain_shape(positions, duties, rng):
    depth = min(30, max(3, positions // 3))
    chain(depth)
    levels = list(Department.objects.order_by("level"))
    _members(levels, positions - depth, rng)
    _fill(rng, duties=duties, kpis=duties // 10, forms=max(2, positions // 20))


def wide_shape(positions, duties, rng):
    sub_units = min(300, max(2, positions // 10))
    big = min(2000, max(2, positions // 3))
    wide(sub_units, big)
    spread = list(Department.objects.filter(code__startswith="W").exclude(code="WIDE"))
    spread.sort(key=lambda u: u.lft)
    rest = positions - big - (sub_units + 3)
    if rest > 0:
        _members(spread, rest, rng)
    _fill(rng, duties=duties, kpis=duties // 10, forms=max(2, positions // 20))


def random_shape(positions, duties, rng):
    n_units = max(3, positions // 10)
    random_org(n_units, per_unit=max(1, positions // n_units), seed=rng.randrange(1 << 30))
    _fill(
        rng,
        duties=duties,
        kpis=duties // 10,
        forms=max(2, positions // 20),
        holders=False,  # random_org holds every other position already
        dotted=False,
    )


def one_boss(positions, duties, rng):
    tree = _balanced_skeleton(positions, rng)
    boss = Position.objects.get(code=f"H-{tree[0].code}")
    reports = min(10000, positions // 2)
    members = Position.objects.filter(is_head=False).order_by("pk").values_list("pk", flat=True)
    Position.objects.filter(pk__in=list(members[:reports])).update(reports_to=boss)
    _fill(rng, duties=duties, kpis=duties // 10, forms=max(2, positions // 20))


def long_duties(positions, duties, rng):
    _balanced_skeleton(positions, rng)
    # Random 2,000-character slices of one long text: cheap to make, no two alike.
    source = "".join(f"{rng.choice(VERBS)}{phrase(rng, 3)}，" for _ in range(4000))
    tenth = max(1, positions // 10)

    def text(rng, index, position_index):
        if position_index < tenth:
            start = rng.randrange(len(source) - 2000)
            return source[start : start + 2000]
        return _duty_text(rng, index, position_index)

    _fill(rng, duties=duties, kpis=duties // 10, forms=max(2, positions // 20), duty_text=text)


def common_word(positions, duties, rng):
    _balanced_skeleton(positions, rng)
    common = min(100000, duties // 2)

    def text(rng, index, position_index):
        if index < 2 * common and index % 2 == 0:
            return f"{rng.choice(VERBS)}{phrase(rng, 2)}{COMMON}{phrase(rng, 2)}"
        return _duty_text(rng, index, position_index)

    _fill(rng, duties=duties, kpis=duties // 10, forms=max(2, positions // 20), duty_text=text)


def forms_kpis(positions, duties, rng):
    tree = _balanced_skeleton(positions, rng)
    hub = tree[1]
    _fill(
        rng,
        duties=duties,
        kpis=min(50000, duties // 4),
        forms=min(5000, max(5, positions // 4)),
        hub=hub,
        popular=min(2000, max(2, duties // 100)),
    )


SHAPES = {
    "balanced": balanced,
    "chain": chain_shape,
    "wide": wide_shape,
    "random": random_shape,
    "one-boss": one_boss,
    "long-duties": long_duties,
    "common-word": common_word,
    "forms-kpis": forms_kpis,
}


def build(shape, positions=20000, duties=None, seed=1):
    """Write the organisation of ``shape`` into empty tables; its Picks.

    ``duties`` defaults to ten a position.
    """
    rng = random.Random(f"{shape}:{seed}")
    SHAPES[shape](positions, 10 * positions if duties is None else duties, rng)
    return picks(shape)


def picks(shape):
    """The worst case of each page on an organisation ``build(shape)`` wrote, read back from it."""
    searches = dict(SEARCHES)
    if shape == "common-word":
        searches |= {"search common word": COMMON[:2], "search common phrase": COMMON}
    # On the shapes grown from the balanced tree, B1 is the first unit below
    # the top: the largest subtree, a full unit.
    found = Picks(shape, "B1", "B1", "H-B1", "F0", searches)
    if shape == "chain":
        levels = list(Department.objects.order_by("level").values_list("code", flat=True))
        # The deepest unit: a breadcrumb 30 long, a head 30 levels below the top.
        found.department, found.subtree, found.position = levels[-1], levels[0], f"H-{levels[-1]}"
    elif shape == "wide":
        found.department, found.subtree, found.position = "BIG", "WIDE", "H-BIG"
    elif shape == "random":
        made = list(Department.objects.all())
        found.department = _most_positions(made).code
        level_one = [u for u in made if u.level == 1] or made
        found.subtree = max(level_one, key=lambda u: (u.rght - u.lft, -u.pk)).code
        # The position with the most direct reports.
        found.position = (
            Position.objects.annotate(n=Count("direct_reports"))
            .order_by("-n", "pk")
            .values_list("code", flat=True)
            .first()
        )
    elif shape in ("one-boss", "long-duties"):
        # The top head: 10,000 direct reports, or ten duties of 2,000 characters.
        found.position = "H-B0"
    return found


def pages(picks):
    """(label, URL) of every employee page, at the shape's worst cases.

    The list bench.page_timings times and tests/test_page_queries_shapes.py counts.
    """
    d, u, p, f = picks.department, picks.subtree, picks.position, picks.form
    name = Department.objects.get(code=d).name
    pages = [
        ("chart", "/chart/"),
        ("chart: positions", "/chart/?kind=positions"),
        ("chart: reporting", "/chart/?kind=reporting"),
        ("chart: from a unit", f"/chart/?root={u}"),
        ("chart: a unit's positions", f"/chart/?kind=positions&root={d}"),
        ("chart: reporting from a position", f"/chart/?kind=reporting&root={p}"),
        ("chart: find a unit", f"/chart/?q={quote(name)}"),
        ("chart: all levels", "/chart/?depth=30"),
        ("chart list", "/chart/list/"),
        ("chart subtree (fragment)", f"/chart/subtree/{u}/"),
        ("position chart", "/chart/positions/"),
        ("position chart from a position", f"/chart/positions/?root={p}"),
        ("department", f"/departments/{d}/"),
        ("position", f"/positions/{p}/"),
        ("position print", f"/positions/{p}/print/"),
        ("job description control", f"/documents/positions/{p}/"),
        ("my position", "/me/"),
        ("forms catalogue", "/forms/"),
        ("forms catalogue, last page", "/forms/?page=last"),
        ("form", f"/forms/{f}/"),
        ("KPIs", "/kpis/"),
        ("KPIs due in December", "/kpis/?month=12"),
        ("KPIs, last page", "/kpis/?page=last"),
    ]
    pages += [(label, f"/search/?q={quote(q)}") for label, q in picks.searches.items()]
    pages.append(("search question", f"/search/?q={quote(name + '的职责是什么')}"))
    return pages


def hold(user, position_code):
    """Make ``user`` the holder of a position and of a second one, so /me/ shows both."""
    employee = Employee.objects.create(
        employee_no=f"U-{user.pk}", name=user.get_username(), user=user
    )
    position = Position.objects.get(code=position_code)
    other = Position.objects.exclude(pk=position.pk).order_by("pk").first()
    Assignment.objects.create(employee=employee, position=position, is_primary=True)
    if other is not None:
        Assignment.objects.create(employee=employee, position=other, is_primary=False)
    return employee


# ---------------------------------------------------------------- classic


def clear():
    """Empty the organisation tables and their history with plain DELETEs.

    QuerySet.delete() would load every row to send delete signals, and
    django-simple-history would write a history row for each: 270,000 of them
    at the default size, and minutes on SQLite.
    """
    models = [Kpi, Assignment, Employee, DottedLine, Duty.forms.through, Duty, Form]
    models += [DepartmentFunction, Position, Department]
    tables = [model._meta.db_table for model in models]
    history = [name for name in connection.introspection.table_names() if "_historical" in name]
    # The history of duty-form links refers to the history of duties: first.
    tables += sorted(history, key=lambda name: not name.endswith("_forms"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE positions_position SET reports_to_id = NULL")
        cursor.execute("UPDATE departments_department SET parent_id = NULL")
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def bench_user():
    """The ``bench`` employee the page benchmarks log in as (password bench-password)."""
    user, _ = User.objects.get_or_create(username="bench")
    user.set_password("bench-password")
    user.save()
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    return user


def classic(args):
    """Write the organisation; the seconds it took.

    ``args`` gives the sizes as attributes (departments, positions, duties,
    kpis, forms) and the seed, as bench.generate_org's command line does (--shape classic).
    """
    rng = random.Random(args.seed)
    started = time.perf_counter()
    # Departments: a few companies, then units spread over up to five levels.
    departments = []
    companies = max(1, args.departments // 500)
    for c in range(companies):
        departments.append(
            Department(
                code=f"C{c}",
                name=f"公司{c}",
                kind="company",
                lft=0,
                rght=0,
                tree_id=0,
                level=0,
                order=c + 1,
            )
        )
    for d in range(args.departments - companies):
        departments.append(
            Department(
                code=f"D{d}",
                name=f"{phrase(rng, 2)}{rng.choice(UNITS)}{d}",
                aliases=f"Unit {d}",
                lft=0,
                rght=0,
                tree_id=0,
                level=0,
                order=d + 1,
            )
        )
    batched(Department, departments)
    departments = list(Department.objects.order_by("pk"))
    for index, dept in enumerate(departments[companies:], start=companies):
        # Parent among the earlier units: a tree of bounded depth and wide fan-out.
        dept.parent_id = departments[rng.randrange(0, min(index, companies + index // 8 + 1))].pk
    Department.objects.bulk_update(departments[companies:], ["parent"], batch_size=5000)
    Department.objects.rebuild()
    dept_ids = [d.pk for d in departments]

    functions = [
        DepartmentFunction(
            department_id=dept_id, text=f"{rng.choice(VERBS)}{phrase(rng)}工作", order=i
        )
        for dept_id in dept_ids
        for i in range(1, 6)
    ]
    batched(DepartmentFunction, functions)

    positions = []
    per_dept = max(1, args.positions // len(dept_ids))
    for i in range(args.positions):
        dept_id = dept_ids[min(i // per_dept, len(dept_ids) - 1)]
        positions.append(
            Position(
                code=f"P{i}",
                title=f"{phrase(rng, 1)}{rng.choice(TITLES)}",
                department_id=dept_id,
                headcount=rng.randint(1, 5),
                is_head=(i % per_dept == 0 and i // per_dept < len(dept_ids)),
                summary=f"负责{phrase(rng)}相关工作",
            )
        )
    batched(Position, positions)
    positions = list(Position.objects.order_by("pk").only("pk", "department_id", "is_head"))
    heads = {p.department_id: p.pk for p in positions if p.is_head}
    parent_of = {d.pk: d.parent_id for d in departments}
    for p in positions:
        if p.is_head:
            p.reports_to_id = heads.get(parent_of.get(p.department_id))
        else:
            p.reports_to_id = heads.get(p.department_id)
    Position.objects.bulk_update(positions, ["reports_to"], batch_size=5000)
    position_ids = [p.pk for p in positions]

    lines = {
        (rng.choice(position_ids), rng.choice(position_ids)) for _ in range(args.positions // 20)
    }
    # Dotted lines only point "down" by id, so they can never form a cycle.
    batched(
        DottedLine,
        [
            DottedLine(from_position_id=a, to_position_id=b, label="业务指导")
            for a, b in lines
            if a < b
        ],
    )

    forms = [
        Form(code=f"F{i}", name=f"{phrase(rng, 2)}表{i}", department_id=rng.choice(dept_ids))
        for i in range(args.forms)
    ]
    batched(Form, forms)
    form_ids = list(Form.objects.values_list("pk", flat=True))

    per_position = max(1, args.duties // len(position_ids))
    duties = []
    for i in range(args.duties):
        position_id = position_ids[min(i // per_position, len(position_ids) - 1)]
        duties.append(
            Duty(
                position_id=position_id,
                kind="authority" if i % 10 == 9 else "duty",
                text=f"{rng.choice(VERBS)}{phrase(rng, 4)}，确保{phrase(rng)}按时完成",
                process_steps="\n".join(phrase(rng, 2) for _ in range(rng.randint(0, 3))),
                order=i % per_position,
            )
        )
    batched(Duty, duties)
    duty_ids = list(Duty.objects.values_list("pk", flat=True))
    links = {(rng.choice(duty_ids), rng.choice(form_ids)) for _ in range(len(duty_ids) // 4)}
    batched(Duty.forms.through, [Duty.forms.through(duty_id=d, form_id=f) for d, f in links])

    kpis = []
    for i in range(args.kpis):
        target = rng.choice([80, 90, 95, 98, 100])
        kpis.append(
            Kpi(
                duty_id=duty_ids[(i * 4) % len(duty_ids)],
                text=f"{phrase(rng, 2)}率达到{target}%以上",
                metric=f"{phrase(rng, 2)}率",
                comparison="ge",
                target=target,
                unit="%",
                period=rng.choice(["monthly", "quarterly", "yearly"]),
                deadline_month=rng.choice([None, 3, 6, 12]),
                deadline_day=rng.choice([None, 20, 25]),
            )
        )
    batched(Kpi, kpis)

    employees = [Employee(employee_no=f"E{i}", name=f"员工{i}") for i in range(args.positions)]
    batched(Employee, employees)
    employee_ids = list(Employee.objects.values_list("pk", flat=True))
    batched(
        Assignment,
        [
            Assignment(employee_id=e, position_id=p, is_primary=True)
            for e, p in zip(employee_ids, position_ids, strict=False)
        ],
    )
    user, _ = User.objects.get_or_create(username="bench")
    user.set_password("bench-password")
    user.save()
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    # The bench user holds a position in the middle and a second one, so /me/ can be timed.
    middle = len(employee_ids) // 2
    Employee.objects.filter(pk=employee_ids[middle]).update(user=user)
    Assignment.objects.create(
        employee_id=employee_ids[middle], position_id=position_ids[0], is_primary=False
    )
    return time.perf_counter() - started
