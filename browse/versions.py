"""Which version a page shows: the latest approved revision, or the draft.

Employees read the latest approved revision, rendered from its snapshot and
never from the live rows. Until a first revision is approved everybody sees
the live rows under a "not yet approved" banner. Editors, reviewers and
approvers switch to the draft with ``?view=draft``.

The position and department views select the control record and its current
revision with the subject (``select_related("document__current_revision")``),
so choosing costs no query.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.roles import can_edit
from documents.control import control_block, document_of, effective_revision, status_label
from documents.snapshot import hydrate_functions, hydrate_position
from documents.workflow import is_document_team
from positions.models import Assignment

APPROVED, DRAFT, UNAPPROVED = "approved", "draft", "unapproved"
# Direct reports named on a job description; the rest are counted, and the
# reporting chart (which pages them) shows them all.
REPORTS_SHOWN = 50


@dataclass(frozen=True)
class ReaderRole:
    """What about the reader changes a page besides the data.

    ``editor``: an HR editor, who sees "edit in admin" links; ``team``: the
    document team, who may switch to the draft; ``draft``: the team asked for
    the draft (``?view=draft``). An employee is none of them.
    """

    editor: bool = False
    team: bool = False
    draft: bool = False

    @classmethod
    def of(cls, request):
        editor = can_edit(request.user)
        team = is_document_team(request.user)
        return cls(editor=editor, team=team, draft=team and request.GET.get("view") == "draft")

    @property
    def cache_part(self) -> str:
        """The role's part of a cache key: "e", "t", "d" for each that holds ("" for an employee)."""
        flags = (("e", self.editor), ("t", self.team), ("d", self.draft))
        return "".join(flag for flag, on in flags if on)


def _holders(position):
    return list(
        Assignment.objects.current()
        .filter(position=position)
        .select_related("employee")
        .order_by("-is_primary", "employee__name")
    )


def position_context(role, position, live):
    """Context of a job description page; ``live(position)`` builds it from the live rows."""
    document = document_of(position)
    revision = effective_revision(document)
    if revision is not None and not role.draft:
        context = hydrate_position(revision.content, pk=position.pk, reports_shown=REPORTS_SHOWN)
        holders = _holders(position)
        context["holders"] = holders
        context["vacancies"] = context["position"].headcount - len(holders)
        showing = APPROVED
    else:
        context = live(position)
        showing = DRAFT if revision is not None else UNAPPROVED
    context["doc"] = _doc(document, revision, showing, role.team, position, "positions")
    return context


def department_sections(role, department, live):
    """(numbered function sections, doc) for the department page; ``live()`` reads the rows."""
    document = document_of(department)
    revision = effective_revision(document)
    if revision is not None and not role.draft:
        sections, showing = hydrate_functions(revision.content), APPROVED
    else:
        sections = live()
        showing = DRAFT if revision is not None else UNAPPROVED
    return sections, _doc(document, revision, showing, role.team, department, "departments")


def _doc(document, revision, showing, team, subject, kind):
    upcoming = None
    current = document.current_revision_id if document is not None else None
    if current and (revision is None or revision.pk != current):
        upcoming = document.current_revision  # approved, takes effect later
    return {
        "document": document,
        "revision": revision,
        "upcoming": upcoming,
        "showing": showing,
        "team": team,
        "kind": kind,
        "code": subject.code,
        "status_label": status_label(document.status) if document else _("draft"),
        "control": control_block(document, revision if showing == APPROVED else None, subject),
    }
