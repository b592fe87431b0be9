"""One sheet at a time through django-import-export, in the admin.

Each resource reads and writes the columns of one workbook sheet (the
canonical names of ``workbook.sheets.COLUMNS``; the Chinese aliases are
accepted on import), so a sheet exported from a model's list can be corrected
and imported again on the same page. Rows are matched by code; the sheets
whose rows have no code (functions, duties, KPIs) carry the row's ``id``:
keep it to update the row, leave it empty to add one.

Every relation is looked up in dictionaries filled once per import or export
(tests/test_resources.py counts the queries): no query per row. Text that a
spreadsheet would run as a formula gets a leading apostrophe on export, and
the apostrophe is removed again on import, as in the whole-workbook export.

Departments are exported only: their tree is loaded by the workbook importer,
which computes it once under the tree lock.
"""

import unicodedata
from collections import defaultdict
from decimal import InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from core.numbering import number_items
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Employee, Position
from workbook.exporter import escape_formula
from workbook.importer import (
    _COMPARISONS,
    _DUTY_KINDS,
    _FORM_SEPARATORS,
    _PERIODS,
    TARGET_MESSAGE,
    OrgImporter,
    parse_target,
)
from workbook.sheets import COLUMNS, _canonical, cell_text, unescape_formula

_COMPARISON_SIGNS = {"ge": ">=", "le": "<=", "eq": "=", "lt": "<", "gt": ">"}
_TRUE = {"1", "true", "yes", "y", "是", "√", "x"}
_FALSE = {"", "0", "false", "no", "n", "否"}


