"""The organisation read whole: the unit tree, the chart and headcount, in a fixed number of queries."""

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from rest_framework import exceptions

from departments.models import Department
from orgchart.data import snapshot
from positions.models import Assignment, Position

MAX_DEPTH = 50


def depth(request):
    raw = request.query_params.get("depth")
    if raw is None:
        return MAX_DEPTH
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DEPTH:
        raise exceptions.ValidationError({"depth": [_("A whole number from 1 to 50.")]})
    return int(raw)


def _subtree_of(code):
    if code is None:
        return None
    unit = Department.objects.filter(code=code).first()
    if unit is None:
        raise exceptions.NotFound(_("No unit with this code."))
    return unit


def unit_tree(top, levels):
    """Nested dicts of ``top``'s subtree (or of every tree): one query, capped in size."""
    units = Department.objects.order_by("tree_id", "lft")
    if top is not None:
        units = top.subtree().order_by("tree_id", "lft")
        units = units.filter(level__lte=top.level + levels)
    else:
        units = units.filter(level__lt=levels + 1)
    rows = units.values_list("pk", "parent_id", "code", "name", "kind", "order", "is_active")
    rows = list(rows[: settings.API_TREE_MAX_UNITS + 1])
    if len(rows) > settings.API_TREE_MAX_UNITS:
        raise exceptions.ValidationError(
            {"depth": [_("Too many units for one answer: ask for a subtree or fewer levels.")]}
        )
    nodes, roots = {}, []
    for pk, parent, code, name, kind, order, active in rows:
        node = {
            "code": code,
            "name": name,
            "kind": kind,
            "order": order,
            "is_active": active,
            "children": [],
        }
        nodes[pk] = node
        (nodes[parent]["children"] if parent in nodes else roots).append(node)
    return roots


def _in(unit, units):
    """The pks of ``units`` (snapshot units) in ``unit``'s subtree, or all."""
    if unit is None:
        return list(units)
    keep, inside = [], {unit.pk}
    for pk, item in units.items():  # tree order: a parent comes before its children
        if pk in inside or item.parent in inside:
            inside.add(pk)
            keep.append(pk)
    return keep


def chart(under=None):
    """Every active unit with its head, positions and staffing (with sub-units); dotted lines."""
    unit = _subtree_of(under)
    snap = snapshot()
    keep = _in(unit, snap.units)
    units = []
    for pk in keep:
        item = snap.units[pk]
        parent = snap.units.get(item.parent)
        head = item.head
        units.append(
            {
                "code": item.code,
                "name": item.name,
                "parent": parent.code if parent else None,
                "head": None
                if head is None
                else {
                    "code": head.code,
                    "title": head.title,
                    "holders": [name for _number, name, _photo in head.holders],
                },
                "positions": item.position_count,
                "headcount": item.headcount,
                "holders": item.holders,
            }
        )
    inside = {post.pk for pk in keep for post in snap.units[pk].positions}
    dotted = [
        {"source": snap.posts[a].code, "to": snap.posts[b].code, "label": label}
        for a, b, label in snap.dotted
        if a in inside or b in inside
    ]
    return {"units": units, "dotted_lines": dotted}


def headcount(under=None):
    """Planned, filled and vacant per unit, own and with sub-units: three queries."""
    unit = _subtree_of(under)
    units = unit.subtree() if unit is not None else Department.objects.all()
    rows = list(units.order_by("tree_id", "lft").values_list("pk", "code", "name", "parent_id"))
    positions = Position.objects.in_subtree(unit) if unit is not None else Position.objects
    held = Assignment.objects.current()
    if unit is not None:
        held = held.filter(position__in=positions.values("pk"))
    planned = dict(
        positions.order_by()
        .values("department")
        .annotate(n=Sum("headcount"))
        .values_list("department", "n")
    )
    filled = dict(
        held.order_by()
        .values("position__department")
        .annotate(n=Count("pk"))
        .values_list("position__department", "n")
    )
    codes = {pk: code for pk, code, _name, _parent in rows}
    out = {}
    for pk, code, name, parent in rows:
        own_planned, own_filled = planned.get(pk) or 0, filled.get(pk, 0)
        out[pk] = {
            "code": code,
            "name": name,
            "parent": codes.get(parent),
            "planned": own_planned,
            "filled": own_filled,
            "vacant": max(own_planned - own_filled, 0),
            "total_planned": own_planned,
            "total_filled": own_filled,
            "_parent": parent,
        }
    for row in reversed(list(out.values())):  # children after their parent: add upwards
        above = out.get(row["_parent"])
        if above is not None:
            above["total_planned"] += row["total_planned"]
            above["total_filled"] += row["total_filled"]
    for row in out.values():
        del row["_parent"]
        row["total_vacant"] = max(row["total_planned"] - row["total_filled"], 0)
    return list(out.values())
