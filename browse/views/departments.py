"""The organisation chart and a department's page."""

from types import SimpleNamespace
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from browse.versions import ReaderRole, department_sections
from core.numbering import number_items
from departments.models import Department
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Position
from storage.fragments import cached
from storage.generation import current as content_generation
from storage.permissions import load_permissions

# The list chart's budgets, the same whatever the shape of the organisation:
# it renders as many levels as fit CHART_UNIT_BUDGET units (at least one
# level below the root, at most CHART_MAX_DEPTH), the first
# CHART_CHILDREN_SHOWN sub-units of a unit (the next ones a link away) and
# the first positions of each unit, heads first, as many as share
# CHART_POSITION_BUDGET (one to CHART_POSITIONS_SHOWN a unit; all of them on
# the unit's page). Deeper sub-units are fetched when opened. Unbudgeted, a
# unit of 300 sub-units or of 2,000 positions rendered them all (2 s).
CHART_UNIT_BUDGET = 50
CHART_CHILDREN_SHOWN = 20
CHART_POSITION_BUDGET = 150
CHART_POSITIONS_SHOWN = 10
CHART_MAX_DEPTH = 4
# Units read to choose the levels: those of the levels that fit, and a few
# hidden below units that are not shown. A level cut by this is not shown.
CHART_UNITS_READ = 2 * CHART_UNIT_BUDGET
# A department page's budgets.
POSITIONS_PER_PAGE = 50
UNITS_PER_PAGE = 100
KPIS_SHOWN = 50
FORMS_SHOWN = 50


def _ranked_units(root, page):
    """The chart's candidate units, read in one query, in levels, tree order in each.

    Each with ``rank`` (its place among the sub-units of its parent: 1 to
    CHART_CHILDREN_SHOWN, the top level counted from the ``page`` asked for)
    and ``siblings`` (how many sub-units its parent has). At most
    CHART_UNITS_READ rows, the first CHART_MAX_DEPTH levels below the root:
    whatever the shape of the organisation, a unit's 300 sub-units are 20 rows.
    """
    units = (root.subtree() if root is not None else Department.objects).active()
    base_level = root.level if root else 0
    # The level that is paged: the root's sub-units, or the tops of the chart.
    paged_level = base_level + 1 if root else 0
    skipped = (page - 1) * CHART_CHILDREN_SHOWN
    in_tree_order = [F("tree_id").asc(), F("lft").asc()]
    ranked = (
        units.filter(level__lt=base_level + CHART_MAX_DEPTH)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("parent_id")], order_by=in_tree_order)
            - Case(When(level=paged_level, then=Value(skipped)), default=Value(0)),
            siblings=Window(Count("pk"), partition_by=[F("parent_id")]),
        )
        .filter(rank__gte=1, rank__lte=CHART_CHILDREN_SHOWN)
        .only("code", "name", "kind", "parent_id", "level", "lft", "rght", "tree_id")
        .order_by("level", "tree_id", "lft")
    )
    return list(ranked[:CHART_UNITS_READ]), base_level


def _chart_levels(rows, base_level, minimum):
    """The units to render: whole levels that fit the budget, at least ``minimum``.

    A unit is shown when its parent is (or it is at the first level); a level
    whose units were not all read (CHART_UNITS_READ) is not shown past the
    minimum, nor one that would pass CHART_UNIT_BUDGET.
    """
    complete = len(rows) < CHART_UNITS_READ
    last_read = rows[-1].level if rows else base_level
    shown, ids, total = [], set(), 0
    for level in range(base_level, base_level + CHART_MAX_DEPTH):
        found = [
            u for u in rows if u.level == level and (level == base_level or u.parent_id in ids)
        ]
        depth = level - base_level
        cut = not complete and level == last_read
        if depth >= minimum and (not found or cut or total + len(found) > CHART_UNIT_BUDGET):
            break
        shown += found
        ids.update(u.pk for u in found)
        total += len(found)
    return sorted(shown, key=lambda u: (u.tree_id, u.lft))


