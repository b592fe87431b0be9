"""The three charts, built from the database: what is drawn and with which words.

``snapshot()`` reads the whole organisation in a fixed number of queries
(units, positions, current holders, dotted lines) into plain tuples, and
keeps it in this process under the content generation (storage.generation):
any write anywhere moves the generation, so a kept snapshot is never older
than the data. A page then costs one query (the generation) however big the
organisation is; what it draws is chosen in Python from the snapshot.
The reporting chart and the exports use it.

A first view after a write reads afresh, so the screen's charts of units and
of positions do not read the whole organisation: ``outline()`` keeps the
units with their staffing counted in SQL (three queries, kept the same way),
the builder decides on it which units are drawn, and ``_Loader`` then reads
only those units' heads and first positions (at most the screen's boxes).

``build_chart()`` turns a snapshot and ``ChartOptions`` into an
``orgchart.tree.Chart``: which nodes are open (the screen's box budget,
``open``/``closed`` codes, a depth, a focus, a search hit) and the chart's own
words, in the active language.
"""

import dataclasses
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments.models import Department
from orgchart.drawing import PERSON, POSITION, UNIT
from orgchart.layout import paused_gc
from orgchart.tree import Chart, ChartNode, DottedLink, Member
from positions.models import Assignment, DottedLine, Employee, Position, photo_url
from storage import generation

KINDS = ("units", "positions", "reporting")
MAX_DEPTH = 50
SCREEN_BUDGET = 300  # boxes on the first view; more open on demand
MEMBERS_ON_SCREEN = 40  # positions drawn inside one unit on screen
MAX_CODES = 200  # open/closed codes carried in one URL
CHILDREN_ON_SCREEN = 200  # children of one box drawn on screen; the rest a page on
DEPTH_BUDGET = 600  # boxes of a screen asked for several levels ("all levels"); whole levels


@dataclass
class Unit:
    pk: int
    code: str
    name: str
    parent: int | None
    children: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    headcount: int = 0  # this unit and its sub-units
    holders: int = 0
    head: object = None
    position_count: int = 0  # its own positions
    filled_count: int = 0  # its own positions that somebody holds

    @property
    def label(self):
        return self.name


@dataclass
class Post:
    pk: int
    code: str
    title: str
    unit: int
    reports_to: int | None
    is_head: bool
    headcount: int
    holders: list = field(default_factory=list)  # (employee_no, name, photo file name or "")
    reports: list = field(default_factory=list)
    # Read with the position when the screen's reporting chart reads only what
    # it draws (orgchart.reporting): its unit's name, how many report to it.
    unit_name: str = ""
    report_count: int | None = None

    @property
    def label(self):
        return self.title

    @property
    def vacant(self):
        """Nobody holds it, though somebody should (headcount above 0)."""
        return not self.holders and self.headcount > 0


@dataclass
class Snapshot:
    units: dict  # pk -> Unit, in tree order
    roots: list  # top units
    posts: dict  # pk -> Post, in chart order
    top_posts: list  # positions that report to nobody (or to a unit not drawn)
    dotted: list  # (from pk, to pk, label)
    unit_by_code: dict
    post_by_code: dict
    # An outline (``outline()``) holds the units with their counts only: no
    # positions, no heads; the builder loads those of the units it draws.
    outline: bool = False
    filled_counted: bool = True  # an outline's Unit.filled_count is read when first needed


_kept = {}
_kept_lock = threading.Lock()


_READ = object()


def _kept_read(store, read, using, number):
    """``read(using)``, kept per process in ``store`` under the content generation and the date.

    ``number``: the generation, when the caller has just read it. Nothing is
    kept without one (a write transaction is open)."""
    if number is _READ:
        number = generation.current(using)
    key = (using, number, timezone.localdate())
    if number is not None:
        with _kept_lock:
            found = store.get(using)
        if found and found[0] == key:
            return found[1]
    value = read(using)
    if number is not None:
        with _kept_lock:
            store[using] = (key, value)
    return value


def snapshot(using="default", number=_READ):
    """The organisation now: kept per process under the content generation."""
    return _kept_read(_kept, _read, using, number)


