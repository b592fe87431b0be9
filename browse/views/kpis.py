"""The lists of KPIs and forms, and a form's page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.links import page_url
from departments.models import Department
from kpis.models import Form, Kpi
from positions.models import Duty, Position

FORMS_PER_PAGE = 50
# The positions named beside a form in the catalogue; its page lists them all.
USED_BY = 5
DUTIES_PER_PAGE = 50
KPIS_PER_PAGE = 100
# Positions a page of the KPI list looks at: enough for 100 KPIs where only
# two positions in five have one (a month's), few enough to count their KPIs.
POSITIONS_PER_PAGE = 200
UNITS_PER_PAGE = 20


def _used_by(forms):
    """Form pk -> (the first USED_BY positions using it with their duty counts, how many use it).

    One query, grouped by form and position in SQL: a form used by 10,000
    duties costs a count, not 10,000 rows.
    """
    usage = (
        Form.duties.through.objects.filter(form__in=forms)
        .values("form_id", "duty__position_id")
        .annotate(duties=Count("id"))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("form_id")], order_by=[F("duty__position__code").asc()]
            ),
            positions=Window(Count("*"), partition_by=[F("form_id")]),
        )
        .filter(rank__lte=USED_BY)
        .values_list(
            "form_id", "duty__position__code", "duty__position__title", "duties", "positions"
        )
    )
    used = {}
    for form_id, code, title, duties, positions in usage:
        shown, _total = used.setdefault(form_id, ([], positions))
        # The link and the label made here: {% url %} and {% blocktranslate %}
        # for 250 positions were a third of the page's time.
        label = ngettext("%(counter)s duty", "%(counter)s duties", duties) % {"counter": duties}
        shown.append({"href": page_url("positions:detail", code), "title": title, "label": label})
    return used


def form_list(request):
    forms = Form.objects.select_related("department").order_by("name", "code")
    # ?unit=CODE: the forms a unit owns or its duties use (its page shows the first).
    unit = None
    if code := request.GET.get("unit", "")[:40]:
        unit = get_object_or_404(Department, code=code)
        forms = forms.for_department(unit)
    page = Paginator(forms, FORMS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    used = _used_by(page.object_list)
    for form in page.object_list:
        form.used_by, form.positions_using = used.get(form.pk, ([], 0))
        form.more_positions = form.positions_using - len(form.used_by)
        form.href = page_url("kpis:form-detail", form.code)
        if form.department:
            form.department_href = page_url("departments:detail", form.department.code)
    return render(
        request,
        "kpis/form_list.html",
        {
            "nav": "forms",
            "page": page,
            "unit": unit,
            "unit_query": urlencode({"unit": unit.code}) if unit else "",
        },
    )


def form_detail(request, code):
    form = get_object_or_404(Form.objects.select_related("department"), code=code)
    duties = form.duties.select_related("position__department").order_by(
        "position__code", "order", "id"
    )
    page = Paginator(duties, DUTIES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # Numbered among all their position's duties, not among those that use the form.
    numbers = (
        dict(
            Duty.objects.filter(position__in={d.position_id for d in page.object_list})
            .with_numbers()
            .values_list("pk", "number")
        )
        if page.object_list
        else {}
    )
    for duty in page.object_list:
        duty.number = numbers[duty.pk]
    return render(request, "kpis/form_detail.html", {"nav": "forms", "form": form, "page": page})


def form_template(request, code):
    """The form's blank template, behind the login like everything else."""
    form = get_object_or_404(Form, code=code)
    if not form.template:
        raise Http404
    try:
        handle = form.template.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=form.template.name.rsplit("/", 1)[-1])


def _walk_start(request):
    """(tree_id, lft, unit code, position code, skip) where this page of the KPI list
    starts, or None for the first.

    ``from``: the unit; ``at``: the first position's code (none: the unit's
    functions first); ``skip``: how many KPIs from there the page before showed.
    """
    code = request.GET.get("from", "")[:40]
    at = request.GET.get("at", "")[:40]
    skip = request.GET.get("skip", "")
    unit = (
        Department.objects.filter(code=code).values_list("tree_id", "lft").first() if code else None
    )
    if unit is None:
        return None
    return (*unit, code, at, int(skip) if skip.isdigit() and len(skip) < 7 else 0)


