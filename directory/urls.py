"""The OIDC sign-in and its callback (mozilla-django-oidc), answered only when configured."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


def _when_enabled(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.DIRECTORY_OIDC_ENABLED:
            raise Http404("single sign-on is not configured")
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


urlpatterns = [
    # The names are mozilla-django-oidc's own, which its views redirect through.
    path(
        "authenticate/",
        _when_enabled(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        _when_enabled(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