def _read_units(using):
    """The active units in tree order, with their children; and the top ones (one query)."""
    units = {}
    active = Department.objects.using(using).active()
    rows = active.order_by("tree_id", "lft").values_list("pk", "code", "name", "parent_id")
    for pk, code, name, parent in rows:
        units[pk] = Unit(pk, code, name, parent)
    roots = []
    for unit in units.values():
        parent = units.get(unit.parent)
        (parent.children if parent else roots).append(unit)
    return units, roots


def _read(using):
    """Four queries: units, positions, current holders, dotted lines."""
    units, roots = _read_units(using)
    posts = {}
    rows = (
        Position.objects.using(using)
        .filter(department__is_active=True)
        .order_by("department__tree_id", "department__lft", "-is_head", "code")
        .values_list(
            "pk", "code", "title", "department_id", "reports_to_id", "is_head", "headcount"
        )
    )
    for pk, code, title, unit, reports_to, is_head, headcount in rows:
        post = Post(pk, code, title, unit, reports_to, is_head, headcount)
        posts[pk] = post
        units[unit].positions.append(post)
        if is_head and units[unit].head is None:
            units[unit].head = post
    holders = (
        Assignment.objects.using(using)
        .current()
        .filter(position__department__is_active=True)
        .order_by("position_id", "employee__employee_no")
        .values_list("position_id", "employee__employee_no", "employee__name", "employee__photo")
    )
    for position, number, name, photo in holders:
        if position in posts:
            posts[position].holders.append((number, name, photo or ""))
    top_posts = []
    for post in posts.values():
        boss = posts.get(post.reports_to)
        (boss.reports if boss else top_posts).append(post)
    dotted = list(
        DottedLine.objects.using(using)
        .filter(
            from_position__department__is_active=True,
            to_position__department__is_active=True,
        )
        .order_by("pk")
        .values_list("from_position_id", "to_position_id", "label")
    )
    # Staffing of each unit with its sub-units: own sums, then added upwards
    # in reverse tree order (children come after their parent).
    for unit in units.values():
        unit.headcount = sum(p.headcount for p in unit.positions)
        unit.holders = sum(len(p.holders) for p in unit.positions)
        unit.position_count = len(unit.positions)
        unit.filled_count = sum(1 for p in unit.positions if p.holders)
    _add_up(units)
    return Snapshot(
        units,
        roots,
        posts,
        top_posts,
        dotted,
        {u.code: u for u in units.values()},
        {p.code: p for p in posts.values()},
    )


def _add_up(units):
    """Staffing of each unit with its sub-units: own sums added upwards."""
    for unit in reversed(list(units.values())):
        parent = units.get(unit.parent)
        if parent:
            parent.headcount += unit.headcount
            parent.holders += unit.holders


_kept_outlines = {}


def outline(using="default", number=_READ):
    """The units with their staffing, kept per process under the content generation.

    Three queries whatever the organisation's size: the units, then per unit
    its positions' headcount and count, then its current holders and filled
    positions (counted in SQL). What a screen draws of the positions is read
    per request (``_Loader``): at most the budget's boxes.
    """
    return _kept_read(_kept_outlines, _read_outline, using, number)


def _read_outline(using):
    units, roots = _read_units(using)
    own = (
        Position.objects.using(using)
        .order_by()
        .values("department_id")
        .annotate(headcount=Sum("headcount"), count=Count("pk"))
        .values_list("department_id", "headcount", "count")
    )
    for pk, headcount, count in own:
        if pk not in units:
            continue
        units[pk].headcount = headcount or 0
        units[pk].position_count = count
    # Units not drawn (inactive) are skipped here rather than joined in SQL.
    held = (
        _current(using)
        .values("position__department_id")
        .annotate(holders=Count("pk"))
        .values_list("position__department_id", "holders")
    )
    for pk, holders in held:
        if pk in units:
            units[pk].holders = holders
    _add_up(units)
    codes = {u.code: u for u in units.values()}
    return Snapshot(units, roots, {}, [], [], codes, {}, outline=True, filled_counted=False)


