"""The Import and Export buttons of the domain admins: one workbook sheet each.

The admins sit below the workbook (orgduties/layers.py) and cannot import its
resources, so the workbook hands them over once every admin is registered
(workbook comes after them in INSTALLED_APPS). The buttons, their permission
checks and formats are core.admin_base.SheetImportExportMixin's and
SheetExportMixin's, which the admins inherit.
"""

from django.contrib import admin

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Employee, Position
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
