"""Error pages that must work when nothing else does.

When the database cannot be reached (PostgreSQL down or restarting, the
network to it gone, SQLite's file unreadable), every page answers 503 with a
short plain page and a Retry-After header instead of a 500 and a traceback.
The page is rendered without the request context: the usual context
processors would ask the database for the user.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 30


def database_unavailable(request=None):
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name="500.html"):
    """handler500: a database that cannot be reached is a 503, anything else Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return django_server_error(request, template_name=template_name)


class DatabaseUnavailableMiddleware:
    """The same 503 for views, also with DEBUG on (where handler500 is not used)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable(request)
        return None
