"""The Import and Export buttons of the domain admins: one workbook sheet each.

The admins sit below the workbook (orgduties/layers.py) and cannot import its
resources, so the workbook hands them over once every admin is registered
(workbook comes after them in INSTALLED_APPS). The buttons, their permission
checks and formats are core.admin_base.SheetImportExportMixin's and
SheetExportMixin's, which the admins inherit.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from core.admin_base import OrgHistoryAdmin
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Employee, Position
from workbook.models import ColumnMapping
from workbook.resources import (
    DepartmentResource,
    DutyResource,
    EmployeeResource,
    FormResource,
    FunctionResource,
    KpiResource,
    PositionResource,
)

SHEETS = {
    Department: DepartmentResource,
    DepartmentFunction: FunctionResource,
    Position: PositionResource,
    Duty: DutyResource,
    Employee: EmployeeResource,
    Form: FormResource,
    Kpi: KpiResource,
}

for model, resource in SHEETS.items():
    admin.site.get_model_admin(model).resource_classes = [resource]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(OrgHistoryAdmin):
    """The mappings HR chose for flat sheets' headers; deleting one brings the guess back."""

    list_display = ["headers_shown", "fields_shown", "changed_by", "changed_at"]
    list_select_related = ["changed_by"]
    readonly_fields = ["headers", "changed_by", "changed_at"]
    fields = ["headers", "fields", "changed_by", "changed_at"]
    search_fields = ["headers"]

    @admin.display(description=gettext_lazy("headers"))
    def headers_shown(self, mapping):
        return ", ".join(mapping.headers)[:120]

    @admin.display(description=gettext_lazy("fields"))
    def fields_shown(self, mapping):
        return ", ".join(f or "—" for f in mapping.fields)[:120]

    def has_add_permission(self, request):
        return False  # made by a flat import's preview, for the headers it had
