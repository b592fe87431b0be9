from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class OrgHistoryAdmin(SimpleHistoryAdmin):
    """History for every org model; reverting is a change and needs change rights.

    simple-history's revert form saves a POST after checking only that the
    user may *view* history, so view-only staff could overwrite records.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
