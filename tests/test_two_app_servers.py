"""Two app servers, one database, no sticky sessions.

Two gunicorn processes (separate interpreters, as on two machines) share the
database and nothing else but the settings. A browser's requests alternate
between them: the login made on one is valid on the other, a form loaded
from one is accepted by the other (CSRF), an edit saved through one is seen
at once through the other, and failed logins count across both.

On PostgreSQL the servers use the test database; on SQLite a database file
made for the test.
"""

import pickle
import re
from urllib.parse import urlencode

import pytest

from tests.processes import HOST, Site
from tests.redis_server import redis_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def servers(tmp_path):
    yield from _servers(tmp_path)


@pytest.fixture
def redis_servers(tmp_path, redis_server):  # noqa: F811
    """The two servers, sharing a cache on a private redis-server."""
    extra = {"CACHE_BACKEND": "redis", "CACHE_LOCATION": redis_server.url}
    for ports in _servers(tmp_path, extra):
        yield ports, redis_server


def _servers(tmp_path, extra=None):
    site = Site(tmp_path, {"LOGIN_FAILURE_LIMIT": "3", **(extra or {})})
    site.shell(
        "from django.contrib.auth.models import Group, User\n"
        "from departments.models import Department\n"
        "from positions.models import Position\n"
        "hr = User.objects.create_user('hr', password='hr-pass-123', is_staff=True)\n"
        "hr.groups.add(Group.objects.get(name='HR editors'))\n"
        "d = Department.objects.create(code='SALES', name='销售部')\n"
        "Position.objects.create(code='MGR', title='销售部经理', department=d)\n"
    )
    try:
        yield [site.server(), site.server()]
    finally:
        site.stop()


class Browser:
    """Cookies kept across servers, as a browser behind a load balancer would."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None):
        import http.client

        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{port}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location"), response.read().decode()
        finally:
            conn.close()


def _token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _login(browser, port, password, form_from=None):
    _status, _location, html = browser.request(form_from or port, "GET", "/accounts/login/")
    form = {"username": "hr", "password": password, "csrfmiddlewaretoken": _token(html)}
    return browser.request(port, "POST", "/accounts/login/", form)


def test_two_app_servers_share_sessions_csrf_data_and_lockouts(servers):
    a, b = servers
    browser = Browser()

    # The login form comes from A, the login is posted to B (CSRF across servers).
    status, location, _ = _login(browser, b, "hr-pass-123", form_from=a)
    assert (status, location) == (302, "/chart/")
    # The session made by B is valid on A.
    status, _location, html = browser.request(a, "GET", "/positions/MGR/")
    assert status == 200 and "销售部经理" in html

    # An edit through A's admin is seen at once through B (nothing cached per process).
    status, _location, html = browser.request(a, "GET", "/admin/positions/position/")
    assert status == 200
    change = re.search(r'href="(/admin/positions/position/\d+/change/)', html).group(1)
    status, _location, html = browser.request(b, "GET", change)
    fields = dict(
        re.findall(r'<input type="(?:text|number|hidden)" name="([^"]+)" value="([^"]*)"', html)
    )
    form = {
        **{k: v for k, v in fields.items() if not k.startswith("csrf")},
        "csrfmiddlewaretoken": _token(html),
        "code": "MGR",
        "title": "销售总监",
        "department": re.search(r'<option value="(\d+)" selected>', html).group(1),
        "headcount": "1",
    }
    status, location, _ = browser.request(a, "POST", change, form)  # form from B, saved on A
    assert status == 302, "the save from a form loaded on the other server was refused"
    assert "销售总监" in browser.request(b, "GET", "/positions/MGR/")[2]

    # Failed logins count on both servers together (limit 3 here).
    other = Browser()
    results = [_login(other, port, "wrong")[0] for port in (a, b, a)]
    assert results[:2] == [200, 200]
    assert results[2] == 429
    assert _login(other, b, "hr-pass-123")[0] == 429  # locked on B as well


def test_a_page_one_server_rendered_is_served_by_the_other_from_redis(redis_servers):
    (a, b), redis = redis_servers
    browser = Browser()
    assert _login(browser, a, "hr-pass-123")[0] == 302
    status, _location, html = browser.request(a, "GET", "/positions/MGR/")
    assert status == 200 and "销售部经理" in html
    # A's render is in the shared cache: mark it, and B serves the marked copy.
    store = redis.client()
    keys = [k for k in store.keys("*") if b"position-page" in k]
    assert keys, "server A cached the position page in Redis"
    for key in keys:
        title, body = pickle.loads(store.get(key))  # noqa: S301 - our own cache entry
        store.set(key, pickle.dumps((title, body.replace("销售部经理", "从共享缓存来的页面"))))
    status, _location, html = browser.request(b, "GET", "/positions/MGR/")
    assert status == 200
    assert "从共享缓存来的页面" in html, "server B rendered the page again instead"


def test_with_redis_a_logout_on_one_server_ends_the_session_on_the_other(redis_servers):
    """Sessions are read from the shared cache (cached_db): a logout clears it for both."""
    (a, b), redis = redis_servers
    browser = Browser()
    assert _login(browser, a, "hr-pass-123")[0] == 302
    assert browser.request(b, "GET", "/positions/MGR/")[0] == 200
    assert any(b"session" in key for key in redis.client().keys("*"))
    _status, _location, html = browser.request(b, "GET", "/positions/MGR/")
    status, _location, _html = browser.request(
        b, "POST", "/accounts/logout/", {"csrfmiddlewaretoken": _token(html)}
    )
    assert status == 302
    status, location, _html = browser.request(a, "GET", "/positions/MGR/")
    assert status == 302 and location.startswith("/accounts/login/")
