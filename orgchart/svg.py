"""A Drawing as SVG: the page's inline chart and the exported file alike.

Every box is a ``<rect>`` with absolute x, y, width and height, carrying
``data-code`` and ``data-kind``; every line a ``<polyline>`` carrying
``data-from``, ``data-to`` and ``data-line``. The only transform is on the one
root group (the page's script pans and zooms by changing it). Styling is by
presentation attributes, not a ``<style>`` element, so the inline chart runs
under the site's Content-Security-Policy and the file looks the same in any
viewer. Text stays text.

Every value that comes from the data goes through ``_e`` (XML escaping of
text and attributes); nothing else is interpolated. Pure Python: no Django.
"""

import base64
from html import escape

from orgchart import paint
from orgchart import text as textmod
from orgchart.drawing import COLOURS, DOTTED, FONT_FAMILY, LABEL_SIZE
from orgchart.layout import paused_gc

TOGGLE_R = paint.TOGGLE_RADIUS


def _e(value):
    return escape(str(value), quote=True)


def _n(value):
    """A coordinate, short: integers without decimals, others to 0.1 px."""
    value = round(value, 1)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _photo_href(photo, embed):
    if embed:
        if not photo.path:
            return None
        try:
            with open(photo.path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    return photo.url


def _text(t):
    weight = ' font-weight="bold"' if t.bold else ""
    return (
        f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}"{weight} '
        f'text-anchor="{t.anchor}" fill="{t.colour}">{_e(t.content)}</text>'
    )


def _box(box, out, embed, interactive):
    rect = (
        f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" '
        f'rx="4" data-code="{_e(box.code)}" data-kind="{box.kind}" fill="{box.fill}" '
        f'stroke="{COLOURS["highlight_stroke"] if box.highlight else box.stroke}" '
        f'stroke-width="{"3" if box.highlight else "1.2"}"'
        + (' stroke-dasharray="5 3"' if box.dashed else "")
        + "/>"
    )
    classes = "box" + (" highlight" if box.highlight else "")
    if box.href:
        out.append(f'<a href="{_e(box.href)}" class="{classes}" data-key="{_e(box.key)}">')
    else:
        out.append(f'<g class="{classes}" data-key="{_e(box.key)}">')
    out.append(rect)
    out.append(f"<title>{_e(box.label)}</title>")
    if box.photo:
        href = _photo_href(box.photo, embed)
        if href:
            p = box.photo
            out.append(
                f'<image x="{_n(p.x)}" y="{_n(p.y)}" width="{_n(p.size)}" '
                f'height="{_n(p.size)}" preserveAspectRatio="xMidYMid slice" '
                f'href="{_e(href)}"/>'
            )
    out.extend(_text(t) for t in box.texts)
    out.append("</a>" if box.href else "</g>")
    if box.toggle_at and (interactive or box.hidden):
        _toggle(box, out, interactive)


def _toggle(box, out, interactive):
    """The +N / − button on a box that has children."""
    cx, cy = box.toggle_at
    label = paint.toggle_text(box)
    r = TOGGLE_R if len(label) <= 2 else TOGGLE_R + 3 * (len(label) - 2)
    shape = (
        f'<rect x="{_n(cx - r)}" y="{_n(cy - TOGGLE_R)}" width="{_n(2 * r)}" '
        f'height="{_n(2 * TOGGLE_R)}" rx="{TOGGLE_R}" fill="{COLOURS["toggle_fill"]}" '
        f'stroke="{box.stroke}" stroke-width="1"/>'
        f'<text x="{_n(cx)}" y="{_n(cy + 3.5)}" font-size="10" text-anchor="middle" '
        f'fill="{COLOURS["text"]}">{_e(label)}</text>'
    )
    if interactive and box.toggle_href:
        action = "open" if box.hidden else "close"
        out.append(
            f'<a href="{_e(box.toggle_href)}" class="toggle" data-action="{action}" '
            f'data-key="{_e(box.key)}">{shape}</a>'
        )
    else:
        out.append(f'<g class="toggle">{shape}</g>')


def _line(line, out):
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in line.points)
    if line.kind == DOTTED:
        style = (
            f'stroke="{COLOURS["dotted"]}" stroke-width="{paint.LINE_STROKE}" '
            f'stroke-dasharray="{paint.LINE_DASH[0]:g} {paint.LINE_DASH[1]:g}"'
        )
    else:
        style = f'stroke="{COLOURS["line"]}" stroke-width="{paint.LINE_STROKE}"'
    out.append(
        f'<polyline points="{points}" fill="none" {style} data-from="{_e(line.from_code)}" '
        f'data-to="{_e(line.to_code)}" data-line="{line.kind}"/>'
    )


def _label(line, out):
    x, y = line.label_at
    w = textmod.width(line.label, LABEL_SIZE) + 8
    out.append(
        f'<g class="line-label"><rect x="{_n(x - w / 2)}" y="{_n(y - 8)}" width="{_n(w)}" '
        f'height="15" rx="3" fill="#ffffff" stroke="{COLOURS["dotted"]}" stroke-width="0.6"/>'
        f'<text x="{_n(x)}" y="{_n(y + 3.5)}" font-size="{LABEL_SIZE}" text-anchor="middle" '
        f'fill="{COLOURS["dotted"]}">{_e(line.label)}</text></g>'
    )


def render_svg(drawing, **kwargs):
    """The SVG markup of ``drawing`` as one string (see ``iter_svg``)."""
    with paused_gc():
        return "".join(iter_svg(drawing, **kwargs))


CHUNK = 4000  # pieces of markup per chunk that iter_svg yields


def iter_svg(drawing, *, standalone=True, embed_photos=False, interactive=False, label=""):
    """The SVG markup of ``drawing``, in chunks, for a response that streams it.

    ``standalone``: a file (XML declaration, fixed size in px). Otherwise the
    page's inline chart, which scales with its container. ``embed_photos``
    puts photos in the file as data: URLs, so it needs nothing from the
    server. ``interactive`` draws the open/close buttons as links.
    """
    out = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    size = f'width="{_n(drawing.width)}" height="{_n(drawing.height)}" '
    out.append(
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {_n(drawing.width)} {_n(drawing.height)}" {size}'
        f'class="orgchart" data-kind="{_e(drawing.kind)}" '
        f'data-orientation="{_e(drawing.orientation)}" role="img" '
        f'aria-label="{_e(label or drawing.title)}">'
    )
    out.append(f"<title>{_e(drawing.title)}</title>")
    out.append(f'<g class="chart-root" font-family="{_e(FONT_FAMILY)}" transform="translate(0 0)">')
    out.append(
        f'<rect class="chart-bg" x="0" y="0" width="{_n(drawing.width)}" '
        f'height="{_n(drawing.height)}" fill="#ffffff"/>'
    )
    out.append('<g class="lines">')
    for line in drawing.lines:
        _line(line, out)
        if len(out) > CHUNK:
            yield "".join(out)
            out.clear()
    out.append("</g>")
    out.append('<g class="boxes">')
    for box in drawing.boxes:
        _box(box, out, embed_photos, interactive)
        if len(out) > CHUNK:
            yield "".join(out)
            out.clear()
    out.append("</g>")
    out.append('<g class="labels">')
    for line in drawing.lines:
        if line.label and line.label_at:
            _label(line, out)
    out.append("</g></g></svg>")
    if standalone:
        out.append("\n")
    yield "".join(out)
