import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import OrgHistoryAdmin
from core.admin_mixins import ReadOnlyAdminMixin
from documents.models import Document, Revision, Transition

# The workflow moves these; the admin only shows them.
_CONTROLLED = (
    "status",
    "revision",
    "current_revision",
    "prepared_by",
    "prepared_at",
    "reviewed_by",
    "reviewed_at",
    "approved_by",
    "approved_at",
    "effective_date",
    "created_at",
)


class _RecordInline(admin.TabularInline):
    """Rows that are records: shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(_RecordInline):
    model = Revision
    fields = ("number", "approved_at", "effective_date", "link")
    readonly_fields = fields
    ordering = ("-number",)
    verbose_name_plural = _("approved revisions")

    @admin.display(description=_("revision"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj)


class TransitionInline(_RecordInline):
    model = Transition
    fields = ("at", "user_name", "action", "from_status", "to_status", "revision", "comment")
    readonly_fields = fields
    verbose_name_plural = _("workflow history")


@admin.register(Document)
class DocumentAdmin(OrgHistoryAdmin):
    """Control records: HR sets the number and may move the review date; the workflow does the rest."""

    list_display = (
        "number",
        "subject_display",
        "revision",
        "status",
        "effective_date",
        "next_review_date",
    )
    list_display_links = ("number",)
    list_select_related = ("position", "department")
    list_filter = ("status", "next_review_date")
    search_fields = (
        "number",
        "position__code",
        "position__title",
        "department__code",
        "department__name",
    )
    autocomplete_fields = ("position", "department")
    fieldsets = (
        (None, {"fields": ("number", "position", "department", "next_review_date", "site_link")}),
        (_("Set by the workflow"), {"fields": _CONTROLLED}),
    )
    inlines = [RevisionInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        fields = ("site_link", *_CONTROLLED)
        if obj is not None:
            fields += ("position", "department")
        return fields

    @admin.display(description=_("description"))
    def subject_display(self, obj):
        return obj.title

    @admin.display(description=_("workflow"))
    def site_link(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), _("Open the workflow page")
        )

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting would restore a past status and revision behind the workflow's back.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Approved revisions are records: anyone with view rights reads them, nobody edits them."""

    list_display = ("document_number", "number", "title", "approved_at", "effective_date")
    list_display_links = ("document_number",)
    list_filter = ("effective_date",)
    search_fields = ("document_number", "title")
    ordering = ("document_number", "-number")
    fields = (
        "document",
        "document_number",
        "number",
        "title",
        "prepared_by",
        "prepared_at",
        "reviewed_by",
        "reviewed_at",
        "approved_by",
        "approved_at",
        "effective_date",
        "next_review_date",
        "site_link",
        "content_display",
    )
    readonly_fields = fields

    @admin.display(description=_("page"))
    def site_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open this revision"))

    @admin.display(description=_("content"))
    def content_display(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.content, ensure_ascii=False, indent=2))
