"""Organisations of different shapes, written fast (bulk), for the chart's tests.

Each returns nothing; the rows are in the database. Units get one head
position each unless said otherwise.
"""

import random

from departments.models import Department
from positions.models import Assignment, DottedLine, Employee, Position


def _units(rows):
    """Create units from (code, name, parent code) rows, parents first; rebuild the tree."""
    made = Department.objects.bulk_create(
        [
            Department(code=code, name=name, lft=0, rght=0, tree_id=0, level=0, order=i)
            for i, (code, name, _parent) in enumerate(rows)
        ]
    )
    by_code = {d.code: d for d in made}
    for dept, (_code, _name, parent) in zip(made, rows, strict=True):
        dept.parent_id = by_code[parent].pk if parent else None
    Department.objects.bulk_update(made, ["parent"])
    Department.objects.rebuild()
    return {d.code: d for d in Department.objects.all()}


def _heads(units, reports_up=True):
    heads = Position.objects.bulk_create(
        [
            Position(code=f"H-{code}", title=f"{unit.name}负责人", department=unit, is_head=True)
            for code, unit in units.items()
        ]
    )
    if reports_up:
        by_unit = {p.department_id: p for p in heads}
        for p in heads:
            parent = units_by_pk(units).get(p.department_id).parent_id
            p.reports_to = by_unit.get(parent)
        Position.objects.bulk_update(heads, ["reports_to"])
    return heads


def units_by_pk(units):
    return {u.pk: u for u in units.values()}


def chain(depth=30):
    """Units nested ``depth`` deep, each head reporting to the one above."""
    rows = [
        (f"L{i}", f"第{i}层级管理部门" if i % 2 else f"Level {i} unit", f"L{i - 1}" if i else None)
        for i in range(depth)
    ]
    _heads(_units(rows))


def wide(sub_units=300, positions=500):
    """A company with one unit of ``sub_units`` sub-units and one of ``positions`` positions."""
    rows = [
        ("CO", "宽幅集团有限公司", None),
        ("WIDE", "区域事业部", "CO"),
        ("BIG", "共享服务中心", "CO"),
    ]
    rows += [(f"W{i}", f"城市分公司{i}", "WIDE") for i in range(sub_units)]
    units = _units(rows)
    heads = {p.department_id: p for p in _heads(units)}
    boss = heads[units["BIG"].pk]
    Position.objects.bulk_create(
        [
            Position(
                code=f"B{i}",
                title=f"共享服务专员（{i}）" if i % 3 else f"Shared services specialist {i}",
                department=units["BIG"],
                reports_to=boss,
                headcount=1 + i % 3,
            )
            for i in range(positions)
        ]
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
    units = _units(rows)
    order = [units[code] for code, _n, _p in rows]
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
    made = Position.objects.bulk_create(positions)
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
        ]
    )
    people = Employee.objects.bulk_create(
        [Employee(employee_no=f"E{i}", name=f"员工{i}") for i in range(0, len(made), 2)]
    )
    Assignment.objects.bulk_create(
        [Assignment(employee=e, position=made[i * 2]) for i, e in enumerate(people)]
    )
