from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render

from departments.models import Department
from kpis.models import Form, Kpi
from orgduties.numbering import number_items
from positions.models import Assignment, DottedLine, Position

# Levels rendered at once; deeper sub-units are fetched when opened.
CHART_DEPTH = 2


def _chart_units(root=None):
    """Departments of the chart, with positions and dotted lines attached.

    Three queries whatever the size of the organisation: the units down to
    CHART_DEPTH levels, their positions with staffing, their dotted lines.
    """
    units = Department.objects.active()
    if root is None:
        units = units.filter(level__lt=CHART_DEPTH)
    else:
        units = units.filter(
            tree_id=root.tree_id,
            lft__gte=root.lft,
            rght__lte=root.rght,
            level__lt=root.level + CHART_DEPTH,
        )
    units = list(units.order_by("tree_id", "lft"))
    positions = list(
        Position.objects.filter(department__in=units)
        .with_staffing()
        .order_by("department_id", "-is_head", "code")
    )
    lines = DottedLine.objects.filter(
        Q(from_position__in=positions) | Q(to_position__in=positions)
    ).select_related("from_position", "to_position")
    by_position = {p.pk: p for p in positions}
    for position in positions:
        position.dotted_out, position.dotted_in = [], []
    for line in lines:
        if line.from_position_id in by_position:
            by_position[line.from_position_id].dotted_out.append(line)
        if line.to_position_id in by_position:
            by_position[line.to_position_id].dotted_in.append(line)
    by_unit = {u.pk: u for u in units}
    for unit in units:
        unit.chart_positions = []
        unit.has_more = unit.rght - unit.lft > 1 and unit.level == (
            (root.level if root else 0) + CHART_DEPTH - 1
        )
    for position in positions:
        by_unit[position.department_id].chart_positions.append(position)
    return _cached_trees(units)


def _cached_trees(units):
    """Attach children to each unit in memory; return the top nodes."""
    by_pk = {u.pk: u for u in units}
    tops = []
    for unit in units:
        unit.chart_children = []
    for unit in units:
        parent = by_pk.get(unit.parent_id)
        if parent is None:
            tops.append(unit)
        else:
            parent.chart_children.append(unit)
    return tops


def chart(request):
    root = None
    if code := request.GET.get("root"):
        root = get_object_or_404(Department, code=code[:40])
    return render(
        request,
        "departments/chart.html",
        {
            "nav": "chart",
            "root": root,
            "root_path": root.get_ancestors() if root else [],
            "units": _chart_units(root),
        },
    )


def subtree(request, code):
    """The chart below one unit, as an HTML fragment for the chart's script."""
    root = get_object_or_404(Department, code=code)
    tops = _chart_units(root)
    children = tops[0].chart_children if tops else []
    return render(request, "departments/_chart_children.html", {"units": children})


def department_detail(request, code):
    department = get_object_or_404(Department, code=code)
    functions = list(
        department.functions.order_by("order", "id").prefetch_related(
            Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"))
        )
    )
    current = Assignment.objects.current().select_related("employee")
    positions = list(
        department.positions.with_staffing()
        .select_related("reports_to")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="holders"))
        .order_by("-is_head", "code")
    )
    kpis = (
        Kpi.objects.filter(
            Q(duty__position__department=department)
            | Q(position__department=department)
            | Q(function__department=department)
        )
        .select_related("duty__position", "position", "function")
        .order_by("duty__position__code", "duty__order", "order", "id")
    )
    forms = (
        Form.objects.filter(Q(department=department) | Q(duties__position__department=department))
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "departments/detail.html",
        {
            "nav": "chart",
            "department": department,
            "path": department.get_ancestors(),
            "children": department.get_children().active().with_position_counts(),
            "sections": number_items(functions),
            "positions": positions,
            "head": next((p for p in positions if p.is_head), None),
            "kpis": kpis,
            "forms": forms,
        },
    )
