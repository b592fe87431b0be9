"""Sessions in the database, read through the shared cache: Django's cached_db, with a cap.

A logout deletes the session from the database and from the cache. If the
cache is away at that moment (core.cache keeps pages working without it), the
delete misses it, and the session would live on in Redis once it is back.
So a session stays in the cache at most ``CACHE_SECONDS``, whatever its own
age; then it is read from the database again, where the logout removed it.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

CACHE_SECONDS = 300


class _Capped:
    def __init__(self, cache, seconds):
        self._cache, self._seconds = cache, seconds

    def set(self, key, value, timeout=None, **kwargs):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return self._cache.set(key, value, timeout, **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return await self._cache.aset(key, value, timeout, **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Capped(self._cache, CACHE_SECONDS)
