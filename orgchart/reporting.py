"""The screen's reporting chart, read only as deep and as wide as it is drawn.

``orgchart.data.snapshot`` reads every position: a first view after a write
paid for 20,000 positions to draw 300 of them. A screen reads here instead:

* its tops: the root or the focus with the positions above it (the
  breadcrumb), or one page of the positions that report to nobody;
* the levels below them breadth first in one recursive query that stops at
  the box budget plus one row: the whole levels that fit are drawn, as
  ``_Builder._levels_within`` decides on a snapshot, each position with the
  number of its reports (a collapsed box says how many it hides);
* the first reports of the boxes opened by hand, by a search or a paging link;
* the drawn positions' holders and the dotted lines between them.

The queries are the same and the rows read at most the drawn boxes (plus one
page of a wide level), whatever the organisation's size. Exports and the
chart without vacancies (which needs to know where anyone holds a position
anywhere below) still read the snapshot.
"""

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from departments.models import Department
from orgchart.data import (
    CHILDREN_ON_SCREEN,
    DEPTH_BUDGET,
    Built,
    Post,
    Snapshot,
    _Builder,
)
from orgchart.tree import Chart, DottedLink
from positions.models import Assignment, DottedLine, Position

# Positions in the chart's order: by unit in tree order, the head first, by code.
ORDER = [
    F("department__tree_id").asc(),
    F("department__lft").asc(),
    F("is_head").desc(),
    F("code").asc(),
]
_FIELDS = (
    "pk",
    "code",
    "title",
    "department_id",
    "reports_to_id",
    "is_head",
    "headcount",
    "department__name",
    "reports",
)
_NO_WALK = 10**6  # levels of a walk without a depth: the row budget stops it first


def _tables():
    q = connection.ops.quote_name
    return q(Position._meta.db_table), q(Department._meta.db_table)


def _count(outer):
    """SQL: how many positions of active units report to the position ``outer`` (a column).

    Counted on the index of reports_to alone, without reading the rows; only
    while some unit is inactive are its positions read and taken off."""
    p, d = _tables()
    return f"""((SELECT COUNT(*) FROM {p} r WHERE r.reports_to_id = {outer})
        - CASE WHEN EXISTS (SELECT 1 FROM {d} x WHERE NOT x.is_active) THEN
          (SELECT COUNT(*) FROM {p} r JOIN {d} rd ON rd.id = r.department_id
           WHERE r.reports_to_id = {outer} AND NOT rd.is_active) ELSE 0 END)"""  # noqa: S608


def _tops_sql():
    """SQL: the positions that report to nobody or to a position of an inactive unit.

    Two index look-ups, not a scan of every position with its boss."""
    p, d = _tables()
    return f"""SELECT t.id FROM {p} t WHERE t.reports_to_id IS NULL UNION
        SELECT r.id FROM {p} r JOIN {p} b ON b.id = r.reports_to_id
        JOIN {d} bd ON bd.id = b.department_id WHERE NOT bd.is_active"""  # noqa: S608


def _active():
    p, _d = _tables()
    return Position.objects.filter(department__is_active=True).annotate(
        reports=RawSQL(_count(f"{p}.id"), [], output_field=IntegerField())  # noqa: S611
    )


