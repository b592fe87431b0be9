"""The database cannot be reached: every page answers 503 with a plain message.

Two ways: in this process the connection is made to raise as a dead server
would; in a fresh interpreter Django runs with the production settings and a
DATABASE_URL that points at nothing, exactly as after losing PostgreSQL.
"""

import json
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

BASE_DIR = Path(__file__).resolve().parent.parent
MESSAGE = "OrgDuties cannot reach its database right now."


def assert_plain_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert MESSAGE in body
    assert "Traceback" not in body
    assert "OperationalError" not in body and "InterfaceError" not in body


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("url", ["/chart/", "/positions/SALES-MGR/", "/search/?q=销售", "/admin/"])
def test_a_query_that_cannot_reach_the_database_gives_503(hr, org, url, error):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(hr)
    dead = error("could not connect to server: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=dead):
        assert_plain_503(client.get(url))


def test_the_session_lookup_failing_gives_503_too(hr, org, settings):
    """The first query of a request is the session's, in middleware before any view."""
    settings.DEBUG = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(hr)
    dead = OperationalError("server closed the connection unexpectedly")
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db", side_effect=dead
    ):
        assert_plain_503(client.get("/chart/"))


def test_other_errors_stay_500(hr, org, settings):
    client = Client(raise_request_exception=False)
    client.force_login(hr)
    with mock.patch("search.views.search", side_effect=RuntimeError("bug")):
        response = client.get("/search/?q=x")
    assert response.status_code == 500
    assert MESSAGE not in response.content.decode()


PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
results = {}
client.cookies["sessionid"] = "x" * 32
for url in ["/chart/", "/positions/CEO/", "/admin/"]:
    r = client.get(url)
    results[url] = [r.status_code, r.content.decode()]
anonymous = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
r = anonymous.post("/accounts/login/", {"username": "hr", "password": "x"})
results["login POST"] = [r.status_code, r.content.decode()]
print(json.dumps(results))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://orgduties@127.0.0.1:9/orgduties",  # nothing listens on port 9
        "sqlite:////nonexistent-folder/orgduties.sqlite3",
    ],
    ids=["postgres-down", "sqlite-missing"],
)
def test_production_server_without_its_database_answers_503(database_url):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "orgduties.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k3y-" + "x7Qp9Lm2" * 7,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
    }
    process = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    results = json.loads(process.stdout.strip().splitlines()[-1])
    for url, (status, body) in results.items():
        assert status == 503, (url, status, body[:300])
        assert MESSAGE in body, url
        assert "Traceback" not in body, url
