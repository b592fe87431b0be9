"""Admin pages: import a duty document (pasted text, .txt or .docx), check it, correct it, save it."""

import json

from django.contrib import admin, messages
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from departments.models import Department
from intake.forms import MAX_BLOCKS, DecisionFormSet, DocumentForm
from intake.rows import (
    NEW,
    USE_DEPARTMENT,
    USE_NOTHING,
    USE_POSITION,
    Directory,
    block_items,
    build_workbook,
    department_candidates,
    render_items,
)
from positions.models import Position
from reader import DocumentError, parse_kpis, read
from workbook.importer import ImportFailed, OrgImporter
from workbook.views import IMPORT_PERMISSIONS, report_rows, require


def _context(request, **extra):
    return {**admin.site.each_context(request), "title": _("Import from a document"), **extra}


def _where(request):
    """The department or position the import was started from, if any."""
    department = position = None
    if code := request.GET.get("department"):
        department = Department.objects.filter(code=code[:40]).first()
    if code := request.GET.get("position"):
        position = Position.objects.select_related("department").filter(code=code[:40]).first()
        department = department or (position.department if position else None)
    return department, position


def document_import(request):
    require(request, IMPORT_PERMISSIONS)
    department, position = _where(request)
    try:
        request.POST  # noqa: B018 -- read the body here, where its size can be explained
    except RequestDataTooBig:
        too_long = _("The pasted text is too long to send at once: upload it as a file.")
        return TemplateResponse(
            request,
            "admin/intake/document_import.html",
            _context(
                request,
                form=DocumentForm(),
                errors=[too_long],
                department=department,
                position=position,
            ),
            status=400,
        )
    if request.method == "POST" and "form-TOTAL_FORMS" in request.POST:
        return _check(request, department, position)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            parsed = read(form.cleaned_data["data"], form.cleaned_data["filename"])
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            blocks = parsed.blocks[:MAX_BLOCKS]
            if not any(block_items(b) for b in blocks):
                form.add_error(None, _("No numbered items were found in this document."))
            else:
                directory = Directory()
                initial = [
                    _initial(b, directory, department, position, first=i == 0)
                    for i, b in enumerate(blocks)
                ]
                formset = DecisionFormSet(initial=initial)
                return _page(request, formset, parsed.warnings, directory, None)
    return TemplateResponse(
        request,
        "admin/intake/document_import.html",
        _context(request, form=form, department=department, position=position),
    )


def _initial(block, directory, department, position, first):
    kind = block.kind
    name = block.name or ""
    choices, target, dept_code, reports_to = [], "", "", ""
    if kind == USE_DEPARTMENT or (kind != USE_POSITION and department and not position):
        use = USE_DEPARTMENT
        found = department_candidates(directory, block)
        if department and (first or not found) and department not in found:
            found = [department, *found]
        choices = [(d.code, f"{d.name} ({d.code})") for d in found]
        target = found[0].code if found else ""
        dept_code = department.parent.code if department and department.parent_id else ""
        new_label = _("Create a new department “%(name)s”") % {"name": name}
    else:
        use = USE_POSITION if kind == USE_POSITION or position else USE_NOTHING
        units = department_candidates(directory, block)
        dept_code = department.code if department else (units[0].code if units else "")
        found = directory.positions_titled(name, dept_code)
        if position and first and position not in found:
            found = [position, *found]
        choices = [(p.code, f"{p.title} ({p.code}, {p.department.name})") for p in found]
        target = found[0].code if found else ""
        superiors = directory.positions_titled(block.reports_to or "", dept_code)
        reports_to = superiors[0].code if len(superiors) == 1 else ""
        new_label = _("Create a new position “%(name)s”") % {"name": name}
    choices.append((NEW, new_label))
    return {
        "use": use,
        "name": name,
        "target": target,
        "department": dept_code,
        "reports_to": reports_to,
        "summary": block.summary or "",
        "requirements": "\n".join(block.requirements),
        "items_text": render_items(block_items(block)),
        "choices_json": json.dumps(choices, ensure_ascii=False),
        "document_reports_to": block.reports_to or "",
        "direct_reports": list(block.direct_reports),
    }


def _page(request, formset, warnings, directory, report, errors=()):
    return TemplateResponse(
        request,
        "admin/intake/document_check.html",
        _context(
            request,
            formset=formset,
            warnings=warnings,
            warnings_json=json.dumps(warnings, ensure_ascii=False),
            report=report,
            errors=errors,
            create_forms=request.POST.get("create_forms") == "1",
        ),
    )


def _check(request, department, position):
    formset = DecisionFormSet(request.POST)
    try:
        warnings = [str(w) for w in json.loads(request.POST.get("warnings", "[]"))][:500]
    except (ValueError, TypeError):
        warnings = []
    directory = Directory()
    if not formset.is_valid() or not _targets_exist(formset, directory):
        return _page(request, formset, warnings, directory, None)
    decisions = [f.decision() for f in formset.forms]
    create_forms = request.POST.get("create_forms") == "1"
    book, notes = build_workbook(decisions, directory, create_forms, parse_kpis)
    saving = "save" in request.POST
    try:
        report = OrgImporter(book, user=request.user).run(dry_run=not saving)
    except ImportFailed as failure:
        errors = [_describe(e, book) for e in failure.errors]
        return _page(request, formset, warnings + notes, directory, None, errors)
    except DatabaseError:
        messages.error(request, _("The database failed. Nothing was written; please try again."))
        return _page(request, formset, warnings + notes, directory, None)
    if not saving:
        return _page(request, formset, warnings + notes, directory, report_rows(report))
    messages.success(request, _("The document was saved."))
    return redirect(_saved_page(decisions, book))


def _targets_exist(formset, directory) -> bool:
    """Each part goes to a stored unit or position of the kind chosen, or to a new one."""
    codes = {
        USE_DEPARTMENT: directory.department_codes,
        USE_POSITION: directory.position_codes,
    }
    valid = True
    for form in formset.forms:
        use, target = form.cleaned_data["use"], form.cleaned_data.get("target")
        if use in codes and target != NEW and target not in codes[use]:
            form.add_error(
                "target",
                _("That is not a stored department or position of the kind chosen above."),
            )
            valid = False
    return valid


def _describe(error, book) -> str:
    """An import error in the words of the document: which block and item it concerns."""
    rows = book.rows(error.sheet)
    row = next((r for r in rows if r.number == error.row), None)
    where = ""
    if row is not None:
        where = row.get("text") or row.get("title") or row.get("name") or ""
    return f"{where}: {error.message}" if where else error.message


def _saved_page(decisions, book):
    saved = [d for d in decisions if d.use != USE_NOTHING]
    if len(saved) == 1:
        sheet = "positions" if saved[0].use == USE_POSITION else "functions"
        rows = book.rows(sheet)
        if rows and sheet == "positions":
            return Position(code=rows[0].get("code")).get_absolute_url()
        if rows:
            return Department(code=rows[0].get("department_code")).get_absolute_url()
    return "admin:index"


def admin_urls():
    from django.urls import path

    return [
        path(
            "workbook/document/",
            admin.site.admin_view(document_import),
            name="admin-document-import",
        )
    ]
