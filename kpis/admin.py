from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin_base import OrgHistoryAdmin, SheetImportExportMixin
from kpis.models import Form, Kpi
from workbook.resources import FormResource, KpiResource


@admin.register(Form)
class FormAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    resource_classes = [FormResource]
    list_display = ("code", "name", "department", "duty_count", "template")
    ordering = ("name", "code")
    list_select_related = ("department",)
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("department",)
    list_filter = ("department",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(used_by=Count("duties"))

    @admin.display(description=_("used by duties"), ordering="used_by")
    def duty_count(self, obj):
        return obj.used_by


@admin.register(Kpi)
class KpiAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    resource_classes = [KpiResource]
    list_display = ("text", "structure_display", "period", "owner")
    list_select_related = ("duty__position", "position", "function__department")
    list_filter = ("period", "comparison", "unit")
    search_fields = ("text", "metric", "duty__position__title", "position__title")
    autocomplete_fields = ("duty", "position", "function")
    fieldsets = (
        (None, {"fields": ("text",)}),
        (
            _("Structure"),
            {
                "fields": (
                    ("metric", "comparison", "target", "unit"),
                    ("period", "deadline_month", "deadline_day"),
                )
            },
        ),
        (_("Belongs to (exactly one)"), {"fields": ("duty", "position", "function")}),
    )

    @admin.display(description=_("structure"))
    def structure_display(self, obj):
        return obj.structure or "–"

    @admin.display(description=_("belongs to"))
    def owner(self, obj):
        if obj.duty_id:
            return f"{obj.duty.position.title}: {obj.duty}"
        if obj.position_id:
            return obj.position.title
        return f"{obj.function.department.name}: {obj.function}"