def _current(using):
    return Assignment.objects.using(using).current().order_by()


_filled_lock = threading.Lock()


def _count_filled(snap, using):
    """Each unit's positions that somebody holds, added to a kept outline once:
    only a positions chart without vacancies asks (COUNT DISTINCT costs a sort)."""
    with _filled_lock:
        if snap.filled_counted:
            return
        rows = (
            _current(using)
            .values("position__department_id")
            .annotate(filled=Count("position_id", distinct=True))
            .values_list("position__department_id", "filled")
        )
        for pk, filled in rows:
            if pk in snap.units:
                snap.units[pk].filled_count = filled
        snap.filled_counted = True


class _Loader:
    """The positions of the units a screen draws, read for one request.

    Each unit's head (the first head in chart order), and in the positions
    chart its first ``cap`` members (filled ones only without vacancies),
    with their holders and the dotted lines between them: three queries,
    at most the screen's boxes.
    """

    def __init__(self, using):
        self.using = using
        self._found = {}

    def positions(self, unit_pks, cap, filled_only):
        """{unit pk: [Post, ...]} in chart order, and the posts by pk."""
        if not unit_pks:
            return {}, {}
        partition = [F("department_id")]
        if filled_only:
            partition.append(_held())
        rows = (
            Position.objects.using(self.using)
            .filter(department_id__in=unit_pks)
            .annotate(
                nth=Window(
                    RowNumber(),
                    partition_by=partition,
                    order_by=[F("is_head").desc(), F("code").asc()],
                )
            )
            .filter(nth__lte=max(cap, 1))
            .order_by("department_id", "-is_head", "code")
            .values_list(
                "pk", "code", "title", "department_id", "reports_to_id", "is_head", "headcount"
            )
        )
        posts = {}
        for pk, code, title, unit, reports_to, is_head, headcount in rows:
            posts[pk] = Post(pk, code, title, unit, reports_to, is_head, headcount)
        holders = (
            Assignment.objects.using(self.using)
            .current()
            .filter(position_id__in=list(posts))
            .order_by("position_id", "employee__employee_no")
            .values_list(
                "position_id", "employee__employee_no", "employee__name", "employee__photo"
            )
        )
        for position, number, name, photo in holders:
            posts[position].holders.append((number, name, photo or ""))
        by_unit = {}
        for post in posts.values():
            by_unit.setdefault(post.unit, []).append(post)
        return by_unit, posts

    def dotted(self, pks):
        if not pks:
            return []
        return list(
            DottedLine.objects.using(self.using)
            .filter(from_position_id__in=pks, to_position_id__in=pks)
            .order_by("pk")
            .values_list("from_position_id", "to_position_id", "label")
        )

    def find_post(self, q):
        """The position a positions chart's search finds when no unit does:
        the one whose code is ``q``, else the first in chart order whose title holds it."""
        if q not in self._found:
            row = (
                Position.objects.using(self.using)
                .filter(department__is_active=True)
                .filter(Q(code=q) | Q(title__icontains=q))
                .annotate(exact=Case(When(code=q, then=0), default=1))
                .order_by("exact", "department__tree_id", "department__lft", "-is_head", "code")
                .values_list(
                    "pk", "code", "title", "department_id", "reports_to_id", "is_head", "headcount"
                )
                .first()
            )
            self._found[q] = Post(*row) if row else None
        return self._found[q]


def _held():
    return Exists(Assignment.objects.current().filter(position=OuterRef("pk")))


