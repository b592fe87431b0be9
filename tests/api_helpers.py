"""Calling the REST API in tests: a Django test client that sends a personal token."""

import json

from django.test import Client

from api.models import ApiToken


class TokenClient:
    """Requests to /api/ with ``Authorization: Bearer <token>`` (or none when ``token`` is None)."""

    def __init__(self, token=None):
        self.token = token
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")

    def _headers(self, headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if self.token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return extra

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, **self._headers(headers))

    def send(self, method, path, data=None, headers=None):
        body = json.dumps(data) if data is not None else ""
        return self.client.generic(
            method, path, body, content_type="application/json", **self._headers(headers)
        )

    def post(self, path, data=None, headers=None):
        return self.send("POST", path, data, headers)

    def patch(self, path, data=None, headers=None):
        return self.send("PATCH", path, data, headers)

    def put(self, path, data=None, headers=None):
        return self.send("PUT", path, data, headers)

    def delete(self, path, headers=None):
        return self.send("DELETE", path, None, headers)


def api_as(user, write=False):
    """A client with a fresh token of ``user`` (read-only unless ``write``)."""
    _token, raw = ApiToken.issue(user, "test", can_write=write)
    return TokenClient(raw)
