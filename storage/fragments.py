"""Rendered parts of pages, cached under the content generation: never stale.

The job description page started this (browse.views.positions); department
pages, the drawn chart and search results use it through ``cached``. The
key holds what decides the part (a code, a query, the reader's role), the
language, today's date and the generation, read before any data: any write
moves the generation, so the next request misses and renders afresh. With
no generation (a write transaction is open on PostgreSQL) nothing is cached.
A part must hold nothing of the user beyond the role in its key, and no
CSRF token.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language


def key(kind, parts, generation):
    """The cache key, or None when there is no generation to key by."""
    if generation is None:
        return None
    fields = [*map(str, parts), get_language() or "", str(generation), str(timezone.localdate())]
    return f"{kind}:{hashlib.sha256(chr(31).join(fields).encode()).hexdigest()}"


def cached(kind, parts, generation, render):
    """``render()``'s value (anything picklable), from the cache when it is there."""
    name = key(kind, parts, generation)
    if name is not None and (hit := cache.get(name)) is not None:
        return hit
    value = render()
    if name is not None:
        cache.set(name, value)
    return value
