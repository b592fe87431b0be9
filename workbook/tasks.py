"""The workbook's background jobs: check an upload, import it, export the organisation.

An upload is checked first (a dry run: every row validated and written, then
rolled back), so HR sees what the import will do, or every problem with the
workbook marked up beside its rows, before anything is written. Importing
then runs the same import for real, on the same file.
"""

import io

from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook as XlsxWorkbook

from departments.models import Department
from jobs.forms import NonceForm
from jobs.registry import JobFailed, JobKind, Outcome, register
from workbook.exporter import collect, escape_formula, write_xlsx
from workbook.flat_read import FIELDS, guess_mapping, read_flat
from workbook.flat_rows import convert, field_label, import_flat
from workbook.importer import ImportFailed, OrgImporter
from workbook.models import ColumnMapping
from workbook.permissions import EXPORT_PERMISSIONS, IMPORT_PERMISSIONS
from workbook.sheets import COLUMNS, ERROR_COLUMN, SHEET_ORDER, UnreadableWorkbook, read_upload

# Problems listed on the job's page; the error workbook marks them all.
SHOWN_ERRORS = 500


def error_workbook(workbook, errors) -> bytes:
    """The uploaded rows as a workbook, with an error column beside the rows that failed."""
    by_row = {}
    for error in errors:
        by_row.setdefault((error.sheet, error.row), []).append(
            f"{error.column}: {error.message}" if error.column else error.message
        )
    sheets = {}
    for name in SHEET_ORDER:
        rows = []
        for row in workbook.rows(name):
            cells = [row.get(column) for column in COLUMNS[name]]
            rows.append([*cells, "\n".join(by_row.get((name, row.number), []))])
        sheets[name] = rows
    general = [
        [e.sheet, e.row, e.column, e.message]
        for e in errors
        if (e.sheet not in COLUMNS or not e.row)
    ]
    notes = [[_("sheet"), _("row"), _("column"), _("problem")], *general] if general else None
    return write_xlsx(sheets, notes=notes, extra_column=ERROR_COLUMN)


def stored_report_rows(report: dict):
    """A stored import report's sheets in workbook order, as the templates list them."""
    sheets = report.get("sheets", {})
    return [(name, sheets[name]) for name in SHEET_ORDER if name in sheets]


def _failed_report(errors, **extra) -> dict:
    """What a failed check or import keeps for its page: the first errors, their count."""
    shown = [[e.sheet, e.row, e.column, e.message] for e in errors[:SHOWN_ERRORS]]
    return {"errors": shown, "error_count": len(errors), **extra}


def _sheet_counts(report) -> tuple[dict, int]:
    """Per sheet what the import did (for the job's page), and how many records it wrote."""
    sheets = {
        name: {
            "created": sheet.created,
            "updated": sheet.updated,
            "unchanged": sheet.unchanged,
            "deleted": sheet.deleted,
            "deleted_items": sheet.deleted_items[:200],
        }
        for name, sheet in report.sheets.items()
    }
    written = sum(s.created + s.updated + s.deleted for s in report.sheets.values())
    return sheets, written


def _report_context(job) -> dict:
    return {
        "report": stored_report_rows(job.report),
        "errors": job.report.get("errors", []),
        "error_count": job.report.get("error_count", 0),
        "shown_errors": SHOWN_ERRORS,
    }


class _WorkbookJob(JobKind):
    permissions = IMPORT_PERMISSIONS
    template = "admin/workbook/job.html"
    dry_run = True

    def run(self, job, progress):
        progress(0, 0, _("reading the workbook"))
        with default_storage.open(job.input_file, "rb") as handle:
            data = handle.read()
        try:
            workbook = read_upload(data, job.input_name or "upload.xlsx")
        except UnreadableWorkbook as exc:
            raise JobFailed(exc) from None
        try:
            report = OrgImporter(workbook, user=job.owner, progress=progress).run(
                dry_run=self.dry_run
            )
        except ImportFailed as failure:
            errors = failure.errors
            raise JobFailed(
                failure,
                report=_failed_report(errors),
                file=(error_workbook(workbook, errors), "import-errors.xlsx"),
            ) from None
        except DatabaseError:
            raise JobFailed(
                _("The database failed during the import. Nothing was written; retry it.")
            ) from None
        sheets, written = _sheet_counts(report)
        return Outcome(self.summary(written), {"sheets": sheets})

    def context(self, job, request):
        return _report_context(job)


@register
class WorkbookCheck(_WorkbookJob):
    name = "workbook-check"
    label = gettext_lazy("Workbook check")

    def summary(self, written):
        return _("The workbook is valid. Nothing has been written yet.")

    def context(self, job, request):
        return {**super().context(job, request), "confirm_form": NonceForm()}


@register
class WorkbookImport(_WorkbookJob):
    name = "workbook-import"
    label = gettext_lazy("Workbook import")
    dry_run = False

    def summary(self, written):
        return _("Workbook imported: %(count)d records created, updated or removed.") % {
            "count": written
        }


