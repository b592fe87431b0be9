"""Organisations of different shapes, written fast (bulk), for the chart's tests.

Each returns nothing; the rows are in the database. Units get one head
position each unless said otherwise.
"""

from bench.orgshapes.random_tree import random_org, units
from positions.models import Position

__all__ = ["chain", "random_org", "wide"]


_units = units


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