class Reporting(_Builder):
    """A ``_Builder`` of the reporting chart that reads its positions as it goes."""

    def __init__(self, options):
        super().__init__(Snapshot({}, [], {}, [], [], {}, {}), options)
        self.posts = {}  # pk -> Post: one object per position, however it was read
        self.kids = {}  # pk -> its reports drawn (a page of them), in chart order
        self.next_page = {}  # pk -> where the next page of its reports starts
        self.page_start = {}  # pk -> where the page of its reports read starts
        self._hit_chain = []  # a search hit and the positions above it

    # -- reading -----------------------------------------------------------

    def _post(self, pk, code, title, unit, boss, is_head, headcount, unit_name, reports):
        post = self.posts.get(pk)
        if post is None:
            post = Post(pk, code, title, unit, boss, is_head, headcount, unit_name=unit_name)
            self.posts[pk] = post
        post.report_count = reports
        return post

    def _chain(self, code):
        """The active position ``code`` and the positions above it, top first (one query).

        None when no position of an active unit has the code. The way up stops
        at a position of an inactive unit, as the snapshot's does."""
        p, d = _tables()
        # The columns ride along in the recursive query: joined afterwards, the
        # planner hashed the whole table of positions for a handful of rows.
        sql = f"""
            WITH RECURSIVE up(id, code, title, unit, boss, is_head, headcount, name, active) AS (
                SELECT b.id, b.code, b.title, b.department_id, b.reports_to_id, b.is_head,
                       b.headcount, bd.name, bd.is_active
                FROM {p} b JOIN {d} bd ON bd.id = b.department_id WHERE b.code = %s
                UNION
                SELECT b.id, b.code, b.title, b.department_id, b.reports_to_id, b.is_head,
                       b.headcount, bd.name, bd.is_active
                FROM up JOIN {p} b ON b.id = up.boss JOIN {d} bd ON bd.id = b.department_id
            )
            SELECT up.*, {_count("up.id")} FROM up
        """  # noqa: S608 - quoted table names and placeholders only
        with connection.cursor() as cursor:
            cursor.execute(sql, [code])
            rows = {row[0]: row for row in cursor.fetchall()}
        start = next((row for row in rows.values() if row[1] == code), None)
        if start is None or not start[8]:
            return None
        chain, seen, row = [], set(), start
        while row is not None and row[8] and row[0] not in seen:
            seen.add(row[0])
            chain.append(self._post(*row[:8], row[9]))
            row = rows.get(row[4])
        return chain[::-1]

    def _tops(self):
        """A screen of the positions that report to nobody (or to an inactive unit)."""
        tops = _active().filter(pk__in=RawSQL(_tops_sql(), []))  # noqa: S611
        start = max(self.o.start, 0)
        rows = list(
            tops.annotate(total=Window(Count("pk")))
            .order_by(*ORDER)
            .values_list(*_FIELDS, "total")[start : start + CHILDREN_ON_SCREEN]
        )
        if not rows and start:
            # Past the end: the last page, as a snapshot's paging clamps it.
            start = max(tops.count() - 1, 0)
            rows = list(
                tops.annotate(total=Window(Count("pk")))
                .order_by(*ORDER)
                .values_list(*_FIELDS, "total")[start : start + CHILDREN_ON_SCREEN]
            )
        if rows and rows[0][-1] > CHILDREN_ON_SCREEN:
            total = rows[0][-1]
            self.paging = (start, min(start + CHILDREN_ON_SCREEN, total), total)
        return [self._post(*row[:-1]) for row in rows]

    def _walk(self, tops, depth, budget):
        """Open the whole levels below ``tops`` that fit ``budget`` (one query).

        Returns the codes opened; the reports of each opened position are
        kept in ``self.kids`` when the walk read them all."""
        if not tops:
            return set()
        p, d = _tables()
        marks = ", ".join(["%s"] * len(tops))
        # The columns ride along in the recursive query (see _chain).
        columns = "c.id, c.code, c.title, c.department_id, c.reports_to_id, c.is_head, c.headcount"
        sql = f"""
            WITH RECURSIVE walk(id, code, title, unit, boss, is_head, headcount, name,
                                tree, lft, level) AS (
                SELECT {columns}, cd.name, cd.tree_id, cd.lft, 0
                FROM {p} c JOIN {d} cd ON cd.id = c.department_id WHERE c.id IN ({marks})
                UNION ALL
                SELECT {columns}, cd.name, cd.tree_id, cd.lft, w.level + 1 FROM walk w
                JOIN {p} c ON c.reports_to_id = w.id
                JOIN {d} cd ON cd.id = c.department_id
                WHERE cd.is_active AND w.level < %s
            )
            SELECT w.id, w.code, w.title, w.unit, w.boss, w.is_head, w.headcount, w.name,
                   {_count("w.id")}, w.level, w.tree, w.lft
            FROM (SELECT * FROM walk LIMIT %s) w
        """  # noqa: S608 - quoted table names and placeholders only
        with connection.cursor() as cursor:
            # Both databases make a recursive query's rows a level at a time
            # (PostgreSQL's working table, SQLite's queue): the first rows are
            # the top levels, and the LIMIT stops the walk there.
            cursor.execute(sql, [*(t.pk for t in tops), depth or _NO_WALK, budget + 1])
            rows = cursor.fetchall()
        rows.sort(key=lambda r: (r[9], r[10], r[11], not r[5], r[1]))
        level_of = {}
        for row in rows:
            if row[9]:  # the tops were read already
                self._post(*row[:9])
            level_of.setdefault(row[0], row[9])
        deepest = max(level_of.values(), default=0)
        if len(rows) <= budget:
            whole = deepest + 1 if depth is None else depth  # every level read is whole
        else:
            whole = deepest - 1  # the deepest level read is cut: the ones above fit
            if depth is not None:
                self.cut = (max(whole, 1 if len(tops) == 1 else 0), depth)
        opened = set()
        kids = {}
        for row in rows:
            if 0 < row[9] <= whole:
                kids.setdefault(row[4], []).append(self.posts[row[0]])
        for pk, level in level_of.items():
            post = self.posts[pk]
            if level < whole and post.report_count:
                opened.add(post.code)
                self.kids[pk] = kids.get(pk, [])
        if whole < 1 and len(tops) == 1 and tops[0].report_count:
            # One top: the level below it is drawn whatever it costs (a page of it).
            opened.add(tops[0].code)
        return opened

    def _read_kids(self, open_codes):
        """The first reports of the open positions the walk did not read (one query)."""
        root = self.posts_by_code().get(self.o.root)
        if root is not None and self.o.start and root.code in open_codes:
            self._page_of_root(root)
        wanted = {c for c in open_codes if c not in self._read_codes()}
        if not wanted:
            return
        first = (
            Position.objects.filter(department__is_active=True, reports_to__code__in=wanted)
            .annotate(rank=Window(RowNumber(), partition_by=[F("reports_to_id")], order_by=ORDER))
            .filter(rank__lte=CHILDREN_ON_SCREEN)
            .values("pk")
        )
        # Counted for the page only, not for every report ranked.
        rows = _active().filter(pk__in=first).order_by(*ORDER).values_list(*_FIELDS)
        read = {}
        for row in rows:
            read.setdefault(row[4], []).append(self._post(*row))
        by_code = self.posts_by_code()
        for code in wanted:
            post = by_code.get(code)
            if post is not None and post.pk not in self.kids:
                self.kids[post.pk] = read.get(post.pk, [])
                self.page_start[post.pk] = 0
                if (post.report_count or 0) > CHILDREN_ON_SCREEN:
                    self.next_page[post.pk] = CHILDREN_ON_SCREEN

    def _page_of_root(self, root):
        count = root.report_count or 0
        start = max(0, min(self.o.start, count - 1))
        rows = (
            _active()
            .filter(reports_to_id=root.pk)
            .order_by(*ORDER)
            .values_list(*_FIELDS)[start : start + CHILDREN_ON_SCREEN]
        )
        self.kids[root.pk] = [self._post(*row) for row in rows]
        end = start + CHILDREN_ON_SCREEN
        if end < count:
            self.next_page[root.pk] = end
        self.page_start[root.pk] = start

    def posts_by_code(self):
        return {post.code: post for post in self.posts.values()}

    def _read_codes(self):
        return {self.posts[pk].code for pk in self.kids}

    def _find(self, q):
        """The position whose code is ``q``, else the first in chart order whose
        title or a current holder's name holds it (one query)."""
        holder = Assignment.objects.current().filter(
            position=OuterRef("pk"), employee__name__icontains=q
        )
        code = (
            Position.objects.filter(department__is_active=True)
            .filter(Q(code=q) | Q(title__icontains=q) | Exists(holder))
            .annotate(exact=Case(When(code=q, then=Value(0)), default=Value(1)))
            .order_by("exact", *ORDER)
            .values_list("code", flat=True)
            .first()
        )
        return self._chain(code) if code else None

    # -- the whole ---------------------------------------------------------

    def build(self):
        o = self.o
        built = Built(Chart(o.kind, []))
        code = o.focus or o.root
        if code:
            chain = self._chain(code)
            if chain is None:
                built.missing_root = True
                return built
            target = chain[-1]
            built.path, built.target = chain[:-1], target
            if o.focus:
                tops = [chain[0]]
                for parent, child in zip(chain, chain[1:], strict=False):
                    self.force_open.add(parent.code)
                    self.only_child[parent.code] = child
                    self.on_path.add(id(child))
                    self.kids[parent.pk] = [child]
            else:
                tops = [target]
        else:
            tops = self._tops()
        if o.q.strip():
            self._search_in(built, o.q.strip(), tops)
            if built.found is not None and self.highlight is not None and code:
                tops = self._tops_for_hit(built, tops)
            elif built.found is not None and not code:
                top = self._hit_chain[0]
                if top not in tops:
                    tops.append(top)
        # Levels below the focus itself, or below the tops.
        seeds = [built.target] if o.focus and built.target is not None else tops
        budget = o.budget if o.depth is None else DEPTH_BUDGET
        open_codes = self._walk(seeds, o.depth, budget)
        open_codes |= self.opened | self.force_open
        open_codes -= self.closed - self.force_open
        self._read_kids(open_codes)
        built.chart.roots = self._draw(tops, open_codes)
        built.chart.dotted = self._dotted_drawn()
        return built

    def _search_in(self, built, q, tops):
        chain = self._find(q)
        if chain is None:
            return
        found = chain[-1]
        built.found = self.highlight = found
        self._hit_chain = chain
        for item in chain[:-1]:
            self.force_open.add(item.code)
        self.on_path |= {id(item) for item in chain}

    def _tops_for_hit(self, built, tops):
        chain = self._hit_chain
        if any(t in chain for t in tops):
            return tops
        # Outside the drawn root: draw from the top instead.
        built.path, built.target = [], None
        return [chain[0]]

    def _draw(self, tops, open_codes):
        """The tree of nodes: their reports drawn where open, with holders read first."""
        drawn, stack = [], list(tops)
        order = {}
        while stack:
            item = stack.pop()
            drawn.append(item)
            kids = self._drawn_kids(item, open_codes)
            order[item.pk] = kids
            stack.extend(kids)
        self._read_holders(drawn)
        self._drawn = drawn
        roots = []
        stack = [(t, roots) for t in reversed(tops)]
        while stack:
            item, siblings = stack.pop()
            node = self._reporting_node(item, order[item.pk], open_codes)
            siblings.append(node)
            for kid in reversed(order[item.pk]):
                stack.append((kid, node.children))
        return roots

    def _drawn_kids(self, item, open_codes):
        if item.code not in open_codes:
            return []
        only = self.only_child.get(item.code)
        if only is not None:
            return [only]
        kids = self.kids.get(item.pk, [])
        mine = item.code == self.o.root
        start = self.page_start.get(item.pk)
        if start is None:
            # Read whole by the walk: a screen of them (from ``start`` for the root).
            start = max(0, min(self.o.start, len(kids) - 1)) if mine else 0
            end = start + CHILDREN_ON_SCREEN
            if end < len(kids):
                self.next_page[item.pk] = end
            page = kids[start:end]
        else:
            page = list(kids)
        count = item.report_count or 0
        if mine and count > CHILDREN_ON_SCREEN:
            self.paging = (start, start + len(page), count)
        # The way to a search hit is drawn even past the page.
        chosen = {id(k) for k in page}
        page += [k for k in self._hit_chain if k.reports_to == item.pk and id(k) not in chosen]
        return page

    def _reporting_node(self, item, drawn, open_codes):
        node = self._post_node(item)
        count = item.report_count or 0
        node.child_count = count
        node.highlight = self.highlight is item
        if self.base_url is None or not count:
            return node
        next_page = self.next_page.get(item.pk)
        if next_page is not None and drawn:
            # More reports than a screen holds: the button shows the next ones.
            change = {"root": item.code, "start": next_page, "open": [], "closed": [], "focus": ""}
        elif drawn and len(drawn) == count:
            change = {
                "open": [c for c in self.o.opened if c != item.code],
                "closed": [*self.o.closed, item.code],
            }
        elif self.cut is not None and item.code not in self.closed:
            # The levels asked for were cut here: all of them from this box.
            change = {"root": item.code, "start": 0, "open": [], "closed": [], "focus": ""}
        else:
            change = {
                "open": [*self.o.opened, item.code],
                "closed": [c for c in self.o.closed if c != item.code],
            }
        node.toggle_href = f"{self.base_url}?{self.o.query(**change)}"
        return node

    def _read_holders(self, drawn):
        rows = (
            Assignment.objects.current()
            .filter(position_id__in=[p.pk for p in drawn])
            .order_by("position_id", "employee__employee_no")
            .values_list(
                "position_id", "employee__employee_no", "employee__name", "employee__photo"
            )
        )
        for post in drawn:
            post.holders = []
        for position, number, name, photo in rows:
            self.posts[position].holders.append((number, name, photo or ""))

    def _dotted_drawn(self):
        pks = [p.pk for p in self._drawn]
        rows = (
            DottedLine.objects.filter(from_position_id__in=pks, to_position_id__in=pks)
            .order_by("pk")
            .values_list("from_position_id", "to_position_id", "label")
        )
        links = []
        for a, b, label in rows:
            links.append(
                DottedLink(
                    self.posts[a].code, self.posts[b].code, label or _("functional guidance")
                )
            )
        return links
