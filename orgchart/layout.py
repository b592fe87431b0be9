"""Lay a chart out: a tidy tree in linear time, top-down or left-right.

The tree is drawn in two coordinates: *breadth* (along siblings: x when
top-down, y when left-right) in px, and *depth* in layers of one pitch (a
box's extent along the parent-child axis plus the gap between generations).
A box taller than one pitch (a unit with its positions inside) spans several
layers, so generations need not share one height.

Each subtree keeps its contour: the leftmost and rightmost breadth it uses on
every layer. Siblings are placed left to right, each as close as the
contours of those before it allow; a parent is centred over its first and
last child. A contour is stored bottom layer first with an offset, so adding
a parent's layers on top and shifting a subtree are O(1) per layer, and
merging two contours costs the depth of the shallower one: the whole layout
is linear in the number of layers drawn (the classic small-into-large
argument; tests/test_chart_layout.py times a chain and a broad tree).

Compact mode: a parent's leaf children (three or more) stack in columns under
it, joined by a spine beside each column, instead of one wide row.
"""

import gc
import math
from contextlib import contextmanager

from orgchart import paint
from orgchart import text as textmod
from orgchart.drawing import (
    COLOURS,
    DETAIL_SIZE,
    DOTTED,
    LABEL_SIZE,
    LINE_HEIGHT,
    PERSON,
    POSITION,
    SOLID,
    TITLE_SIZE,
    UNIT,
    Box,
    Drawing,
    Line,
    Photo,
    Text,
)

PAD = 8  # inside a box
WIDTH = {UNIT: 184, POSITION: 168, PERSON: 152}
MEMBER_WIDTH = {POSITION: 156, PERSON: 144}
SIBLING_GAP = 16  # between neighbouring boxes
SUBTREE_GAP = 28  # extra room between subtrees that have children
GENERATION_GAP = {"tb": 40, "lr": 56}
MEMBER_GAP = 6
SPINE = 18  # room left of a compact column for its spine
COMPACT_MIN = 3  # leaf children stacked in columns from this many
TITLE_LINES = 3
DETAIL_LINES = 2
PHOTO = 36
MARGIN = 24


def _lh(size):
    return size * LINE_HEIGHT


TITLE_LH = _lh(TITLE_SIZE)
DETAIL_LH = _lh(DETAIL_SIZE)


def _colours(kind, head, vacant):
    if vacant:
        return COLOURS["vacant_fill"], COLOURS["vacant_stroke"]
    if kind == UNIT:
        return COLOURS["unit_fill"], COLOURS["unit_stroke"]
    if kind == PERSON:
        return COLOURS["person_fill"], COLOURS["person_stroke"]
    if head:
        return COLOURS["head_fill"], COLOURS["head_stroke"]
    return COLOURS["position_fill"], COLOURS["position_stroke"]


class _Block:
    """Text of a box, wrapped to its width: title lines and detail lines."""

    def __init__(self, title, details, inner, photo=False):
        self.inner = inner - (PHOTO + PAD if photo else 0)
        self.title = textmod.wrap(title, TITLE_SIZE, self.inner, TITLE_LINES) or [""]
        self.details = []
        for detail in details:
            self.details.append(textmod.wrap(detail, DETAIL_SIZE, self.inner, DETAIL_LINES))
        self.photo = photo
        self.extra = 0  # room added to line this box up with its neighbours

    def height(self):
        h = len(self.title) * TITLE_LH + sum(len(d) for d in self.details) * DETAIL_LH
        if self.photo:
            h = max(h, PHOTO)
        return h + 2 * PAD

    def texts(self, x, y, w, head=False, vacant=False):
        """The wrapped lines as Texts inside the box at x, y of width w."""
        out = []
        if self.photo:
            left, anchor = x + PAD + PHOTO + PAD, "start"
        else:
            left, anchor = x + w / 2, "middle"
        top = y + PAD + self.extra / 2
        for line in self.title:
            top += TITLE_LH
            out.append(Text(left, top - TITLE_LH * 0.28, line, TITLE_SIZE, True, anchor))
        for index, detail in enumerate(self.details):
            colour = COLOURS["vacant_stroke"] if vacant and index == len(self.details) - 1 else None
            for line in detail:
                top += DETAIL_LH
                out.append(
                    Text(
                        left,
                        top - DETAIL_LH * 0.28,
                        line,
                        DETAIL_SIZE,
                        False,
                        anchor,
                        colour or COLOURS["muted"],
                    )
                )
        return out


