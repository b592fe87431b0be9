"""Search across departments, positions, duties, KPIs and forms.

Chinese text has no word boundaries, so matching is by substring, which also
serves one- and two-character queries. Each query is tried in its simplified
and traditional spellings (opencc, offline). A question that names a
department ("销售部的职责是什么", "What is the responsibility of the sales
department?") answers with that department first, never a neighbour.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch, Q

from core.chinese import converter, simplified
from core.numbering import number_items
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Position

MAX_QUERY = 100
PER_GROUP = 20
FETCH = 200

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


def _any_contains(fields, variants) -> Q:
    condition = Q()
    for name in fields:
        for variant in variants:
            condition |= Q(**{f"{name}__icontains": variant})
    return condition


@dataclass
class Results:
    query: str = ""
    variants: list[str] = field(default_factory=list)
    named_departments: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    duties: list = field(default_factory=list)
    kpis: list = field(default_factory=list)
    forms: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(
            len(group)
            for group in (self.departments, self.positions, self.duties, self.kpis, self.forms)
        ) + len(self.named_departments)


def named_departments(question: str) -> list:
    """The departments a question names, by name or alias; the longest name wins.

    Several companies may each have a 销售部: all of them are returned. One
    query over names and aliases (a few thousand short rows), one for the
    matches with their functions.
    """
    folded = [v.casefold() for v in spellings(question)]
    best, best_length = [], 1
    for pk, name, aliases in Department.objects.values_list("pk", "name", "aliases"):
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


def _matching(model, fields, variants):
    """Rows of ``model`` whose ``fields`` contain any of the ``variants``.

    On PostgreSQL, one sub-select per field and spelling, joined by UNION: the
    planner prices each trigram index look-up on its own, whereas for an OR of
    four it prefers a sequential scan, underrating the UPPER() that scan runs on
    every row (40 ms instead of 2 ms for KPIs at 50,000 rows, 12 ms instead
    of 1 ms for positions). Still one query. Shorter queries cannot use a
    trigram index: there the OR scans in table order and stops at the LIMIT as
    soon as any spelling matches, where a branch for a spelling that matches
    nothing would scan the whole table. SQLite has no trigram index: a plain OR.
    """
    trigrams = all(len(variant) >= 3 for variant in variants)
    if connection.vendor != "postgresql" or not trigrams or len(fields) * len(variants) == 1:
        return model.objects.filter(_any_contains(fields, variants))
    branches = [
        model.objects.filter(**{f"{name}__icontains": variant}).order_by().values("pk")[:FETCH]
        for name in fields
        for variant in variants
    ]
    return model.objects.filter(pk__in=branches[0].union(*branches[1:]))


def _first(queryset, key):
    return sorted(queryset.order_by()[:FETCH], key=key)[:PER_GROUP]


def search(raw_query: str) -> Results:
    query = " ".join(raw_query.split())[:MAX_QUERY]
    results = Results(query=query)
    if not query:
        return results
    results.named_departments = named_departments(query)
    keywords = _QUESTION_NOISE.sub(" ", query).strip() or query
    if results.named_departments and keywords != query:
        # A question about a department: look for its own name elsewhere too.
        keywords = results.named_departments[0].name
    results.variants = spellings(keywords)
    variants = results.variants

    # No ORDER BY and a generous LIMIT in SQL: with ORDER BY or LIMIT 20,
    # PostgreSQL expects to meet 20 matches early and scans the table instead
    # of using the trigram index (250 ms instead of 8 ms at 200,000 duties).
    # The first matches are sorted and cut here.
    departments = Department.objects.filter(_any_contains(["name", "aliases", "code"], variants))
    if results.named_departments:
        departments = departments.exclude(pk__in=[d.pk for d in results.named_departments])
    results.departments = _first(departments, key=lambda d: (d.tree_id, d.lft))
    results.positions = _first(
        _matching(Position, ["title", "code"], variants).select_related("department"),
        key=lambda p: p.code,
    )
    results.duties = _first(
        _matching(Duty, ["text", "process_steps"], variants).select_related("position__department"),
        key=lambda d: (d.position.code, d.kind, d.order),
    )
    results.kpis = _first(
        _matching(Kpi, ["text", "metric"], variants).select_related(
            "duty__position", "position", "function__department"
        ),
        key=lambda k: k.pk,
    )
    results.forms = _first(
        Form.objects.filter(_any_contains(["name", "code", "description"], variants)),
        key=lambda f: f.name,
    )
    return results
