"""Background jobs in the admin: each one's kind, status, progress, owner and result, and retry.

Jobs are made by the pages that start them, never here: the admin only lists,
opens (the job's own page) and retries them. HR editors (``jobs.view_job``)
see every job; other staff see their own.
"""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from core.admin_mixins import ReadOnlyAdminMixin
from jobs.models import Job, Status
from jobs.registry import kinds
from jobs.runner import NotAllowed, reap, retry

# The queue's own table (django-tasks-db) is the worker's business; HR reads the jobs.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class KindFilter(admin.SimpleListFilter):
    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(name, kind.label) for name, kind in sorted(kinds.items())]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "job",
        "status_with_progress",
        "started_by",
        "created_at",
        "finished_at",
        "result",
        "retry_button",
    ]
    list_filter = ["status", KindFilter]
    search_fields = ["input_name", "owner__username", "result_name"]
    list_select_related = ["owner"]
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = None
    actions = ["retry_failed"]

    class Media:
        css = {"all": ["css/jobs.css"]}

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return obj.visible_to(request.user)
        return request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_staff

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm("jobs.view_job"):
            queryset = queryset.filter(owner=request.user)
        return queryset

    def changelist_view(self, request, extra_context=None):
        reap(list(self.get_queryset(request).filter(status=Status.RUNNING)[:200]))
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A job is read on its own page (progress, result, retry); nothing is edited here."""
        obj = self.get_object(request, object_id)
        if obj is None or not obj.visible_to(request.user):
            raise Http404
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return redirect("jobs:job", pk=obj.pk)

    @admin.display(description=gettext_lazy("job"), ordering="-created_at")
    def job(self, obj):
        return format_html(
            '<a class="job-link" href="{}">{}</a>', reverse("jobs:job", args=[obj.pk]), obj
        )

    @admin.display(description=gettext_lazy("started by"), ordering="owner__username")
    def started_by(self, obj):
        if obj.owner is None:
            return "—"
        return obj.owner.get_full_name() or obj.owner.username

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_with_progress(self, obj):
        if obj.status == Status.RUNNING and obj.total:
            return format_html(
                '<progress max="100" value="{}"></progress> {} {}/{}',
                obj.percent,
                obj.step,
                obj.done,
                obj.total,
            )
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("result"))
    def result(self, obj):
        if obj.result_file:
            return format_html(
                '<a href="{}">{}</a>', reverse("jobs:download", args=[obj.pk]), obj.result_name
            )
        return obj.summary[:80]

    @admin.display(description=gettext_lazy("retry"))
    def retry_button(self, obj):
        """A failed job's retry, in its row: the change list's own form (and CSRF token) posted to it."""
        if obj.status != Status.FAILED:
            return ""
        return format_html(
            '<button type="submit" class="button job-retry" formaction="{}" formmethod="post">'
            "{}</button>",
            reverse("jobs:retry", args=[obj.pk]),
            _("Retry"),
        )

    @admin.action(description=gettext_lazy("Retry the selected failed jobs"))
    def retry_failed(self, request, queryset):
        queued = 0
        for job in queryset.filter(status=Status.FAILED)[:100]:
            try:
                queued += retry(job, request.user)
            except NotAllowed:
                continue
        messages.success(request, _("%(count)d job(s) queued again.") % {"count": queued})
