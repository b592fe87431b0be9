"""The shared cache on Redis (CACHE_BACKEND=redis): used by pages, and never their downfall.

A real redis-server (tests/redis_server.py) that the tests stop and start:
while it is away pages render uncached with no 500, quickly; when it is back
they use it again. Two app servers sharing it are in test_two_app_servers.py.
"""

import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.redis_server import redis_server  # noqa: F401 - the fixture

# Transactional: on PostgreSQL a test's own uncommitted writes turn the cache
# off (storage.generation), and these tests are about the cache.
pytestmark = pytest.mark.django_db(transaction=True)


def _redis_cache(url, retry=0.5):
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test",
            "OPTIONS": {"RETRY_SECONDS": retry},
        }
    }


def test_the_position_page_is_cached_in_redis(client, employee, org, redis_server):  # noqa: F811
    with override_settings(CACHES=_redis_cache(redis_server.url)):
        client.force_login(employee)
        assert client.get(f"/positions/{org['sales_mgr'].code}/").status_code == 200
        keys = [k.decode() for k in redis_server.client().keys("*")]
        assert any("position-page" in k for k in keys), keys
        assert client.get(f"/positions/{org['sales_mgr'].code}/").status_code == 200


def test_pages_render_while_redis_is_away_and_use_it_again_when_it_is_back(
    client,
    employee,
    org,
    redis_server,  # noqa: F811
):
    url = f"/positions/{org['sales_mgr'].code}/"
    with override_settings(CACHES=_redis_cache(redis_server.url, retry=0.5)):
        client.force_login(employee)
        assert client.get(url).status_code == 200
        redis_server.stop()
        started = time.monotonic()
        for page in (url, "/", "/chart/?kind=positions", f"/departments/{org['sales'].code}/"):
            response = client.get(page)
            assert response.status_code == 200, page
            assert "销售部" in response.content.decode()
        # The first miss waits for one connection timeout; then the cache is
        # skipped until the retry time, so five pages take well under 5 s.
        assert time.monotonic() - started < 3
        cache = caches["default"]
        assert cache.get("anything") is None
        assert cache.set("anything", 1) is None  # ignored, not raised
        redis_server.start()
        time.sleep(0.6)  # past RETRY_SECONDS
        # A page not rendered while Redis was away (those this process keeps itself).
        assert client.get(f"/positions/{org['hr_mgr'].code}/").status_code == 200
        keys = [k.decode() for k in redis_server.client().keys("*")]
        assert any("position-page" in k for k in keys), "the page is cached again"


def test_the_checks_name_a_redis_that_does_not_answer(redis_server):  # noqa: F811
    from django.core.checks import run_checks

    with override_settings(CACHES=_redis_cache(redis_server.url)):
        assert not [m for m in run_checks() if m.id == "orgduties.W010"]
        redis_server.stop()
        found = [m for m in run_checks() if m.id == "orgduties.W010"]
    assert len(found) == 1
    assert f"Redis at {redis_server.url} is not reachable" in found[0].msg


def test_sessions_are_read_from_redis_and_kept_there_five_minutes_at_most(
    client,
    employee,
    redis_server,  # noqa: F811
):
    """Sessions are read from Redis (core.sessions), each kept there 5 minutes at most.

    A logout while Redis is away deletes the session from the database only;
    the copy in Redis, back again, expires within those minutes.
    """
    from core.sessions import CACHE_SECONDS

    with override_settings(CACHES=_redis_cache(redis_server.url), SESSION_ENGINE="core.sessions"):
        client.force_login(employee)
        assert client.get("/chart/").status_code == 200
        store = redis_server.client()
        [key] = [k for k in store.keys("*") if b"sessions.cached_db" in k]
        assert 0 < store.ttl(key) <= CACHE_SECONDS  # not the session's 8 hours
        # The session is read from Redis: the database row can go and the user stays in...
        from django.contrib.sessions.models import Session

        Session.objects.all().delete()
        assert client.get("/chart/").status_code == 200
        # ...until the copy expires (here: removed), then the database says logged out.
        store.delete(key)
        assert client.get("/chart/").status_code == 302


def test_each_process_keeps_the_parts_it_used_and_an_edit_still_shows_at_once(
    client,
    employee,
    org,
    redis_server,  # noqa: F811
):
    """A drawn chart is not fetched from Redis every time: the process keeps a copy, under the
    same generation key, so it is never stale either."""
    from departments.models import Department

    with override_settings(CACHES=_redis_cache(redis_server.url)):
        client.force_login(employee)
        assert "销售部" in client.get("/chart/").content.decode()
        store = redis_server.client()
        assert any(b"chart" in k for k in store.keys("*"))
        for key in store.keys("*"):
            if b"session" not in key:
                store.delete(key)  # Redis lost the parts: this process still has them
        assert "销售部" in client.get("/chart/").content.decode()
        assert not any(b"chart" in k for k in store.keys("*") if b"session" not in k)
        Department.objects.filter(code="SALES").update(name="营销部")  # an edit: a new generation
        assert "营销部" in client.get("/chart/").content.decode()
