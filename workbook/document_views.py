"""Admin pages: import a duty document (pasted text, .txt or .docx), check it, correct it, save it."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department
from positions.models import Position
from reader import DocumentError, parse_kpi, read_document
from reader.files import check_size
from workbook.documents import (
    NEW,
    USE_DEPARTMENT,
    USE_NOTHING,
    USE_POSITION,
    Decision,
    Directory,
    block_items,
    build_workbook,
    department_candidates,
    render_items,
)
from workbook.importer import ImportFailed, OrgImporter
from workbook.views import IMPORT_PERMISSIONS, _require, _rows

MAX_BLOCKS = 200


class DocumentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste the text"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        required=False,
    )
    file = forms.FileField(
        label=gettext_lazy("or upload a file"),
        help_text=gettext_lazy("Plain text (UTF-8, GB18030 or Big5) or Word .docx."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload is not None:
            # A .docx may carry pictures: the file may be larger than its text, whose
            # size the reader checks after unpacking.
            if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(limit)d MB.")
                    % {"limit": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
                )
            cleaned["data"], cleaned["filename"] = upload.read(), upload.name
        elif text.strip():
            data = text.encode("utf-8")
            try:
                check_size(len(data))
            except DocumentError as exc:
                raise forms.ValidationError(str(exc)) from None
            cleaned["data"], cleaned["filename"] = data, "pasted.txt"
        else:
            raise forms.ValidationError(_("Paste some text or choose a file."))
        return cleaned


class DecisionForm(forms.Form):
    use = forms.ChoiceField(
        label=gettext_lazy("Save as"),
        choices=[
            (USE_DEPARTMENT, gettext_lazy("department functions")),
            (USE_POSITION, gettext_lazy("position duties")),
            (USE_NOTHING, gettext_lazy("do not save")),
        ],
    )
    name = forms.CharField(label=gettext_lazy("Name in the document"), max_length=200)
    target = forms.ChoiceField(label=gettext_lazy("Save to"), required=False)
    department = forms.CharField(
        label=gettext_lazy("Department code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "For a new position: its department. For a new department: its parent."
        ),
    )
    reports_to = forms.CharField(
        label=gettext_lazy("Reports to (position code)"), max_length=40, required=False
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
    )
    requirements = forms.CharField(
        label=gettext_lazy("Requirements"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
    )
    items_text = forms.CharField(
        label=gettext_lazy("Items"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text=gettext_lazy(
            "One item per line; “## title” starts a section; lines “- 流程：”, “- 记录：” and "
            "“- 指标：” below an item add a process step, a form and a KPI; items after "
            "“== 权限 ==” are authorities. Numbers are renumbered on saving."
        ),
    )
    choices_json = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.get(self.add_prefix("choices_json")) if self.is_bound else None
        raw = raw or self.initial.get("choices_json") or "[]"
        try:
            choices = [tuple(c) for c in json.loads(raw)][:50]
        except (ValueError, TypeError):
            choices = []
        self.fields["target"].choices = [("", _("— choose —")), *choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("use") not in (None, USE_NOTHING) and not cleaned.get("target"):
            self.add_error(
                "target",
                _("Choose an existing one, or agree to create a new one, or do not save it."),
            )
        if (
            cleaned.get("target") == NEW
            and cleaned.get("use") == USE_POSITION
            and not cleaned.get("department")
        ):
            self.add_error("department", _("A new position needs the code of its department."))
        return cleaned

    def decision(self) -> Decision:
        c = self.cleaned_data
        return Decision(
            use=c["use"],
            name=c["name"],
            target=c.get("target") or "",
            department=c.get("department") or "",
            reports_to=c.get("reports_to") or "",
            summary=c.get("summary") or "",
            requirements=c.get("requirements") or "",
            items_text=c.get("items_text") or "",
        )


DecisionFormSet = forms.formset_factory(
    DecisionForm, extra=0, max_num=MAX_BLOCKS, validate_max=True, absolute_max=MAX_BLOCKS
)


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
    _require(request, IMPORT_PERMISSIONS)
    department, position = _where(request)
    try:
        request.POST  # noqa: B018 -- read the body here, where its size can be explained
    except RequestDataTooBig:
        too_long = _("The pasted text is too long to send at once: upload it as a file.")
        return TemplateResponse(
            request,
            "admin/workbook/document_import.html",
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
            parsed = read_document(form.cleaned_data["data"], form.cleaned_data["filename"])
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            blocks = parsed["blocks"][:MAX_BLOCKS]
            if not any(block_items(b) for b in blocks):
                form.add_error(None, _("No numbered items were found in this document."))
            else:
                directory = Directory()
                initial = [
                    _initial(b, directory, department, position, first=i == 0)
                    for i, b in enumerate(blocks)
                ]
                formset = DecisionFormSet(initial=initial)
                return _page(request, formset, parsed.get("warnings", []), directory, None)
    return TemplateResponse(
        request,
        "admin/workbook/document_import.html",
        _context(request, form=form, department=department, position=position),
    )


def _initial(block, directory, department, position, first):
    kind = block.get("kind")
    name = block.get("name") or ""
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
        superiors = directory.positions_titled(block.get("reports_to") or "", dept_code)
        reports_to = superiors[0].code if len(superiors) == 1 else ""
        new_label = _("Create a new position “%(name)s”") % {"name": name}
    choices.append((NEW, new_label))
    return {
        "use": use,
        "name": name,
        "target": target,
        "department": dept_code,
        "reports_to": reports_to,
        "summary": block.get("summary") or "",
        "requirements": "\n".join(block.get("requirements") or []),
        "items_text": render_items(block_items(block)),
        "choices_json": json.dumps(choices, ensure_ascii=False),
        "document_reports_to": block.get("reports_to") or "",
        "direct_reports": block.get("direct_reports") or [],
    }


def _page(request, formset, warnings, directory, report, errors=()):
    return TemplateResponse(
        request,
        "admin/workbook/document_check.html",
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
    book, notes = build_workbook(decisions, directory, create_forms, parse_kpi)
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
        return _page(request, formset, warnings + notes, directory, _rows(report))
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