class _Item:
    """One box of the tree (or a compact block of leaves) being laid out."""

    def __init__(self, node=None):
        self.node = node
        self.children = []
        self.leaves = None
        self.rel = 0.0
        self.b = 0.0
        self.layer = 0
        self.span = 0
        self.spine = None
        self.box = None


class Layout:
    def __init__(self, orientation="tb", compact=True, photos=False):
        if orientation not in ("tb", "lr"):
            raise ValueError(f"unknown orientation {orientation!r}: use tb or lr")
        self.orientation = orientation
        self.compact = compact
        self.photos = photos
        self.gap = GENERATION_GAP[orientation]

    # -- sizes -------------------------------------------------------------

    def _size(self, item):
        node = item.node
        width = WIDTH[node.kind]
        item.members = []
        members = node.members
        if members:
            mkind = members[0].kind
            cols = 1 if len(members) <= 6 else math.ceil(math.sqrt(len(members) / 2))
            mw = MEMBER_WIDTH[mkind] if cols > 1 or mkind == POSITION else width - 2 * PAD
            width = max(width, cols * mw + (cols - 1) * MEMBER_GAP + 2 * PAD)
            photo = self.photos and mkind == PERSON
            blocks = [_Block(m.title, m.details, mw - 2 * PAD, photo) for m in members]
            mh = max(b.height() for b in blocks)
            item.members = blocks
            item.member_cols, item.member_w, item.member_h = cols, mw, mh
        block = _Block(node.title, node.details, width - 2 * PAD)
        item.block = block
        item.header_h = block.height()
        h = item.header_h
        if members:
            rows = math.ceil(len(members) / item.member_cols)
            h += rows * (item.member_h + MEMBER_GAP) - MEMBER_GAP + PAD
            if node.more_members:
                h += _lh(DETAIL_SIZE) + PAD / 2
        item.w, item.h = width, h

    # -- the tree ----------------------------------------------------------

    def _items(self, chart):
        """_Items for every node, children before parents (post-order)."""
        top = _Item()
        top.w = top.h = 0
        stack = [(top, list(chart.roots))]
        order = []
        while stack:
            parent, nodes = stack.pop()
            order.append(parent)
            for node in nodes:
                item = _Item(node)
                self._size(item)
                parent.children.append(item)
                stack.append((item, node.children))
        return top, order[::-1]

    def _uniform(self, items):
        """One header height per kind, so boxes line up and a layer fits most."""
        headers = {}
        for item in items:
            if item.node is not None:
                kind = item.node.kind
                headers[kind] = max(headers.get(kind, 0), item.header_h)
        for item in items:
            if item.node is None:
                continue
            grow = headers[item.node.kind] - item.header_h
            item.header_h += grow
            item.h += grow
            item.block.extra = grow

    def _spans(self, items, top):
        """The layer pitch, from boxes with at most one member; taller ones span more."""
        tb = self.orientation == "tb"
        extents = (
            [(i.h if tb else i.w) for i in items if i is not top and len(i.node.members) <= 1]
            or [(i.h if tb else i.w) for i in items if i is not top]
            or [40]
        )
        self.pitch = max(extents) + self.gap
        for item in items:
            if item is top:
                item.span = 0
                continue
            extent = item.h if tb else item.w
            item.span = max(1, math.ceil((extent + self.gap) / self.pitch - 1e-9))

    def _breadth(self, item):
        return item.w if self.orientation == "tb" else item.h

    def _compact(self, item):
        """Stack the leaf children of ``item`` in columns, as one block child."""
        leaves = [c for c in item.children if not c.children]
        # The invisible top compacts too: a flat list of many top units stacks.
        if not self.compact or len(leaves) < COMPACT_MIN:
            return
        others = [c for c in item.children if c.children]
        block = _Item()
        block.leaves = leaves
        n = len(leaves)
        cols = 1 if n <= 4 else (2 if n <= 12 else math.ceil(math.sqrt(n)))
        rows = math.ceil(n / cols)
        block.cols, block.rows = cols, rows
        block.cell_b = max(self._breadth(c) for c in leaves)
        block.cell_span = max(c.span for c in leaves)
        block.span = rows * block.cell_span
        # A block's breadth is kept in w in either orientation (blocks are read
        # through their own code paths, never through _breadth).
        block.w = cols * (block.cell_b + SPINE) + (cols - 1) * (SIBLING_GAP - SPINE // 2)
        item.children = [block, *others]

    def _place(self, order):
        """Post-order: each subtree's contour and its children's offsets.

        A contour is (left, left offset, right, right offset): the leftmost and
        rightmost breadth on each layer, bottom layer first, each value to be
        read plus its side's offset, relative to the subtree's root.
        """
        for item in order:
            self._compact(item)
        for item in order:
            children = item.children
            acc = None
            positions = []
            for child in children:
                if child.leaves is not None:
                    half = child.w / 2
                    child.contour = ([-half] * child.span, 0.0, [half] * child.span, 0.0)
                left, loff, right, roff = child.contour
                if acc is None:
                    acc = (left, loff, right, roff)
                    positions.append(0.0)
                    continue
                a_left, a_loff, a_right, a_roff = acc
                common = min(len(a_right), len(left))
                gap = SUBTREE_GAP if child.children else SIBLING_GAP
                shift = -math.inf
                for k in range(1, common + 1):
                    need = a_right[-k] + a_roff - left[-k] - loff + gap
                    if need > shift:
                        shift = need
                positions.append(shift)
                if len(right) <= len(a_right):
                    # The new child is shallower: it becomes the right side of the
                    # top layers; the left side stays the accumulated one.
                    base = len(a_right) - len(right)
                    for j, value in enumerate(right):
                        a_right[base + j] = value + roff + shift - a_roff
                    acc = (a_left, a_loff, a_right, a_roff)
                else:
                    # Deeper: its left side continues below the accumulated one.
                    base = len(left) - len(a_left)
                    for j, value in enumerate(a_left):
                        left[base + j] = value + a_loff - loff - shift
                    acc = (left, loff + shift, right, roff + shift)
            if acc is None:
                left, loff, right, roff = [], 0.0, [], 0.0
            else:
                left, loff, right, roff = acc
                mid = (positions[0] + positions[-1]) / 2
                for child, pos in zip(children, positions, strict=True):
                    child.rel = pos - mid
                loff -= mid
                roff -= mid
            if item.node is not None:
                half = self._breadth(item) / 2
                left.extend([-half - loff] * item.span)
                right.extend([half - roff] * item.span)
            item.contour = (left, loff, right, roff)

    # -- absolute positions --------------------------------------------------

    def _absolute(self, top):
        boxes, lines = [], []
        stack = [(top, 0.0, 0)]
        self._min_b = math.inf
        while stack:
            item, b, layer = stack.pop()
            item.b, item.layer = b, layer
            if item.node is not None:
                self._min_b = min(self._min_b, b - self._breadth(item) / 2)
            below = layer + item.span
            for child in item.children:
                if child.leaves is not None:
                    self._leaves(child, b + child.rel, below)
                    for leaf in child.leaves:
                        stack.append((leaf, leaf.b, leaf.layer))
                else:
                    stack.append((child, b + child.rel, below))
        return boxes, lines

    def _leaves(self, block, centre, layer):
        left = centre - block.w / 2
        self._min_b = min(self._min_b, left)
        for index, leaf in enumerate(block.leaves):
            col, row = divmod(index, block.rows)
            cell_left = left + col * (block.cell_b + SPINE + SIBLING_GAP - SPINE // 2) + SPINE
            leaf.b = cell_left + self._breadth(leaf) / 2
            leaf.layer = layer + row * block.cell_span
            leaf.spine = cell_left - SPINE / 2
        block.b, block.layer = centre, layer

    # -- to x, y -------------------------------------------------------------

    def _rect(self, item):
        """x, y, w, h of an item's box, the margin included (see run: _min_b)."""
        depth = item.layer * self.pitch + MARGIN
        if self.orientation == "tb":
            return item.b - item.w / 2 - self._min_b, depth, item.w, item.h
        return depth, item.b - item.h / 2 - self._min_b, item.w, item.h

    def run(self, chart):
        top, order = self._items(chart)
        self._uniform(order)
        self._spans(order, top)
        self._place(order)
        self._absolute(top)
        self._min_b -= MARGIN  # every breadth is read minus _min_b: the margin comes in
        drawing = Drawing(0, 0, title=chart.title, kind=chart.kind, orientation=self.orientation)
        by_code = {}
        tb = self.orientation == "tb"
        walk = [(top, None)]
        while walk:
            item, parent = walk.pop()
            items = []
            for child in item.children:
                items.extend(child.leaves if child.leaves is not None else [child])
            for child in items:
                self._emit(drawing, child, by_code)
                if parent is not None or item.node is not None:
                    self._connect(drawing, item, child)
                walk.append((child, item))
        for link in chart.dotted:
            a = by_code.get((link.from_kind, link.from_code))
            b = by_code.get((link.to_kind, link.to_code))
            if a is None or b is None or a is b:
                continue
            drawing.lines.append(_dotted(a, b, link))
        xs = [b.x + b.w for b in drawing.boxes] or [0]
        ys = [b.y + b.h for b in drawing.boxes] or [0]
        extra = paint.TOGGLE_RADIUS + 2
        width = max(xs) + (extra if not tb else 0)
        height = max(ys) + (extra if tb else 0)
        for line in drawing.lines:
            if line.label_at:
                lw = textmod.width(line.label, LABEL_SIZE) / 2 + 4
                width = max(width, line.label_at[0] + lw)
        drawing.width = math.ceil(width + MARGIN)
        drawing.height = math.ceil(height + MARGIN)
        drawing.margin = MARGIN
        return drawing

    def _emit(self, drawing, item, by_code):
        node = item.node
        x, y, w, h = self._rect(item)
        fill, stroke = _colours(node.kind, node.head, node.vacant)
        box = Box(
            key=node.key,
            kind=node.kind,
            code=node.code,
            x=x,
            y=y,
            w=w,
            h=h,
            label=node.title,
            href=node.href,
            fill=fill,
            stroke=stroke,
            dashed=node.vacant,
            highlight=node.highlight,
            children=node.child_count,
            hidden=node.hidden,
            toggle_href=node.toggle_href,
        )
        box.texts = item.block.texts(x, y, w, node.head, node.vacant)
        drawing.boxes.append(box)
        by_code[(node.kind, node.code)] = box
        if node.child_count:
            if self.orientation == "tb":
                box.toggle_at = (x + w / 2, y + h)
            else:
                box.toggle_at = (x + w, y + h / 2)
        if node.members:
            self._members(drawing, item, box, by_code)
        item.box = box

    def _members(self, drawing, item, box, by_code):
        node = item.node
        top = box.y + item.header_h
        cols, mw, mh = item.member_cols, item.member_w, item.member_h
        for index, (member, block) in enumerate(zip(node.members, item.members, strict=True)):
            row, col = divmod(index, cols)
            mx = box.x + PAD + col * (mw + MEMBER_GAP)
            my = top + row * (mh + MEMBER_GAP)
            fill, stroke = _colours(member.kind, member.head, member.vacant)
            key = f"{member.kind}:{member.code}"
            if member.kind == PERSON:
                key = f"person:{member.employee_no}@{node.code}"
            mbox = Box(
                key=key,
                kind=member.kind,
                code=member.code,
                x=mx,
                y=my,
                w=mw,
                h=mh,
                label=member.title,
                href=member.href,
                fill=fill,
                stroke=stroke,
                dashed=member.vacant,
                highlight=member.highlight,
                inside=box.key,
            )
            mbox.texts = block.texts(mx, my, mw, member.head, member.vacant)
            if block.photo and (member.photo_path or member.photo_url):
                mbox.photo = Photo(
                    mx + PAD,
                    my + (mh - PHOTO) / 2,
                    PHOTO,
                    member.employee_no,
                    member.photo_path,
                    member.photo_url,
                )
            drawing.boxes.append(mbox)
            if member.kind != PERSON:
                by_code.setdefault((member.kind, member.code), mbox)
        if node.more_members:
            rows = math.ceil(len(node.members) / cols)
            y = top + rows * (mh + MEMBER_GAP) + _lh(DETAIL_SIZE) * 0.8
            box.texts.append(
                Text(box.x + box.w / 2, y, node.more_members, DETAIL_SIZE, False, "middle")
            )

    def _connect(self, drawing, parent, child):
        """The solid line from ``parent``'s box to ``child``'s."""
        if parent.node is None:
            return
        pb, cb = parent.box, child.box
        tb = self.orientation == "tb"
        spine = child.spine
        if tb:
            start = (pb.x + pb.w / 2, pb.y + pb.h)
            bus = cb.y - self.gap / 2 if spine is None else None
        else:
            start = (pb.x + pb.w, pb.y + pb.h / 2)
        if spine is not None:
            # A leaf in a compact column: down the parent's axis, along the bus
            # above the block, down the column's spine, then into the leaf's side.
            block_top = self._block_top(parent)
            s = spine - self._min_b
            if tb:
                bus_y = block_top - self.gap / 2
                mid = cb.y + cb.h / 2
                pts = [start, (start[0], bus_y), (s, bus_y), (s, mid), (cb.x, mid)]
            else:
                bus_x = block_top - self.gap / 2
                mid = cb.x + cb.w / 2
                pts = [start, (bus_x, start[1]), (bus_x, s), (mid, s), (mid, cb.y)]
        elif tb:
            end = (cb.x + cb.w / 2, cb.y)
            pts = [start, (start[0], bus), (end[0], bus), end]
        else:
            bus = cb.x - self.gap / 2
            end = (cb.x, cb.y + cb.h / 2)
            pts = [start, (bus, start[1]), (bus, end[1]), end]
        pts = _dedupe(pts)
        drawing.lines.append(Line(pb.code, cb.code, SOLID, pts))

    def _block_top(self, parent):
        return (parent.layer + parent.span) * self.pitch + MARGIN


def _dedupe(points):
    out = [points[0]]
    for p in points[1:]:
        if abs(p[0] - out[-1][0]) > 1e-6 or abs(p[1] - out[-1][1]) > 1e-6:
            out.append(p)
    return out


def _edge(box, tx, ty):
    """Where the segment from the box's centre towards (tx, ty) leaves the box."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (box.w / 2) / abs(dx) if dx else math.inf
    sy = (box.h / 2) / abs(dy) if dy else math.inf
    s = min(sx, sy)
    return cx + dx * s, cy + dy * s


def _dotted(a, b, link):
    ac = (a.x + a.w / 2, a.y + a.h / 2)
    bc = (b.x + b.w / 2, b.y + b.h / 2)
    start = _edge(a, *bc)
    end = _edge(b, *ac)
    label_at = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    return Line(a.code, b.code, DOTTED, [start, end], link.label, label_at)


def lay_out(chart, *, orientation="tb", compact=True, photos=False):
    """The ``Drawing`` of ``chart`` (an ``orgchart.tree.Chart``).

    The layout makes a few objects per box and frees none of them until it
    is done, so the cyclic garbage collector would only rescan them, again
    and again (it took half the time at 20,000 boxes): it is paused meanwhile.
    """
    with paused_gc():
        return Layout(orientation, compact, photos).run(chart)


@contextmanager
def paused_gc():
    """No cyclic garbage collection inside: for work that makes many objects and frees none."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
