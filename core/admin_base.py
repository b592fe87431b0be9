from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import (
    SafeAutocompleteSelect,
    SafeAutocompleteSelectMultiple,
    valid_ids,
)


class OrgHistoryAdmin(SimpleHistoryAdmin):
    """History for every org model; reverting is a change and needs change rights.

    simple-history's revert form saves a POST after checking only that the
    user may *view* history, so view-only staff could overwrite records.
    """

    # Hostile query strings and forms (found by tests/test_fuzz.py) must not be 500s.

    def get_object(self, request, object_id, from_field=None):
        # "?_to_field=" (empty) made Django look up a field named "".
        return super().get_object(request, object_id, from_field or None)

    def get_changeform_initial_data(self, request):
        # "add/?parent=1.5" pre-fills a relation with an id the database would refuse.
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and field.related_model is not None:
                values = value if isinstance(value, list) else [value]
                if valid_ids(field.related_model, values) != values:
                    del initial[name]
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history looks the id up as it comes: "abc" would be a 500.
        try:
            self.model._meta.pk.to_python(object_id)
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        # simple-history looks both ids up as they come: "abc" would be a 500.
        try:
            self.model._meta.pk.to_python(object_id)
            self.model.history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None
        return super().history_form_view(request, object_id, version_id, extra_context)


class _SheetTransfer:
    """Import and export of one sheet (workbook/resources.py): for HR editors only.

    Exports hold employees' names, and an import writes what the user could
    write by hand: exporting needs change rights on the model, importing add
    and change rights. Employees read the organisation through its pages.
    """

    formats = [CSV, XLSX]

    def has_export_permission(self, request):
        return self.has_change_permission(request)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def export_action(self, request):
        # The export filters like the list; a query string the list refuses
        # ("?page=") goes back to the list's own "?e=1" page, not a 500.
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            if not self.has_export_permission(request):
                raise PermissionDenied from None
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?e=1"
            )


class SheetExportMixin(_SheetTransfer, ExportMixin):
    """An "Export" button on the list (the model is imported through the workbook)."""


class SheetImportExportMixin(_SheetTransfer, ImportExportMixin):
    """Import and Export buttons on the list, one workbook sheet each."""

    def process_import(self, request, **kwargs):
        # Refused before import-export's POST-only check: a GET is a 403 too.
        if not self.has_import_permission(request):
            raise PermissionDenied
        return super().process_import(request, **kwargs)
