"""Exports of any chart, subtree and depth: SVG, PDF (fit, tiled, per subtree), PNG.

Used by the page's export menu and by ``manage.py export_chart``; both pass an
``ExportForm``'s cleaned data, so they accept and refuse the same input.
Everything is made here, offline: the PDF embeds a subset of a CJK font
found on the server (orgchart.fonts), photos are embedded from their files.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orgchart.data import build_chart, photo_paths, snapshot, title
from orgchart.drawing import PERSON
from orgchart.layout import lay_out
from orgchart.svg import iter_svg, render_svg

CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}


class ExportError(Exception):
    """Input that names nothing to draw, or a result too big to make."""


def _drawing(options, snap):
    built = build_chart(options, snap)
    if built.missing_root:
        raise ExportError(
            _("No unit or position has the code %(code)s.")
            % {"code": options.root or options.focus}
        )
    if not built.chart.roots:
        raise ExportError(_("There is nothing to draw: the organisation has no units yet."))
    drawing = lay_out(
        built.chart,
        orientation=options.orientation,
        compact=options.compact,
        photos=options.photos,
    )
    if options.photos:
        _attach_photos(drawing)
    for box in drawing.boxes:
        if not box.hidden:
            box.toggle_at = None  # nothing to open on paper: no button
    return drawing


def _attach_photos(drawing):
    photos = [b.photo for b in drawing.boxes if b.kind == PERSON and b.photo]
    paths = photo_paths({p.employee_no for p in photos})
    for photo in photos:
        photo.path = paths.get(photo.employee_no)


def _subtrees(options, snap):
    """The whole chart, then one page per subtree: each top unit when there are
    several, otherwise each unit (or position) directly below the one top."""
    whole = _drawing(options, snap)
    tops = build_chart(options, snap).chart.roots
    codes = [t.code for t in tops] if len(tops) > 1 else [c.code for c in tops[0].children]
    drawings = [whole]
    for code in codes:
        options.root = code
        drawings.append(_drawing(options, snap))
    return drawings


def export(options, fmt="svg", paper="A4", landscape=False, mode="fit", width=None, stream=False):
    """(content, content type, file name) for the chart ``options`` describe.

    ``stream``: an SVG comes as an iterator of byte chunks, written as they are
    made (the page streams it); input errors are raised before the first chunk.
    """
    options.budget = None  # an export shows everything below its root
    snap = snapshot()
    name = f"orgchart-{options.kind}" + (f"-{options.root}" if options.root else "")
    if fmt == "svg":
        drawing = _drawing(options, snap)
        if stream:
            chunks = iter_svg(drawing, embed_photos=True)
            content = (chunk.encode("utf-8") for chunk in chunks)
        else:
            content = render_svg(drawing, embed_photos=True).encode("utf-8")
    elif fmt == "png":
        from orgchart.png import render_png

        drawing = _drawing(options, snap)
        try:
            content = render_png(drawing, width=width or min(int(drawing.width), 4000))
        except ValueError as error:
            raise ExportError(str(error)) from error
    else:
        from orgchart.fonts import NoChineseFont
        from orgchart.pdf import render_pdf

        drawings = _subtrees(options, snap) if mode == "pages" else _drawing(options, snap)
        try:
            content = render_pdf(
                drawings,
                mode=mode,
                paper=paper,
                landscape=landscape,
                title=title(options.kind),
                position_label=_("row {row}, column {column}"),
                lang=get_language(),
            )
        except NoChineseFont as error:
            raise ExportError(str(error)) from error
        except ValueError as error:
            raise ExportError(str(error)) from error
    return content, CONTENT_TYPES[fmt], f"{name}.{fmt}"


def export_form(form, stream=False):
    """``export`` of what a valid ``orgchart.forms.ExportForm`` asks for."""
    d = form.cleaned_data
    return export(
        form.options(budget=None),
        fmt=d["format"],
        paper=d["paper"],
        landscape=d["landscape"],
        mode=d["mode"],
        width=d.get("width"),
        stream=stream,
    )
