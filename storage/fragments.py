"""Rendered parts of pages, cached under the content generation: never stale.

The job description page started this (browse.views.positions); department
pages, the drawn chart and search results use it through ``cached``. The
key holds what decides the part (a code, a query, the reader's role), the
language, today's date and the generation, read before any data: any write
moves the generation, so the next request misses and renders afresh. With
no generation (a write transaction is open on PostgreSQL) nothing is cached.
A part must hold nothing of the user beyond the role in its key, and no
CSRF token.

With a cache outside the process (Redis, a folder), each process also keeps
the parts it used last in memory (``_Recent``): a key names one generation,
so a copy is never stale either, and a drawn chart of a megabyte is then not
fetched and unpickled from Redis on every request.
"""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language

_OUTSIDE = ("RedisCache", "FileBasedCache")


class _Recent:
    """The parts this process used last, at most ``limit`` characters of them in all."""

    def __init__(self, limit):
        self.limit, self.size = limit, 0
        self.items = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def _size(value):
        if isinstance(value, str):
            return len(value)
        if isinstance(value, tuple | list):
            return sum(len(v) if isinstance(v, str) else 1000 for v in value)
        return 1000

    def get(self, name):
        with self.lock:
            if name in self.items:
                self.items.move_to_end(name)
                return self.items[name][0]
        return None

    def put(self, name, value):
        size = self._size(value)
        if size > self.limit // 4:
            return
        with self.lock:
            if name in self.items:
                return
            self.items[name] = (value, size)
            self.size += size
            while self.size > self.limit:
                _old, (_value, old_size) = self.items.popitem(last=False)
                self.size -= old_size


_recent = None


@receiver(setting_changed)
def _forget(setting, **kwargs):
    global _recent  # noqa: PLW0603
    if setting in ("CACHES", "FRAGMENT_MEMORY_CHARS"):
        _recent = None


def recent():
    """The process's own copies, or None when the cache is the process's own already."""
    global _recent  # noqa: PLW0603 - one per process, made on first use
    if _recent is None:
        backend = settings.CACHES["default"]["BACKEND"]
        outside = any(backend.endswith(name) for name in _OUTSIDE)
        _recent = _Recent(settings.FRAGMENT_MEMORY_CHARS) if outside else False
    return _recent or None


def key(kind, parts, generation):
    """The cache key, or None when there is no generation to key by."""
    if generation is None:
        return None
    fields = [*map(str, parts), get_language() or "", str(generation), str(timezone.localdate())]
    return f"{kind}:{hashlib.sha256(chr(31).join(fields).encode()).hexdigest()}"


def cached(kind, parts, generation, render):
    """``render()``'s value (anything picklable), from the cache when it is there."""
    name = key(kind, parts, generation)
    if name is None:
        return render()
    local = recent()
    if local is not None and (hit := local.get(name)) is not None:
        return hit
    hit = cache.get(name)
    if hit is None:
        hit = render()
        cache.set(name, hit)
    if local is not None:
        local.put(name, hit)
    return hit
