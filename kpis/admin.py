"""The KPI and form admins, and what they add to the position and duty admins.

kpis sits above positions, so positions/admin.py knows neither KPIs nor forms.
This module registers the position and duty admins again as subclasses that
add each duty's forms (an autocomplete box) and KPIs (nested inlines), and the
position's own KPIs: the admin HR sees is the same as when positions declared
them. workbook/admin.py then gives every admin its sheet (Import/Export).
"""

import nested_admin
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Count, ManyToManyRel, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.forms import ModelForm, ModelMultipleChoiceField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin_base import OrgHistoryAdmin, SheetImportExportMixin
from core.admin_mixins import (
    CompactSortableInlineMixin,
    IndentedTreeRelatedFieldListFilter,
    PreloadedAutocompleteInlineMixin,
    PreloadedAutocompleteSelectMultiple,
    SafeAutocompleteSelectMultiple,
)
from kpis.models import Form, Kpi
from positions import admin as positions_admin
from positions.models import Duty, Position


@admin.register(Form)
class FormAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    list_display = ("code", "name", "department", "duty_count", "template")
    ordering = ("name", "code")
    list_select_related = ("department",)
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("department",)
    # The top of the tree, each unit with those below (not all 2,000 units).
    list_filter = (("department", IndentedTreeRelatedFieldListFilter),)
    show_full_result_count = False
    # The links are picked on the duty's side (DutyFormsForm below), as before
    # Form declared them: a select of every duty would list 100,000 options.
    exclude = ("duties",)

    def get_queryset(self, request):
        # A subquery per row of the page, not a count grouped over every form's links.
        links = (
            Form.duties.through.objects.filter(form=OuterRef("pk"))
            .order_by()
            .values("form")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(used_by=Coalesce(Subquery(links), 0))

    @admin.display(description=_("used by duties"), ordering="used_by")
    def duty_count(self, obj):
        return obj.used_by


@admin.register(Kpi)
class KpiAdmin(SheetImportExportMixin, OrgHistoryAdmin):
    list_display = ("text", "structure_display", "period", "owner")
    list_select_related = ("duty__position", "position", "function__department")
    list_filter = ("period", "comparison", "unit")
    # The model's order sorts 50,000 KPIs joined to their owners for each page.
    ordering = ("id",)
    show_full_result_count = False
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


class DutyKpiInline(
    PreloadedAutocompleteInlineMixin, CompactSortableInlineMixin, nested_admin.NestedTabularInline
):
    model = Kpi
    fk_name = "duty"
    sortable_field_name = "order"
    extra = 0
    fields = Kpi.FIELDS
    verbose_name = _("KPI")
    verbose_name_plural = _("KPIs of this duty")


class PositionKpiInline(
    PreloadedAutocompleteInlineMixin, CompactSortableInlineMixin, nested_admin.NestedTabularInline
):
    model = Kpi
    fk_name = "position"
    extra = 0
    sortable_field_name = "order"
    fields = ("text", "metric", "comparison", "target", "unit", "period", "order")
    verbose_name_plural = _("KPIs of the position as a whole")


class DutyFormsForm(ModelForm):
    """A duty with its forms, a relation declared on Form (``Form.duties``).

    A reverse relation is no model form field, so the field is declared here
    and saved with the duty's other many-to-many data.
    """

    forms = ModelMultipleChoiceField(Form.objects.all(), required=False, label=capfirst(_("forms")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "forms" not in self.initial:
            # Prefetched by the admins' querysets (the autocomplete fields).
            self.initial["forms"] = list(self.instance.forms.all())

    def _save_m2m(self):
        super()._save_m2m()
        if "forms" in self.cleaned_data:
            self.instance.forms.set(self.cleaned_data["forms"])


# The wrapper's "+" (add a form) needs the relation seen from the duty's side,
# as Django hands it for a many-to-many the duty declares.
_TO_FORMS = ManyToManyRel(Form._meta.get_field("duties"), to=Form, through=Form.duties.through)


class DutyFormsMixin:
    """The duty's forms box, built as the admin builds one for its own fields:
    an autocomplete (``forms_widget``) inside the related-object wrapper."""

    form = DutyFormsForm
    forms_widget = SafeAutocompleteSelectMultiple

    def forms_field(self, request):
        site = self.admin_site
        form_admin = site.get_model_admin(Form)
        widget = RelatedFieldWidgetWrapper(
            self.forms_widget(Duty._meta.get_field("forms"), site),
            _TO_FORMS,
            site,
            can_add_related=form_admin.has_add_permission(request),
            can_change_related=form_admin.has_change_permission(request),
            can_delete_related=form_admin.has_delete_permission(request),
            can_view_related=form_admin.has_view_permission(request),
        )
        field = DutyFormsForm.base_fields["forms"]
        return ModelMultipleChoiceField(
            field.queryset, required=False, label=field.label, widget=widget
        )

    def _with_forms_field(self, request, form_class):
        if "forms" in form_class.base_fields:
            form_class.base_fields["forms"] = self.forms_field(request)
        return form_class

    # View only: Django shows a read-only many-to-many through the field the
    # model declares, which a reverse relation is not; a display method shows
    # the same list.
    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return [_read_only_forms(name) for name in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self.has_change_permission(request, obj):
            return readonly
        return (*readonly, "form_names")

    @admin.display(description=_("forms"))
    def form_names(self, duty):
        return ", ".join(str(form) for form in duty.forms.all())


def _read_only_forms(name):
    if isinstance(name, (list, tuple)):
        return tuple(_read_only_forms(part) for part in name)
    return "form_names" if name == "forms" else name


class DutyInline(DutyFormsMixin, positions_admin.DutyInline):
    """The position's duties, each with its forms and KPIs."""

    forms_widget = PreloadedAutocompleteSelectMultiple
    fields = ("section", "text", "process_steps", ("forms", "function"), "order")
    autocomplete_fields = ("forms", "function")
    inlines = [DutyKpiInline]

    def get_queryset(self, request):
        # Each duty's KPI rows come with the duties (see PreloadingFormSet).
        kpis = Prefetch("kpis", queryset=Kpi.objects.order_by("order", "id"))
        return super().get_queryset(request).prefetch_related(kpis)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        self._with_forms_field(request, formset.form)
        return formset


admin.site.unregister(Position)


@admin.register(Position)
class PositionAdmin(positions_admin.PositionAdmin):
    inlines = [
        DutyInline,
        positions_admin.AuthorityInline,
        positions_admin.DottedLineInline,
        positions_admin.AssignmentInline,
        PositionKpiInline,
    ]


admin.site.unregister(Duty)


@admin.register(Duty)
class DutyAdmin(DutyFormsMixin, positions_admin.DutyAdmin):
    fields = ("position", "kind", "section", "text", "process_steps", "forms", "function", "order")
    autocomplete_fields = ("position", "forms", "function")

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self._with_forms_field(request, super().get_form(request, obj, change, **kwargs))
