"""The drawn org chart's page, its fragment for the script, and its exports."""

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.forms import NonceForm
from jobs.views import start_and_show
from orgchart.data import (
    CHILDREN_ON_SCREEN,
    DEPTH_BUDGET,
    SCREEN_BUDGET,
    ChartOptions,
    build_chart,
    snapshot,
    title,
)
from orgchart.export import ExportError, export_form
from orgchart.forms import ChartForm, ExportForm, first_error
from orgchart.layout import lay_out
from orgchart.svg import render_svg
from storage.fragments import cached
from storage.generation import current as content_generation
from storage.permissions import load_permissions

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


def _chart_context(request, generation):
    form = ChartForm.from_query(request.GET)
    error, status = "", 200
    if form.is_valid():
        options = form.options(budget=SCREEN_BUDGET)
    else:
        error, status = first_error(form), 400
        options = ChartOptions()

    def build():
        return build_chart(
            options, base_url=request.path, number=generation, max_boxes=SCREEN_MAX_BOXES
        )

    built = build()
    if built.missing_root:
        error, status = _missing(options), 404
        options.root = options.focus = ""
        built = build()
    if options.depth is not None and built.boxes > SCREEN_MAX_BOXES:
        # Too much for a page: the first view instead, and a word about exports.
        error, status = (
            _(
                "%(count)s boxes are too many to draw on screen (at most %(max)s): "
                "showing the first levels. The export menu draws them all."
            )
            % {"count": built.boxes, "max": SCREEN_MAX_BOXES},
            200,
        )
        options.depth = None
        built = build()
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
    cut = None
    if built.cut:
        # What the budget left out: the boxes' "+N" added up.
        hidden = sum(node.hidden for node in built.chart.walk())
        cut = {"levels": built.cut[0], "budget": DEPTH_BUDGET, "hidden": hidden}
    return status, {
        "query": request.GET.urlencode(),
        "cut": cut,
        "options": options,
        "built": built,
        "drawing": drawing,
        "svg": svg,
        "error": error,
        "reset_query": options.query(open=[], closed=[], focus="", root=""),
        "boxes": len(drawing.boxes) if drawing else 0,
        "paging": paging,
        # A Unit has a name, a Post a title; the template cannot choose (a filter
        # argument that does not exist raises VariableDoesNotExist: a 500).
        "found_name": _label(built.found),
        "target_name": _label(built.target) or options.root or options.focus,
    }


def _page_context(options):
    """The page around the drawing: tabs, options form, export menu."""
    return {
        "nav": "position-chart" if options.kind == "reporting" else "chart",
        "options": options,
        "title": title(options.kind),
        "tabs": [
            (kind, label, options.query(kind=kind, root="", focus="", open=[], closed=[]))
            for kind, label in TABS
        ],
        "export_query": options.query(open=[], closed=[]),
    }


def chart(request):
    # The generation is read first; the drawing is cached under it with the
    # query that chose it (storage.fragments), so it is never stale.
    generation = content_generation()
    load_permissions(request.user, generation)  # the menu's checks, cached too

    def draw():
        status, context = _chart_context(request, generation)
        return status, render_to_string("orgchart/_canvas.html", context), context["options"]

    status, canvas, options = cached(
        "chart-canvas", [request.path, request.GET.urlencode()], generation, draw
    )
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(canvas, status=status)
    # render_to_string escaped the drawing's part; the cache holds that same string.
    context = {**_page_context(options), "canvas": mark_safe(canvas)}  # noqa: S308
    return render(request, "orgchart/chart.html", context, status=status)


# A PDF or PNG of an organisation with more units and positions than this is
# painted by the background worker (orgchart/tasks.py): seconds of work.
INLINE_EXPORT_ITEMS = 1500


def chart_export(request):
    source = request.POST if request.method == "POST" else request.GET
    form = ExportForm.from_query(source)
    if not form.is_valid():
        return render(
            request, "orgchart/export_error.html", {"error": first_error(form)}, status=400
        )
    if form.cleaned_data["format"] in ("pdf", "png"):
        snap = snapshot()
        if len(snap.units) + len(snap.posts) > INLINE_EXPORT_ITEMS:
            return _export_in_background(request, source)
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


def _export_in_background(request, source):
    """A page whose button queues the export; the job's page follows it to the file."""
    nonce = NonceForm(request.POST if request.method == "POST" else None)
    # Only what the export form reads is kept, at most 50 values a field.
    query = {key: source.getlist(key)[:50] for key in ExportForm.base_fields if key in source}
    if request.method == "POST" and nonce.is_valid():
        return start_and_show(
            request, "chart-export", params={"query": query}, nonce=nonce.nonce_value()
        )
    fields = [(key, value) for key, values in query.items() for value in values]
    return render(request, "orgchart/export_start.html", {"form": nonce, "fields": fields})
