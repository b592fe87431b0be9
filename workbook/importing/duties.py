"""The forms sheet, the duties of each position (with their forms), and the KPIs."""

from collections import defaultdict, namedtuple
from decimal import InvalidOperation

from django.db.models import Count
from django.utils.translation import gettext as _

from departments.models import DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty
from workbook import bulk
from workbook.columns import (
    COMPARISON,
    DEADLINE,
    DUTY_KIND,
    FORMS,
    FUNCTION_NUMBER,
    PERIOD,
    TARGET,
    TARGET_MESSAGE,
)
from workbook.importing.base import ImportFailed, SheetImport, among, changed

_NO_FORMS = frozenset()

# A stored duty as the duties sheet compares it with its row.
STORED_DUTY = namedtuple(
    "StoredDuty", "pk position_id kind text section process_steps order function_id"
)
# A stored KPI: its owner and sentence (how a row finds it), then what a row sets.
STORED_KPI = namedtuple(
    "StoredKpi",
    "pk duty_id position_id text metric comparison target unit period deadline_month"
    " deadline_day order",
)
_KPI_VALUES = slice(4, None)  # metric … order
_KPI_SET = STORED_KPI._fields[_KPI_VALUES]
_NEW_DUTY_COLUMNS = [
    "position_id",
    "kind",
    "text",
    "section",
    "process_steps",
    "order",
    "function_id",
]


class FormSheet(SheetImport):
    name = "forms"

    def validate(self):
        departments = self.org.sheets["departments"]
        rows = self.rows()
        self.unique(rows, "code")
        self.by_code = {}
        for row in rows:
            if not self.required(row, "code", "name"):
                continue
            dept = row.get("department_code")
            if dept and not departments.known(dept):
                self.error(
                    row,
                    "department_code",
                    _("No department with code “%(code)s”.") % {"code": dept},
                )
            self.by_code.setdefault(row.get("code"), row)
        self.by_name = {r.get("name"): code for code, r in self.by_code.items()}

    def code_of(self, item: str):
        """The code of the form a duty's forms cell names, by code or by name; None if none."""
        token = FORMS.reference(item)
        if token in self.by_code or token in self.org.forms:
            return token
        if token in self.by_name:
            return self.by_name[token]
        if token in self.org.forms_by_name:
            return self.org.forms_by_name[token].code
        return None

    def write(self):
        forms = self.org.forms
        created, updated = [], []
        for code, row in self.by_code.items():
            dept = self.org.departments.get(row.get("department_code"))
            values = {
                "name": row.get("name"),
                "description": row.get("description"),
                "department_id": dept.pk if dept else None,
            }
            if code in forms:
                if changed(forms[code], values):
                    updated.append(forms[code])
                else:
                    self.report.unchanged += 1
            else:
                created.append(Form(code=code, **values))
        self.history(Form, created, updated, ["name", "description", "department"])
        for form in created:
            forms[form.code] = form
        self.report.created, self.report.updated = len(created), len(updated)