def _chart_units(root=None, page=1):
    """Departments of the chart, with positions and dotted lines attached: the top nodes.

    Four queries whatever the size and shape of the organisation: the
    candidate units, the first positions of those shown with their units'
    counts, their holders, the dotted lines out of them.
    """
    rows, base_level = _ranked_units(root, page)
    units = _chart_levels(rows, base_level, minimum=2 if root else 1)
    last_level = max((u.level for u in units), default=base_level)
    per_unit = max(1, min(CHART_POSITIONS_SHOWN, CHART_POSITION_BUDGET // max(1, len(units))))
    positions = (
        Position.objects.filter(department_id__in=[u.pk for u in units])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("department_id")],
                order_by=[F("is_head").desc(), F("code").asc()],
            ),
            unit_total=Window(Count("pk"), partition_by=[F("department_id")]),
        )
        .filter(rank__lte=per_unit)
        .only("code", "title", "department_id", "headcount", "is_head")
        .order_by("department_id", "-is_head", "code")
    )
    positions = list(positions)
    by_position = {p.pk: p for p in positions}
    # Holders of the positions shown only: counted inside the ranking they
    # would be counted for every position of the units (2,000 of one).
    holders = dict(
        Assignment.objects.current()
        .filter(position_id__in=list(by_position))
        .values_list("position")
        .annotate(n=Count("pk"))
        .order_by()
    )
    position_url = _url_maker("positions:detail")
    for position in positions:
        position.dotted_out = []
        position.url = position_url(position.code)
        position.holder_count = holders.get(position.pk, 0)
        position.vacancies = position.headcount - position.holder_count
        # Integers as the template would print them (no thousands separator),
        # without its localising each; and always set: a missing attribute
        # costs the template a dir() of the model.
        position.staffing = f"{position.holder_count}/{position.headcount}"
        position.vacancy_note = ""
        if position.vacancies > 0:
            position.vacancy_note = ngettext(
                "%(counter)s vacancy", "%(counter)s vacancies", position.vacancies
            ) % {"counter": position.vacancies}
    # Only the lines out of a position are drawn beside it. The far end's
    # code and title by its primary key: joined, the planner read all 20,000
    # positions to hash them.
    far = Position.objects.filter(pk=OuterRef("to_position_id")).order_by()
    lines = (
        DottedLine.objects.filter(from_position_id__in=list(by_position))
        .annotate(
            to_code=Subquery(far.values("code")[:1]), to_title=Subquery(far.values("title")[:1])
        )
        .only("from_position_id", "label")
        .order_by("pk")
    )
    for line in lines:
        line.url = position_url(line.to_code)
        by_position[line.from_position_id].dotted_out.append(line)
    by_unit = {u.pk: u for u in units}
    unit_url, subtree_url = _url_maker("departments:detail"), _url_maker("departments:subtree")
    list_url = reverse("chart-list")
    for unit in units:
        unit.url = unit_url(unit.code)
        unit.subtree_url = subtree_url(unit.code)
        unit.list_url = f"{list_url}?root={quote(unit.code, safe='/')}"
        unit.chart_positions = []
        unit.position_total = 0
        unit.has_more = unit.rght - unit.lft > 1 and unit.level == last_level
    for position in positions:
        unit = by_unit[position.department_id]
        unit.chart_positions.append(position)
        unit.position_total = position.unit_total
    for unit in units:
        # What was cut, said here: a {% blocktranslate %} a unit was a third of
        # the page's rendering.
        shown, total = len(unit.chart_positions), unit.position_total
        unit.positions_note = ""
        if total > shown:
            unit.positions_note = ngettext(
                "%(shown)s of %(counter)s position shown: all of them on the unit's page",
                "%(shown)s of %(counter)s positions shown: all of them on the unit's page",
                total,
            ) % {"shown": shown, "counter": total}
    tops = _cached_trees(units)
    if root is not None and tops:
        _pages(tops[0], tops[0].chart_children, page)
    return tops


def _url_maker(name):
    """code -> ``reverse(name, args=[code])``, reversing once: the chart links hundreds of codes.

    A ``{% url %}`` costs 35 µs, a fifth of the time of a position's box.
    """
    prefix, marker, suffix = reverse(name, args=["~"]).rpartition("~")
    if not marker:
        raise ValueError(f"{name} does not take one code")
    # Quoted as reverse() quotes an argument.
    return lambda code: prefix + quote(code, safe="!$&'()*+,;=~:@") + suffix


def _cached_trees(units):
    """Attach children to each unit in memory; return the top nodes.

    Each unit notes which of its sub-units are shown (``_pages``): the
    first page of them.
    """
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
    for unit in units:
        _pages(unit, unit.chart_children, 1)
    return tops


