"""The lists of KPIs and forms, and a form's page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from kpis.models import Form, Kpi

FORMS_PER_PAGE = 50
KPIS_PER_PAGE = 200


def form_list(request):
    forms = Form.objects.select_related("department").order_by("name", "code")
    page = Paginator(forms, FORMS_PER_PAGE).get_page(request.GET.get("page"))
    # Prefetch the duties of this page's forms only.
    page.object_list = list(page.object_list.with_duties())
    return render(request, "kpis/form_list.html", {"nav": "forms", "page": page})


def form_detail(request, code):
    form = get_object_or_404(Form.objects.select_related("department"), code=code)
    duties = (
        form.duties.select_related("position__department")
        .with_numbers()
        .order_by("position__code", "order")
    )
    return render(
        request, "kpis/form_detail.html", {"nav": "forms", "form": form, "duties": duties}
    )


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


def kpi_list(request):
    kpis = Kpi.objects.with_owner().select_related("duty").in_owner_order()
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
    page = Paginator(kpis, KPIS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "kpis/kpi_list.html",
        {
            "nav": "kpis",
            "page": page,
            "periods": Kpi.Period.choices,
            "months": range(1, 13),
            "period": period,
            "month": month,
            "filtered": bool(period or month),
            "filter_query": urlencode(
                {k: v for k, v in (("period", period), ("month", month)) if v}
            ),
            "any_label": _("any"),
        },
    )
