"""A Drawing as a PNG picture (Pillow), scaled to a requested width in pixels.

The same drawing as the PDF: lines, their labels on white, boxes (dashed for
a vacant position, a thick orange outline for a search hit), texts in the
Chinese font at their baselines, photos, toggles. Pillow has no dashed
lines: ``dashed`` walks a polyline and draws the dashes.

Limits: 200 to 20,000 px wide and at most 100 million pixels; a bigger
picture raises ValueError (the PDF or the SVG draws it). Pure Python: no Django.
"""

import io
import logging
import math

from PIL import Image, ImageDraw, ImageFont, ImageOps

from orgchart import fonts as chart_fonts
from orgchart import paint
from orgchart.drawing import COLOURS, DOTTED, LABEL_SIZE

log = logging.getLogger(__name__)

MIN_WIDTH, MAX_WIDTH = 200, 20_000
MAX_PIXELS = 100_000_000
WHITE = (255, 255, 255)


def dashed(draw, points, fill, width, dash, gap):
    """Draw a polyline as dashes of ``dash`` px with gaps of ``gap`` px, the pattern carried
    round its corners (as a PDF or SVG dash pattern is)."""
    period = dash + gap
    phase = 0.0  # how far into the dash pattern the current segment starts
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        length = math.hypot(bx - ax, by - ay)
        if length == 0:
            continue
        ux, uy = (bx - ax) / length, (by - ay) / length
        at = -phase
        while at < length:
            start, end = max(at, 0.0), min(at + dash, length)
            if end > start:
                draw.line(
                    [(ax + ux * start, ay + uy * start), (ax + ux * end, ay + uy * end)],
                    fill=fill,
                    width=width,
                )
            at += period
        phase = (phase + length) % period


