"""The admin site: Django's, with an autocomplete that also serves reverse relations.

A duty's forms are declared on Form (``Form.duties``, related_name ``forms``),
because kpis sits above positions; the duty's admin still picks its forms in
an autocomplete box, whose requests name the duty's side (``positions.duty``,
field ``forms``). Django's autocomplete view asks that field for
``get_limit_choices_to()``, which only forward fields have; a reverse
relation limits nothing, so its choices are the related admin's own.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import ForeignObjectRel


class OrgAutocompleteJsonView(AutocompleteJsonView):
    def get_queryset(self):
        if not isinstance(self.source_field, ForeignObjectRel):
            return super().get_queryset()
        queryset = self.model_admin.get_queryset(self.request)
        queryset, may_have_duplicates = self.model_admin.get_search_results(
            self.request, queryset, self.term
        )
        return queryset.distinct() if may_have_duplicates else queryset


class OrgAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return OrgAutocompleteJsonView.as_view(admin_site=self)(request)