def _cell(value, fold=False) -> str:
    """A cell as text: the export's apostrophe removed, spaces trimmed, codes folded."""
    # Trimmed before the apostrophe goes: an escaped leading tab or CR is kept.
    text = cell_text(value).strip(" \t\r\n\u3000\u00a0")
    if text.startswith("'"):
        text = unescape_formula(text)
    if fold and not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _cell(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NumberWidget(widgets.Widget):
    """A whole number ≥ 0; an empty cell keeps the model's default."""

    def clean(self, value, row=None, **kwargs):
        text = _cell(value, fold=True)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("Expected a number, got “%(value)s”.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class FlagWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _cell(value, fold=True).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("Expected 1 or 0 (yes or no), got “%(value)s”.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "1" if value else "0"


class CodeWidget(widgets.Widget):
    """A foreign key written as the other row's code.

    ``lookup`` (code -> object) is filled by the resource before the rows are
    read; an unknown code is a message on the row, not an exception.
    """

    def __init__(self, message, attribute="code"):
        super().__init__()
        self.message = message
        self.attribute = attribute
        self.lookup = {}

    def clean(self, value, row=None, **kwargs):
        code = _cell(value, fold=True)
        if not code:
            return None
        try:
            return self.lookup[code]
        except KeyError:
            raise ValueError(self.message() % {"code": code}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.attribute)


class FormsWidget(widgets.ManyToManyWidget):
    """Forms of a duty by code or name (《订单评审表》), separated by 、 ; or new lines."""

    def __init__(self):
        super().__init__(Form)
        self.lookup = {}

    def clean(self, value, row=None, **kwargs):
        found, unknown = [], []
        for token in _FORM_SEPARATORS.split(_cell(value)):
            token = token.strip().strip("《》")
            if not token:
                continue
            form = self.lookup.get(token)
            if form is None:
                unknown.append(token)
            elif form not in found:
                found.append(form)
        if unknown:
            raise ValueError(
                _("No form with code or name “%(value)s”.") % {"value": "、".join(unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else "; ".join(f.code for f in value)


class FormsField(fields.Field):
    """A duty's forms as a list kept on the instance (``_forms``).

    import-export compares and shows a deep copy of each row, which loses the
    prefetched forms: reading them from the manager would be a query per row.
    """

    def __init__(self):
        super().__init__(attribute="forms", column_name="forms", widget=FormsWidget())

    def get_value(self, instance):
        if "_forms" not in instance.__dict__:
            instance._forms = list(instance.forms.all()) if instance.pk else []
        return instance._forms


def _column(name, attribute=None, widget=None, **options):
    return fields.Field(
        attribute=attribute, column_name=name, widget=widget or TextWidget(), **options
    )


def _number(name, attribute=None):
    # An empty cell keeps the stored value (or the model's default).
    return _column(name, attribute, NumberWidget(), saves_null_values=False)


def _row_id():
    # Read by the instance loader; never written, so new rows get the next id.
    return _column("id", "id", NumberWidget(), readonly=True)


class CodeLoader(BaseInstanceLoader):
    """The rows already stored, found by their key column in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key = resource.get_import_id_fields()[0]
        field = resource.fields[self.key]
        keys = set()
        if dataset is not None and field.column_name in (dataset.headers or []):
            for value in dataset[field.column_name]:
                key = resource.clean_key(value)
                if key is not None:
                    keys.add(key)
        queryset = resource.get_queryset().filter(**{f"{field.attribute}__in": keys})
        self.instances = {getattr(obj, field.attribute): obj for obj in queryset}

    def get_instance(self, row):
        key = self.resource.clean_key(row.get(self.resource.fields[self.key].column_name))
        return self.instances.get(key)


class SheetResource(resources.ModelResource):
    """Columns of one workbook sheet; see the module docstring."""

    sheet = ""
    # Attributes set outside the declared fields (owner of a KPI, order): an
    # import that changes one of them is not "unchanged".
    extra_attributes = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = CodeLoader

    # -- import -----------------------------------------------------------

    def clean_key(self, value):
        key = _cell(value, fold=True)
        return key or None

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        columns = COLUMNS[self.sheet]
        headers = []
        for title in dataset.headers or []:
            title = str(title or "").strip().lstrip("\ufeff")
            headers.append(title if title == "id" else _canonical(title, columns) or title)
        rows = [list(row) for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            if any(cell not in (None, "") for cell in row):  # spreadsheets pad with empty rows
                dataset.append(row)
        self.load_lookups(dataset)

    def load_lookups(self, dataset):
        """Fill the widgets' dictionaries from the codes the sheet uses (one query each)."""

    def codes(self, dataset, column):
        if column not in (dataset.headers or []):
            return set()
        return {_cell(v, fold=True) for v in dataset[column]} - {""}

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if new and self.get_import_id_fields() == ("id",):
            key = _cell(row.get("id"), fold=True)
            if key:  # an id that is not stored would otherwise become a new row's id
                raise ValidationError(
                    {"id": _("No row with id %(id)s; leave id empty to add a row.") % {"id": key}}
                )
        return instance, new

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # import-export's own comparison asks the database for the original's
        # many-to-many rows, once per row; FormsField keeps them on the instance.
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                if field.column_name in row:
                    wanted = {obj.pk for obj in field.clean(row)}
                    if wanted != {obj.pk for obj in field.get_value(original) or ()}:
                        return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return all(
            getattr(instance, name) == getattr(original, name) for name in self.extra_attributes
        )

    # -- export -----------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def iter_queryset(self, queryset):
        # A fixed number of queries: the rows, then what prepare_export loads.
        objects = list(self.export_queryset(queryset))
        self.prepare_export(objects)
        yield from objects

    def export_queryset(self, queryset):
        return queryset

    def prepare_export(self, objects):
        pass


def _department_message():
    return _("No department with code “%(code)s”.")


def _position_message():
    return _("No position with code “%(code)s”.")


class DepartmentResource(SheetResource):
    """Export only: the tree is imported through the workbook importer."""

    sheet = "departments"
    code = _column("code", "code")
    name = _column("name", "name")
    parent_code = _column("parent_code", "parent", CodeWidget(_department_message))
    kind = _column("kind", "kind")
    aliases = _column("aliases", "aliases")
    description = _column("description", "description")
    order = _number("order", "order")

    class Meta(SheetResource.Meta):
        model = Department
        fields = tuple(COLUMNS["departments"])
        import_id_fields = ("code",)

    def export_queryset(self, queryset):
        return queryset.select_related("parent").order_by("tree_id", "lft")


class FunctionResource(SheetResource):
    sheet = "functions"
    id = _row_id()
    department_code = _column("department_code", "department", CodeWidget(_department_message))
    section = _column("section", "section")
    text = _column("text", "text")
    extra_attributes = ("order",)

    class Meta(SheetResource.Meta):
        model = DepartmentFunction
        fields = ("id", *COLUMNS["functions"])
        import_id_fields = ("id",)

    def clean_key(self, value):
        key = _cell(value, fold=True)
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
    code = _column("code", "code")
    title = _column("title", "title")
    department_code = _column("department_code", "department", CodeWidget(_department_message))
    reports_to_code = _column("reports_to_code", "reports_to", CodeWidget(_position_message))
    headcount = _number("headcount", "headcount")
    is_head = _column("is_head", "is_head", FlagWidget())
    summary = _column("summary", "summary")
    requirements = _column("requirements", "requirements")

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


def _function_numbers(functions) -> dict:
    """{function id: "3"} and {(department id, "3" or "2.3"): function}, in item order."""
    by_department = defaultdict(list)
    for function in functions:
        by_department[function.department_id].append(function)
    numbers, lookup = {}, {}
    for department_id, items in by_department.items():
        for index, item in enumerate(items, start=1):
            numbers[item.pk] = str(index)
            lookup[(department_id, str(index))] = item
        for section in number_items(items):
            for item in section.items:
                if section.number:
                    lookup[(department_id, f"{section.number}.{item.number}")] = item
    return numbers, lookup


class DutyResource(SheetResource):
    sheet = "duties"
    id = _row_id()
    position_code = _column("position_code", "position", CodeWidget(_position_message))
    kind = _column("kind")
    section = _column("section", "section")
    text = _column("text", "text")
    process_steps = _column("process_steps", "process_steps")
    forms = FormsField()
    function = _column("function")
    extra_attributes = ("kind", "function_id", "order")

    class Meta(SheetResource.Meta):
        model = Duty
        fields = ("id", *COLUMNS["duties"])
        import_id_fields = ("id",)

    def clean_key(self, value):
        key = _cell(value, fold=True)
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
                tokens.update(t.strip().strip("《》") for t in _FORM_SEPARATORS.split(_cell(value)))
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
        _numbers, self.function_lookup = _function_numbers(
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
            word = _cell(row["kind"], fold=True).lower() or "duty"
            if word in _DUTY_KINDS:
                instance.kind = _DUTY_KINDS[word]
            else:
                errors["kind"] = [
                    _("Unknown kind “%(value)s”; use duty or authority.") % {"value": word}
                ]
        if "function" in row and instance.position_id and "position" not in errors:
            reference = _cell(row["function"], fold=True).rstrip(".")
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
        _raise(errors)

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
        self.function_numbers, _lookup = _function_numbers(
            DepartmentFunction.objects.filter(department_id__in=departments).order_by("order", "id")
        )

    def dehydrate_kind(self, duty):
        return duty.kind

    def dehydrate_function(self, duty):
        return self.function_numbers.get(duty.function_id, "")


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _deadline_text(kpi):
    if not kpi.deadline_day:
        return ""
    if kpi.deadline_month:
        return f"{kpi.deadline_month:02d}-{kpi.deadline_day:02d}"
    return str(kpi.deadline_day)


class KpiResource(SheetResource):
    """KPIs of duties (position_code and duty_number) and of whole positions (no number).

    KPIs of department functions keep their owner: their position_code is empty.
    """

    sheet = "kpis"
    id = _row_id()
    position_code = _column("position_code")
    duty_number = _column("duty_number")
    text = _column("text", "text")
    metric = _column("metric", "metric")
    comparison = _column("comparison")
    target = _column("target")
    unit = _column("unit", "unit")
    period = _column("period")
    deadline = _column("deadline")
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
        key = _cell(value, fold=True)
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
        code = _cell(row.get("position_code"), fold=True)
        number = _cell(row.get("duty_number"), fold=True)
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
        _raise(errors)

    def _structure(self, instance, row, errors):
        if "comparison" in row:
            sign = _cell(row["comparison"], fold=True).lower()
            if sign and sign not in _COMPARISONS:
                errors["comparison"] = [_("Use one of >=, <=, =, <, >.")]
            instance.comparison = _COMPARISONS.get(sign, "")
        if "target" in row:
            target = _cell(row["target"], fold=True)
            try:
                number, unit = parse_target(target) if target else (None, "")
            except InvalidOperation:
                errors["target"] = [str(TARGET_MESSAGE) % {"value": target}]
            else:
                instance.target = number
                if unit and not instance.unit:
                    instance.unit = unit
        if "period" in row:
            period = _cell(row["period"], fold=True).lower()
            if period and period not in _PERIODS:
                errors["period"] = [_("Unknown period “%(value)s”.") % {"value": period}]
            instance.period = _PERIODS.get(period, "")
        if "deadline" in row:
            deadline = _cell(row["deadline"], fold=True)
            parsed = OrgImporter._deadline(deadline) if deadline else (None, None)
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
        return _COMPARISON_SIGNS.get(kpi.comparison, "")

    def dehydrate_target(self, kpi):
        return f"{kpi.target.normalize():f}" if kpi.target is not None else ""

    def dehydrate_period(self, kpi):
        return kpi.period

    def dehydrate_deadline(self, kpi):
        return _deadline_text(kpi)


class FormResource(SheetResource):
    sheet = "forms"
    code = _column("code", "code")
    name = _column("name", "name")
    description = _column("description", "description")
    department_code = _column("department_code", "department", CodeWidget(_department_message))

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
    employee_no = _column("employee_no", "employee_no")
    name = _column("name", "name")
    username = _column("username", "user", CodeWidget(_user_message, attribute="username"))

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
