"""Per-token rate limit, counted in the Django cache (locmem per process, or Redis shared)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token (e.g. "600/min"); over it, 429 with Retry-After."""

    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return None  # refused before this anyway: every API view needs a token
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
