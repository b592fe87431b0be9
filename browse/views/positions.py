"""A position's job description (page, print, /me/) and the chart of reporting lines."""

from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from browse.versions import REPORTS_SHOWN, ReaderRole, position_context
from core.numbering import number_items
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Position, count_of
from storage.fragments import cached
from storage.generation import current as content_generation
from storage.permissions import load_permissions

# The position chart renders reporting levels while they fit this many
# positions (at least one level below the root); the rest is one click away.
POSITION_CHART_BUDGET = 100
POSITION_CHART_MAX_DEPTH = 4
# Direct reports listed under one position (and positions reporting to nobody).
POSITION_CHART_CHILDREN = 200


# What a job description draws of another position (reports to, dotted lines).
DRAWN = ("code", "title", "department__name")


def _job_description(position):
    """Everything a job description (职位说明书) shows, in a fixed number of queries.

    * department path (1)
    * the first direct reports, counted (1), dotted lines out and in (1),
      current holders (1)
    * duties with their forms (2), the KPIs of the duties and of the position (1)

    All the position's own duties and KPIs, however many (a thousand KPIs on
    forms-kpis): only the fields drawn, the KPIs as tuples (kpis.models.KpiRow).
    """
    forms = Prefetch("forms", queryset=Form.objects.only("code", "name"))
    duties = list(
        position.duties.select_related("function")
        .only("position", "kind", "section", "text", "process_steps", "function__text")
        .prefetch_related(forms)
        .order_by("kind", "order", "id")
    )
    # The KPIs of the duties and of the position itself: one query, grouped here.
    kpis = {duty.pk: [] for duty in duties}
    own = Kpi.objects.filter(Q(duty__in=list(kpis)) | Q(position=position)).order_by("order", "id")
    position_kpis = []
    for kpi in own.rows("duty"):
        kpis.get(kpi.owner_id, position_kpis).append(kpi)
    for duty in duties:
        # Where positions/_duty.html reads them (item.kpis.all), as a prefetch leaves them.
        duty._prefetched_objects_cache["kpis"] = kpis[duty.pk]
    # Dotted lines out and in: one query.
    lines = list(
        DottedLine.objects.filter(Q(from_position=position) | Q(to_position=position))
        .select_related("from_position__department", "to_position__department")
        .only(
            *(f"{end}__{field}" for end in ("from_position", "to_position") for field in DRAWN),
            "label",
        )
        .order_by("pk")
    )
    holders = (
        Assignment.objects.current()
        .filter(position=position)
        .select_related("employee")
        .order_by("-is_primary", "employee__name")
    )
    holders = list(holders)
    # The first reports, counted in the same query (a position may have 10,000):
    # the count is a subquery run once, so the database reads only the first rows.
    everyone = Position.objects.filter(reports_to=position.pk)
    reports = list(
        position.direct_reports.only("code", "title", "reports_to")
        .annotate(total=count_of(everyone))
        .order_by("code")[:REPORTS_SHOWN]
    )
    return {
        "position": position,
        "path": [*position.department.get_ancestors(), position.department],
        "direct_reports": reports,
        "direct_report_count": reports[0].total if reports else 0,
        "dotted_out": [line for line in lines if line.from_position_id == position.pk],
        "dotted_in": [line for line in lines if line.to_position_id == position.pk],
        "holders": holders,
        "vacancies": position.headcount - len(holders),
        "duty_sections": number_items([d for d in duties if d.kind == Duty.Kind.DUTY]),
        "authority_sections": number_items([d for d in duties if d.kind == Duty.Kind.AUTHORITY]),
        "position_kpis": position_kpis,
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
    # The user's current assignments with their employee record: one query; the
    # record alone only for a user who holds nothing (to say what is missing).
    assignments = list(
        Assignment.objects.current()
        .filter(employee__user=request.user)
        .select_related(
            "employee",
            "position__department",
            "position__reports_to",
            "position__document__current_revision",
        )
        .order_by("-is_primary", "start_date")
    )
    employee = assignments[0].employee if assignments else getattr(request.user, "employee", None)
    context = {"nav": "me", "employee": employee, "assignments": assignments}
    if assignments:
        primary = assignments[0]
        role = ReaderRole.of(request)
        context.update(position_context(role, primary.position, _job_description))
        context["other_assignments"] = assignments[1:]
    return render(request, "positions/me.html", context)


def _chart_rows():
    """Positions as the chart draws them: code, title, head, unit name, how many report to each."""
    return (
        Position.objects.select_related("department")
        .only("code", "title", "is_head", "reports_to", "department__name")
        .with_report_count()
    )


def _reports_of(parents):
    """The first POSITION_CHART_CHILDREN direct reports of each of ``parents``, in code order.

    One query; ``parents`` (pk -> position) know their ``report_count``. Where
    none has more than that many, all their reports; one parent, the first of
    its own (10,000 reporting to one are 200 rows, not 10,000); otherwise the
    reports are numbered under each parent and cut (a window over all of them,
    only where several parents have reports and one has too many).
    """
    rows = _chart_rows().filter(reports_to_id__in=list(parents)).order_by("code")
    if all(p.report_count <= POSITION_CHART_CHILDREN for p in parents.values()):
        return list(rows)
    if len(parents) == 1:
        return list(rows[:POSITION_CHART_CHILDREN])
    numbered = (
        Position.objects.filter(reports_to_id__in=list(parents))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("reports_to_id")], order_by=[F("code").asc()])
        )
        .filter(rank__lte=POSITION_CHART_CHILDREN)
        .values("pk")
    )
    return list(_chart_rows().filter(pk__in=numbered).order_by("code"))


def position_chart(request):
    """Reporting lines between positions (直接上级 chain), across departments.

    One query per rendered level: a level is read only if it fits the budget,
    which the positions above it tell (they count their reports), and each
    position shows at most POSITION_CHART_CHILDREN direct reports, with a count
    of the others and a link to the drawn chart, which pages them.
    """
    root = None
    if code := request.GET.get("root"):
        root = get_object_or_404(
            _chart_rows()
            .select_related("reports_to")
            .only("code", "title", "is_head", "department__name", "reports_to__code"),
            code=code[:40],
        )
        tops, more_tops = [root], 0
    else:
        # Positions reporting to nobody: cut like any level, counted in the same query.
        nobody = Position.objects.filter(reports_to__isnull=True)
        tops = list(
            _chart_rows()
            .filter(reports_to__isnull=True)
            .annotate(total=count_of(nobody))
            .order_by("code")[:POSITION_CHART_CHILDREN]
        )
        more_tops = tops[0].total - len(tops) if tops else 0
    level, shown = tops, len(tops)
    for position in tops:
        position.chart_reports = []
    for depth in range(1, POSITION_CHART_MAX_DEPTH):
        parents = {p.pk: p for p in level if p.report_count}
        coming = sum(min(p.report_count, POSITION_CHART_CHILDREN) for p in parents.values())
        if not parents or (depth > 1 and shown + coming > POSITION_CHART_BUDGET):
            break
        children = _reports_of(parents)
        for child in children:
            child.chart_reports = []
            parents[child.reports_to_id].chart_reports.append(child)
        for parent in parents.values():
            parent.more_reports = parent.report_count - len(parent.chart_reports)
        level, shown = children, shown + len(children)
    return render(
        request,
        "positions/chart.html",
        {"nav": "position-chart", "root": root, "tops": tops, "more_tops": more_tops},
    )