@dataclass
class ChartOptions:
    kind: str = "units"
    root: str = ""  # a unit code (units, positions) or a position code (reporting)
    depth: int | None = None  # levels below the root; None: the screen budget decides
    holders: bool = True
    vacancies: bool = True
    photos: bool = False
    orientation: str = "tb"
    compact: bool = True
    opened: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    q: str = ""
    focus: str = ""  # a unit or position code: its path up, then ``depth`` levels down
    budget: int | None = SCREEN_BUDGET  # None: everything (exports)
    start: int = 0  # the first of the root's children drawn, when it has more than a screen

    def query(self, **changes):
        """These options as a query string, with ``changes`` applied."""
        values = self._parameters()
        values.update(changes)
        pairs = []
        for name, value in values.items():
            if value in (None, "", []) or value == _DEFAULT_QUERY.get(name):
                continue
            if isinstance(value, list):
                pairs.extend((name, v) for v in value[:MAX_CODES])
            else:
                pairs.append((name, value))
        return urlencode(pairs)

    def _parameters(self):
        return {
            "kind": self.kind,
            "root": self.root,
            "depth": self.depth,
            "holders": int(self.holders),
            "vacancies": int(self.vacancies),
            "photos": int(self.photos),
            "orient": self.orientation,
            "compact": int(self.compact),
            "open": self.opened,
            "closed": self.closed,
            "focus": self.focus,
            "start": self.start,
        }


# The parameters at their defaults, left out of a URL (read once, not per box).
_DEFAULT_QUERY = ChartOptions()._parameters()


@dataclass
class Built:
    chart: Chart
    found: object = None  # what a search found: a Unit or a Post
    missing_root: bool = False
    path: list = field(default_factory=list)  # the root's or focus's ancestors
    paging: tuple | None = None  # (first, last, of): the root's children on this page
    target: object = None  # the root or focus itself (a Unit or a Post), for the breadcrumb
    boxes: int = 0  # boxes of the chart (counted before drawing when there are too many)
    # Levels asked for (``depth``) that the screen's DEPTH_BUDGET cut: (levels drawn, asked).
    cut: tuple | None = None


def _staffing(headcount, holders, vacancies=True):
    """编制 / 在岗 (/ 空缺) of a unit, in the interface language."""
    values = {"headcount": headcount, "holders": holders, "vacant": max(headcount - holders, 0)}
    if vacancies:
        return _("Headcount %(headcount)s · filled %(holders)s · vacant %(vacant)s") % values
    return _("Headcount %(headcount)s · filled %(holders)s") % values


_SLOT = "00SLOT00"


@lru_cache(maxsize=8)
def _pattern(name):
    return reverse(name, args=[_SLOT])


def _page(name, code):
    """reverse(name, args=[code]) without resolving the pattern for every box."""
    # Quoted as reverse() quotes its arguments (django.urls.resolvers).
    return _pattern(name).replace(_SLOT, quote(code, safe=RFC3986_SUBDELIMS + "/~:@"))


def _names(holders):
    return "、".join(name for _no, name, _photo in holders)


