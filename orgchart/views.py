"""The drawn org chart's page, its fragment for the script, and its exports."""

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgchart.data import CHILDREN_ON_SCREEN, SCREEN_BUDGET, ChartOptions, build_chart
from orgchart.export import ExportError, export_form
from orgchart.forms import ChartForm, ExportForm, first_error
from orgchart.layout import lay_out
from orgchart.svg import render_svg

SCREEN_MAX_BOXES = 5000  # a page drawing more is slow to send and to pan

TABS = [
    ("units", gettext_lazy("Units")),
    ("positions", gettext_lazy("Units with positions")),
    ("reporting", gettext_lazy("Reporting lines")),
]


def _missing(options):
    return _("No unit or position has the code %(code)s.") % {"code": options.root or options.focus}


def _label(item):
    return item.label if item else ""


def _chart_context(request):
    form = ChartForm.from_query(request.GET)
    error, status = "", 200
    if form.is_valid():
        options = form.options(budget=SCREEN_BUDGET)
    else:
        error, status = first_error(form), 400
        options = ChartOptions()
    built = build_chart(options, base_url=request.path)
    if built.missing_root:
        error, status = _missing(options), 404
        options.root = options.focus = ""
        built = build_chart(options, base_url=request.path)
    if options.depth is not None and built.chart.count_boxes() > SCREEN_MAX_BOXES:
        # Too much for a page: the first view instead, and a word about exports.
        error, status = (
            _(
                "%(count)s boxes are too many to draw on screen (at most %(max)s): "
                "showing the first levels. The export menu draws them all."
            )
            % {"count": built.chart.count_boxes(), "max": SCREEN_MAX_BOXES},
            200,
        )
        options.depth = None
        built = build_chart(options, base_url=request.path)
    svg = drawing = None
    if built.chart.roots:
        drawing = lay_out(
            built.chart,
            orientation=options.orientation,
            compact=options.compact,
            photos=options.photos,
        )
        # render_svg escapes every value it writes (orgchart/svg.py, tests/test_xss.py).
        svg = SafeString(render_svg(drawing, standalone=False, interactive=True))
    paging = None
    if built.paging:
        first, last, total = built.paging
        step = CHILDREN_ON_SCREEN
        paging = {
            "first": first + 1,
            "last": last,
            "total": total,
            "previous": options.query(start=max(first - step, 0)) if first else None,
            "next": options.query(start=last) if last < total else None,
        }
    tabs = [
        (kind, label, options.query(kind=kind, root="", focus="", open=[], closed=[]))
        for kind, label in TABS
    ]
    return status, {
        "nav": "position-chart" if options.kind == "reporting" else "chart",
        "form": form,
        "options": options,
        "built": built,
        "drawing": drawing,
        "svg": svg,
        "error": error,
        "tabs": tabs,
        "export_query": options.query(open=[], closed=[]),
        "reset_query": options.query(open=[], closed=[], focus="", root=""),
        "boxes": len(drawing.boxes) if drawing else 0,
        "paging": paging,
        # A Unit has a name, a Post a title; the template cannot choose (a filter
        # argument that does not exist raises VariableDoesNotExist: a 500).
        "found_name": _label(built.found),
        "target_name": _label(built.target) or options.root or options.focus,
    }


def chart(request):
    status, context = _chart_context(request)
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "orgchart/_canvas.html", context, status=status)
    return render(request, "orgchart/chart.html", context, status=status)


def chart_export(request):
    form = ExportForm.from_query(request.GET)
    if not form.is_valid():
        return render(
            request, "orgchart/export_error.html", {"error": first_error(form)}, status=400
        )
    try:
        content, content_type, name = export_form(form, stream=True)
    except ExportError as error:
        return render(request, "orgchart/export_error.html", {"error": str(error)}, status=400)
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