@register
class WorkbookExport(JobKind):
    name = "workbook-export"
    label = gettext_lazy("Workbook export")
    permissions = EXPORT_PERMISSIONS
    template = "admin/workbook/job.html"

    def run(self, job, progress):
        department = None
        if code := job.params.get("department"):
            department = Department.objects.filter(code=code).first()
            if department is None:
                raise JobFailed(_("There is no department %(code)s.") % {"code": code})
        progress(0, 2, _("reading the organisation"))
        sheets = collect(department)
        rows = sum(len(r) for r in sheets.values())
        progress(1, 2, _("writing %(rows)d rows") % {"rows": rows})
        content = write_xlsx(sheets)
        stamp = timezone.localdate().isoformat()
        name = f"orgduties-{department.code if department else 'all'}-{stamp}.xlsx"
        progress(2, 2, _("done"))
        return Outcome(
            _("%(rows)d rows exported.") % {"rows": rows}, {"rows": rows}, (content, name)
        )


# -- the flat-sheet import (workbook/flat_read.py, workbook/flat_rows.py) -------

# Rows of the sheet shown beside the mapping, so HR sees what each column holds.
SAMPLE_ROWS = 3


def flat_error_workbook(sheet, errors) -> bytes:
    """The flat sheet as uploaded, with an error column beside the rows that failed."""
    by_row = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(
            f"{error.column}: {error.message}" if error.column else error.message
        )
    book = XlsxWorkbook(write_only=True)
    out = book.create_sheet(sheet.name[:31] or "sheet")
    out.append([escape_formula(h) for h in [*sheet.headers, ERROR_COLUMN]])
    if sheet.header_row in by_row:
        out.append(["" for _h in sheet.headers] + ["\n".join(by_row[sheet.header_row])])
    for number, cells in sheet.rows:
        out.append([escape_formula(c) for c in cells] + ["\n".join(by_row.get(number, []))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def flat_mapping(job, sheet) -> tuple[list[str], str]:
    """The mapping a flat job uses, and where it comes from: "chosen", "remembered" or "guessed"."""
    chosen = job.params.get("columns")
    if isinstance(chosen, list) and len(chosen) == len(sheet.headers):
        return [c if c in FIELDS else "" for c in chosen], "chosen"
    remembered = ColumnMapping.objects.for_headers(sheet.headers)
    if remembered is not None:
        return remembered, "remembered"
    return guess_mapping(sheet.headers), "guessed"


class _FlatJob(JobKind):
    permissions = IMPORT_PERMISSIONS
    template = "admin/workbook/flat_job.html"
    dry_run = True

    def run(self, job, progress):
        progress(0, 0, _("reading the sheet"))
        with default_storage.open(job.input_file, "rb") as handle:
            data = handle.read()
        try:
            sheet = read_flat(data, job.input_name or "upload.csv")
        except UnreadableWorkbook as exc:
            raise JobFailed(exc) from None
        mapping, source = flat_mapping(job, sheet)
        progress(0, 0, _("matching %(rows)d rows") % {"rows": len(sheet.rows)})
        book = convert(sheet, mapping, job.params.get("unit", ""))
        flat = {
            "sheet": sheet.name,
            "headers": sheet.headers,
            "mapping": mapping,
            "guessed": guess_mapping(sheet.headers),
            "source": source,
            "samples": [cells[: len(sheet.headers)] for _n, cells in sheet.rows[:SAMPLE_ROWS]],
            "notes": book.notes,
            "unit": job.params.get("unit", ""),
            "counts": book.counts,
        }
        try:
            report = import_flat(book, user=job.owner, progress=progress, dry_run=self.dry_run)
        except ImportFailed as failure:
            errors = failure.errors
            raise JobFailed(
                failure,
                report=_failed_report(errors, flat=flat),
                file=(flat_error_workbook(sheet, errors), "import-errors.xlsx"),
            ) from None
        except DatabaseError:
            raise JobFailed(
                _("The database failed during the import. Nothing was written; retry it.")
            ) from None
        sheets, written = _sheet_counts(report)
        if not self.dry_run:
            ColumnMapping.objects.remember(sheet.headers, mapping, job.owner)
        return Outcome(self.summary(written), {"sheets": sheets, "flat": flat})

    def context(self, job, request):
        flat = job.report.get("flat") or {}
        headers = flat.get("headers", [])
        samples = flat.get("samples", [])
        columns = [
            {
                "index": i,
                "header": header,
                "field": (flat.get("mapping") or [""] * len(headers))[i],
                "guessed": (flat.get("guessed") or [""] * len(headers))[i],
                "samples": [row[i] for row in samples if i < len(row) and row[i]],
            }
            for i, header in enumerate(headers)
        ]
        return {
            **_report_context(job),
            "flat": flat,
            "columns": columns,
            "field_choices": [(name, field_label(name)) for name in FIELDS],
            "mapping_form": NonceForm(),
        }


@register
class FlatCheck(_FlatJob):
    name = "flat-check"
    label = gettext_lazy("Flat sheet check")

    def summary(self, written):
        return _("The sheet is valid. Nothing has been written yet.")

    def context(self, job, request):
        return {**super().context(job, request), "confirm_form": NonceForm()}


@register
class FlatImport(_FlatJob):
    name = "flat-import"
    label = gettext_lazy("Flat sheet import")
    dry_run = False

    def summary(self, written):
        return _("Sheet imported: %(count)d records created, updated or removed.") % {
            "count": written
        }
