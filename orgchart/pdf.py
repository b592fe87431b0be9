"""A Drawing as a vector PDF (fpdf2), with the Chinese font embedded and subset.

Three modes:

- ``fit``: the whole drawing scaled to one page of the paper.
- ``tile``: the drawing at a readable scale (1 px = 0.75 pt, as on screen at
  96 dpi, unless ``scale`` says otherwise) cut into pages that overlap by
  ``overlap_mm``, to be glued; crop marks at the corners of each page's
  printable area, "k / N" and the grid position in the footer.
  ``tile_plan`` says how many pages that makes.
- ``pages``: a list of Drawings (one per subtree), each fitted to a page.

The PDF writes no words of its own but "k / N"; the title and the grid
position's label come from the caller, in the user's language. Pure Python:
no Django.
"""

import logging
import math
from collections.abc import Sequence

from fpdf import FPDF

from orgchart import fonts as chart_fonts
from orgchart import paint
from orgchart.drawing import COLOURS, DOTTED, LABEL_SIZE, Drawing

log = logging.getLogger(__name__)

PAPERS = {"A4": (210, 297), "A3": (297, 420)}  # width, height in mm (portrait)
MODES = ("fit", "tile", "pages")
PT_PER_MM = 72 / 25.4
MARGIN_MM = 10  # around the printable area; the footer and crop marks live in it
FOOTER_SIZE = 7.5  # pt
TILE_SCALE = 0.75  # pt per px: 96 dpi, the drawing as big as on screen
MAX_FIT_SCALE = 1.5  # a small drawing fitted to a page grows to at most twice screen size
# Photos are embedded as JPEG at most this many pixels a side: 300 dpi for a
# 48 px photo tiled at 1 px = 0.75 pt is 150 px; a 12-megapixel original would
# make a chart of many holders hundreds of megabytes.
PHOTO_MAX = 256
CROP_MARK_MM = 5
CROP_GAP_MM = 1.5
POSITION_LABEL = "row {row}, column {column}"
FAMILY = "chart"


def _paper(paper, landscape):
    try:
        width, height = PAPERS[paper]
    except (KeyError, TypeError):
        known = ", ".join(PAPERS)
        raise ValueError(f"Unknown paper size {paper!r}: choose one of {known}.") from None
    if landscape:
        width, height = height, width
    return width * PT_PER_MM, height * PT_PER_MM


class _Grid:
    """The tiling of a drawing at ``scale`` over pages of the paper, in pt."""

    def __init__(self, drawing, paper, landscape, scale, overlap_mm):
        self.page_w, self.page_h = _paper(paper, landscape)
        self.margin = MARGIN_MM * PT_PER_MM
        self.cell_w = self.page_w - 2 * self.margin
        self.cell_h = self.page_h - 2 * self.margin
        self.scale = TILE_SCALE if scale is None else float(scale)
        if not self.scale > 0:
            raise ValueError(f"The scale must be a positive number of pt per px, not {scale!r}.")
        self.overlap = float(overlap_mm) * PT_PER_MM
        if not 0 <= self.overlap <= min(self.cell_w, self.cell_h) / 2:
            limit = min(self.cell_w, self.cell_h) / 2 / PT_PER_MM
            raise ValueError(f"The overlap must be between 0 and {limit:.0f} mm, not {overlap_mm}.")
        self.step_w = self.cell_w - self.overlap
        self.step_h = self.cell_h - self.overlap
        self.columns = self._count(drawing.width * self.scale, self.cell_w, self.step_w)
        self.rows = self._count(drawing.height * self.scale, self.cell_h, self.step_h)

    @staticmethod
    def _count(length, cell, step):
        if length <= cell:
            return 1
        return math.ceil((length - cell) / step - 1e-9) + 1

    def _span(self, a, b, cell, step, count):
        """The tiles (first, last) along one axis that the interval a..b (pt) meets."""
        first = math.floor((a - cell) / step) + 1
        last = math.ceil(b / step) - 1
        return max(first, 0), min(last, count - 1)

    def tiles(self, extent):
        """Every tile index (row * columns + column) that a px extent meets."""
        x0, y0, x1, y1 = (v * self.scale for v in extent)
        c0, c1 = self._span(x0, x1, self.cell_w, self.step_w, self.columns)
        r0, r1 = self._span(y0, y1, self.cell_h, self.step_h, self.rows)
        for row in range(r0, r1 + 1):
            for column in range(c0, c1 + 1):
                yield row * self.columns + column


