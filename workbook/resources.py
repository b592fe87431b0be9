"""One sheet at a time through django-import-export, in the admin.

Each resource reads and writes the columns of one workbook sheet (the
canonical names of ``workbook.sheets.COLUMNS``; the Chinese aliases are
accepted on import), so a sheet exported from a model's list can be corrected
and imported again on the same page. Rows are matched by code; the sheets
whose rows have no code (functions, duties, KPIs) carry the row's ``id``:
keep it to update the row, leave it empty to add one.

Every relation is looked up in dictionaries filled once per import or export
(tests/test_workbook_resources.py counts the queries): no query per row. Text that a
spreadsheet would run as a formula gets a leading apostrophe on export, and
the apostrophe is removed again on import, as in the whole-workbook export.

Departments are exported only: their tree is loaded by the workbook importer,
which computes it once under the tree lock.
"""

from collections import defaultdict
from decimal import InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Employee, Position
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
from workbook.sheet_resource import (
    CodeWidget,
    FlagWidget,
    FormsField,
    SheetResource,
    cell,
    column,
    number_column,
    raise_errors,
    row_id_column,
)
from workbook.sheets import COLUMNS


def _department_message():
    return _("No department with code “%(code)s”.")


def _position_message():
    return _("No position with code “%(code)s”.")


class DepartmentResource(SheetResource):
    """Export only: the tree is imported through the workbook importer."""

    sheet = "departments"
    code = column("code", "code")
    name = column("name", "name")
    parent_code = column("parent_code", "parent", CodeWidget(_department_message))
    kind = column("kind", "kind")
    aliases = column("aliases", "aliases")
    description = column("description", "description")
    order = number_column("order", "order")

    class Meta(SheetResource.Meta):
        model = Department
        fields = tuple(COLUMNS["departments"])
        import_id_fields = ("code",)

    def export_queryset(self, queryset):
        return queryset.select_related("parent").order_by("tree_id", "lft")


class FunctionResource(SheetResource):
    sheet = "functions"
    id = row_id_column()
    department_code = column("department_code", "department", CodeWidget(_department_message))
    section = column("section", "section")
    text = column("text", "text")
    extra_attributes = ("order",)

    class Meta(SheetResource.Meta):
        model = DepartmentFunction
        fields = ("id", *COLUMNS["functions"])
        import_id_fields = ("id",)

    def clean_key(self, value):
        key = cell(value, fold=True)
        return int(key) if key.isdigit() else None

    def get_queryset(self):
        return DepartmentFunction.objects.select_related("department")

    def load_lookups(self, dataset):
        codes = self.codes(dataset, "department_code")
        units = {d.code: d for d in Department.objects.filter(code__in=codes)}
        self.fields["department_code"].widget.lookup = units
        self.last_order = dict(
            DepartmentFunction.objects.filter(department__code__in=codes)
            .values_list("department_id")
            .annotate(Max("order"))
            .order_by()
        )

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:  # new items go after the department's last one
            order = self.last_order.get(instance.department_id, 0) + 1
            instance.order = self.last_order[instance.department_id] = order

    def export_queryset(self, queryset):
        return queryset.select_related("department")


class PositionResource(SheetResource):
    sheet = "positions"
    code = column("code", "code")
    title = column("title", "title")
    department_code = column("department_code", "department", CodeWidget(_department_message))
    reports_to_code = column("reports_to_code", "reports_to", CodeWidget(_position_message))
    headcount = number_column("headcount", "headcount")
    is_head = column("is_head", "is_head", FlagWidget())
    summary = column("summary", "summary")
    requirements = column("requirements", "requirements")

    class Meta(SheetResource.Meta):
        model = Position
        fields = tuple(COLUMNS["positions"])
        import_id_fields = ("code",)

    def get_queryset(self):
        return Position.objects.select_related("department", "reports_to")

    def load_lookups(self, dataset):
        units = Department.objects.filter(code__in=self.codes(dataset, "department_code"))
        self.fields["department_code"].widget.lookup = {d.code: d for d in units}
        above = Position.objects.filter(code__in=self.codes(dataset, "reports_to_code"))
        self.fields["reports_to_code"].widget.lookup = {p.code: p for p in above}

    def after_save_instance(self, instance, row, **kwargs):
        # Later rows may report to a position this sheet has just added.
        self.fields["reports_to_code"].widget.lookup.setdefault(instance.code, instance)

    def export_queryset(self, queryset):
        return queryset.select_related("department", "reports_to")


