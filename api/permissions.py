"""What a token may do: never more than its user, and only reads unless it may write.

Reads need the model's view permission, writes its add, change or delete
permission (HR editors have them; see core.roles). The live duties and KPIs
are the draft of job descriptions: only the document team (editors,
reviewers, approvers; documents.workflow.is_document_team) reads them, and
employees read the approved revision instead (the job-description endpoint).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from documents.workflow import is_document_team

ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def write_scope(request):
    """Refuse an unsafe method with a read-only token (403, saying so)."""
    if request.method in SAFE_METHODS:
        return
    token = request.auth
    if token is None or not token.can_write:
        raise exceptions.PermissionDenied(_("This token may only read."))


class ModelRights(BasePermission):
    """The user's own Django permission on the view's model, for the request's method."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        write_scope(request)
        model = view.rights_model()
        action = ACTIONS.get(request.method, "change")
        if not user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
            return False
        return not getattr(view, "draft_content", False) or is_document_team(user)
