"""A laid-out chart: boxes, lines and texts at absolute positions, in px.

This is what ``orgchart.layout`` produces and what every renderer draws
(``orgchart.svg``, ``orgchart.pdf``, ``orgchart.png``). Texts are already
wrapped and placed, so the screen, the SVG, the PDF and the PNG show the same
drawing; a renderer only chooses how to paint. Pure Python: no Django.

Coordinates: origin at the top left, y grows downwards, 1 unit = 1 CSS px
(a PDF renderer scales to points). ``Text.y`` is the baseline.
"""

from dataclasses import dataclass, field

# Kinds of box, as the exported SVG's data-kind names them.
UNIT, POSITION, PERSON = "unit", "position", "person"
# Kinds of line, as data-line names them.
SOLID, DOTTED = "solid", "dotted"

# One palette for every renderer (CSS colours, #rrggbb).
COLOURS = {
    "unit_fill": "#eef3fb",
    "unit_stroke": "#2f5d9e",
    "position_fill": "#ffffff",
    "position_stroke": "#6b7a90",
    "head_fill": "#fff7e6",
    "head_stroke": "#b7791f",
    "person_fill": "#f5f9f1",
    "person_stroke": "#5b8a3a",
    "vacant_fill": "#fdf0f0",
    "vacant_stroke": "#b83232",
    "highlight_stroke": "#e8590c",
    "line": "#5c6b80",
    "dotted": "#8a5cb8",
    "text": "#1d2733",
    "muted": "#5a6675",
    "toggle_fill": "#ffffff",
}

# Font sizes in px: a box's title and its detail lines, a line's label.
TITLE_SIZE = 13
DETAIL_SIZE = 11
LABEL_SIZE = 10
LINE_HEIGHT = 1.35  # times the font size
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)


@dataclass
class Text:
    x: float
    y: float  # baseline
    content: str
    size: float = DETAIL_SIZE
    bold: bool = False
    anchor: str = "middle"  # "middle" or "start", as SVG's text-anchor
    colour: str = COLOURS["text"]


@dataclass
class Photo:
    """A holder's photo drawn in a box: the square at x, y of side ``size``."""

    x: float
    y: float
    size: float
    employee_no: str
    path: str | None = None  # a file on the server, for PDF/PNG and embedded SVG
    url: str | None = None  # where the page loads it from


@dataclass
class Box:
    key: str  # unique in the drawing: "unit:CODE", "position:CODE", "person:NO@CODE"
    kind: str  # UNIT, POSITION or PERSON
    code: str  # unit or position code; a person's employee number
    x: float
    y: float
    w: float
    h: float
    texts: list[Text] = field(default_factory=list)
    label: str = ""  # the full, unwrapped title (tooltips, search, accessibility)
    href: str | None = None  # the department or position page
    fill: str = COLOURS["position_fill"]
    stroke: str = COLOURS["position_stroke"]
    dashed: bool = False  # a vacant position's outline
    highlight: bool = False  # the box a search found
    inside: str | None = None  # key of the box this one is drawn inside
    parent: str | None = None  # key of the box above it in the tree
    children: int = 0  # how many boxes hang below it in the whole organisation
    hidden: int = 0  # how many of them are not drawn (collapsed or past the budget)
    toggle_href: str | None = None  # page that opens (hidden > 0) or closes it
    photo: Photo | None = None
    # Set by the layout for the renderers' toggle button: centre of the circle.
    toggle_at: tuple[float, float] | None = None


@dataclass
class Line:
    from_code: str
    to_code: str
    kind: str  # SOLID or DOTTED
    points: list[tuple[float, float]]
    label: str = ""
    label_at: tuple[float, float] | None = None  # centre of the label


@dataclass
class Drawing:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    title: str = ""
    kind: str = ""  # "units", "positions" or "reporting"
    orientation: str = "tb"  # "tb" (top-down) or "lr" (left-right)
    margin: float = 24

    def box(self, key):
        for box in self.boxes:
            if box.key == key:
                return box
        raise KeyError(key)