class DutySheet(SheetImport):
    """A position's duties and authorities, replaced as a list for each position named.

    A stored duty is kept (matched by kind and text) so that its KPIs and
    history stay with it; its forms are replaced by the row's.
    """

    name = "duties"

    def validate(self):
        positions = self.org.sheets["positions"]
        forms = self.org.sheets["forms"]
        self.by_position = defaultdict(list)
        # Per position listed, how many of its rows are duties (not authorities).
        self.duty_counts = {}
        for row in self.rows():
            if not self.required(row, "position_code", "text"):
                continue
            if not positions.known(row.get("position_code")):
                self.error(
                    row,
                    "position_code",
                    _("No position with code “%(code)s”.") % {"code": row.get("position_code")},
                )
                continue
            kind = DUTY_KIND.parse(row.get("kind"))
            if kind is None:
                self.error(
                    row,
                    "kind",
                    _("Unknown kind “%(value)s”; use duty or authority.")
                    % {"value": row.get("kind")},
                )
            code = row.get("position_code")
            self.duty_counts[code] = self.duty_counts.get(code, 0) + (kind == Duty.Kind.DUTY)
            for item in FORMS.parse(row.get("forms")) if row.get("forms") else ():
                if forms.code_of(item) is None:
                    self.error(
                        row, "forms", _("No form with code or name “%(value)s”.") % {"value": item}
                    )
            self.by_position[row.get("position_code")].append(row)
        # The positions' duties as written, once write() has run.
        self.written = {}

    def write(self):
        if not self.by_position:
            return
        positions = self.org.positions
        forms, form_code = self.org.forms, self.org.sheets["forms"].code_of
        position_ids = {positions[c].pk: c for c in self.by_position}
        # Tuples, not model instances: 100,000 duties may pass here, most of them
        # unchanged on a second import or new on a first.
        existing = defaultdict(list)
        for duty in among(
            Duty.objects.all(), "position_id", position_ids, len(positions)
        ).values_list(*STORED_DUTY._fields, named=True):
            existing[position_ids[duty.position_id]].append(duty)
        stored_forms = defaultdict(set)
        for duty_id, form_id in among(
            Duty.forms.through.objects.all(), "duty__position_id", position_ids, len(positions)
        ).values_list("duty_id", "form_id"):
            stored_forms[duty_id].add(form_id)
        # Numbered after the functions sheet is written: "2.3" may be a function it adds.
        _numbers, functions = FUNCTION_NUMBER.numbers(
            DepartmentFunction.objects.order_by("order", "id")
        )
        new_rows, new_forms, changed_ids, deleted = [], [], {}, []
        relinked, links = [], []
        # Per position, its listed duties: a stored duty's id, or the index of a new row.
        listed_by_position = {}
        for code, rows in self.by_position.items():
            position = positions[code]
            pool = {(d.kind, d.text): d for d in existing[code]}
            listed = []
            # 100,000 rows pass here: empty cells skip the work they would need.
            for order, row in enumerate(rows, start=1):
                kind = DUTY_KIND.parse(row.get("kind"))
                steps = row.get("process_steps")
                if steps:
                    steps = "\n".join(filter(None, map(str.strip, steps.splitlines())))
                function_ref = FUNCTION_NUMBER.parse(row.get("function"))
                function_id = None
                if function_ref:
                    function = functions.get((position.department_id, function_ref))
                    if function is None:
                        self.error(
                            row,
                            "function",
                            _("The department has no function number %(number)s.")
                            % {"number": function_ref},
                        )
                    else:
                        function_id = function.pk
                text = row.get("text")
                cell = row.get("forms")
                form_ids = _NO_FORMS
                if cell:
                    form_ids = {forms[form_code(item)].pk for item in FORMS.parse(cell)}
                section = row.get("section")
                duty = pool.pop((kind, text), None)
                if duty is None:
                    listed.append((kind, -1 - len(new_rows)))  # a new row, by its index
                    new_rows.append((position.pk, kind, text, section, steps, order, function_id))
                    new_forms.append(form_ids)
                    continue
                listed.append((kind, duty.pk))
                if (duty.section, duty.process_steps, duty.order, duty.function_id) != (
                    section,
                    steps,
                    order,
                    function_id,
                ):
                    changed_ids[duty.pk] = duty._replace(
                        section=section, process_steps=steps, order=order, function_id=function_id
                    )
                if stored_forms[duty.pk] != form_ids:
                    relinked.append(duty.pk)
                    links.extend((duty.pk, f) for f in form_ids)
            listed_by_position[code] = listed
            deleted.extend(pool.values())
        if self.org.errors:
            raise ImportFailed(self.org.errors)
        self.org.advance(0.25, _("new and changed duties"))
        new_ids = bulk.insert_rows(Duty, _NEW_DUTY_COLUMNS, new_rows)
        updated = [Duty(**d._asdict()) for d in changed_ids.values()]
        Duty.objects.bulk_update(
            updated, ["section", "process_steps", "order", "function"], batch_size=1000
        )
        # A duty whose forms alone changed has changed too: it gets a history row.
        touched = [*changed_ids, *(pk for pk in relinked if pk not in changed_ids)]
        self.org.advance(0.5, _("history"))
        bulk.insert_history_of(Duty, new_ids, self.org.user)
        bulk.insert_history_of(Duty, touched, self.org.user, update=True)
        self.org.advance(0.75, _("forms"))
        titles = {p.pk: p.title for p in positions.values()}
        self.delete(Duty, deleted, lambda d: f"{titles[d.position_id]}: {d.text}")
        Duty.forms.through.objects.filter(duty_id__in=relinked).delete()
        for duty_id, form_ids in zip(new_ids, new_forms, strict=True):
            links.extend((duty_id, f) for f in form_ids)
        bulk.insert_plain(Duty.forms.through, links, ["duty_id", "form_id"])
        # For the KPIs sheet: each position's duties (not authorities) in order, by id.
        self.written = {
            code: [
                pk if pk > 0 else new_ids[-1 - pk] for kind, pk in listed if kind == Duty.Kind.DUTY
            ]
            for code, listed in listed_by_position.items()
        }
        self.report.created, self.report.updated = len(new_ids), len(touched)
        listed = sum(map(len, listed_by_position.values()))
        self.report.unchanged = listed - len(new_ids) - len(touched)


