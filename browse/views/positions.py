"""A position's job description (page, print, /me/) and the chart of reporting lines."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Value, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from browse.versions import REPORTS_SHOWN, ReaderRole, position_context
from core.numbering import number_items
from kpis.models import Kpi
from positions.models import Assignment, Duty, Position
from storage.fragments import cached
from storage.generation import current as content_generation
from storage.permissions import load_permissions

# The position chart renders reporting levels while they fit this many
# positions (at least one level below the root); the rest is one click away.
POSITION_CHART_BUDGET = 100
POSITION_CHART_MAX_DEPTH = 4
# Direct reports listed under one position (and positions reporting to nobody).
POSITION_CHART_CHILDREN = 200


def _job_description(position):
    """Everything a job description (职位说明书) shows, in a fixed number of queries.

    * department path (1)
    * the first direct reports, counted (1), dotted lines out and in (2),
      current holders (1)
    * duties with their forms and KPIs (3), KPIs of the position itself (1)
    """
    kpis = Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"))
    duties = list(
        position.duties.select_related("function")
        .prefetch_related("forms", kpis)
        .order_by("kind", "order", "id")
    )
    holders = (
        Assignment.objects.current()
        .filter(position=position)
        .select_related("employee")
        .order_by("-is_primary", "employee__name")
    )
    holders = list(holders)
    # The first reports, counted all in the same query (a position may have 10,000).
    reports = list(
        position.direct_reports.select_related("department")
        .annotate(total=Window(Count("pk")))
        .order_by("code")[:REPORTS_SHOWN]
    )
    return {
        "position": position,
        "path": [*position.department.get_ancestors(), position.department],
        "direct_reports": reports,
        "direct_report_count": reports[0].total if reports else 0,
        "dotted_out": position.dotted_lines_out.select_related("to_position__department"),
        "dotted_in": position.dotted_lines_in.select_related("from_position__department"),
        "holders": holders,
        "vacancies": position.headcount - len(holders),
        "duty_sections": number_items([d for d in duties if d.kind == Duty.Kind.DUTY]),
        "authority_sections": number_items([d for d in duties if d.kind == Duty.Kind.AUTHORITY]),
        "position_kpis": position.kpis.order_by("order", "id"),
    }


def _get_position(code):
    # The control record and its approved revision come along (browse.versions).
    return get_object_or_404(
        Position.objects.select_related("department", "reports_to", "document__current_revision"),
        code=code,
    )


def _detail_body(code, role, generation):
    """(title, rendered body) of the position page, maybe from the cache.

    The body is everything below the header: it holds neither the user's name
    nor a CSRF token, only what the position code, the language, the reader's
    role, the content generation and today's date decide (holders depend on dates,
    an approved revision may take effect later). The generation is read
    first: the data read after it is at least as new, so an entry is never
    older than its key; any write changes the generation (database triggers,
    storage.generation), so the next request misses. An unknown code is
    never cached: it raises 404 on every request.
    """

    def render():
        context = position_context(role, _get_position(code), _job_description)
        body = render_to_string("positions/_detail_body.html", {**context, "can_edit": role.editor})
        return context["position"].title, str(body)

    title, body = cached("position-page", [code, role.cache_part], generation, render)
    return title, mark_safe(body)  # noqa: S308 - rendered by us, from our templates


def position_detail(request, code):
    # The latest approved revision, or the live rows (see browse.versions).
    # The generation is read first, before the permissions and the data.
    generation = content_generation()
    load_permissions(request.user, generation)
    title, body = _detail_body(code, ReaderRole.of(request), generation)
    return render(request, "positions/detail.html", {"nav": "chart", "title": title, "body": body})


def position_print(request, code):
    position = _get_position(code)
    context = position_context(ReaderRole.of(request), position, _job_description)
    return render(request, "positions/print.html", context)


def me(request):
    employee = getattr(request.user, "employee", None)
    assignments = []
    if employee is not None:
        assignments = list(
            employee.assignments.current()
            .select_related(
                "position__department",
                "position__reports_to",
                "position__document__current_revision",
            )
            .order_by("-is_primary", "start_date")
        )
    context = {"nav": "me", "employee": employee, "assignments": assignments}
    if assignments:
        primary = assignments[0]
        role = ReaderRole.of(request)
        context.update(position_context(role, primary.position, _job_description))
        context["other_assignments"] = assignments[1:]
    return render(request, "positions/me.html", context)


def _first_reports(queryset, partition):
    """The first POSITION_CHART_CHILDREN of ``queryset`` under each ``partition``, counted.

    ``siblings``: how many there are under the same one. One query: 10,000
    positions reporting to one are 200 rows, not 10,000.
    """
    return (
        queryset.annotate(
            rank=Window(RowNumber(), partition_by=[partition], order_by=[F("code").asc()]),
            siblings=Window(Count("pk"), partition_by=[partition]),
        )
        .filter(rank__lte=POSITION_CHART_CHILDREN)
        .order_by("code")
    )


def position_chart(request):
    """Reporting lines between positions (直接上级 chain), across departments.

    One query per rendered level: levels are added while they fit the budget,
    and each position shows at most POSITION_CHART_CHILDREN direct reports,
    with a count of the others and a link to the drawn chart, which pages them.
    """
    root = None
    if code := request.GET.get("root"):
        root = _get_position(code[:40])
    has_reports = Exists(Position.objects.filter(reports_to=OuterRef("pk")))
    base = Position.objects.select_related("department").annotate(has_reports=has_reports)
    if root:
        tops = list(base.filter(pk=root.pk).annotate(siblings=Value(1)))
    else:
        # Positions reporting to nobody: one partition, cut like any level.
        tops = list(_first_reports(base.filter(reports_to__isnull=True), Value(0)))
    level, shown = tops, len(tops)
    for position in tops:
        position.chart_reports = []
    for depth in range(1, POSITION_CHART_MAX_DEPTH):
        parents = {p.pk: p for p in level if p.has_reports}
        if not parents:
            break
        children = list(_first_reports(base.filter(reports_to_id__in=parents), F("reports_to_id")))
        if depth > 1 and shown + len(children) > POSITION_CHART_BUDGET:
            break
        for child in children:
            child.chart_reports = []
            parent = parents[child.reports_to_id]
            parent.chart_reports.append(child)
            parent.more_reports = child.siblings - POSITION_CHART_CHILDREN
        level, shown = children, shown + len(children)
    return render(
        request,
        "positions/chart.html",
        {
            "nav": "position-chart",
            "root": root,
            "tops": tops,
            "more_tops": tops[0].siblings - len(tops) if tops and not root else 0,
        },
    )
