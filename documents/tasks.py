"""Every job description of a large department subtree, as one .docx or a zip, in the background.

A subtree of a few dozen descriptions downloads at once (documents.views);
hundreds take longer to write than a request should wait.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.registry import JobFailed, JobKind, Outcome, register


@register
class DocumentsExport(JobKind):
    name = "documents-export"
    label = gettext_lazy("Job descriptions export")
    permissions = ["documents.view_document"]

    def run(self, job, progress):
        from departments.models import Department
        from documents import export
        from documents.views import collect_subtree, may_see_drafts
        from positions.models import Position

        code, draft = job.params.get("code", ""), bool(job.params.get("draft"))
        root = Department.objects.filter(code=code).first()
        if root is None:
            raise JobFailed(_("There is no department %(code)s.") % {"code": code})
        if draft and not may_see_drafts(job.owner):
            raise JobFailed(_("Only the document team exports drafts."))
        progress(0, 3, _("reading the descriptions"))
        items = collect_subtree(root.subtree(), Position.objects.in_subtree(root), draft)
        progress(1, 3, _("writing %(count)d descriptions") % {"count": len(items)})
        if job.params.get("format") == "zip":
            content, name = export.zipped(items), f"{root.code}.zip"
        else:
            content, name = export.combined(items), f"{root.code}.docx"
        progress(3, 3)
        return Outcome(
            _("%(count)d descriptions exported.") % {"count": len(items)},
            {"count": len(items)},
            (content, name),
        )