def tile_plan(drawing, paper="A4", landscape=False, scale=None, overlap_mm=10):
    """How many pages a tiled PDF of the drawing has: (columns, rows)."""
    grid = _Grid(drawing, paper, landscape, scale, overlap_mm)
    return grid.columns, grid.rows


class _Painter:
    """Paints Drawing parts on the current page, px mapped to pt by scale and offset."""

    def __init__(self, pdf, font):
        self.pdf = pdf
        self.bold_style = "B" if font.bold_path else ""
        self.scale = 1.0
        self.ox = self.oy = 0.0
        self.overflows = 0
        self._photos = {}
        self._widths = {}

    def place(self, scale, ox, oy):
        self.scale, self.ox, self.oy = scale, ox, oy

    def X(self, x):  # noqa: N802 - the page abscissa of a drawing x
        return self.ox + x * self.scale

    def Y(self, y):  # noqa: N802
        return self.oy + y * self.scale

    def width(self, content, size, bold):
        """The text's advance width in px (at font size ``size`` px), with the real font."""
        key = (content, size, bold)
        found = self._widths.get(key)
        if found is None:
            self.pdf.set_font(FAMILY, self.bold_style if bold else "", size)
            found = self._widths[key] = self.pdf.get_string_width(content)
        return found

    def _font(self, size, bold):
        self.pdf.set_font(FAMILY, self.bold_style if bold else "", size * self.scale)

    def _stroke(self, colour, width, dash=None):
        pdf = self.pdf
        pdf.set_draw_color(*paint.rgb(colour))
        pdf.set_line_width(width * self.scale)
        if dash:
            pdf.set_dash_pattern(dash[0] * self.scale, dash[1] * self.scale)
        else:
            pdf.set_dash_pattern()

    def line(self, line):
        if len(line.points) < 2:
            return
        dotted = line.kind == DOTTED
        colour = COLOURS["dotted"] if dotted else COLOURS["line"]
        self._stroke(colour, paint.LINE_STROKE, paint.LINE_DASH if dotted else None)
        self.pdf.polyline([(self.X(x), self.Y(y)) for x, y in line.points], style="D")

    def label(self, line):
        if not (line.label and line.label_at):
            return
        pdf = self.pdf
        x, y, w, h = paint.label_rect(line, self.width(line.label, LABEL_SIZE, False))
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(self.X(x), self.Y(y), w * self.scale, h * self.scale, style="F")
        dotted = line.kind == DOTTED
        pdf.set_text_color(*paint.rgb(COLOURS["dotted"] if dotted else COLOURS["muted"]))
        self._font(LABEL_SIZE, False)
        pdf.text(self.X(x + paint.LABEL_PADDING), self.Y(paint.label_baseline(line)), line.label)

    def box(self, box):
        pdf = self.pdf
        if box.highlight:
            self._stroke(COLOURS["highlight_stroke"], paint.HIGHLIGHT_STROKE)
        else:
            self._stroke(box.stroke, paint.BOX_STROKE, paint.BOX_DASH if box.dashed else None)
        pdf.set_fill_color(*paint.rgb(box.fill))
        x, y, w, h = self.X(box.x), self.Y(box.y), box.w * self.scale, box.h * self.scale
        pdf.rect(x, y, w, h, style="DF")
        if box.photo is not None:
            self.photo(box.photo)
        spilling = []
        for text in box.texts:
            if not text.content:
                continue
            width = self.width(text.content, text.size, text.bold)
            left = text.x - width / 2 if text.anchor == "middle" else text.x
            if left < box.x or left + width > box.x + box.w:
                spilling.append((text, left))
            else:
                self.text(text, left)
        if spilling:
            # The real font is wider than the layout's estimate: cut the text at
            # the box's edge rather than let it run over the neighbours.
            self.overflows += len(spilling)
            with pdf.local_context(), pdf.rect_clip(x, y, w, h):
                for text, left in spilling:
                    self.text(text, left)
        if box.toggle_at is not None:
            self.toggle(box)

    def text(self, text, left):
        self.pdf.set_text_color(*paint.rgb(text.colour))
        self._font(text.size, text.bold)
        self.pdf.text(self.X(left), self.Y(text.y), text.content)

    def photo(self, photo):
        pdf = self.pdf
        x, y, s = self.X(photo.x), self.Y(photo.y), photo.size * self.scale
        image = self._photo(photo.path)
        if image is None:  # no file: an empty frame where the photo goes
            pdf.set_fill_color(*paint.rgb("#e3e7ee"))
            pdf.rect(x, y, s, s, style="F")
            return
        pdf.image(image, x, y, s, s)

    def _photo(self, path):
        if path not in self._photos:
            self._photos[path] = None
            if path:
                from PIL import Image, ImageOps

                try:
                    with Image.open(path) as image:
                        image = ImageOps.exif_transpose(image).convert("RGB")
                        side = min(min(image.size), PHOTO_MAX)
                        self._photos[path] = ImageOps.fit(image, (side, side), Image.LANCZOS)
                except (OSError, ValueError, Image.DecompressionBombError) as error:
                    log.warning("chart photo %s not drawn: %s", path, error)
        return self._photos[path]

    def toggle(self, box):
        pdf = self.pdf
        cx, cy = box.toggle_at
        content = paint.toggle_text(box)
        width = self.width(content, paint.TOGGLE_SIZE, True)
        self._stroke(box.stroke, paint.TOGGLE_STROKE)
        pdf.set_fill_color(*paint.rgb(COLOURS["toggle_fill"]))
        radius = paint.toggle_radius(width) * self.scale
        pdf.circle(self.X(cx), self.Y(cy), radius, style="DF")
        pdf.set_text_color(*paint.rgb(box.stroke))
        self._font(paint.TOGGLE_SIZE, True)
        pdf.text(self.X(cx - width / 2), self.Y(cy + paint.MIDDLE * paint.TOGGLE_SIZE), content)

    def paint(self, lines, boxes):
        for line in lines:
            self.line(line)
        for line in lines:
            self.label(line)
        for box in boxes:
            self.box(box)


