from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Department
from documents import export
from documents.control import control_block, document_of, effective_revision, status_label
from documents.diff import compare
from documents.due import due_items
from documents.models import Document, Revision, Status, Transition
from documents.snapshot import (
    department_snapshots,
    hydrate_functions,
    hydrate_position,
    position_snapshots,
    same_content,
    snapshot_of,
)
from documents.workflow import TransitionRefused, available_actions, is_document_team, perform
from jobs.forms import NonceForm
from jobs.views import start_and_show
from positions.models import Position

DUE_PER_PAGE = 50
_MAX_REVISION = 10**6


def _number(value) -> int:
    """A revision number from the URL or query string; 404 for anything else."""
    value = str(value or "")
    if not value.isascii() or not value.isdigit() or int(value) > _MAX_REVISION:
        raise Http404
    return int(value)


def _subject(kind, code):
    if kind == "positions":
        queryset = Position.objects.select_related(
            "department", "reports_to", "document__current_revision"
        )
    elif kind == "departments":
        queryset = Department.objects.select_related("document__current_revision")
    else:
        raise Http404
    return get_object_or_404(queryset, code=code)


def _require_team(user):
    if not is_document_team(user):
        raise PermissionDenied


def _title(subject):
    return getattr(subject, "title", None) or subject.name


def _version(request, subject, document, key):
    """(label, content, control) of a version named in the URL: a number, draft or submitted."""
    if key == "draft":
        _require_team(request.user)
        return _("current draft"), snapshot_of(subject), control_block(document, None, subject)
    if key == "submitted":
        _require_team(request.user)
        if document is None or document.pending is None:
            raise Http404
        return _("submitted draft"), document.pending, control_block(document, None, subject)
    number = _number(key)
    if document is None:
        raise Http404
    revision = get_object_or_404(document.revisions, number=number)
    label = _("revision %(number)s") % {"number": number}
    return label, revision.content, control_block(document, revision)


def document_detail(request, kind, code):
    """A description's control page: status, workflow, revisions, what changed."""
    subject = _subject(kind, code)
    document = document_of(subject)
    team = is_document_team(request.user)
    revisions = list(document.revisions.order_by("-number")) if document else []
    context = {
        "nav": "documents",
        "kind": kind,
        "subject": subject,
        "title": _title(subject),
        "document": document,
        "control": control_block(document, None, subject),
        "revisions": revisions,
        "team": team,
        "status_label": status_label(document.status) if document else _("draft"),
        "today": timezone.localdate(),
    }
    if team:
        live = snapshot_of(subject)
        current = document.current_revision if document else None
        context.update(
            {
                "actions": available_actions(document, request.user)
                if document
                else available_actions(None, request.user),
                "transitions": list(document.transitions.order_by("-at", "-id"))
                if document
                else [],
                "draft_changes": compare(current.content, live) if current else None,
                "draft_same": current is not None and same_content(current.content, live),
                "changed_since_submission": bool(
                    document and document.pending and not same_content(document.pending, live)
                ),
            }
        )
    return render(request, "documents/document.html", context)


@require_POST
def transition(request, kind, code):
    _require_team(request.user)
    subject = _subject(kind, code)
    effective = None
    if raw := request.POST.get("effective_date", "").strip():
        try:
            effective = parse_date(raw)
        except ValueError:  # well formed, but no such day
            effective = None
        if effective is None:
            messages.error(request, _("The effective date must be a date such as 2025-03-01."))
            return redirect("documents:detail", kind, code)
    try:
        step = perform(
            subject,
            request.POST.get("action", ""),
            request.user,
            comment=request.POST.get("comment", "").replace("\x00", "")[:4000],
            effective_date=effective,
        )
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    else:
        if step.action == Transition.Action.APPROVE:
            messages.success(
                request,
                _("Approved as revision %(number)s. Employees now read this revision.")
                % {"number": step.revision},
            )
        else:
            messages.success(
                request,
                _("Done: %(action)s. The description is now “%(status)s”.")
                % {"action": step.get_action_display(), "status": status_label(step.to_status)},
            )
    return redirect("documents:detail", kind, code)


