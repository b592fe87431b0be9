"""A random organisation for the chart: units in a random tree, positions that
report to positions in other units, dotted lines, one holder for every other
position. Written with bulk_create; deterministic for a seed. Needs Django
set up before it is imported (tests, bench.chart).
"""

import random

from departments.models import Department
from positions.models import Assignment, DottedLine, Employee, Position


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
