"""How the PDF and PNG renderers paint a Drawing's parts, in drawing px.

The Drawing says where everything is; these are the few choices of a painter
it leaves open (stroke widths, dash lengths, the toggle's radius, the padding
of a line's label), kept in one place so the PDF and the PNG look alike.
Pure Python: no Django.
"""

from functools import lru_cache

from orgchart.drawing import LABEL_SIZE, LINE_HEIGHT

BOX_STROKE = 1.0
HIGHLIGHT_STROKE = 2.5
LINE_STROKE = 1.2
BOX_DASH = (5.0, 3.0)  # a vacant position's outline: dash, gap
LINE_DASH = (3.0, 3.0)  # a dotted (business guidance) line
TOGGLE_RADIUS = 9.0
TOGGLE_SIZE = 10.0  # font size of the toggle's "+N"
TOGGLE_STROKE = 1.0
LABEL_PADDING = 3.0  # on each side of a line's label, on its white background
# A CJK ideograph's middle sits about this many em above the baseline: the
# baseline of text centred vertically on a point is that point + this * size.
MIDDLE = 0.35


@lru_cache(maxsize=256)
def rgb(colour):
    """ "#1d2733" -> (29, 39, 51); "#abc" works too."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(char * 2 for char in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def toggle_text(box):
    """The toggle's text: how many boxes it opens, or a minus when it closes them."""
    return f"+{box.hidden}" if box.hidden else "\u2212"


def toggle_radius(text_width):
    """The toggle's radius: TOGGLE_RADIUS, or more when its "+N" is wider than the circle."""
    return max(TOGGLE_RADIUS, text_width / 2 + 2.5)


def label_rect(line, text_width):
    """The white rectangle behind a line's label (x, y, w, h), for a text this wide."""
    cx, cy = line.label_at
    w = text_width + 2 * LABEL_PADDING
    h = LABEL_SIZE * LINE_HEIGHT
    return cx - w / 2, cy - h / 2, w, h


def label_baseline(line):
    return line.label_at[1] + MIDDLE * LABEL_SIZE


def box_extent(box):
    """The box with everything drawn for it (stroke, toggle): x0, y0, x1, y1."""
    pad = HIGHLIGHT_STROKE
    x0, y0, x1, y1 = box.x - pad, box.y - pad, box.x + box.w + pad, box.y + box.h + pad
    if box.toggle_at is not None:
        tx, ty = box.toggle_at
        # Room for a circle grown round a long "+N" (about 0.6 em a character).
        r = toggle_radius(len(toggle_text(box)) * 0.6 * TOGGLE_SIZE) + TOGGLE_STROKE
        x0, y0, x1, y1 = min(x0, tx - r), min(y0, ty - r), max(x1, tx + r), max(y1, ty + r)
    return x0, y0, x1, y1