def revision_detail(request, kind, code, number):
    subject = _subject(kind, code)
    document = document_of(subject)
    if document is None:
        raise Http404
    revision = get_object_or_404(document.revisions, number=_number(number))
    context = {
        "nav": "documents",
        "kind": kind,
        "subject": subject,
        "document": document,
        "revision": revision,
        "control": control_block(document, revision),
        "superseded": revision.number < document.revision,
    }
    if kind == "positions":
        context.update(hydrate_position(revision.content, pk=subject.pk))
        context["holders"], context["vacancies"] = [], 0
    else:
        context["sections"] = hydrate_functions(revision.content)
        context["staffing"] = revision.content.get("staffing", [])
    template = "documents/print.html" if request.GET.get("print") else "documents/revision.html"
    return render(request, template, context)


def compare_view(request, kind, code):
    """Two versions side by side (revisions by number; ``draft``/``submitted`` for the team)."""
    subject = _subject(kind, code)
    document = document_of(subject)
    team = is_document_team(request.user)
    numbers = list(document.revisions.values_list("number", flat=True)) if document else []
    choices = [(str(n), _("revision %(number)s") % {"number": n}) for n in sorted(numbers)]
    if team:
        if document is not None and document.pending is not None:
            choices.append(("submitted", _("submitted draft")))
        choices.append(("draft", _("current draft")))
    latest = max(numbers, default=None)
    default_new = str(latest) if latest and latest > 1 else "draft"
    default_old = str(latest - 1) if latest and latest > 1 else (str(latest) if latest else "")
    old_key = request.GET.get("a") or default_old
    new_key = request.GET.get("b") or default_new
    context = {
        "nav": "documents",
        "kind": kind,
        "subject": subject,
        "title": _title(subject),
        "document": document,
        "choices": choices,
        "old_key": old_key,
        "new_key": new_key,
    }
    if old_key and new_key:
        old_label, old, _control = _version(request, subject, document, old_key)
        new_label, new, _control = _version(request, subject, document, new_key)
        context.update({"old_label": old_label, "new_label": new_label, **compare(old, new)})
    return render(request, "documents/compare.html", context)


def _export_items(request, subject):
    """(content, control) of what the page of ``subject`` shows (the draft with ?view=draft)."""
    document = document_of(subject)
    wants_draft = request.GET.get("view") == "draft"
    if wants_draft:
        _require_team(request.user)
    revision = None if wants_draft else effective_revision(document)
    if number := request.GET.get("revision"):
        if document is None:
            raise Http404
        revision = get_object_or_404(document.revisions, number=_number(number))
    if revision is not None:
        return revision.content, control_block(document, revision)
    return snapshot_of(subject), control_block(document, None, subject)


def export_docx(request, kind, code):
    subject = _subject(kind, code)
    content, control = _export_items(request, subject)
    return _download(export.single(content, control), export.file_name(content, control))


def print_view(request, kind, code):
    """Print-ready HTML of a department's function sheet (positions have their own)."""
    subject = _subject(kind, code)
    content, control = _export_items(request, subject)
    context = {"kind": kind, "subject": subject, "control": control, "content": content}
    if kind == "positions":
        context.update(hydrate_position(content, pk=subject.pk))
        context["holders"], context["vacancies"] = [], 0
    else:
        context["sections"] = hydrate_functions(content)
        context["staffing"] = content.get("staffing", [])
    return render(request, "documents/print.html", context)


# A subtree with more descriptions than this is exported by the background worker.
INLINE_EXPORT = 40


def may_see_drafts(user):
    return user is not None and is_document_team(user)


