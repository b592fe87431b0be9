"""The departments sheet (the unit tree) and the functions sheet (what each unit does)."""

from collections import defaultdict

from django.utils.translation import gettext as _

from departments.models import Department, DepartmentFunction
from workbook.columns import NUMBER, UNIT_KIND
from workbook.importing.base import SheetImport, changed
from workbook.importing.tree import insert_tree, place_in_new_tree


class DepartmentSheet(SheetImport):
    name = "departments"

    def validate(self):
        rows = self.rows()
        self.unique(rows, "code")
        self.by_code = {}
        for row in rows:
            if not self.required(row, "code", "name"):
                continue
            if UNIT_KIND.parse(row.get("kind")) is None:
                self.error(
                    row,
                    "kind",
                    _(
                        "Unknown kind “%(value)s”; use company, branch, department, office or region."
                    )
                    % {"value": row.get("kind")},
                )
            self.number(row, "order")
            self.by_code.setdefault(row.get("code"), row)
        departments = self.org.departments
        known = set(departments) | set(self.by_code)
        codes_by_id = {d.pk: code for code, d in departments.items()}
        parents = {code: codes_by_id.get(d.parent_id, "") for code, d in departments.items()}
        for code, row in self.by_code.items():
            parent = row.get("parent_code")
            if parent and parent not in known:
                self.error(
                    row, "parent_code", _("No department with code “%(code)s”.") % {"code": parent}
                )
            elif parent == code:
                self.error(row, "parent_code", _("A unit cannot be its own parent."))
            else:
                parents[code] = parent
        for code, row in self.by_code.items():
            seen, current = set(), code
            while current and current not in seen:
                seen.add(current)
                current = parents.get(current, "")
            if current == code and code in seen and parents.get(code):
                self.error(
                    row,
                    "parent_code",
                    _("The parent chain of “%(code)s” loops back to itself.") % {"code": code},
                )

    def known(self, code) -> bool:
        """Whether a department with this code is stored or in the sheet."""
        return code in self.org.departments or code in self.by_code

    def write(self):
        departments = self.org.departments
        created, updated = [], []
        for code, row in self.by_code.items():
            values = {
                "name": row.get("name"),
                "kind": UNIT_KIND.parse(row.get("kind")),
                "aliases": row.get("aliases"),
                "description": row.get("description"),
            }
            order = NUMBER.parse(row.get("order")) if row.get("order") else None
            if code in departments:
                dept = departments[code]
                if order is not None:
                    values["order"] = order
                if changed(dept, values):
                    updated.append(dept)
                else:
                    self.report.unchanged += 1
            else:
                dept = Department(
                    code=code, order=order or 0, lft=0, rght=0, tree_id=0, level=0, **values
                )
                created.append(dept)
        parents = {code: row.get("parent_code") for code, row in self.by_code.items()}
        if not departments:
            place_in_new_tree(created, parents.__getitem__)
        insert_tree(Department, created, updated, parents, departments, "parent_id", self.report)
        fields = ["name", "kind", "aliases", "description", "order", "parent", "version"]
        for dept in updated:
            dept.version += 1  # an admin form opened before the import is now stale
        Department.objects.bulk_update(updated, fields, batch_size=1000)
        if created or updated:
            Department.objects.rebuild()
        self.record_history(Department, created, updated)
        self.report.created, self.report.updated = len(created), len(updated)


class FunctionSheet(SheetImport):
    """A department's functions, replaced as a list for each department the sheet names."""

    name = "functions"

    def validate(self):
        departments = self.org.sheets["departments"]
        self.by_department = defaultdict(list)
        for row in self.rows():
            if not self.required(row, "department_code", "text"):
                continue
            code = row.get("department_code")
            if not departments.known(code):
                self.error(
                    row,
                    "department_code",
                    _("No department with code “%(code)s”.") % {"code": code},
                )
                continue
            self.by_department[code].append(row)

    def write(self):
        if not self.by_department:
            return
        departments = self.org.departments
        dept_ids = {departments[c].pk: c for c in self.by_department}
        existing = defaultdict(list)
        for f in DepartmentFunction.objects.filter(department_id__in=dept_ids):
            existing[dept_ids[f.department_id]].append(f)
        created, updated, deleted = [], [], []
        for code, rows in self.by_department.items():
            pool = {(f.section, f.text): f for f in existing[code]}
            for order, row in enumerate(rows, start=1):
                key = (row.get("section"), row.get("text"))
                item = pool.pop(key, None)
                if item is None:
                    created.append(
                        DepartmentFunction(
                            department=departments[code], section=key[0], text=key[1], order=order
                        )
                    )
                elif changed(item, {"order": order}):
                    updated.append(item)
                else:
                    self.report.unchanged += 1
            deleted.extend(pool.values())
        self.history(DepartmentFunction, created, updated, ["order"])
        names = {d.pk: d.name for d in departments.values()}
        self.delete(DepartmentFunction, deleted, lambda f: f"{names[f.department_id]}: {f.text}")
        self.report.created, self.report.updated = len(created), len(updated)
