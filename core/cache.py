"""Django's Redis cache, made to fail soft: a cache that is away is a cache that misses.

Several app servers share one Redis (``CACHE_BACKEND=redis``). If Redis goes
away, Django's RedisCache raises on every call and every cached page becomes
a 500. Here a connection error or timeout is logged once, the cache answers
as if empty (``get`` returns the default, ``set`` does nothing) and, for
``RETRY_SECONDS``, does not try again, so pages render uncached at database
speed instead of each waiting for a timeout. After that the next call tries
Redis again, and uses it if it is back.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_AWAY = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", RETRY_SECONDS))
        # Short timeouts: a page must not wait long for a cache that is away.
        options.setdefault("socket_connect_timeout", 0.3)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _away(self):
        return time.monotonic() < self._down_until

    def _failed(self, error):
        with self._lock:
            first = not self._down_until
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            log.warning(
                "Redis cache at %s is not reachable (%s): pages render uncached",
                self._servers,
                error,
            )

    def _recovered(self):
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            log.warning("Redis cache at %s is reachable again", self._servers)

    def _call(self, name, default, *args, **kwargs):
        if self._away():
            return default
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except _AWAY as error:
            self._failed(error)
            return default
        self._recovered()
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        if self._away():
            raise ValueError(f"Key '{key}' not found (the cache is away)")
        try:
            return super().incr(key, delta, version)
        except _AWAY as error:
            self._failed(error)
            raise ValueError(f"Key '{key}' not found (the cache is away)") from error

    def clear(self):
        return self._call("clear", False)


def check_reachable(app_configs=None, **kwargs):
    """System check: a Redis cache that does not answer is named, with its URL.

    A warning, not an error: pages render without the cache (uncached, at
    database speed), so an app server may start; ``make serve`` runs the
    checks first and shows it.
    """
    from django.conf import settings
    from django.core.checks import Warning as CheckWarning

    found = []
    for alias, config in settings.CACHES.items():
        if config.get("BACKEND") != "core.cache.ResilientRedisCache":
            continue
        import redis

        url = config.get("LOCATION", "")
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        except (redis.exceptions.RedisError, OSError, ValueError) as error:
            found.append(
                CheckWarning(
                    f"Redis at {url} is not reachable ({error}): pages will render uncached "
                    "until it answers.",
                    hint="Start Redis, or set CACHE_LOCATION to where it runs.",
                    obj=f"CACHES[{alias!r}]",
                    id="orgduties.W010",
                )
            )
    return found
