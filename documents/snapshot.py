"""Snapshots: a whole description as plain JSON, and back into objects the pages render.

A snapshot is what a revision freezes. Position snapshots hold the title,
department path, reporting lines (reports to, direct reports, dotted lines
both ways), headcount, summary, requirements, numbered duties and authorities
(section, number, text, process steps, forms, the function carried out,
KPIs verbatim and as read), and the position's own KPIs. Department
snapshots hold the path, the numbered functions with their KPIs, and the
staffing table. Approval adds a ``control`` block (document number,
revision, prepared/reviewed/approved by and on, effective and review dates).

Builders take a queryset and run a fixed number of queries whatever its size,
so a whole department subtree is exported as cheaply as one position.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, Q

from core.numbering import number_items
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import DottedLine, Duty, Position

SCHEMA = 1
# Above this many departments, load whole trees for the paths: one plain query
# beats an OR of hundreds of ranges.
_PATH_RANGES_MAX = 50


def _kpi(kpi) -> dict:
    return {
        "id": kpi.pk,
        "text": kpi.text,
        "structure": kpi.structure,
        "metric": kpi.metric,
        "comparison": kpi.comparison,
        "target": None if kpi.target is None else f"{kpi.target.normalize():f}",
        "unit": kpi.unit,
        "period": kpi.period,
        "deadline_month": kpi.deadline_month,
        "deadline_day": kpi.deadline_day,
    }


def _duty(duty) -> dict:
    return {
        "id": duty.pk,
        "number": duty.number,
        "section": (duty.section or "").strip(),
        "section_number": duty.section_number,
        "text": duty.text,
        "steps": duty.step_list,
        "forms": [{"code": f.code, "name": f.name} for f in duty.forms.all()],
        "function": duty.function.text if duty.function_id else None,
        "kpis": [_kpi(k) for k in duty.kpis.all()],
    }


def _paths(departments) -> dict:
    """pk -> [{"code", "name"}, …] from the company down to the department itself."""
    departments = {d.pk: d for d in departments}
    if not departments:
        return {}
    if len(departments) <= _PATH_RANGES_MAX:
        ranges = Q()
        for d in departments.values():
            ranges |= Q(tree_id=d.tree_id, lft__lte=d.lft, rght__gte=d.rght)
        rows = Department.objects.filter(ranges)
    else:
        rows = Department.objects.filter(tree_id__in={d.tree_id for d in departments.values()})
    nodes = {r["pk"]: r for r in rows.values("pk", "code", "name", "parent_id")}
    paths = {}
    for pk in departments:
        path, current = [], pk
        while current is not None and current in nodes:
            node = nodes[current]
            path.append({"code": node["code"], "name": node["name"]})
            current = node["parent_id"]
        paths[pk] = path[::-1]
    return paths


def position_snapshots(positions) -> dict:
    """Position pk -> snapshot, for every position of the queryset.

    Nine queries: positions, department paths, direct reports, dotted lines
    out and in, duties, their forms, their KPIs, the positions' own KPIs.
    """
    positions = list(positions.select_related("department", "reports_to").order_by())
    if not positions:
        return {}
    ids = [p.pk for p in positions]
    paths = _paths({p.department for p in positions})
    reports = defaultdict(list)
    for row in (
        Position.objects.filter(reports_to_id__in=ids)
        .order_by("code")
        .values("reports_to_id", "code", "title")
    ):
        reports[row["reports_to_id"]].append({"code": row["code"], "title": row["title"]})
    dotted_out, dotted_in = defaultdict(list), defaultdict(list)
    for line in (
        DottedLine.objects.filter(from_position_id__in=ids)
        .select_related("to_position__department")
        .order_by("pk")
    ):
        dotted_out[line.from_position_id].append(_line(line.to_position, line.label))
    for line in (
        DottedLine.objects.filter(to_position_id__in=ids)
        .select_related("from_position__department")
        .order_by("pk")
    ):
        dotted_in[line.to_position_id].append(_line(line.from_position, line.label))
    duties = defaultdict(list)
    for duty in (
        Duty.objects.filter(position_id__in=ids)
        .select_related("function")
        .prefetch_related(
            Prefetch("forms", queryset=Form.objects.order_by("name", "code")),
            Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id")),
        )
        .order_by("position_id", "kind", "order", "id")
    ):
        duties[duty.position_id].append(duty)
    own_kpis = defaultdict(list)
    for kpi in Kpi.objects.filter(position_id__in=ids).order_by("position_id", "order", "id"):
        own_kpis[kpi.position_id].append(_kpi(kpi))
    snapshots = {}
    for position in positions:
        items = duties[position.pk]
        kinds = {}
        for kind in (Duty.Kind.DUTY, Duty.Kind.AUTHORITY):
            chosen = [d for d in items if d.kind == kind]
            number_items(chosen)
            kinds[kind] = [_duty(d) for d in chosen]
        superior = position.reports_to
        snapshots[position.pk] = {
            "schema": SCHEMA,
            "kind": "position",
            "code": position.code,
            "title": position.title,
            "is_head": position.is_head,
            "headcount": position.headcount,
            "summary": position.summary,
            "requirements": position.requirements,
            "path": paths.get(position.department_id, []),
            "reports_to": {"code": superior.code, "title": superior.title} if superior else None,
            "direct_reports": reports[position.pk],
            "dotted_out": dotted_out[position.pk],
            "dotted_in": dotted_in[position.pk],
            "duties": kinds[Duty.Kind.DUTY],
            "authorities": kinds[Duty.Kind.AUTHORITY],
            "kpis": own_kpis[position.pk],
        }
    return snapshots


def _line(other, label) -> dict:
    return {
        "code": other.code,
        "title": other.title,
        "department": other.department.name,
        "label": label,
    }


def department_snapshots(departments) -> dict:
    """Department pk -> snapshot: path, numbered functions with KPIs, staffing.

    Four queries: departments, paths, functions with their KPIs (two).
    Plus one for the staffing table.
    """
    departments = list(departments.order_by())
    if not departments:
        return {}
    ids = [d.pk for d in departments]
    paths = _paths(departments)
    functions = defaultdict(list)
    for function in (
        DepartmentFunction.objects.filter(department_id__in=ids)
        .prefetch_related(Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id")))
        .order_by("department_id", "order", "id")
    ):
        functions[function.department_id].append(function)
    staffing = defaultdict(list)
    for row in (
        Position.objects.filter(department_id__in=ids)
        .order_by("department_id", "-is_head", "code")
        .values("department_id", "code", "title", "headcount", "is_head")
    ):
        staffing[row.pop("department_id")].append(row)
    snapshots = {}
    for department in departments:
        items = functions[department.pk]
        number_items(items)
        snapshots[department.pk] = {
            "schema": SCHEMA,
            "kind": "department",
            "code": department.code,
            "title": department.name,
            "department_kind": department.kind,
            "description": department.description,
            "path": paths.get(department.pk, []),
            "functions": [
                {
                    "id": f.pk,
                    "number": f.number,
                    "section": (f.section or "").strip(),
                    "section_number": f.section_number,
                    "text": f.text,
                    "kpis": [_kpi(k) for k in f.kpis.all()],
                }
                for f in items
            ],
            "staffing": staffing[department.pk],
        }
    return snapshots


def snapshot_of(subject) -> dict:
    """The live description of one position or department."""
    if isinstance(subject, Department):
        return department_snapshots(Department.objects.filter(pk=subject.pk))[subject.pk]
    return position_snapshots(Position.objects.filter(pk=subject.pk))[subject.pk]


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("id", "control")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def same_content(a, b) -> bool:
    """True when two snapshots say the same thing (row ids and control blocks aside)."""
    if a is None or b is None:
        return False
    return _strip(a) == _strip(b)


# --- back into objects -----------------------------------------------------------------
# The pages render snapshots through the very templates that render live rows:
# unsaved model instances carry the frozen values, and their related lists are
# put where Django looks for prefetched rows, so no template touches the
# database.


def _hydrate_kpi(data) -> Kpi:
    target = data.get("target")
    return Kpi(
        pk=data.get("id"),
        text=data["text"],
        metric=data.get("metric") or "",
        comparison=data.get("comparison") or "",
        target=None if target in (None, "") else Decimal(target),
        unit=data.get("unit") or "",
        period=data.get("period") or "",
        deadline_month=data.get("deadline_month"),
        deadline_day=data.get("deadline_day"),
    )


def _hydrate_duty(data, kind, fake_id) -> Duty:
    duty = Duty(
        pk=data.get("id") or fake_id,
        kind=kind,
        section=data.get("section", ""),
        text=data["text"],
        process_steps="\n".join(data.get("steps", [])),
    )
    if data.get("function"):
        duty.function = DepartmentFunction(text=data["function"])
    duty._prefetched_objects_cache = {
        "kpis": [_hydrate_kpi(k) for k in data.get("kpis", [])],
        "forms": [Form(code=f["code"], name=f["name"]) for f in data.get("forms", [])],
    }
    return duty


def _position(data) -> Position:
    return Position(code=data["code"], title=data["title"])


def hydrate_position(content, pk=None, reports_shown=None) -> dict:
    """Context of positions/_job_description.html (all but holders) from a snapshot.

    ``reports_shown``: hydrate only the first direct reports (a position may
    have 10,000); ``direct_report_count`` counts them all.
    """
    path = [Department(code=p["code"], name=p["name"]) for p in content.get("path", [])]
    position = Position(
        pk=pk,
        code=content["code"],
        title=content["title"],
        is_head=content.get("is_head", False),
        headcount=content.get("headcount", 0),
        summary=content.get("summary", ""),
        requirements=content.get("requirements", ""),
    )
    if path:
        position.department = path[-1]
    position.reports_to = _position(content["reports_to"]) if content.get("reports_to") else None

    def lines(rows, attribute):
        result = []
        for row in rows:
            other = _position(row)
            other.department = Department(name=row.get("department", ""))
            result.append(DottedLine(label=row.get("label", ""), **{attribute: other}))
        return result

    reports = content.get("direct_reports", [])
    duties = [
        _hydrate_duty(d, Duty.Kind.DUTY, -n) for n, d in enumerate(content.get("duties", []), 1)
    ]
    authorities = [
        _hydrate_duty(d, Duty.Kind.AUTHORITY, -1000 - n)
        for n, d in enumerate(content.get("authorities", []), 1)
    ]
    return {
        "position": position,
        "path": path,
        "direct_reports": [_position(r) for r in reports[:reports_shown]],
        "direct_report_count": len(reports),
        "dotted_out": lines(content.get("dotted_out", []), "to_position"),
        "dotted_in": lines(content.get("dotted_in", []), "from_position"),
        "duty_sections": number_items(duties),
        "authority_sections": number_items(authorities),
        "position_kpis": [_hydrate_kpi(k) for k in content.get("kpis", [])],
    }


def hydrate_functions(content) -> list:
    """Numbered sections of department functions (core.numbering) from a snapshot."""
    functions = []
    for n, data in enumerate(content.get("functions", []), 1):
        function = DepartmentFunction(
            pk=data.get("id") or -n, section=data.get("section", ""), text=data["text"]
        )
        function._prefetched_objects_cache = {
            "kpis": [_hydrate_kpi(k) for k in data.get("kpis", [])]
        }
        functions.append(function)
    return number_items(functions)