class DutyResource(SheetResource):
    sheet = "duties"
    id = row_id_column()
    position_code = column("position_code", "position", CodeWidget(_position_message))
    kind = column("kind")
    section = column("section", "section")
    text = column("text", "text")
    process_steps = column("process_steps", "process_steps")
    forms = FormsField()
    function = column("function")
    extra_attributes = ("kind", "function_id", "order")

    class Meta(SheetResource.Meta):
        model = Duty
        fields = ("id", *COLUMNS["duties"])
        import_id_fields = ("id",)

    def clean_key(self, value):
        key = cell(value, fold=True)
        return int(key) if key.isdigit() else None

    def get_queryset(self):
        return Duty.objects.select_related("position", "function").prefetch_related("forms")

    def load_lookups(self, dataset):
        positions = {
            p.code: p
            for p in Position.objects.filter(code__in=self.codes(dataset, "position_code"))
        }
        self.fields["position_code"].widget.lookup = positions
        tokens = set()
        if "forms" in dataset.headers:
            for value in dataset["forms"]:
                tokens.update(FORMS.reference(item) for item in FORMS.parse(cell(value)))
        tokens.discard("")
        forms = {}
        for form in Form.objects.filter(Q(code__in=tokens) | Q(name__in=tokens)):
            forms.setdefault(form.name, form)
            forms[form.code] = form
        self.fields["forms"].widget.lookup = forms
        # Duties may move to another position: functions of every department involved.
        departments = {p.department_id for p in positions.values()}
        departments.update(
            Duty.objects.filter(pk__in=self._ids(dataset)).values_list(
                "position__department_id", flat=True
            )
        )
        _numbers, self.function_lookup = FUNCTION_NUMBER.numbers(
            DepartmentFunction.objects.filter(department_id__in=departments).order_by("order", "id")
        )
        self.last_order = dict(
            Duty.objects.filter(position__in=positions.values())
            .values_list("position_id")
            .annotate(Max("order"))
            .order_by()
        )

    def _ids(self, dataset):
        if "id" not in dataset.headers:
            return set()
        return {key for key in map(self.clean_key, dataset["id"]) if key is not None}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.error_dict
        if "forms" in row:
            try:
                self.fields["forms"].clean(row)
            except ValueError as exc:
                errors["forms"] = [str(exc)]
        if "kind" in row:
            word = cell(row["kind"], fold=True).lower() or "duty"
            kind = DUTY_KIND.parse(word)
            if kind is not None:
                instance.kind = kind
            else:
                errors["kind"] = [
                    _("Unknown kind “%(value)s”; use duty or authority.") % {"value": word}
                ]
        if "function" in row and instance.position_id and "position" not in errors:
            reference = FUNCTION_NUMBER.parse(cell(row["function"], fold=True))
            if not reference:
                instance.function = None
            else:
                department = instance.position.department_id
                function = self.function_lookup.get((department, reference))
                if function is None:
                    errors["function"] = [
                        _("The department has no function number %(number)s.")
                        % {"number": reference}
                    ]
                else:
                    instance.function = function
        if instance.process_steps:
            lines = instance.process_steps.splitlines()
            instance.process_steps = "\n".join(s.strip() for s in lines if s.strip())
        raise_errors(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        self.fields["forms"].get_value(instance)  # from the prefetch, before the deep copy

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if "forms" in row:
            instance._forms = list(self.fields["forms"].clean(row))

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            order = self.last_order.get(instance.position_id, 0) + 1
            instance.order = self.last_order[instance.position_id] = order

    def export_queryset(self, queryset):
        return queryset.select_related("position").prefetch_related("forms")

    def prepare_export(self, objects):
        ids = {d.function_id for d in objects if d.function_id}
        departments = DepartmentFunction.objects.filter(pk__in=ids).values("department_id")
        self.function_numbers, _lookup = FUNCTION_NUMBER.numbers(
            DepartmentFunction.objects.filter(department_id__in=departments).order_by("order", "id")
        )

    def dehydrate_kind(self, duty):
        return duty.kind

    def dehydrate_function(self, duty):
        return self.function_numbers.get(duty.function_id, "")


class KpiResource(SheetResource):
    """KPIs of duties (position_code and duty_number) and of whole positions (no number).

    KPIs of department functions keep their owner: their position_code is empty.
    """

    sheet = "kpis"
    id = row_id_column()
    position_code = column("position_code")
    duty_number = column("duty_number")
    text = column("text", "text")
    metric = column("metric", "metric")
    comparison = column("comparison")
    target = column("target")
    unit = column("unit", "unit")
    period = column("period")
    deadline = column("deadline")
    extra_attributes = (
        "duty_id",
        "position_id",
        "comparison",
        "target",
        "period",
        "deadline_month",
        "deadline_day",
        "order",
    )

    class Meta(SheetResource.Meta):
        model = Kpi
        fields = ("id", *COLUMNS["kpis"])
        import_id_fields = ("id",)

    def clean_key(self, value):
        key = cell(value, fold=True)
        return int(key) if key.isdigit() else None

    def load_lookups(self, dataset):
        codes = self.codes(dataset, "position_code")
        self.positions = {p.code: p for p in Position.objects.filter(code__in=codes)}
        self.duties = defaultdict(list)  # position code -> its duties, in number order
        for duty in (
            Duty.objects.filter(position__code__in=codes, kind=Duty.Kind.DUTY)
            .select_related("position")
            .order_by("order", "id")
        ):
            self.duties[duty.position.code].append(duty)
        # The last KPI of each owner: ("duty", id) or ("position", id).
        self.last_order = {
            ("duty", owner): order
            for owner, order in Kpi.objects.filter(duty__position__code__in=codes)
            .values_list("duty_id")
            .annotate(Max("order"))
            .order_by()
        }
        self.last_order.update(
            (("position", owner), order)
            for owner, order in Kpi.objects.filter(position__code__in=codes)
            .values_list("position_id")
            .annotate(Max("order"))
            .order_by()
        )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.error_dict
        code = cell(row.get("position_code"), fold=True)
        number = cell(row.get("duty_number"), fold=True)
        if code:
            position = self.positions.get(code)
            if position is None:
                errors["position"] = [_position_message() % {"code": code}]
            elif number:
                duties = self.duties.get(code, [])
                if not number.isdigit() or not 1 <= int(number) <= len(duties):
                    errors["duty"] = [
                        _("Position “%(code)s” has no duty number %(number)s (it has %(count)d).")
                        % {"code": code, "number": number, "count": len(duties)}
                    ]
                else:
                    instance.duty, instance.position, instance.function = (
                        duties[int(number) - 1],
                        None,
                        None,
                    )
            else:
                instance.duty, instance.position, instance.function = None, position, None
        elif instance.pk is None or not instance.function_id:
            errors["position"] = [_("Give the code of the position the KPI belongs to.")]
        self._structure(instance, row, errors)
        raise_errors(errors)

    def _structure(self, instance, row, errors):
        if "comparison" in row:
            comparison = COMPARISON.parse(cell(row["comparison"], fold=True))
            if comparison is None:
                errors["comparison"] = [_("Use one of >=, <=, =, <, >.")]
            instance.comparison = comparison or ""
        if "target" in row:
            target = cell(row["target"], fold=True)
            try:
                number, unit = TARGET.parse(target) if target else (None, "")
            except InvalidOperation:
                errors["target"] = [str(TARGET_MESSAGE) % {"value": target}]
            else:
                instance.target = number
                if unit and not instance.unit:
                    instance.unit = unit
        if "period" in row:
            period = cell(row["period"], fold=True).lower()
            value = PERIOD.parse(period)
            if value is None:
                errors["period"] = [_("Unknown period “%(value)s”.") % {"value": period}]
            instance.period = value or ""
        if "deadline" in row:
            deadline = cell(row["deadline"], fold=True)
            parsed = DEADLINE.parse(deadline) if deadline else (None, None)
            if parsed is None:
                errors["deadline_day"] = [
                    _("Write a yearly deadline as MM-DD (12-20) or a monthly one as DD (25).")
                ]
            else:
                instance.deadline_month, instance.deadline_day = parsed

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            owner = (
                ("duty", instance.duty_id)
                if instance.duty_id
                else ("position", instance.position_id)
            )
            order = self.last_order.get(owner, 0) + 1
            instance.order = self.last_order[owner] = order

    def export_queryset(self, queryset):
        return queryset.select_related("duty__position", "position")

    def prepare_export(self, objects):
        positions = {k.duty.position_id for k in objects if k.duty_id}
        self.duty_numbers = {}
        counters = defaultdict(int)
        for duty_id, position_id in (
            Duty.objects.filter(position_id__in=positions, kind=Duty.Kind.DUTY)
            .order_by("order", "id")
            .values_list("pk", "position_id")
        ):
            counters[position_id] += 1
            self.duty_numbers[duty_id] = str(counters[position_id])

    def dehydrate_position_code(self, kpi):
        if kpi.duty_id:
            return kpi.duty.position.code
        return kpi.position.code if kpi.position_id else ""

    def dehydrate_duty_number(self, kpi):
        return self.duty_numbers.get(kpi.duty_id, "") if kpi.duty_id else ""

    def dehydrate_comparison(self, kpi):
        return COMPARISON.format(kpi.comparison)

    def dehydrate_target(self, kpi):
        return TARGET.format(kpi.target)

    def dehydrate_period(self, kpi):
        return kpi.period

    def dehydrate_deadline(self, kpi):
        return DEADLINE.format((kpi.deadline_month, kpi.deadline_day))


class FormResource(SheetResource):
    sheet = "forms"
    code = column("code", "code")
    name = column("name", "name")
    description = column("description", "description")
    department_code = column("department_code", "department", CodeWidget(_department_message))

    class Meta(SheetResource.Meta):
        model = Form
        fields = tuple(COLUMNS["forms"])
        import_id_fields = ("code",)

    def get_queryset(self):
        return Form.objects.select_related("department")

    def load_lookups(self, dataset):
        units = Department.objects.filter(code__in=self.codes(dataset, "department_code"))
        self.fields["department_code"].widget.lookup = {d.code: d for d in units}

    def export_queryset(self, queryset):
        return queryset.select_related("department")


def _user_message():
    return _("No login account with user name “%(code)s”.")


class EmployeeResource(SheetResource):
    """Employees' numbers, names and logins; positions are held through the workbook's sheet."""

    sheet = "employees"
    employee_no = column("employee_no", "employee_no")
    name = column("name", "name")
    username = column("username", "user", CodeWidget(_user_message, attribute="username"))

    class Meta(SheetResource.Meta):
        model = Employee
        fields = ("employee_no", "name", "username")
        import_id_fields = ("employee_no",)

    def get_queryset(self):
        return Employee.objects.select_related("user")

    def load_lookups(self, dataset):
        users = get_user_model().objects.filter(username__in=self.codes(dataset, "username"))
        self.fields["username"].widget.lookup = {u.username: u for u in users}

    def export_queryset(self, queryset):
        return queryset.select_related("user")