def _pages(holder, children, page):
    """Note on ``holder`` which of its sub-units are shown, of how many, and the pages around.

    ``children_first``–``children_last`` of ``children_total``; ``children_next``
    is the page after them if there is one, ``children_previous`` the one before.
    """
    holder.children_total = children[0].siblings if children else 0
    holder.children_first = (page - 1) * CHART_CHILDREN_SHOWN + 1
    holder.children_last = holder.children_first + len(children) - 1
    shown = holder.children_last
    holder.children_next = page + 1 if children and shown < holder.children_total else None
    holder.children_previous = page - 1 if page > 1 else None


def _page_number(request):
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and 0 < len(value) < 5 and int(value) > 0 else 1


def chart(request):
    root = None
    if code := request.GET.get("root"):
        root = get_object_or_404(Department, code=code[:40])
    page = _page_number(request)
    units = _chart_units(root, page)
    # The page of sub-units (or of tops) asked for, and the links around it.
    listed = units[0].chart_children if root and units else units
    if page > 1 and not listed:
        raise Http404("No such page of sub-units.")
    paging = SimpleNamespace()
    _pages(paging, listed, page)
    return render(
        request,
        "departments/chart.html",
        {
            "nav": "chart",
            "root": root,
            "root_path": root.get_ancestors() if root else [],
            "units": units,
            "paging": paging,
        },
    )


def subtree(request, code):
    """The chart below one unit, as an HTML fragment for the chart's script.

    ``?page=`` asks for a later page of the unit's sub-units; the fragment
    ends with the link to the next one.
    """
    root = get_object_or_404(Department, code=code)
    page = _page_number(request)
    tops = _chart_units(root, page)
    children = tops[0].chart_children if tops else []
    if page > 1 and not children:
        raise Http404("No such page of sub-units.")
    return render(
        request,
        "departments/_chart_children.html",
        {"units": children, "holder": tops[0] if tops else None},
    )


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
    kpis = _first_kpis(department, positions.object_list)
    # The ids first (a union of index look-ups), then the first forms by name.
    form_ids = list(Form.objects.ids_for_department(department, shown))
    forms = list(Form.objects.filter(pk__in=form_ids).order_by("name", "code")[:FORMS_SHOWN])
    # Links built once for the page's 150 rows (_url_maker).
    position_url, form_url = _url_maker("positions:detail"), _url_maker("kpis:form-detail")
    for position in positions.object_list:
        position.url = position_url(position.code)
        if position.reports_to is not None:
            position.reports_to.url = position_url(position.reports_to.code)
    for kpi in kpis[0]:
        owner = kpi.duty.position if kpi.duty else kpi.position
        kpi.owner_url = position_url(owner.code) if owner else None
    for form in forms:
        form.url = form_url(form.code)
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

    Two queries: where each KPI sits, as small tuples sorted here by position
    code, duty and order (a function's KPIs first, a position's own after its
    duties'); then the rows shown. Only the positions of the page: a unit of
    2,000 positions has 5,000 KPIs, which sorted joined to their owners cost
    190 ms. The tuples are a UNION ALL (a KPI has exactly one owner) without
    the positions joined, their codes known here: with them and a UNION,
    10,000 KPIs on ten positions cost 40 ms.
    """
    codes = {p.pk: p.code for p in positions}
    every = Kpi.objects.order_by()
    columns = ("pk", "owner", "own", "step", "order")
    of_duties = (
        every.filter(duty__position_id__in=list(codes))
        .annotate(owner=F("duty__position_id"), own=Value(0), step=F("duty__order"))
        .values_list(*columns)
    )
    own = (
        every.filter(position_id__in=list(codes))
        .annotate(owner=F("position_id"), own=Value(1), step=Value(0))
        .values_list(*columns)
    )
    of_functions = (
        every.filter(function__department=department)
        .annotate(owner=Value(None, output_field=IntegerField()), own=Value(0), step=Value(0))
        .values_list(*columns)
    )
    owners = list(of_duties.union(own, of_functions, all=True))
    # (pk, position pk or None, own, duty order, order): by position code.
    owners.sort(key=lambda o: (o[1] is not None, codes.get(o[1], ""), o[2], o[3], o[4], o[0]))
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
