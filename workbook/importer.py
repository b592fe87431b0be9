"""Import a whole organisation workbook: validate every row, then write it all at once.

Follows pretix's import pipeline: lookups are loaded once into dicts, every
error is collected with its sheet, row and column, and nothing is written
unless every row is good. Writing happens in one transaction under the
department tree lock, with bulk queries (never a query per row), and records
history for every created or changed object.

Rows are matched by code, so importing the same workbook again changes
nothing. Function, duty and KPI lists are replaced per department or position
the workbook mentions: items it no longer holds are removed.

Each sheet is a class of workbook/importing/ with ``validate()`` and
``write()``; ``OrgImporter`` runs them in the order of ``SHEET_IMPORTS``, in
which every sheet refers only to the sheets before it (forms come before the
duties that name them, unlike in the workbook's own order).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from departments.models import Department, tree_lock
from kpis.models import Form
from positions.models import Employee, Position
from workbook.importing.base import ImportFailed, Report, RowError, SheetReport
from workbook.importing.departments import DepartmentSheet, FunctionSheet
from workbook.importing.duties import DutySheet, FormSheet, KpiSheet
from workbook.importing.employees import EmployeeSheet
from workbook.importing.positions import DottedLineSheet, PositionSheet
from workbook.sheets import Row, Workbook

__all__ = ["ImportFailed", "OrgImporter", "Report", "RowError", "SheetReport"]

SHEET_IMPORTS = (
    DepartmentSheet,
    FunctionSheet,
    PositionSheet,
    DottedLineSheet,
    FormSheet,
    DutySheet,
    KpiSheet,
    EmployeeSheet,
)


class OrgImporter:
    """One import of a workbook: ``run()`` it once.

    ``sheets`` holds the sheet imports by name, in order; timing or tests
    may wrap their ``validate`` and ``write``.
    """

    def __init__(self, workbook: Workbook, user=None, progress=None):
        self.workbook = workbook
        self.user = user
        # progress(done, total, step): rows checked and written so far, of twice
        # the workbook's rows (each row is checked, then written); see jobs.board.
        self.progress = progress or (lambda done, total=None, step=None: None)
        self._writing = ("", 0, 0, 0)  # the sheet being written: name, rows before, its rows, all
        self.errors: list[RowError] = [RowError(*p) for p in workbook.problems]
        self.report = Report()
        self.sheets = {sheet.name: sheet(self) for sheet in SHEET_IMPORTS}

    def run(self, dry_run=False) -> Report:
        """Validate and write; raise ImportFailed with every error, writing nothing."""
        self.report.dry_run = dry_run
        rows = {name: len(self.workbook.rows(name)) for name in self.sheets}
        total, done = 2 * sum(rows.values()), 0
        with tree_lock():
            self.load()
            for name, sheet in self.sheets.items():
                self.progress(done, total, _("%(sheet)s: checking") % {"sheet": name})
                sheet.validate()
                done += rows[name]
            if self.errors:
                raise ImportFailed(self.errors)
            for name, sheet in self.sheets.items():
                self._writing = (name, done, rows[name], total)
                self.progress(done, total, _("%(sheet)s: writing") % {"sheet": name})
                sheet.write()
                done += rows[name]
            self.progress(done, total, _("committing"))
            if dry_run:
                transaction.set_rollback(True)
        return self.report

    def advance(self, fraction, stage):
        """Within a long sheet's write: ``fraction`` (0–1) of its rows done, at ``stage``."""
        name, done, rows, total = self._writing
        self.progress(
            done + int(rows * fraction),
            total,
            _("%(sheet)s: writing (%(stage)s)") % {"sheet": name, "stage": stage},
        )

    def load(self):
        """The stored rows the sheets refer to by code, once per import (under the lock)."""
        self.departments = {d.code: d for d in Department.objects.all()}
        self.positions = {p.code: p for p in Position.objects.all()}
        self.forms = {f.code: f for f in Form.objects.all()}
        self.forms_by_name = {f.name: f for f in self.forms.values()}
        self.employees = {e.employee_no: e for e in Employee.objects.all()}

    def error(self, sheet, row: Row | int, column, message):
        number = row.number if isinstance(row, Row) else row
        self.errors.append(RowError(sheet, number, column, message))