def _new_pdf(font, title):
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_image_filter("DCTDecode")  # photos as JPEG, not as deflated pixels
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FAMILY, "", font.path, collection_font_number=font.index)
    if font.bold_path:
        pdf.add_font(FAMILY, "B", font.bold_path, collection_font_number=font.bold_index)
    pdf.set_title(title or "")
    pdf.set_creator("OrgDuties")
    pdf.set_producer("OrgDuties (fpdf2)")
    return pdf


def _footer(pdf, page_w, page_h, left="", right=""):
    pdf.set_font(FAMILY, "", FOOTER_SIZE)
    pdf.set_text_color(*paint.rgb(COLOURS["muted"]))
    margin = MARGIN_MM * PT_PER_MM
    # Inset past the crop marks' vertical arms, which stand at the printable area's edges.
    inset = margin + (CROP_GAP_MM + 1.5) * PT_PER_MM
    baseline = page_h - margin / 2 + FOOTER_SIZE * paint.MIDDLE
    right_w = pdf.get_string_width(right) if right else 0.0
    if left:
        # A title too long for the line ends in an ellipsis before the page number.
        room = page_w - 2 * inset - right_w - 4 * FOOTER_SIZE
        if pdf.get_string_width(left) > room:
            while left and pdf.get_string_width(left + "…") > room:
                left = left[:-1]
            left += "…"
        pdf.text(inset, baseline, left)
    if right:
        pdf.text(page_w - inset - right_w, baseline, right)


def _crop_marks(pdf, x, y, w, h):
    """Short lines in the margin that continue the printable area's edges at its corners."""
    gap, mark = CROP_GAP_MM * PT_PER_MM, CROP_MARK_MM * PT_PER_MM
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern()
    for cx, dx in ((x, -1), (x + w, 1)):
        for cy, dy in ((y, -1), (y + h, 1)):
            pdf.line(cx + dx * gap, cy, cx + dx * (gap + mark), cy)  # horizontal
            pdf.line(cx, cy + dy * gap, cx, cy + dy * (gap + mark))  # vertical


def _fit_page(pdf, painter, drawing, paper, landscape, right=""):
    page_w, page_h = _paper(paper, landscape)
    pdf.add_page(format=(page_w, page_h))
    margin = MARGIN_MM * PT_PER_MM
    cell_w, cell_h = page_w - 2 * margin, page_h - 2 * margin
    width, height = max(drawing.width, 1), max(drawing.height, 1)
    scale = min(cell_w / width, cell_h / height, MAX_FIT_SCALE)
    ox = margin + (cell_w - width * scale) / 2
    oy = margin + (cell_h - height * scale) / 2
    painter.place(scale, ox, oy)
    painter.paint(drawing.lines, drawing.boxes)
    _footer(pdf, page_w, page_h, drawing.title, right)


