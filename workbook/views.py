"""Admin pages for the whole-workbook import and export, and the template.

Both run in the background (workbook/tasks.py): an upload starts a check
job, whose page shows the preview or the problems; its "Import" button
starts the import job on the same file. The export page starts an export
job, whose page offers the workbook to download.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department
from jobs.forms import NonceForm
from jobs.models import Job, Status
from jobs.views import start_and_show
from workbook.flat_read import FIELDS
from workbook.models import ColumnMapping
from workbook.permissions import EXPORT_PERMISSIONS, IMPORT_PERMISSIONS
from workbook.template import template_xlsx

__all__ = ["EXPORT_PERMISSIONS", "IMPORT_PERMISSIONS", "report_rows", "require"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(NonceForm):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy(".xlsx, .xls or .ods; or one CSV sheet, or a zip of CSV sheets."),
    )


class ExportForm(NonceForm):
    department = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)


def require(request, permissions):
    """Refuse (403) a user who lacks any of ``permissions``; the intake's pages use it too."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def report_rows(report):
    """An import report's sheets in workbook order, as the preview templates list them."""
    from workbook.sheets import SHEET_ORDER

    return [(name, report.sheets[name]) for name in SHEET_ORDER]


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "title": _("Import an organisation workbook"),
        **extra,
    }


def import_view(request):
    require(request, IMPORT_PERMISSIONS)
    if request.method == "POST" and "checked" in request.POST:
        return _confirm(request)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        if not _too_large(form, "workbook", upload):
            return start_and_show(
                request,
                "workbook-check",
                nonce=form.nonce_value(),
                upload=(upload.read(), upload.name),
            )
    return TemplateResponse(request, "admin/workbook/import.html", _context(request, form=form))


def _too_large(form, field, upload) -> bool:
    """An upload over the import limit gets its error on the form's field."""
    if upload.size <= _limit():
        return False
    form.add_error(
        field,
        _("The file is %(size)d KB; the limit is %(limit)d KB.")
        % {"size": upload.size // 1024, "limit": _limit() // 1024},
    )
    return True


def _limit():
    from django.conf import settings

    return settings.IMPORT_MAX_UPLOAD_BYTES


def _confirm(request):
    """The check job's "Import" button: import the file it checked."""
    try:
        checked = Job.objects.get(pk=int(request.POST["checked"]), kind="workbook-check")
    except (Job.DoesNotExist, ValueError):
        raise Http404 from None
    if not checked.visible_to(request.user) or checked.status != Status.DONE:
        raise Http404
    try:
        with default_storage.open(checked.input_file, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        messages.error(request, _("The checked file is no longer kept; upload it again."))
        return redirect("admin-workbook-import")
    form = NonceForm(request.POST)
    return start_and_show(
        request,
        "workbook-import",
        params={"checked": checked.pk},
        nonce=form.nonce_value(),
        upload=(data, checked.input_name),
    )


def template_view(request):
    require(request, EXPORT_PERMISSIONS)
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="orgduties-template.xlsx"'
    return response


def export_view(request):
    """The export page: what will be exported, and a button that starts it."""
    require(request, EXPORT_PERMISSIONS)
    form = ExportForm(
        request.POST if request.method == "POST" else None,
        initial={"department": request.GET.get("department", "")[:40]},
    )
    code = (request.POST if request.method == "POST" else request.GET).get("department", "")[:40]
    department = None
    if code:
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise Http404
    if request.method == "POST" and form.is_valid():
        return start_and_show(
            request,
            "workbook-export",
            params={"department": department.code if department else ""},
            nonce=form.nonce_value(),
        )
    return TemplateResponse(
        request,
        "admin/workbook/export.html",
        {
            **admin.site.each_context(request),
            "title": _("Export the organisation as a workbook"),
            "form": form,
            "department": department,
        },
    )


class FlatUploadForm(NonceForm):
    sheet = forms.FileField(
        label=gettext_lazy("Sheet"),
        help_text=gettext_lazy(
            "An export of another system, one row per person or per post: .xlsx, .xls, .ods "
            "or .csv (UTF-8, UTF-16 or GB18030)."
        ),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Without a unit column, every row is in this unit (by default named after the "
            "file); with one, the sheet's units are placed under it."
        ),
    )


def flat_import_view(request):
    """Upload another system's sheet; its check job's page shows the mapping and the preview."""
    require(request, IMPORT_PERMISSIONS)
    if request.method == "POST" and "checked" in request.POST:
        return _flat_again(request)
    posted = request.method == "POST"
    form = FlatUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["sheet"]
        if not _too_large(form, "sheet", upload):
            return start_and_show(
                request,
                "flat-check",
                params={"unit": form.cleaned_data["unit"].strip()},
                nonce=form.nonce_value(),
                upload=(upload.read(), upload.name),
            )
    return TemplateResponse(
        request,
        "admin/workbook/flat_import.html",
        {**_context(request, form=form), "title": _("Import a sheet from another system")},
    )


def _flat_again(request):
    """The check page's buttons: preview again with the mapping chosen, or import."""
    try:
        checked = Job.objects.get(pk=int(request.POST["checked"]), kind="flat-check")
    except (Job.DoesNotExist, ValueError):
        raise Http404 from None
    if not checked.visible_to(request.user) or not checked.finished:
        raise Http404
    flat = checked.report.get("flat") or {}
    headers = flat.get("headers") or []
    confirm = "confirm" in request.POST
    if confirm and checked.status != Status.DONE:
        raise Http404
    try:
        with default_storage.open(checked.input_file, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        messages.error(request, _("The checked file is no longer kept; upload it again."))
        return redirect("admin-flat-import")
    unit = checked.params.get("unit", "")
    if confirm:
        mapping = flat.get("mapping") or []
    else:
        mapping = [request.POST.get(f"column-{i}", "") for i in range(len(headers))]
        mapping = [name if name in FIELDS else "" for name in mapping]
        unit = request.POST.get("unit", unit).strip()[:200]
        ColumnMapping.objects.remember(headers, mapping, request.user)
    return start_and_show(
        request,
        "flat-import" if confirm else "flat-check",
        params={"checked": checked.pk, "columns": mapping, "unit": unit},
        nonce=NonceForm(request.POST).nonce_value(),
        upload=(data, checked.input_name),
    )


def admin_urls():
    from django.urls import path

    wrap = admin.site.admin_view
    return [
        path("workbook/flat/", wrap(flat_import_view), name="admin-flat-import"),
        path("workbook/import/", wrap(import_view), name="admin-workbook-import"),
        path("workbook/template.xlsx", wrap(template_view), name="admin-workbook-template"),
        path("workbook/export/", wrap(export_view), name="admin-workbook-export"),
    ]
