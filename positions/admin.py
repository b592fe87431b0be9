import nested_admin
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import OrgHistoryAdmin, SheetImportExportMixin
from core.admin_mixins import (
    CompactSortableInlineMixin,
    IndentedTreeRelatedFieldListFilter,
    PreloadedAutocompleteInlineMixin,
    PreloadingFormSet,
)
from core.images import PhotoFormField
from core.locking import OptimisticLockAdminMixin
from core.substring import contains
from positions.models import Assignment, DottedLine, Duty, Employee, Position, find_dotted_cycle


class KindFormSet(PreloadingFormSet):
    """Rows of one kind (duties, or authorities): new rows get that kind."""

    kind = Duty.Kind.DUTY

    def save_new(self, form, commit=True):
        form.instance.kind = self.kind
        return super().save_new(form, commit=commit)


class DutyInline(
    PreloadedAutocompleteInlineMixin, CompactSortableInlineMixin, nested_admin.NestedStackedInline
):
    """The position's numbered duties (岗位职责), in drag order.

    kpis/admin.py adds each duty's forms and KPIs (kpis sits above positions).
    """

    model = Duty
    kind = Duty.Kind.DUTY
    formset = KindFormSet
    sortable_field_name = "order"
    extra = 0
    fields = ("section", "text", "process_steps", "function", "order")
    autocomplete_fields = ("function",)
    verbose_name = _("duty")
    verbose_name_plural = _("duties")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.kind).with_numbers()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.kind = self.kind
        return formset


class AuthorityInline(DutyInline):
    """The position's authorities (职责与权限), numbered on their own."""

    kind = Duty.Kind.AUTHORITY
    fields = ("section", "text", "order")
    autocomplete_fields = ()
    verbose_name = _("authority")
    verbose_name_plural = _("authorities")


