"""The approval workflow: submit → review → approve, with returns, withdrawals and reviews.

    draft ──submit──▶ in review ──pass──▶ reviewed ──approve──▶ approved (revision N)
      ▲                   │                   │                     │
      └──── return ───────┴──── return ───────┘                     │
      └──── withdraw (an editor takes it back) ─────────────────────┘ submit (revision N+1)

Editors (HR editors) submit; reviewers pass or return; approvers approve or
return. The person who prepared a draft neither reviews nor approves it, and
the reviewer does not approve what they reviewed: 编制, 审核 and 批准 are three
signatures. Approving freezes what was submitted as revision N. A periodic
review that finds nothing to change is recorded as "confirm", which moves
the next review date without a new revision.

Every function here checks the rules itself (views only call them), runs in
one transaction with the control record locked, and records a Transition.
"""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from documents.models import Document, Revision, Status, Transition, display_name
from documents.snapshot import same_content, snapshot_of

Action = Transition.Action

PERMISSIONS = {
    Action.SUBMIT: "documents.submit_document",
    Action.WITHDRAW: "documents.submit_document",
    Action.PASS: "documents.review_document",
    Action.CONFIRM: "documents.review_document",
    Action.APPROVE: "documents.approve_document",
}


class TransitionRefused(Exception):
    """A transition the rules do not allow; the message says why, for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def is_document_team(user) -> bool:
    """Editors, reviewers and approvers: they may see drafts and the workflow."""
    return bool(
        user.is_authenticated
        and (
            user.has_perm("documents.submit_document")
            or user.has_perm("documents.review_document")
            or user.has_perm("documents.approve_document")
        )
    )


def next_review_date(start: date) -> date:
    """When a description approved (or confirmed) on ``start`` is next reviewed.

    Yearly by default: with DOCUMENT_REVIEW_MONTH (default 3, March, as in the
    seed documents) it is the end of that month, the first one at least six
    months after ``start`` (so 6 to 18 months away, a year on average); with
    0 it is the anniversary.
    """
    month = getattr(settings, "DOCUMENT_REVIEW_MONTH", 3)
    if not month:
        try:
            return start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            return start.replace(year=start.year + 1, day=28)
    six_months = start.month + 6
    earliest = date(
        start.year + (six_months - 1) // 12,
        (six_months - 1) % 12 + 1,
        min(start.day, 28),
    )
    year = earliest.year
    candidate = date(year, month, calendar.monthrange(year, month)[1])
    if candidate < earliest:
        candidate = date(year + 1, month, calendar.monthrange(year + 1, month)[1])
    return candidate


def available_actions(document, user) -> list[str]:
    """The actions ``user`` could take now (the page offers buttons for these)."""
    status = document.status if document else Status.DRAFT
    candidates = {
        Status.DRAFT: [Action.SUBMIT],
        Status.IN_REVIEW: [Action.PASS, Action.RETURN, Action.WITHDRAW],
        Status.REVIEWED: [Action.APPROVE, Action.RETURN, Action.WITHDRAW],
        Status.APPROVED: [Action.SUBMIT, Action.CONFIRM],
    }[status]
    allowed = []
    for action in candidates:
        try:
            _check_permission(document, action, user)
            if document is not None:
                _check_people(document, action, user)
        except TransitionRefused:
            continue
        allowed.append(action)
    return allowed


def _permission(document, action):
    if action == Action.RETURN:
        # Whoever holds the draft at its current step sends it back.
        if document is not None and document.status == Status.REVIEWED:
            return "documents.approve_document"
        return "documents.review_document"
    return PERMISSIONS[action]


def _check_permission(document, action, user):
    perm = _permission(document, action)
    if not user.has_perm(perm):
        groups = {
            "documents.submit_document": _("HR editors"),
            "documents.review_document": _("Reviewers"),
            "documents.approve_document": _("Approvers"),
        }
        raise TransitionRefused(
            _("Only members of the group “%(group)s” may do this.") % {"group": groups[perm]}
        )


def _check_people(document, action, user):
    """Four eyes: the preparer neither reviews nor approves, the reviewer does not approve."""
    if action in (Action.PASS, Action.APPROVE) and document.prepared_by_id == user.pk:
        if action == Action.PASS:
            raise TransitionRefused(_("You prepared this draft: someone else must review it."))
        raise TransitionRefused(_("You prepared this draft: you cannot approve it yourself."))
    if action == Action.APPROVE and document.reviewed_by_id == user.pk:
        raise TransitionRefused(_("You reviewed this draft: someone else must approve it."))


_WRONG_STATE = {
    Action.SUBMIT: {
        Status.IN_REVIEW: gettext_noop("This description is already in review."),
        Status.REVIEWED: gettext_noop(
            "This description has been reviewed and awaits approval; "
            "withdraw it first to submit it again."
        ),
    },
    Action.PASS: {
        Status.DRAFT: gettext_noop(
            "This description is a draft: it must be submitted before it can be reviewed."
        ),
        Status.REVIEWED: gettext_noop(
            "This description has already been reviewed; it awaits approval."
        ),
        Status.APPROVED: gettext_noop("This description is approved: there is nothing to review."),
    },
    Action.APPROVE: {
        Status.DRAFT: gettext_noop(
            "This draft was never reviewed: submit it and have it reviewed first."
        ),
        Status.IN_REVIEW: gettext_noop(
            "This description has not been reviewed yet: it cannot be approved."
        ),
        Status.APPROVED: gettext_noop(
            "This description is already approved; edit the draft and submit "
            "it to make a new revision."
        ),
    },
    Action.RETURN: {
        Status.DRAFT: gettext_noop(
            "This description is a draft already: there is nothing to return."
        ),
        Status.APPROVED: gettext_noop(
            "An approved revision cannot be returned; edit the draft and submit "
            "it to make a new revision."
        ),
    },
    Action.WITHDRAW: {
        Status.DRAFT: gettext_noop(
            "This description is a draft already: there is nothing to withdraw."
        ),
        Status.APPROVED: gettext_noop(
            "An approved revision cannot be withdrawn; edit the draft and submit "
            "it to make a new revision."
        ),
    },
    Action.CONFIRM: {
        Status.DRAFT: gettext_noop(
            "Only an approved description can be confirmed at its periodic review."
        ),
        Status.IN_REVIEW: gettext_noop("A new revision is in review: finish that first."),
        Status.REVIEWED: gettext_noop("A new revision awaits approval: finish that first."),
    },
}


def _check_state(document, action):
    reason = _WRONG_STATE.get(action, {}).get(document.status)
    if reason:
        raise TransitionRefused(_(reason))


def perform(subject, action, user, comment="", effective_date=None, at=None) -> Transition:
    """Apply ``action`` to the document of ``subject`` (a position or department).

    Raises TransitionRefused, with a message for the user, when the rules say no.
    ``at`` backdates the step (the demo uses it); views never pass it.
    """
    if action not in Action.values:
        raise TransitionRefused(_("Unknown action."))
    action = Action(action)
    comment = (comment or "").strip()
    at = at or timezone.now()
    with transaction.atomic():
        document = Document.objects.for_subject(subject)
        document = Document.objects.select_for_update().get(pk=document.pk)
        _check_permission(document, action, user)
        _check_state(document, action)
        _check_people(document, action, user)
        if action == Action.RETURN and not comment:
            raise TransitionRefused(_("Say why you return it: a comment is required."))
        before = document.status
        revision = _APPLY[action](document, subject, user, at, effective_date)
        step = Transition.objects.create(
            document=document,
            action=action,
            from_status=before,
            to_status=document.status,
            user=user,
            user_name=display_name(user),
            at=at,
            comment=comment,
            revision=revision.number if revision else None,
        )
        # The control record's own history shows the step beside field changes.
        document._change_reason = (
            f"{step.get_action_display()}: {comment}" if comment else (step.get_action_display())
        )
        document._history_user = user
        document._history_date = at
        document.save()
        return step


def _submit(document, subject, user, at, effective_date):
    content = snapshot_of(subject)
    if document.current_revision_id and same_content(content, document.current_revision.content):
        raise TransitionRefused(
            _("Nothing to submit: the draft is the same as revision %(number)s.")
            % {"number": document.revision}
        )
    document.pending = content
    document.status = Status.IN_REVIEW
    document.prepared_by, document.prepared_at = user, at
    document.reviewed_by = document.reviewed_at = None
    document.approved_by = document.approved_at = None


def _pass(document, subject, user, at, effective_date):
    document.status = Status.REVIEWED
    document.reviewed_by, document.reviewed_at = user, at


def _return(document, subject, user, at, effective_date):
    _back_to_draft(document)


def _withdraw(document, subject, user, at, effective_date):
    _back_to_draft(document)


def _back_to_draft(document):
    document.status = Status.DRAFT
    document.pending = None
    document.reviewed_by = document.reviewed_at = None


def _approve(document, subject, user, at, effective_date) -> Revision:
    approved_on = timezone.localdate(at)
    effective = effective_date or approved_on
    if effective < approved_on:
        raise TransitionRefused(_("The effective date cannot be before the approval."))
    number = document.revision + 1
    review = next_review_date(effective)
    content = dict(document.pending)
    content["control"] = {
        "document_number": document.number,
        "revision": number,
        "status": Status.APPROVED.value,
        "prepared_by": display_name(document.prepared_by),
        "prepared_at": document.prepared_at.isoformat(),
        "reviewed_by": display_name(document.reviewed_by),
        "reviewed_at": document.reviewed_at.isoformat(),
        "approved_by": display_name(user),
        "approved_at": at.isoformat(),
        "effective_date": effective.isoformat(),
        "next_review_date": review.isoformat(),
    }
    revision = Revision.objects.create(
        document=document,
        number=number,
        document_number=document.number,
        title=content.get("title", ""),
        content=content,
        prepared_by=document.prepared_by,
        prepared_at=document.prepared_at,
        reviewed_by=document.reviewed_by,
        reviewed_at=document.reviewed_at,
        approved_by=user,
        approved_at=at,
        effective_date=effective,
        next_review_date=review,
    )
    document.status = Status.APPROVED
    document.revision = number
    document.current_revision = revision
    document.pending = None
    document.approved_by, document.approved_at = user, at
    document.effective_date = effective
    document.next_review_date = review
    return revision


def _confirm(document, subject, user, at, effective_date):
    # ISO 9001 periodic review: still valid, no new revision; the clock restarts.
    document.next_review_date = next_review_date(timezone.localdate(at))


_APPLY = {
    Action.SUBMIT: _submit,
    Action.PASS: _pass,
    Action.RETURN: _return,
    Action.APPROVE: _approve,
    Action.WITHDRAW: _withdraw,
    Action.CONFIRM: _confirm,
}


def due_cutoff(today=None) -> date:
    return (today or timezone.localdate()) + timedelta(days=30)
