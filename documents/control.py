"""How a description's control record reads: the revision in effect, the 编制/审核/批准 block.

The pages that choose which version to show (browse.versions) and the
document control pages (documents.views) both read a description through
these. The views select the control record and its current revision with the
subject (``select_related("document__current_revision")``), so the common
case costs no query.
"""

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from departments.models import Department
from documents.models import DEPARTMENT_PREFIX, POSITION_PREFIX, Status, display_name


def document_of(subject):
    """The subject's control record, or None (it is created on the first submission)."""
    return getattr(subject, "document", None)


def effective_revision(document, today=None):
    """The latest approved revision already in effect (one query only when a newer one waits)."""
    if document is None or document.current_revision_id is None:
        return None
    current = document.current_revision
    today = today or timezone.localdate()
    if current.effective_date <= today:
        return current
    return document.revisions.filter(effective_date__lte=today).order_by("-number").first()


def _when(value):
    """A date (or datetime string from a snapshot) for display."""
    if not value:
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return timezone.localtime(parsed).date() if timezone.is_aware(parsed) else parsed
        return parse_date(value)
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).date()
    return value


def control_block(document, revision=None, subject=None):
    """The 编制/审核/批准 block: of an approved revision, or of the draft in progress."""
    block = _control_block(document, revision, subject)
    block["status_label"] = status_label(block["status"])
    return block


def _control_block(document, revision, subject):
    if revision is not None:
        c = revision.content.get("control", {})
        return {
            "number": c.get("document_number", revision.document_number),
            "revision": revision.number,
            "status": Status.APPROVED
            if document is None or revision.number == document.revision
            else Status.SUPERSEDED,
            "prepared_by": c.get("prepared_by", ""),
            "prepared_at": _when(c.get("prepared_at")),
            "reviewed_by": c.get("reviewed_by", ""),
            "reviewed_at": _when(c.get("reviewed_at")),
            "approved_by": c.get("approved_by", ""),
            "approved_at": _when(c.get("approved_at")),
            "effective_date": _when(c.get("effective_date")),
            "next_review_date": _when(c.get("next_review_date")),
            "is_draft": False,
        }
    if document is None:
        return {
            "number": _proposed_number(subject),
            "revision": 1,
            "status": Status.DRAFT,
            "is_draft": True,
        }
    in_cycle = document.status in (Status.IN_REVIEW, Status.REVIEWED)
    return {
        "number": document.number,
        "revision": document.revision + 1,
        "status": document.status if document.status != Status.APPROVED else Status.DRAFT,
        "prepared_by": display_name(document.prepared_by) if in_cycle else "",
        "prepared_at": _when(document.prepared_at) if in_cycle else None,
        "reviewed_by": display_name(document.reviewed_by) if in_cycle else "",
        "reviewed_at": _when(document.reviewed_at) if in_cycle else None,
        "is_draft": True,
    }


def _proposed_number(subject) -> str:
    if subject is None:
        return ""
    prefix = DEPARTMENT_PREFIX if isinstance(subject, Department) else POSITION_PREFIX
    return f"{prefix}{subject.code}"


def status_label(status) -> str:
    return str(Status(status).label)
