"""Every API error is JSON: ``{"detail": …, "code": …}``, plus ``errors`` per field when invalid.

Never a traceback or an HTML page, also with DEBUG on: an unexpected
exception is logged and answered with a JSON 500, a database that cannot be
reached with a JSON 503 and Retry-After (as core.errors does for pages).
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import RETRY_AFTER_SECONDS

logger = logging.getLogger("api")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This cannot be done while other records depend on it.")
    default_code = "protected"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the record's ETag (from a GET) in an If-Match header, so that an edit "
        "made since is not overwritten."
    )
    default_code = "if_match_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone changed this record after you read it: read it again and redo your change."
    )
    default_code = "stale"


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def as_api_error(exc):
    """Django's own exceptions as the API's."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, ProtectedError):
        return Conflict(exc.args[0])
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(field_errors(exc))
    return exc


def field_errors(exc: DjangoValidationError):
    detail = serializers.as_serializer_error(exc)
    if "__all__" in detail:
        detail["non_field_errors"] = detail.pop("__all__")
    return detail


def _code(detail):
    if isinstance(detail, list):
        return _code(detail[0]) if detail else "error"
    if isinstance(detail, dict):
        return "invalid"
    return getattr(detail, "code", "error")


def exception_handler(exc, context):
    exc = as_api_error(exc)
    if isinstance(exc, (OperationalError, InterfaceError)):
        set_rollback()
        response = Response(
            {
                "detail": gettext("The database cannot be reached. Try again shortly."),
                "code": "unavailable",
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": gettext("Server error. It has been logged."), "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = {
            "detail": gettext("The request is not valid: see errors."),
            "code": "invalid",
            "errors": errors,
        }
    else:
        text = detail if not isinstance(detail, (list, dict)) else gettext("Request refused.")
        response.data = {"detail": str(text), "code": str(_code(detail))}
    return response


@csrf_exempt
@login_not_required
def not_found(request, *args, **kwargs):
    """Any /api/ address that names no endpoint."""
    return JsonResponse(
        {"detail": gettext("No API endpoint here."), "code": "not_found"}, status=404
    )
