"""Admin pages for the whole-workbook import (preview, confirm, error report), export and template."""

import datetime
import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department
from workbook.exporter import collect, write_xlsx
from workbook.importer import ImportFailed, OrgImporter
from workbook.sheets import (
    COLUMNS,
    ERROR_COLUMN,
    SHEET_ORDER,
    UnreadableWorkbook,
    read_upload,
)
from workbook.template import template_xlsx

UPLOADS = "imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Everything an import may write: whoever imports must be allowed to do it by hand.
IMPORT_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in [
        ("departments", "department"),
        ("departments", "departmentfunction"),
        ("positions", "position"),
        ("positions", "duty"),
        ("positions", "dottedline"),
        ("positions", "employee"),
        ("positions", "assignment"),
        ("kpis", "kpi"),
        ("kpis", "form"),
    ]
    for action in ("add", "change", "delete")
]
# The export is the whole organisation in bulk, employees' names and logins
# included: an HR tool, like the import, not something every reader needs.
EXPORT_PERMISSIONS = ["departments.change_department", "positions.change_position"]


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy(".xlsx, .xls or .ods; or one CSV sheet, or a zip of CSV sheets."),
    )


def require(request, permissions):
    """Refuse (403) a user who lacks any of ``permissions``; the intake's pages use it too."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def _stored_name(token):
    try:
        return f"{UPLOADS}/{uuid.UUID(str(token))}.bin"
    except ValueError:
        raise Http404 from None


def _store(data: bytes) -> str:
    _forget_old_uploads()
    token = str(uuid.uuid4())
    default_storage.save(_stored_name(token), ContentFile(data))
    return token


def _load(token):
    name = _stored_name(token)
    if not default_storage.exists(name):
        raise Http404
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _forget_old_uploads():
    """Uploads waiting for confirmation are kept a day at most."""
    try:
        _dirs, files = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - datetime.timedelta(days=1)
    for name in files:
        path = f"{UPLOADS}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "title": _("Import an organisation workbook"),
        **extra,
    }


def import_view(request):
    require(request, IMPORT_PERMISSIONS)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, request.POST["token"], request.POST.get("filename", ""))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        data = upload.read()
        try:
            workbook = read_upload(data, upload.name)
        except UnreadableWorkbook as exc:
            form.add_error("workbook", str(exc))
        else:
            token = _store(data)
            try:
                report = OrgImporter(workbook, user=request.user).run(dry_run=True)
            except ImportFailed as failure:
                return TemplateResponse(
                    request,
                    "admin/workbook/import_errors.html",
                    _context(request, errors=failure.errors, token=token, filename=upload.name),
                )
            return TemplateResponse(
                request,
                "admin/workbook/import_preview.html",
                _context(request, report=report_rows(report), token=token, filename=upload.name),
            )
    return TemplateResponse(request, "admin/workbook/import.html", _context(request, form=form))


def report_rows(report):
    """An import report's sheets in workbook order, as the preview templates list them."""
    return [(name, report.sheets[name]) for name in SHEET_ORDER]


def _confirm(request, token, filename):
    data = _load(token)
    try:
        report = OrgImporter(read_upload(data, filename or "upload.xlsx"), user=request.user).run()
    except (ImportFailed, UnreadableWorkbook):
        messages.error(request, _("The workbook no longer imports cleanly; upload it again."))
        return redirect("admin-workbook-import")
    except DatabaseError:
        messages.error(
            request,
            _("The database failed during the import. Nothing was written; please try again."),
        )
        return redirect("admin-workbook-import")
    default_storage.delete(_stored_name(token))
    written = sum(r.created + r.updated + r.deleted for r in report.sheets.values())
    messages.success(
        request,
        _("Workbook imported: %(count)d records created, updated or removed.") % {"count": written},
    )
    return redirect("admin:index")


def error_report(request, token):
    """The uploaded rows as a workbook, with an error column beside the rows that failed."""
    require(request, IMPORT_PERMISSIONS)
    filename = request.GET.get("filename", "upload.xlsx")
    data = _load(token)
    try:
        workbook = read_upload(data, filename)
        OrgImporter(workbook, user=request.user).run(dry_run=True)
        errors = []
    except ImportFailed as failure:
        errors = failure.errors
    except UnreadableWorkbook:
        raise Http404 from None
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
    content = write_xlsx(sheets, notes=notes, extra_column=ERROR_COLUMN)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="import-errors.xlsx"'
    return response


def template_view(request):
    require(request, EXPORT_PERMISSIONS)
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="orgduties-template.xlsx"'
    return response


def export_view(request):
    require(request, EXPORT_PERMISSIONS)
    department = None
    if code := request.GET.get("department"):
        department = Department.objects.filter(code=code[:40]).first()
        if department is None:
            raise Http404
    response = HttpResponse(write_xlsx(collect(department)), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    name = f"orgduties-{department.code if department else 'all'}-{stamp}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def admin_urls():
    from django.urls import path

    wrap = admin.site.admin_view
    return [
        path("workbook/import/", wrap(import_view), name="admin-workbook-import"),
        path(
            "workbook/import/<str:token>/errors.xlsx",
            wrap(error_report),
            name="admin-workbook-errors",
        ),
        path("workbook/template.xlsx", wrap(template_view), name="admin-workbook-template"),
        path("workbook/export.xlsx", wrap(export_view), name="admin-workbook-export"),
    ]
