from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class OrgHistoryAdmin(SimpleHistoryAdmin):
    """History for every org model; reverting is a change and needs change rights.

    simple-history's revert form saves a POST after checking only that the
    user may *view* history, so view-only staff could overwrite records.
    """

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