class _Builder:
    def __init__(self, snap, options):
        self.snap = snap
        self.o = options
        self.opened = set(options.opened)
        self.closed = set(options.closed)
        self.force_open = set()  # codes opened by a search or a focus path
        self.only_child = {}  # code -> the one child a focus path shows
        self.highlight = None
        self.base_url = None  # the page's URL: toggles link to it
        self._filled = None  # positions with a holder somewhere below them
        self.on_path = set()  # ids of the items on the way to a search hit or focus
        self.paging = None  # (first, last, of) children of the root on this page
        self.member_cap = None  # positions drawn inside a unit, when fewer than usual
        self.members_of = None  # an outline's loaded positions: {unit pk: [Post, ...]}
        self.heads = {}  # an outline's loaded heads: {unit pk: Post}
        self.loader = None  # an outline's reads (_Loader)
        self.sketch = False  # boxes without words: which are drawn, nothing more
        self.cut = None  # (levels drawn, levels asked) when DEPTH_BUDGET cut the levels asked

    # -- the tree to draw ------------------------------------------------------

    def _children(self, item):
        if self.o.kind == "reporting":
            return item.reports
        return item.children

    def _members(self, unit):
        """The positions drawn inside ``unit`` (in an outline: those loaded, the first ones)."""
        if self.o.kind != "positions":
            return []
        if self.members_of is not None:
            return self.members_of.get(unit.pk, [])
        posts = unit.positions
        if not self.o.vacancies:
            posts = [p for p in posts if p.holders]
        return posts

    def _member_count(self, unit):
        if self.o.kind != "positions":
            return 0
        return unit.position_count if self.o.vacancies else unit.filled_count

    def _size(self, item):
        if self.o.kind == "positions":
            return 1 + min(self._member_count(item), self._member_cap())
        return 1

    def _member_cap(self):
        if self.o.budget is None:
            return 10**9
        return self.member_cap or MEMBERS_ON_SCREEN

    def _visible(self, tops):
        """Codes of the items whose children are drawn."""
        open_codes = set()
        if self.o.depth is not None and self.o.budget is not None:
            self._levels_within(tops, self.o.depth, DEPTH_BUDGET, open_codes)
        elif self.o.budget is None:
            limit = self.o.depth if self.o.depth is not None else MAX_DEPTH * 1000
            level, depth = list(tops), 1
            while level and depth <= limit:
                nxt = []
                for item in level:
                    if item.code in self.closed:
                        continue
                    kids = self._children(item)
                    if kids:
                        open_codes.add(item.code)
                        nxt.extend(kids)
                level, depth = nxt, depth + 1
        else:
            self._levels_within(tops, None, self.o.budget, open_codes)
        open_codes |= self.opened | self.force_open
        open_codes -= self.closed - self.force_open
        return open_codes

    def _levels_within(self, tops, depth, budget, open_codes):
        """Open whole levels below ``tops`` while their boxes fit ``budget``, at
        least one level below a single top; at most ``depth`` levels (None: all)."""
        total = sum(self._size(t) for t in tops)
        level, levels = list(tops), 0
        while level and (depth is None or levels < depth):
            # Asked for levels, a closed box's are not drawn, nor counted.
            shut = self.closed if depth is not None else ()
            nxt = [k for item in level if item.code not in shut for k in self._children(item)]
            if not nxt:
                break
            cost = sum(self._size(k) for k in nxt)
            if total + cost > budget and (levels >= 1 or len(level) > 1):
                if depth is not None:
                    self.cut = (levels, depth)
                break
            if total + cost > budget and self.o.kind == "positions":
                # The one level below a single top is drawn whatever it costs:
                # fewer positions inside each of its units keep it near the budget.
                shown = min(len(nxt), CHILDREN_ON_SCREEN)
                self.member_cap = max(3, (budget - total) // max(shown, 1) - 1)
            for item in level:
                if self._children(item):
                    open_codes.add(item.code)
            total += cost
            level, levels = nxt, levels + 1

    def _node(self, item, open_codes):
        """The ChartNode of ``item`` and the items drawn below it."""
        o = self.o
        node = self._post_node(item) if o.kind == "reporting" else self._unit_node(item)
        kids = self._children(item)
        if not o.vacancies and o.kind == "reporting":
            kids = [k for k in kids if k.holders or self._has_filled_below(k)]
        node.child_count = len(kids)
        drawn = []
        next_page = None
        if item.code in open_codes:
            only = self.only_child.get(item.code)
            drawn = [k for k in kids if only is None or k is only]
            if self.o.budget is not None and len(drawn) > CHILDREN_ON_SCREEN:
                drawn, next_page = self._page_of(item, drawn)
        node.highlight = self.highlight is item
        if self.base_url is not None and next_page is not None:
            # More children than a screen holds: the button shows the next ones.
            change = {"root": item.code, "start": next_page, "open": [], "closed": [], "focus": ""}
            node.toggle_href = f"{self.base_url}?{self.o.query(**change)}"
        elif self.base_url is not None and kids:
            if drawn and len(drawn) == len(kids):
                change = {
                    "open": [c for c in self.o.opened if c != item.code],
                    "closed": [*self.o.closed, item.code],
                }
            elif self.cut is not None and not drawn and item.code not in self.closed:
                # The levels asked for were cut above this box: all of them from it.
                change = {"root": item.code, "start": 0, "open": [], "closed": [], "focus": ""}
            else:
                change = {
                    "open": [*self.o.opened, item.code],
                    "closed": [c for c in self.o.closed if c != item.code],
                }
            node.toggle_href = f"{self.base_url}?{self.o.query(**change)}"
        return node, drawn

    def _page_of(self, item, kids):
        """The children of ``item`` drawn on screen: CHILDREN_ON_SCREEN of them
        from the page's start (for the root), and any on the way to a search hit.
        Returns them and where the next page starts (None: no next page)."""
        # item None: the tops themselves, paged when no root is chosen.
        mine = item is None or item.code == self.o.root
        start = self.o.start if mine else 0
        start = max(0, min(start, len(kids) - 1))
        end = start + CHILDREN_ON_SCREEN
        page = kids[start:end]
        chosen = {id(k) for k in page}
        page += [k for k in kids if id(k) in self.on_path and id(k) not in chosen]
        if mine:
            self.paging = (start, min(end, len(kids)), len(kids))
        return page, (end if end < len(kids) else None)

    def _has_filled_below(self, post):
        """Whether anyone holds a position below ``post`` (worked out once for all)."""
        if self._filled is None:
            self._filled = set()
            # Children come after their boss in a walk from the tops: walk it
            # backwards, so each position is settled before its boss.
            order, stack = [], list(self.snap.top_posts)
            while stack:
                item = stack.pop()
                order.append(item)
                stack.extend(item.reports)
            for item in reversed(order):
                if any(k.holders or k.pk in self._filled for k in item.reports):
                    self._filled.add(item.pk)
        return post.pk in self._filled

    def _unit_node(self, unit):
        if self.sketch:
            return ChartNode(UNIT, unit.code, unit.name)
        o = self.o
        details = []
        head = self.heads.get(unit.pk) if self.snap.outline else unit.head
        if head is not None:
            if o.holders and head.holders:
                details.append(_("Head: %(name)s") % {"name": _names(head.holders)})
            elif o.vacancies and not head.holders:
                details.append(_("Head: %(title)s (vacant)") % {"title": head.title})
            else:
                details.append(_("Head: %(title)s") % {"title": head.title})
        details.append(_staffing(unit.headcount, unit.holders, o.vacancies))
        node = ChartNode(
            UNIT,
            unit.code,
            unit.name,
            details,
            href=_page("departments:detail", unit.code),
        )
        members = self._members(unit)
        cap = self._member_cap()
        for post in members[:cap]:
            node.members.append(self._post_member(post))
        if self._member_count(unit) > cap:
            rest = self._member_count(unit) - cap
            node.more_members = ngettext(
                "and %(count)s more position", "and %(count)s more positions", rest
            ) % {"count": rest}
        return node

    def _post_member(self, post):
        o = self.o
        details = [f"{len(post.holders)}/{post.headcount}"]
        if o.holders and post.holders:
            details[0] += " · " + _names(post.holders)
        elif post.vacant:
            details[0] += " · " + _("vacant")
        return Member(
            POSITION,
            post.code,
            post.title,
            details,
            href=_page("positions:detail", post.code),
            head=post.is_head,
            vacant=post.vacant,
            highlight=isinstance(self.highlight, Post) and self.highlight.pk == post.pk,
        )

    def _post_node(self, post):
        o = self.o
        details = [post.unit_name or self.snap.units[post.unit].name]
        vacant = len(post.holders) < post.headcount
        count = f"{len(post.holders)}/{post.headcount}"
        if post.vacant:
            details.append(count + " · " + _("vacant"))
        elif not o.holders:
            details.append(count)
        elif vacant and o.vacancies:
            details.append(
                count + " · " + _("%(n)s vacant") % {"n": post.headcount - len(post.holders)}
            )
        node = ChartNode(
            POSITION,
            post.code,
            post.title,
            details,
            href=_page("positions:detail", post.code),
            head=post.is_head,
            vacant=post.vacant,
        )
        if o.holders:
            for number, name, photo in post.holders:
                url = photo_url(number, photo) if o.photos else None
                node.members.append(
                    Member(PERSON, number, name, [], employee_no=number, photo_url=url)
                )
        return node

    # -- search and focus --------------------------------------------------

    def _parent(self, item):
        if isinstance(item, Post):
            if self.o.kind == "reporting":
                return self.snap.posts.get(item.reports_to)
            return self.snap.units.get(item.unit)
        return self.snap.units.get(item.parent)

    def _ancestors(self, item):
        path = []
        seen = set()
        parent = self._parent(item)
        while parent is not None and parent.pk not in seen:
            seen.add(parent.pk)
            path.append(parent)
            parent = self._parent(parent)
        return path[::-1]

    def _search(self, q):
        """The first unit or position whose code is ``q``, or whose name holds it."""
        q = q.strip()
        if not q:
            return None
        snap = self.snap
        if self.o.kind == "reporting":
            if q in snap.post_by_code:
                return snap.post_by_code[q]
            folded = q.casefold()
            for post in snap.posts.values():
                if folded in post.title.casefold() or any(
                    folded in name.casefold() for _n, name, _p in post.holders
                ):
                    return post
            return None
        if q in snap.unit_by_code:
            return snap.unit_by_code[q]
        folded = q.casefold()
        for unit in snap.units.values():
            if folded in unit.name.casefold():
                return unit
        if self.o.kind == "positions" and snap.outline:
            return self.loader.find_post(q)
        if self.o.kind == "positions":
            if q in snap.post_by_code:
                return snap.post_by_code[q]
            for post in snap.posts.values():
                if folded in post.title.casefold():
                    return post
        return None

    # -- the whole -----------------------------------------------------------

    def build(self):
        o, snap = self.o, self.snap
        built = Built(Chart(o.kind, []))
        if o.kind == "reporting":
            lookup, tops = snap.post_by_code, snap.top_posts
        else:
            lookup, tops = snap.unit_by_code, snap.roots
        if o.root:
            root = lookup.get(o.root)
            if root is None:
                built.missing_root = True
                return built
            tops = [root]
            built.path = self._ancestors(root)
            built.target = root
        if o.focus:
            target = lookup.get(o.focus)
            if target is None:
                built.missing_root = True
                return built
            path = self._ancestors(target)
            if path:
                tops = [path[0]]
                for parent, child in zip(path, [*path[1:], target], strict=True):
                    self.force_open.add(parent.code)
                    self.only_child[parent.code] = child
                    self.on_path.add(id(child))
            else:
                tops = [target]
            built.path = path
            built.target = target
        if o.q:
            found = self._search(o.q)
            built.found = found
            if found is not None:
                self.highlight = found
                chain = self._ancestors(found)
                if isinstance(found, Post) and o.kind == "positions":
                    owner = snap.units[found.unit]
                    chain = [*self._ancestors(owner), owner]
                    if owner in tops or any(u in tops for u in chain):
                        pass
                for item in chain:
                    self.force_open.add(item.code)
                self.on_path |= {id(item) for item in chain} | {id(found)}
                if not any(t is found or t in chain for t in tops):
                    # Outside the drawn root: draw from the top instead.
                    tops = [chain[0]] if chain else [found]
                    built.path = []
                    built.target = None
        if o.kind == "reporting" and not o.vacancies and not (o.root or o.focus):
            tops = [t for t in tops if t.holders or self._has_filled_below(t)]
        if o.budget is not None and len(tops) > CHILDREN_ON_SCREEN and not (o.root or o.focus):
            # Thousands of top units (or positions reporting to nobody): a screen of them.
            tops, _next = self._page_of(None, tops)
        open_codes = self._visible(tops)
        if o.focus and o.depth is not None:
            open_codes |= self._below(lookup[o.focus], o.depth)
        built.chart.roots = self._tree(tops, open_codes)
        built.chart.dotted = self._dotted(built.chart)
        return built

    def _below(self, item, depth):
        codes, level = set(), [item]
        for _level in range(depth):
            nxt = []
            for x in level:
                kids = self._children(x)
                if kids:
                    codes.add(x.code)
                    nxt.extend(kids)
            level = nxt
        return codes

    def _tree(self, tops, open_codes):
        roots = []
        stack = [(t, roots) for t in reversed(tops)]
        while stack:
            item, siblings = stack.pop()
            node, kids = self._node(item, open_codes)
            siblings.append(node)
            for kid in reversed(kids):
                stack.append((kid, node.children))
        return roots

    def _dotted(self, chart):
        """Dotted lines whose two ends are drawn (as boxes or as members)."""
        drawn = set()
        for node in chart.walk():
            if node.kind == POSITION:
                drawn.add(node.code)
            for member in node.members:
                if member.kind == POSITION:
                    drawn.add(member.code)
        links = []
        if self.o.kind == "units":
            return links
        posts = self.snap.posts
        for a, b, label in self.snap.dotted:
            pa, pb = posts[a], posts[b]
            if pa.code in drawn and pb.code in drawn:
                links.append(DottedLink(pa.code, pb.code, label or _("functional guidance")))
        return links


def build_chart(options, snap=None, base_url=None, number=_READ, max_boxes=None):
    """A ``Built``: the chart for ``options``, what a search found, the root's path.

    ``base_url``: the page the chart is drawn on; its open/close buttons link
    there. None for exports. Without ``snap``, a screen's chart of units or
    of positions reads an outline and the positions of the units it draws
    (``number``: the content generation, when the caller has read it), a
    screen's reporting chart the positions it draws (orgchart.reporting);
    exports and the reporting chart without vacancies read the whole organisation.
    ``max_boxes``: a chart of more boxes is not finished (``Built.boxes``
    says how many it has; the caller draws something smaller instead).
    """
    if snap is None:
        if options.budget is not None and options.kind in ("units", "positions"):
            return _build_from_outline(options, outline(number=number), base_url, max_boxes)
        if options.budget is not None and options.vacancies:
            # orgchart.reporting builds on this module's _Builder.
            from orgchart.reporting import Reporting  # noqa: PLC0415

            built = _build(Reporting(options), base_url)
            built.boxes = built.chart.count_boxes()
            return built
        snap = snapshot(number=number)
    built = _build(_Builder(snap, options), base_url)
    built.boxes = built.chart.count_boxes()
    return built


def _build(builder, base_url):
    builder.base_url = base_url
    with paused_gc():
        built = builder.build()
    built.paging = builder.paging
    built.cut = builder.cut
    built.chart.title = title(builder.o.kind)
    return built


def _build_from_outline(options, snap, base_url, max_boxes):
    """Twice: once on the outline to learn which units are drawn (their counts
    decide the tree), then with their heads and members loaded."""
    loader = _Loader("default")
    if options.kind == "positions" and not options.vacancies:
        _count_filled(snap, "default")
    first = _Builder(snap, options)
    first.loader = loader
    first.members_of = {}
    first.sketch = True
    built = _build(first, None)  # no page: no buttons to link
    drawn = [snap.unit_by_code[n.code].pk for n in built.chart.walk()]
    cap = first._member_cap() if options.kind == "positions" else 0
    built.boxes = sum(1 + min(first._member_count(snap.units[pk]), cap) for pk in drawn)
    if max_boxes is not None and built.boxes > max_boxes:
        return built
    by_unit, posts = loader.positions(drawn, cap, filled_only=not options.vacancies)
    second = _Builder(snap, options)
    second.loader = loader
    second.heads = {
        pk: unit_posts[0] for pk, unit_posts in by_unit.items() if unit_posts[0].is_head
    }
    if options.kind == "positions":
        second.members_of = {
            pk: [p for p in unit_posts if p.holders or options.vacancies][:cap]
            for pk, unit_posts in by_unit.items()
        }
        shown = [p.pk for unit_posts in second.members_of.values() for p in unit_posts]
        second.snap = dataclasses.replace(snap, posts=posts, dotted=loader.dotted(shown))
    built = _build(second, base_url)
    built.boxes = built.chart.count_boxes()
    return built


def title(kind):
    return {
        "units": _("Organisation chart: units"),
        "positions": _("Organisation chart: units and positions"),
        "reporting": _("Organisation chart: reporting lines"),
    }[kind]


def photo_paths(numbers):
    """Files of the photos of these employees, for exports that embed them."""
    paths = {}
    for employee in Employee.objects.filter(employee_no__in=list(numbers)).exclude(photo=""):
        path = employee.photo_path()
        if path:
            paths[employee.employee_no] = path
    return paths