class DottedLineFormSet(PreloadingFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        new_edges = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            target = form.cleaned_data.get("to_position")
            if target is not None:
                new_edges.append((self.instance.pk, target.pk))
        if self.instance.pk is None:
            return
        others = DottedLine.objects.exclude(from_position_id=self.instance.pk).values_list(
            "from_position_id", "to_position_id"
        )
        if find_dotted_cycle(others, new_edges):
            raise ValidationError(_("These dotted lines would form a cycle."))


class DottedLineInline(PreloadedAutocompleteInlineMixin, nested_admin.NestedTabularInline):
    model = DottedLine
    fk_name = "from_position"
    formset = DottedLineFormSet
    extra = 0
    autocomplete_fields = ("to_position",)
    verbose_name = _("dotted line to another position")
    verbose_name_plural = _("dotted lines to other positions")


class AssignmentInline(PreloadedAutocompleteInlineMixin, nested_admin.NestedTabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ("employee",)
    verbose_name_plural = _("holders")


@admin.register(Position)
class PositionAdmin(
    SheetImportExportMixin, OptimisticLockAdminMixin, nested_admin.NestedModelAdmin, OrgHistoryAdmin
):
    list_display = (
        "code",
        "title",
        "department",
        "reports_to",
        "headcount",
        "holders",
        "vacancies",
        "is_head",
    )
    list_display_links = ("code", "title")
    list_select_related = ("department", "reports_to")
    # No second count of every position on each page ("N total").
    show_full_result_count = False
    # Annotations drop the model's default ordering; lists and autocompletes need one.
    ordering = ("department__tree_id", "department__lft", "-is_head", "code")
    list_filter = (("department", IndentedTreeRelatedFieldListFilter), "is_head")
    # And the words of its duties (get_search_results).
    search_fields = ("code", "title")
    autocomplete_fields = ("department", "reports_to")
    fieldsets = (
        (
            None,
            {"fields": (("code", "title"), ("department", "is_head"), "reports_to", "headcount")},
        ),
        (_("Description"), {"fields": ("summary", "requirements")}),
    )
    # kpis/admin.py registers this admin again with the KPI inlines, and
    # workbook/admin.py gives it its sheet (resource_classes).
    inlines = [DutyInline, AuthorityInline, DottedLineInline, AssignmentInline]

    def get_search_results(self, request, queryset, search_term):
        """Code and title as the admin searches them, or any duty holding every word.

        The duties by a sub-select of position ids through the text indexes,
        not a join: joined, the admin counts and lists DISTINCT positions over
        200,000 duties (0.8 s for a two-character word).
        """
        found, duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.split()
        if not words:
            return found, duplicates
        duties = Duty.objects.order_by()
        for word in words:
            duties = duties.filter(contains(["text"], [word]))
        return found | queryset.filter(pk__in=duties.values("position_id")), duplicates

    def get_queryset(self, request):
        # Holders counted by a subquery per row of the page, not by grouping
        # every position with its assignments before the page is cut.
        return super().get_queryset(request).with_holder_counts()

    @admin.display(description=_("holders"), ordering="holder_count")
    def holders(self, obj):
        return obj.holder_count

    @admin.display(description=_("vacancies"), ordering="vacancies")
    def vacancies(self, obj):
        return obj.vacancies


class NumberedDutyChangeList(ChangeList):
    """The page's duties numbered among all their positions' duties, in one query.

    The number (a window over the position's duties) was computed for every
    duty of the table on each page (380 ms at 200,000 duties).
    """

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        positions = {duty.position_id for duty in self.result_list}
        numbers = dict(
            Duty.objects.filter(position__in=positions).with_numbers().values_list("pk", "number")
        )
        for duty in self.result_list:
            duty.number = numbers.get(duty.pk)


@admin.register(Duty)
class DutyAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    list_display = ("number", "text", "kind", "section", "position", "department")
    list_display_links = ("text",)
    list_select_related = ("position__department",)
    list_filter = ("kind", ("position__department", IndentedTreeRelatedFieldListFilter))
    search_fields = ("text", "process_steps", "position__title", "position__code")
    autocomplete_fields = ("position", "function")
    inlines = []
    # The model's order (by position) sorts 200,000 duties joined to their
    # positions for each page; by position id, an index gives it.
    ordering = ("position_id", "kind", "order", "id")
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return NumberedDutyChangeList

    @admin.display(description=_("No."))
    def number(self, obj):
        return getattr(obj, "number", None) or "–"

    @admin.display(description=_("department"), ordering="position__department__name")
    def department(self, obj):
        return obj.position.department


class EmployeeAssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ("position",)


class _ShownPhoto:
    """What AdminFileWidget's "Currently:" link shows: the protected photo page, not MEDIA_URL."""

    def __init__(self, url, name):
        self.url, self.name = url, name

    def __str__(self):
        return self.name


class PhotoWidget(AdminFileWidget):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and isinstance(instance, Employee):
            context["widget"]["value"] = _ShownPhoto(instance.photo_url(), str(value))
        return context


@admin.register(Employee)
class EmployeeAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    list_display = ("employee_no", "name", "user", "position_count", "has_photo", "is_active")
    ordering = ("employee_no",)
    list_select_related = ("user",)
    search_fields = ("employee_no", "name", "email", "user__username")
    list_filter = ("is_active",)
    autocomplete_fields = ("user",)
    show_full_result_count = False
    fields = ("employee_no", "name", "email", "user", "is_active", "current_photo", "photo")
    readonly_fields = ("current_photo",)
    # The upload is re-encoded and checked in the form (core.images): a bad file
    # is a form error, and only a clean JPEG is stored.
    formfield_overrides = {models.ImageField: {"form_class": PhotoFormField, "widget": PhotoWidget}}
    inlines = [EmployeeAssignmentInline]

    def get_queryset(self, request):
        # A subquery per row of the page, not a count grouped over every employee.
        held = (
            Assignment.objects.filter(employee=OuterRef("pk"))
            .order_by()
            .values("employee")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(held=Coalesce(Subquery(held), 0))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Nothing to show before there is an employee (and a photo).
        return (
            fields if obj is not None and obj.photo else [f for f in fields if f != "current_photo"]
        )

    @admin.display(description=_("positions held"), ordering="held")
    def position_count(self, obj):
        return obj.held

    @admin.display(description=_("photo"), boolean=True, ordering="photo")
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description=_("current photo"))
    def current_photo(self, obj):
        if not obj.photo:
            return ""
        return format_html(
            '<img src="{}" alt="{}" class="employee-photo">', obj.photo_url(), obj.name
        )