def _tile(pdf, painter, drawing, paper, landscape, scale, overlap_mm, position_label):
    grid = _Grid(drawing, paper, landscape, scale, overlap_mm)
    count = grid.columns * grid.rows
    # Bucket every line and box by the tiles it meets: a page draws only its own.
    box_buckets = [[] for _ in range(count)]
    line_buckets = [[] for _ in range(count)]
    for box in drawing.boxes:
        for tile in grid.tiles(paint.box_extent(box)):
            box_buckets[tile].append(box)
    for line in drawing.lines:
        if len(line.points) < 2 and not line.label:
            continue
        width = painter.width(line.label, LABEL_SIZE, False) if line.label else 0.0
        seen = set()
        # Segment by segment: an elbow line spanning many tiles is only on the ones it crosses.
        points = line.points if len(line.points) > 1 else line.points * 2
        for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
            extent = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
            pad = paint.LINE_STROKE
            extent = (extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
            seen.update(grid.tiles(extent))
        if line.label and line.label_at:
            lx, ly, lw, lh = paint.label_rect(line, width)
            seen.update(grid.tiles((lx, ly, lx + lw, ly + lh)))
        for tile in seen:
            line_buckets[tile].append(line)
    order = {id(line): number for number, line in enumerate(drawing.lines)}
    margin = grid.margin
    for row in range(grid.rows):
        for column in range(grid.columns):
            tile = row * grid.columns + column
            pdf.add_page(format=(grid.page_w, grid.page_h))
            ox = margin - column * grid.step_w
            oy = margin - row * grid.step_h
            painter.place(grid.scale, ox, oy)
            lines = sorted(line_buckets[tile], key=lambda line: order[id(line)])
            with pdf.local_context(), pdf.rect_clip(margin, margin, grid.cell_w, grid.cell_h):
                painter.paint(lines, box_buckets[tile])
            _crop_marks(pdf, margin, margin, grid.cell_w, grid.cell_h)
            where = position_label.format(row=row + 1, column=column + 1)
            right = f"{tile + 1} / {count}    {where}"
            _footer(pdf, grid.page_w, grid.page_h, drawing.title, right)


def render_pdf(
    drawing_or_drawings,
    *,
    mode="fit",
    paper="A4",
    landscape=False,
    overlap_mm=10,
    scale=None,
    font=None,
    title=None,
    position_label=POSITION_LABEL,
    lang=None,
):
    """The PDF of a Drawing (``fit``, ``tile``) or of a list of them (``pages``), as bytes.

    ``font`` is an ``orgchart.fonts.ChartFont`` or a font file's path (default:
    ``fonts.find()``; both raise ``NoChineseFont``). ``title`` is the document's title in its
    metadata (default: the first drawing's). ``position_label`` formats a
    tile's place in the footer with ``{row}`` and ``{column}``: pass it
    translated. ``lang`` ("zh-CN", "zh-TW", "en") is the document's language
    for screen readers. An unknown paper, mode, scale or overlap raises ValueError.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown PDF mode {mode!r}: choose one of {', '.join(MODES)}.")
    if isinstance(drawing_or_drawings, Drawing):
        drawings = [drawing_or_drawings]
    elif isinstance(drawing_or_drawings, Sequence) and mode == "pages":
        drawings = list(drawing_or_drawings)
    else:
        raise ValueError(f"Mode {mode!r} draws one Drawing; a list of them needs mode 'pages'.")
    if not drawings:
        raise ValueError("No drawing to put in the PDF.")
    _paper(paper, landscape)  # an unknown paper fails before any work
    font = font if isinstance(font, chart_fonts.ChartFont) else chart_fonts.find(font)
    pdf = _new_pdf(font, drawings[0].title if title is None else title)
    if lang:
        pdf.set_lang(lang)
    painter = _Painter(pdf, font)
    if mode == "fit":
        _fit_page(pdf, painter, drawings[0], paper, landscape)
    elif mode == "pages":
        for number, drawing in enumerate(drawings, start=1):
            right = f"{number} / {len(drawings)}" if len(drawings) > 1 else ""
            _fit_page(pdf, painter, drawing, paper, landscape, right)
    else:
        _tile(pdf, painter, drawings[0], paper, landscape, scale, overlap_mm, position_label)
    if painter.overflows:
        log.info("chart PDF: %d texts wider than their box, cut at its edge", painter.overflows)
    return bytes(pdf.output())
