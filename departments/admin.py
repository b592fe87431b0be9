import nested_admin
from django.contrib import admin, messages
from django.db.models import F, ProtectedError, Window
from django.db.models.functions import RowNumber
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from mptt.admin import DraggableMPTTAdmin

from core.admin_base import OrgHistoryAdmin, SheetExportMixin, SheetImportExportMixin
from core.admin_mixins import (
    CompactSortableInlineMixin,
    IndentedTreeRelatedFieldListFilter,
    tree_level_class,
)
from core.locking import OptimisticLockAdminMixin
from departments.models import Department, DepartmentFunction


class DepartmentFunctionInline(CompactSortableInlineMixin, nested_admin.NestedTabularInline):
    model = DepartmentFunction
    sortable_field_name = "order"
    extra = 0
    fields = ("number", "section", "text", "order")
    readonly_fields = ("number",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                item_number=Window(
                    RowNumber(),
                    partition_by=[F("department_id"), F("section")],
                    order_by=[F("order").asc(), F("id").asc()],
                )
            )
        )

    @admin.display(description=_("No."))
    def number(self, obj):
        return getattr(obj, "item_number", None) or "–"


@admin.register(Department)
class DepartmentAdmin(
    SheetExportMixin,
    OptimisticLockAdminMixin,
    nested_admin.NestedModelAdmin,
    DraggableMPTTAdmin,
    OrgHistoryAdmin,
):
    # Export only: the tree is imported through the workbook, which builds it once.
    # The sheet (resource_classes) comes from workbook/admin.py.
    list_display = (
        "tree_actions",
        "indented_title",
        "code",
        "kind",
        "own_positions",
        "all_positions",
        "is_active",
    )
    list_display_links = ("indented_title",)
    list_filter = ("kind", "is_active")
    # mptt's draggable list, with an "Import from document" button.
    change_list_template = "admin/departments/department/change_list.html"
    search_fields = ("code", "name", "aliases")
    autocomplete_fields = ("parent",)
    # A page of the tree, each row with its subtree's positions counted by
    # one subquery: 500 rows (2,000 units: 380 KB, 290 ms) was a page of work
    # over the whole organisation.
    list_per_page = 100
    show_full_result_count = False
    mptt_level_indent = 24
    # indented_title indents by a class; no column gets mptt's style attribute (CSP).
    mptt_indent_field = "no-column"
    fields = ("code", "name", "parent", "kind", "order", "aliases", "description", "is_active")
    inlines = [DepartmentFunctionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_position_counts()

    # Not mptt's "title": that word is a position's title (岗位名称) in this catalogue.
    @admin.display(description=_("name"))
    def indented_title(self, item):
        # django-mptt indents with a style attribute, which the CSP refuses.
        return format_html('<div class="{}">{}</div>', tree_level_class(item.level), item)

    @admin.display(description=_("positions"), ordering="position_count")
    def own_positions(self, obj):
        return obj.position_count

    @admin.display(description=_("positions incl. sub-units"), ordering="total_position_count")
    def all_positions(self, obj):
        return obj.total_position_count

    def delete_selected_tree(self, modeladmin, request, queryset):
        try:
            return super().delete_selected_tree(modeladmin, request, queryset)
        except ProtectedError as exc:
            self.message_user(request, exc.args[0], level=messages.ERROR)
            return None


@admin.register(DepartmentFunction)
class DepartmentFunctionAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    """Mostly edited inline on the department; registered for search and autocomplete."""

    list_display = ("text", "section", "department")
    list_select_related = ("department",)
    search_fields = ("text", "section", "department__name", "department__code")
    autocomplete_fields = ("department",)
    list_filter = (("department", IndentedTreeRelatedFieldListFilter),)
    show_full_result_count = False
