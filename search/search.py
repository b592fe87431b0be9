"""Search across departments, positions, duties, KPIs and forms.

Chinese text has no word boundaries, so matching is by substring, which also
serves one- and two-character queries. Each query is tried in its simplified
and traditional spellings (opencc, offline). A question that names a
department ("销售部的职责是什么", "What is the responsibility of the sales
department?") answers with that department first, never a neighbour.

A word may match a hundred thousand duties, so no group costs more than its
first ``COUNT_CAP + 1`` matches: they are found by an index where there is one,
counted ("more than 1,000" beyond the cap), ranked, and cut to a page, in one
query per group. The overview shows ``PER_GROUP`` of each group with a link to
that group's own pages (``?in=duties&page=2``), which go as far as the cap.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Left, Lower, StrIndex, Trim, Upper
from django.db.models.lookups import Exact, GreaterThan
from django.utils.translation import gettext_lazy as _

from core.chinese import converter, simplified
from core.numbering import number_items
from core.substring import contains, long_caseless_words, short_words
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Position

MAX_QUERY = 100
PER_GROUP = 20
PER_PAGE = 50
# Matches counted, ranked and paged per group; beyond it "more than 1,000".
COUNT_CAP = 1000

# Question words to drop before matching the rest of a question.
_QUESTION_NOISE = re.compile(
    r"(what\s+(is|are)\s+the\s+(responsibilit(y|ies)|duties|functions?|role)\s+of\s+(the\s+)?"
    r"|的?(主要)?(职责|職責|职能|職能|工作)(是什么|是什麼|有哪些|有什么|有什麼)?"
    r"|[?？。!！,，]|\bthe\b)",
    re.IGNORECASE,
)


def spellings(text: str) -> list[str]:
    """The text as typed, in simplified and in traditional characters."""
    variants = [text, simplified(text), converter("s2t").convert(text)]
    return list(dict.fromkeys(v for v in variants if v))


def _any(lookup, fields, variants) -> Q:
    condition = Q()
    for name in fields:
        for variant in variants:
            condition |= Q(**{f"{name}__{lookup}": variant})
    return condition


@dataclass(frozen=True)
class _Kind:
    """How one group is searched: its fields (the first is the one ranked), what a hit shows."""

    key: str
    label: str
    model: type
    fields: tuple
    related: tuple = ()

    def matching(self, variants):
        """The matching rows, in no order (slice it: a word may match 100,000 rows).

        On PostgreSQL the gram indexes (search/migrations/0002, core.substring)
        serve a query of one or two characters, and a longer one without case
        (Chinese): one query over all fields and spellings. A longer one with
        case is one sub-select per field and spelling, joined by UNION: the
        planner prices each trigram index look-up on its own, whereas for an
        OR of four it prefers a sequential scan, underrating the UPPER() that
        scan runs on every row (40 ms instead of 2 ms for KPIs at 50,000 rows).
        Elsewhere (SQLite, spellings of mixed lengths) a plain OR, which scans
        in table order and stops at the limit.
        """
        objects = self.model.objects.order_by()
        if connection.vendor == "postgresql":
            if short_words(variants) or long_caseless_words(variants):
                return objects.filter(contains(self.fields, variants))
            if all(len(v) >= 3 for v in variants) and len(self.fields) * len(variants) > 1:
                branches = [
                    objects.filter(**{f"{name}__icontains": v}).values("pk")[: COUNT_CAP + 1]
                    for name in self.fields
                    for v in variants
                ]
                return objects.filter(pk__in=branches[0].union(*branches[1:]))
        return objects.filter(_any("icontains", self.fields, variants))

    def rank(self, variants):
        """What orders the matches, best first: columns of the row itself, no join.

        Where the main field holds the word (all of it, at its start, inside),
        then the shorter field, then a stable order. Computed on up to 1,001
        rows, some of 2,000 characters (long-duties shape): "all of it" and "at
        its start" compare the field's first characters only, and a word
        without case (Chinese, digits) is looked for as it is, without
        upper-casing the whole field (six UPPER()s of 1,001 long texts cost
        110 ms, these 10), and the length is the size (Size).
        """
        main = F(self.fields[0])
        caseless = all(v.upper() == v == v.lower() for v in variants)

        def fold(expression):
            return expression if caseless else Upper(expression)

        # One character more than the longest word: equal to a word only if it is all of it.
        head = fold(Left(main, max(len(v) for v in variants) + 1))
        exact = _either(Exact(head, fold(Value(v))) for v in variants)
        starts = _either(Exact(fold(Left(main, len(v))), fold(Value(v))) for v in variants)
        inside = _either(GreaterThan(StrIndex(fold(main), fold(Value(v))), 0) for v in variants)
        best = Case(
            When(exact, then=Value(0)),
            When(starts, then=Value(1)),
            When(inside, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return [best, Size(main), *RANK_THEN[self.key]]


class Size(Func):
    """A text's size in bytes: PostgreSQL reads it without decompressing a long text.

    The rank's "shorter field first"; in characters (LENGTH) it decompressed
    1,001 texts of 2,000 characters, 40 ms on the long-duties shape. Texts of
    one script compare the same either way.
    """

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))")


def _either(conditions) -> Q:
    either = Q()
    for condition in conditions:
        either |= Q(condition)
    return either


# After the match's place and the field's length: tree order, codes, numbers.
RANK_THEN = {
    "departments": ["tree_id", "lft"],
    "positions": ["code"],
    "duties": ["position_id", "kind", "order", "pk"],
    "kpis": ["pk"],
    "forms": ["name", "code"],
}

KINDS = [
    _Kind("departments", _("Departments"), Department, ("name", "aliases", "code")),
    _Kind("positions", _("Positions"), Position, ("title", "code"), related=("department",)),
    _Kind(
        "duties",
        _("Duties"),
        Duty,
        ("text", "process_steps"),
        related=("position__department",),
    ),
    _Kind(
        "kpis",
        _("KPIs"),
        Kpi,
        ("text", "metric"),
        related=("duty__position", "position", "function__department"),
    ),
    _Kind("forms", _("Forms"), Form, ("name", "code", "description")),
]
KIND_KEYS = [kind.key for kind in KINDS]


@dataclass
class Group:
    """One kind of result: a page of the best matches and how many there are.

    ``found`` counts up to ``COUNT_CAP + 1``; ``capped`` says it stopped there.
    """

    key: str
    label: str
    items: list
    found: int
    offset: int = 0

    @property
    def capped(self) -> bool:
        return self.found > COUNT_CAP

    @property
    def more(self) -> bool:
        return self.offset + len(self.items) < min(self.found, COUNT_CAP)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.found, COUNT_CAP) // PER_PAGE))

    @property
    def number(self) -> int:
        return self.offset // PER_PAGE + 1


def _group(kind, variants, exclude=(), offset=0, limit=PER_GROUP) -> Group:
    """Two queries: the first COUNT_CAP + 1 matches with their rank, then one page of rows.

    The first returns small tuples (the pk and the rank's values, computed on
    the matching rows only) and stops at the cap; they are counted and sorted
    here. The second reads the page's rows with what they show.
    """
    ranked = list(
        kind.matching(variants)
        .exclude(pk__in=exclude)
        .values_list("pk", *kind.rank(variants))[: COUNT_CAP + 1]
    )
    ranked.sort(key=lambda row: row[1:])
    ids = [row[0] for row in ranked[offset : offset + limit]]
    rows = kind.model.objects.select_related(*kind.related).in_bulk(ids)
    return Group(kind.key, kind.label, [rows[pk] for pk in ids], len(ranked), offset)


@dataclass
class Results:
    query: str = ""
    variants: list[str] = field(default_factory=list)
    named_departments: list = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    # Set when one group is paged through (?in=duties): only that group is searched.
    only: str = ""

    @property
    def total(self) -> int:
        return sum(group.found for group in self.groups) + len(self.named_departments)


def named_departments(question: str) -> list:
    """The departments a question names, by name or alias; the longest name wins.

    Several companies may each have a 销售部: all of them are returned. One
    query for the units whose name the question holds, or which have aliases
    (split and matched here), so that not every name of 2,000 units comes to
    Python on every search; one for the matches with their functions. The
    database compares lower-cased, Python case-folded: a name only case
    folding finds (Straße in STRASSE) is not found.
    """
    variants = spellings(question)
    folded = [v.casefold() for v in variants]
    named = _either(
        GreaterThan(StrIndex(Value(v.lower()), Lower(Trim("name"))), 0) for v in variants
    )
    candidates = Department.objects.filter(named | ~Q(aliases="")).values_list(
        "pk", "name", "aliases"
    )
    best, best_length = [], 1
    for pk, name, aliases in candidates:
        for candidate in [name, *re.split(r"[;；]", aliases)]:
            length = len(candidate.strip())
            if length < best_length or not any(candidate.strip().casefold() in t for t in folded):
                continue
            if length > best_length:
                best, best_length = [], length
            if pk not in best:
                best.append(pk)
    if not best:
        return []
    kpis = Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"))
    functions = Prefetch(
        "functions",
        queryset=DepartmentFunction.objects.order_by("order", "id").prefetch_related(kpis),
    )
    found = list(
        Department.objects.filter(pk__in=best)
        .prefetch_related(functions)
        .order_by("tree_id", "lft")
    )
    for department in found:
        department.sections = number_items(department.functions.all())
    return found


def search(raw_query: str, only: str = "", page: int = 1) -> Results:
    """Every group's best matches; or, with ``only``, one page of that group."""
    query = " ".join(raw_query.split())[:MAX_QUERY]
    results = Results(query=query, only=only if only in KIND_KEYS else "")
    if not query:
        return results
    if not results.only:
        results.named_departments = named_departments(query)
    keywords = _QUESTION_NOISE.sub(" ", query).strip() or query
    if results.named_departments and keywords != query:
        # A question about a department: look for its own name elsewhere too.
        keywords = results.named_departments[0].name
    results.variants = variants = spellings(keywords)
    if results.only:
        kind = KINDS[KIND_KEYS.index(results.only)]
        last = -(-COUNT_CAP // PER_PAGE)
        offset = (min(max(page, 1), last) - 1) * PER_PAGE
        results.groups = [_group(kind, variants, offset=offset, limit=PER_PAGE)]
        return results
    named = [d.pk for d in results.named_departments]
    for kind in KINDS:
        group = _group(kind, variants, exclude=named if kind.key == "departments" else ())
        if group.found:
            results.groups.append(group)
    return results