def _kpi_page(kpis, start):
    """This page's KPIs in the order of the organisation, and where the next page starts.

    The list walks the organisation in tree order: at most UNITS_PER_PAGE
    units, POSITIONS_PER_PAGE of their positions and KPIS_PER_PAGE of their
    KPIs a page. Four queries whatever the size of the organisation: the
    units; the positions, in order, with how many KPIs each has; where the
    KPIs of the first of those that fill the page and of the units' functions
    sit (small tuples, sorted and sliced in SQL: ``in_walk_order``); the
    page's KPIs. One list of every KPI sorted 50,000 joined rows in SQL
    (200 ms a page); walking by units alone read 13,000 KPIs a page on a chain
    of units of 667 positions (120 ms), and 100 positions of 100 KPIs each
    read 10,000. A page cut by a budget goes on on the next at the unit and
    position where it stopped (``skip`` of the KPIs from there are shown
    already).
    """
    units = Department.objects.order_by("tree_id", "lft")
    at, skip = "", 0
    if start is not None:
        tree_id, lft, _code, at, skip = start
        units = units.filter(Q(tree_id__gt=tree_id) | Q(tree_id=tree_id, lft__gte=lft))
    units = list(units.values_list("pk", "code", "name")[: UNITS_PER_PAGE + 1])
    walked = {pk: (code, name) for pk, code, name in units[:UNITS_PER_PAGE]}
    order = list(walked)
    positions = Position.objects.filter(department__in=order)
    if at and order:
        # The start unit's functions and its positions before ``at`` were shown.
        positions = positions.exclude(department=order[0], code__lt=at)
    positions = list(
        positions.order_by("department__tree_id", "department__lft", "code")
        .annotate(kpi_count=kpis.count_of_position(OuterRef("pk")))
        .values_list("pk", "department_id", "code", "kpi_count")[: POSITIONS_PER_PAGE + 1]
    )
    cut = positions[POSITIONS_PER_PAGE] if len(positions) > POSITIONS_PER_PAGE else None
    # Only the positions the page needs: the first ones may have thousands of KPIs.
    read, enough = [], 0
    for pk, _department, _code, count in positions[:POSITIONS_PER_PAGE]:
        read.append(pk)
        enough += count
        if enough > skip + KPIS_PER_PAGE:
            break
    # Functions come first in their unit: those of the units up to the cut.
    functions_of = order[: order.index(cut[1]) + 1] if cut else order
    if at:
        functions_of = functions_of[1:]
    owners = list(kpis.in_walk_order(read, functions_of)[skip : skip + KPIS_PER_PAGE + 1])
    shown = Kpi.objects.in_bulk([owner[0] for owner in owners[:KPIS_PER_PAGE]])
    page = []
    for pk, department, code, title, *_place in owners[:KPIS_PER_PAGE]:
        kpi = shown[pk]
        kpi.dept_code, kpi.dept_name = walked[department]
        kpi.pos_code, kpi.pos_title = code, title
        page.append(kpi)
    if len(owners) > KPIS_PER_PAGE:
        _pk, department, code, *_rest = owners[KPIS_PER_PAGE]
        unit, code = walked[department][0], code or ""
        already = sum(1 for kpi in page if (kpi.dept_code, kpi.pos_code or "") == (unit, code))
        if start is not None and (unit, code) == (start[2], at):
            already += skip
        return page, {"from": unit, "at": code, "skip": already}
    if cut:
        return page, {"from": walked[cut[1]][0], "at": cut[2]}
    if len(units) > UNITS_PER_PAGE:
        return page, {"from": units[UNITS_PER_PAGE][1]}
    return page, None


def kpi_list(request):
    kpis = Kpi.objects.all()
    period = request.GET.get("period", "")
    if period in Kpi.Period.values:
        kpis = kpis.filter(period=period)
    else:
        period = ""
    month = request.GET.get("month", "")
    if month.isdigit() and 1 <= int(month) <= 12:
        kpis = kpis.due_in_month(int(month))
    else:
        month = ""
    filters = {k: v for k, v in (("period", period), ("month", month)) if v}
    start = _walk_start(request)
    shown, following = _kpi_page(kpis, start)
    return render(
        request,
        "kpis/kpi_list.html",
        {
            "nav": "kpis",
            "kpis": shown,
            # One table, filtered on its own columns: cheap at 50,000 KPIs.
            "total": kpis.count(),
            "periods": Kpi.Period.choices,
            "months": range(1, 13),
            "period": period,
            "month": month,
            "filtered": bool(filters),
            "first_page": urlencode(filters) if start is not None else None,
            "next_page": urlencode({**filters, **following}) if following else None,
            "any_label": _("any"),
        },
    )