def export_subtree(request, code):
    """Every description of a department subtree: one .docx (default) or a zip of them.

    A large subtree is written by the background worker: the link leads to a
    page whose button starts the job (documents/tasks.py), then to the job's page.
    """
    root = get_object_or_404(Department, code=code)
    source = request.POST if request.method == "POST" else request.GET
    wants_draft = source.get("view") == "draft"
    if wants_draft:
        _require_team(request.user)
    fmt = "zip" if source.get("format") == "zip" else "docx"
    count = root.get_descendant_count() + 1 + Position.objects.in_subtree(root).count()
    if count > INLINE_EXPORT:
        form = NonceForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            return start_and_show(
                request,
                "documents-export",
                params={"code": root.code, "draft": wants_draft, "format": fmt},
                nonce=form.nonce_value(),
            )
        return render(
            request,
            "documents/export_start.html",
            {"root": root, "count": count, "form": form, "draft": wants_draft, "format": fmt},
        )
    items = collect_subtree(root.subtree(), Position.objects.in_subtree(root), wants_draft)
    if fmt == "zip":
        name = f"{root.code}.zip"
        return _download(export.zipped(items), name, "application/zip")
    return _download(export.combined(items), f"{root.code}.docx")


def collect_subtree(departments, positions, wants_draft):
    """(content, control) of each department, then its positions, in tree order.

    A fixed number of queries: control records with their revisions, then the
    live snapshots of whatever has no approved revision (or all, for drafts).
    """
    units = list(
        departments.select_related("document__current_revision").order_by("tree_id", "lft")
    )
    people = list(
        positions.select_related("document__current_revision").order_by(
            "department__tree_id", "department__lft", "-is_head", "code"
        )
    )
    today = timezone.localdate()

    def chosen(subject):
        document = document_of(subject)
        if wants_draft or document is None or document.current_revision_id is None:
            return document, None
        return document, effective_revision(document, today)

    unit_versions = {u.pk: chosen(u) for u in units}
    people_versions = {p.pk: chosen(p) for p in people}
    live_units = department_snapshots(
        Department.objects.filter(pk__in=[pk for pk, v in unit_versions.items() if v[1] is None])
    )
    live_people = position_snapshots(
        Position.objects.filter(pk__in=[pk for pk, v in people_versions.items() if v[1] is None])
    )
    by_unit = {}
    for person in people:
        by_unit.setdefault(person.department_id, []).append(person)
    items = []
    for unit in units:
        for subject, versions, live in [(unit, unit_versions, live_units)] + [
            (p, people_versions, live_people) for p in by_unit.get(unit.pk, [])
        ]:
            document, revision = versions[subject.pk]
            if revision is not None:
                items.append((revision.content, control_block(document, revision)))
            else:
                items.append((live[subject.pk], control_block(document, None, subject)))
    return items


def _download(data, name, content_type=export.DOCX_TYPE):
    response = HttpResponse(data, content_type=content_type)
    # RFC 6266: the UTF-8 name for browsers, an ASCII one for the rest.
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "ignore").decode() or "document"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def index(request):
    """The document team's work list: what waits for me, what was returned, what is new."""
    _require_team(request.user)
    user = request.user
    open_documents = list(
        Document.objects.open()
        .with_last_transition()
        .select_related("position__department", "department", "prepared_by")
        .order_by("prepared_at", "number")
    )
    return render(
        request,
        "documents/index.html",
        {
            "nav": "documents",
            "to_review": [d for d in open_documents if d.status == Status.IN_REVIEW],
            "to_approve": [d for d in open_documents if d.status == Status.REVIEWED],
            "returned": [
                d
                for d in open_documents
                if d.status == Status.DRAFT and d.last_action == Transition.Action.RETURN
            ],
            "can_review": user.has_perm("documents.review_document"),
            "can_approve": user.has_perm("documents.approve_document"),
            "recent": Revision.objects.select_related(
                "document__position", "document__department"
            ).order_by("-approved_at", "-pk")[:10],
        },
    )


def due_list(request):
    _require_team(request.user)
    page = Paginator(due_items(), DUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "documents/due.html", {"nav": "documents", "page": page})
