"""The organisation chart and a department's page."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from browse.versions import ReaderRole, department_sections
from core.numbering import number_items
from departments.models import Department
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Position
from storage.fragments import cached
from storage.generation import current as content_generation
from storage.permissions import load_permissions

# The chart renders as many levels as fit this many units (at least one level
# below the root); deeper sub-units are fetched when opened.
CHART_UNIT_BUDGET = 100
CHART_MAX_DEPTH = 4
# A department page's budgets.
POSITIONS_PER_PAGE = 50
UNITS_PER_PAGE = 100
KPIS_SHOWN = 50
FORMS_SHOWN = 50


def _chart_depth(units, base_level, minimum):
    """How many levels to render: all that fit the budget, at least ``minimum``."""
    per_level = dict(units.values_list("level").annotate(n=Count("pk")).order_by())
    depth, total = 0, 0
    while depth < CHART_MAX_DEPTH and base_level + depth in per_level:
        total += per_level[base_level + depth]
        if depth >= minimum and total > CHART_UNIT_BUDGET:
            break
        depth += 1
    return max(depth, minimum)


def _chart_units(root=None):
    """Departments of the chart, with positions and dotted lines attached.

    Four queries whatever the size of the organisation: units per level, the
    units to render, their positions with staffing, their dotted lines.
    """
    units = (root.subtree() if root is not None else Department.objects).active()
    base_level = root.level if root else 0
    depth = _chart_depth(units, base_level, minimum=2 if root else 1)
    last_level = base_level + depth - 1
    units = list(units.filter(level__lte=last_level).order_by("tree_id", "lft"))
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
        unit.has_more = unit.rght - unit.lft > 1 and unit.level == last_level
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


def _function_sections(department):
    functions = department.functions.order_by("order", "id").prefetch_related(
        Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"))
    )
    return number_items(list(functions))


def _page(queryset, number, per_page):
    """One page of ``queryset``: a count and a slice, whatever the size of the unit."""
    return Paginator(queryset, per_page).get_page(number)


def _department_body(code, role, numbers):
    """(title, rendered body) of a department page; raises 404 for an unknown code.

    Every list has a budget: positions and sub-units are paged (``numbers``:
    the page of each); KPIs and forms are those of the unit's functions and of
    the page's positions, the first of them shown with a link to the lists
    that hold them all. A unit of 2,000 positions rendered 2,000 rows and its
    5,000 KPIs (1.4 s, 2.3 MB).
    """
    department = get_object_or_404(
        Department.objects.select_related("document__current_revision"), code=code
    )
    # Functions as last approved, or the live rows (see browse.versions).
    sections, doc = department_sections(role, department, lambda: _function_sections(department))
    current = Assignment.objects.current().select_related("employee")
    positions = _page(
        department.positions.with_holder_counts()
        .select_related("reports_to")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="holders"))
        .order_by("-is_head", "code"),
        numbers["page"],
        POSITIONS_PER_PAGE,
    )
    # Own positions and the number of units below, which the tree gives for
    # free: a subtree's positions would be counted over the whole organisation
    # on the root's page.
    children = _page(
        department.get_children().active().with_own_position_counts(),
        numbers["units"],
        UNITS_PER_PAGE,
    )
    # KPIs and forms of the unit's functions and of this page's positions.
    shown = [p.pk for p in positions.object_list]
    kpis = _first_kpis(department, shown)
    # The ids first (a union of index look-ups), then the first forms by name.
    form_ids = list(Form.objects.ids_for_department(department, shown))
    forms = Form.objects.filter(pk__in=form_ids).order_by("name", "code")[:FORMS_SHOWN]
    body = render_to_string(
        "departments/_detail_body.html",
        {
            "can_edit": role.editor,
            "department": department,
            "path": department.get_ancestors(),
            "children": children,
            "sections": sections,
            "doc": doc,
            "positions": positions,
            "head": _head(department, positions),
            "kpis": kpis[0],
            "kpi_count": kpis[1],
            "paged": positions.paginator.num_pages > 1,
            "forms": forms,
            "form_count": len(form_ids),
        },
    )
    return department.name, str(body)


def _first_kpis(department, positions):
    """(the first KPIS_SHOWN KPIs of the unit's functions and of these positions, how many).

    Two queries: where each KPI sits, as small tuples (Kpi.owners) sorted here
    by position, duty and order; then the rows shown. Only the positions of
    the page: a unit of 2,000 positions has 5,000 KPIs, which sorted joined
    to their owners cost 190 ms (and counting them 80 ms).
    """
    owners = list(
        Kpi.objects.owners(
            Q(duty__position__in=positions),
            Q(position__in=positions),
            Q(function__department=department),
        )
    )
    # (pk, department, position code, title, duty order, order): by position,
    # a function's KPIs first, a position's own after its duties'.
    owners.sort(key=lambda o: (o[2] is not None, o[2] or "", o[4] is None, o[4] or 0, o[5], o[0]))
    shown = [o[0] for o in owners[:KPIS_SHOWN]]
    rows = Kpi.objects.select_related("duty__position", "position", "function").in_bulk(shown)
    return [rows[pk] for pk in shown], len(owners)


def _head(department, positions):
    """The head: on the first page of positions (heads come first), else looked up."""
    if positions.number == 1:
        return next((p for p in positions.object_list if p.is_head), None)
    return department.positions.filter(is_head=True).order_by("code").first()


def _number(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def department_detail(request, code):
    # The generation is read first, before the permissions and the data
    # (storage.fragments): the cached body is never older than its key.
    generation = content_generation()
    load_permissions(request.user, generation)
    role = ReaderRole.of(request)
    numbers = {"page": _number(request, "page"), "units": _number(request, "units")}
    title, body = cached(
        "department-page",
        [code, role.cache_part, numbers["page"], numbers["units"]],
        generation,
        lambda: _department_body(code, role, numbers),
    )
    # render_to_string escaped the body; the cache holds that same string.
    return render(
        request,
        "departments/detail.html",
        {"nav": "chart", "title": title, "body": mark_safe(body)},  # noqa: S308
    )