class _Painter:
    def __init__(self, image, font, scale):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.font = font
        self.s = scale
        self._fonts = {}
        self._photos = {}
        self.overflows = 0

    def P(self, x, y):  # noqa: N802 - a drawing point in pixels
        return x * self.s, y * self.s

    def w(self, width):
        return max(1, round(width * self.s))

    def face(self, size, bold):
        """The font at ``size`` drawing px, in picture pixels (at least 1)."""
        size = max(round(size * self.s * 4) / 4, 1.0)
        key = (size, bold)
        if key not in self._fonts:
            if bold and self.font.bold_path:
                path, index = self.font.bold_path, self.font.bold_index
            else:
                path, index = self.font.path, self.font.index
            self._fonts[key] = ImageFont.truetype(path, size, index=index)
        return self._fonts[key]

    def line(self, line):
        if len(line.points) < 2:
            return
        points = [self.P(x, y) for x, y in line.points]
        width = self.w(paint.LINE_STROKE)
        if line.kind == DOTTED:
            dash, gap = (d * self.s for d in paint.LINE_DASH)
            dashed(self.draw, points, paint.rgb(COLOURS["dotted"]), width, dash, gap)
        else:
            self.draw.line(points, fill=paint.rgb(COLOURS["line"]), width=width, joint="curve")

    def label(self, line):
        if not (line.label and line.label_at):
            return
        face = self.face(LABEL_SIZE, False)
        text_width = face.getlength(line.label) / self.s
        x, y, w, h = paint.label_rect(line, text_width)
        self.draw.rectangle([*self.P(x, y), *self.P(x + w, y + h)], fill=WHITE)
        colour = COLOURS["dotted"] if line.kind == DOTTED else COLOURS["muted"]
        self.draw.text(
            self.P(line.label_at[0], paint.label_baseline(line)),
            line.label,
            font=face,
            fill=paint.rgb(colour),
            anchor="ms",
        )

    def box(self, box):
        x0, y0 = self.P(box.x, box.y)
        x1, y1 = self.P(box.x + box.w, box.y + box.h)
        fill = paint.rgb(box.fill)
        if box.highlight:
            outline, width = paint.rgb(COLOURS["highlight_stroke"]), paint.HIGHLIGHT_STROKE
        else:
            outline, width = paint.rgb(box.stroke), paint.BOX_STROKE
        if box.dashed and not box.highlight:
            self.draw.rectangle([x0, y0, x1, y1], fill=fill)
            dash, gap = (d * self.s for d in paint.BOX_DASH)
            corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
            dashed(self.draw, corners, outline, self.w(width), dash, gap)
        else:
            self.draw.rectangle([x0, y0, x1, y1], fill=fill, outline=outline, width=self.w(width))
        if box.photo is not None:
            self.photo(box.photo)
        for text in box.texts:
            if text.content:
                self.text(box, text)
        if box.toggle_at is not None:
            self.toggle(box)

    def text(self, box, text):
        face = self.face(text.size, text.bold)
        anchor = "ms" if text.anchor == "middle" else "ls"
        x, y = self.P(text.x, text.y)
        colour = paint.rgb(text.colour)
        width = face.getlength(text.content)
        left = x - width / 2 if anchor == "ms" else x
        bx0, by0 = self.P(box.x, box.y)
        bx1, by1 = self.P(box.x + box.w, box.y + box.h)
        if left >= bx0 and left + width <= bx1:
            self.draw.text((x, y), text.content, font=face, fill=colour, anchor=anchor)
            return
        # Wider than the layout thought: cut at the box's edge, as the PDF does.
        self.overflows += 1
        ox, oy = math.floor(bx0), math.floor(by0)
        mask = Image.new("L", (max(1, math.ceil(bx1) - ox), max(1, math.ceil(by1) - oy)), 0)
        ImageDraw.Draw(mask).text(
            (x - ox, y - oy), text.content, font=face, fill=255, anchor=anchor
        )
        self.image.paste(colour, (ox, oy, ox + mask.width, oy + mask.height), mask)

    def photo(self, photo):
        x0, y0 = self.P(photo.x, photo.y)
        side = max(1, round(photo.size * self.s))
        picture = self._photo(photo.path, side)
        if picture is None:
            self.draw.rectangle([x0, y0, x0 + side, y0 + side], fill=paint.rgb("#e3e7ee"))
            return
        self.image.paste(picture, (round(x0), round(y0)))

    def _photo(self, path, side):
        key = (path, side)
        if key not in self._photos:
            self._photos[key] = None
            if path:
                try:
                    with Image.open(path) as image:
                        image = ImageOps.exif_transpose(image).convert("RGB")
                        self._photos[key] = ImageOps.fit(image, (side, side), Image.LANCZOS)
                except (OSError, ValueError, Image.DecompressionBombError) as error:
                    log.warning("chart photo %s not drawn: %s", path, error)
        return self._photos[key]

    def toggle(self, box):
        cx, cy = self.P(*box.toggle_at)
        face = self.face(paint.TOGGLE_SIZE, True)
        content = paint.toggle_text(box)
        r = paint.toggle_radius(face.getlength(content) / self.s) * self.s
        self.draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            fill=paint.rgb(COLOURS["toggle_fill"]),
            outline=paint.rgb(box.stroke),
            width=self.w(paint.TOGGLE_STROKE),
        )
        baseline = (box.toggle_at[1] + paint.MIDDLE * paint.TOGGLE_SIZE) * self.s
        self.draw.text(
            (cx, baseline),
            content,
            font=face,
            fill=paint.rgb(box.stroke),
            anchor="ms",
        )


def png_size(drawing, width):
    """The picture's (width, height) for a requested width, or ValueError past the limits."""
    if not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(
            f"A PNG of the chart is {MIN_WIDTH:,} to {MAX_WIDTH:,} pixels wide, not {width!r}."
        )
    height = max(1, math.ceil(drawing.height * width / max(drawing.width, 1)))
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"A PNG of this chart {width:,} pixels wide would be {width:,} × {height:,} pixels, "
            f"more than the limit of {MAX_PIXELS:,}: choose a smaller width, "
            "or download the PDF or the SVG, which draw any size."
        )
    return width, height


def render_png(drawing, *, width, font=None):
    """The PNG of a Drawing scaled to ``width`` pixels, as bytes.

    ``font`` is an ``orgchart.fonts.ChartFont`` or a font file's path (default
    ``fonts.find()``; both raise ``NoChineseFont``); a width or size past the limits raises ValueError.
    """
    width, height = png_size(drawing, width)
    font = font if isinstance(font, chart_fonts.ChartFont) else chart_fonts.find(font)
    image = Image.new("RGB", (width, height), WHITE)
    painter = _Painter(image, font, width / max(drawing.width, 1))
    for line in drawing.lines:
        painter.line(line)
    for line in drawing.lines:
        painter.label(line)
    for box in drawing.boxes:
        painter.box(box)
    if painter.overflows:
        log.info("chart PNG: %d texts wider than their box, cut at its edge", painter.overflows)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