class KpiSheet(SheetImport):
    """KPIs of duties (by the duty's number in its position) and of whole positions."""

    name = "kpis"

    def validate(self):
        positions = self.org.sheets["positions"]
        duty_counts = self.org.sheets["duties"].duty_counts
        stored_counts = None  # asked for when a position has no duties in the workbook
        self.by_position = defaultdict(list)
        for row in self.rows():
            if not self.required(row, "position_code", "text"):
                continue
            code = row.get("position_code")
            if not positions.known(code):
                self.error(
                    row, "position_code", _("No position with code “%(code)s”.") % {"code": code}
                )
                continue
            number = row.get("duty_number")
            if number:
                if code not in duty_counts and stored_counts is None:
                    # Counted in the database: one row per position, not one per duty.
                    stored_counts = dict(
                        Duty.objects.filter(kind=Duty.Kind.DUTY)
                        .values_list("position__code")
                        .annotate(n=Count("pk"))
                        .order_by()
                    )
                available = duty_counts[code] if code in duty_counts else stored_counts.get(code, 0)
                if not number.isdigit() or not 1 <= int(number) <= available:
                    self.error(
                        row,
                        "duty_number",
                        _("Position “%(code)s” has no duty number %(number)s (it has %(count)d).")
                        % {"code": code, "number": number, "count": available},
                    )
            if COMPARISON.parse(row.get("comparison")) is None:
                self.error(row, "comparison", _("Use one of >=, <=, =, <, >."))
            if row.get("target"):
                try:
                    TARGET.parse(row.get("target"))
                except InvalidOperation:
                    self.error(row, "target", TARGET_MESSAGE % {"value": row.get("target")})
            if PERIOD.parse(row.get("period")) is None:
                self.error(
                    row, "period", _("Unknown period “%(value)s”.") % {"value": row.get("period")}
                )
            if row.get("deadline") and DEADLINE.parse(row.get("deadline")) is None:
                self.error(
                    row,
                    "deadline",
                    _("Write a yearly deadline as MM-DD (12-20) or a monthly one as DD (25)."),
                )
            self.by_position[code].append(row)

    def write(self):
        if not self.by_position:
            return
        positions = self.org.positions
        written = self.org.sheets["duties"].written
        position_ids = [positions[c].pk for c in self.by_position]
        # Positions whose duties the workbook does not list keep their stored ones.
        stored_duties = defaultdict(list)
        unlisted = [positions[c].pk for c in self.by_position if c not in written]
        for position_id, duty_id in (
            Duty.objects.filter(position_id__in=unlisted, kind=Duty.Kind.DUTY)
            .order_by("order", "id")
            .values_list("position_id", "pk")
        ):
            stored_duties[position_id].append(duty_id)
        # Tuples, not model instances (30,000 KPIs), as for the duties.
        existing = {}
        total = len(positions)
        for kpi in (
            among(Kpi.objects.all(), "duty__position_id", position_ids, total)
            | among(Kpi.objects.all(), "position_id", position_ids, total)
        ).values_list(*STORED_KPI._fields, named=True):
            existing[(kpi.duty_id, kpi.position_id, kpi.text)] = kpi
        new_rows, updated = [], []
        for code, rows in self.by_position.items():
            position = positions[code]
            duties = written.get(code) or stored_duties[position.pk]
            for order, row in enumerate(rows, start=1):
                number = row.get("duty_number")
                duty_id = duties[int(number) - 1] if number else None
                owner = (duty_id, None if duty_id else position.pk)
                deadline = row.get("deadline")
                month, day = DEADLINE.parse(deadline) if deadline else (None, None)
                target, target_unit = (
                    TARGET.parse(row.get("target")) if row.get("target") else (None, "")
                )
                values = (
                    row.get("metric"),
                    COMPARISON.parse(row.get("comparison")),
                    target,
                    # "98%" in the target column: the unit is %, unless one is given.
                    row.get("unit") or target_unit,
                    PERIOD.parse(row.get("period")),
                    month,
                    day,
                    order,
                )
                text = row.get("text")
                kpi = existing.pop((*owner, text), None)
                if kpi is None:
                    new_rows.append((*owner, text, *values))
                elif kpi[_KPI_VALUES] != values:
                    updated.append(
                        Kpi(**kpi._replace(**dict(zip(_KPI_SET, values, strict=True)))._asdict())
                    )
                else:
                    self.report.unchanged += 1
        new_ids = bulk.insert_rows(Kpi, STORED_KPI._fields[1:], new_rows)
        # The sentence is how a stored KPI was found: it never changes here.
        fields = [name for name in Kpi.FIELDS if name != "text"]
        Kpi.objects.bulk_update(updated, fields, batch_size=1000)
        bulk.insert_history_of(Kpi, new_ids, self.org.user)
        bulk.insert_history(updated, Kpi, self.org.user, update=True)
        self.delete(Kpi, list(existing.values()), _describe_kpi)
        self.report.created, self.report.updated = len(new_ids), len(updated)


def _describe_kpi(kpi) -> str:
    return kpi.text[:80]  # as Kpi.__str__
