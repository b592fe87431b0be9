"""Settings from the environment: a bad value stops start-up with a message naming it.

The start-up tests run Django in a fresh interpreter with a clean environment,
as a deployment would; the helpers in orgduties.env are also tested directly.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from orgduties.env import (
    envbool,
    envchoice,
    envdatabase,
    envint,
    envlist,
    envstr,
    envtimezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_KEY = "k3y-" + "x7Qp9Lm2" * 7  # 60 characters
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "orgduties.example"}
SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "TIME_ZONE": s.TIME_ZONE,
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
}))
"""


def start(code=SHOW_SETTINGS, **env):
    """Run ``code`` in a new interpreter with only ``env`` set; return the finished process."""
    clean = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "orgduties.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def last_line(stderr):
    return stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE"),
        ({"LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
        ({"CACHE_BACKEND": "memcached"}, "CACHE_BACKEND"),
        ({"CACHE_BACKEND": "redis", "CACHE_LOCATION": "127.0.0.1:6379"}, "CACHE_LOCATION"),
        ({"SESSION_COOKIE_AGE": "eight hours"}, "SESSION_COOKIE_AGE"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "orgduties.example"}, "SECRET_KEY"),
        ({**PRODUCTION, "SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({**PRODUCTION, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ],
    ids=[
        "debug-maybe",
        "database-mysql",
        "database-nonsense",
        "time-zone-mars",
        "language-fr",
        "cache-memcached",
        "cache-redis-not-a-url",
        "session-age-words",
        "production-without-secret-key",
        "production-short-secret-key",
        "production-without-allowed-hosts",
        "production-blank-allowed-hosts",
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(env, variable):
    process = start(**env)

    assert process.returncode != 0
    assert process.stdout == ""
    error = last_line(process.stderr)
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"{variable} must" in error


def test_production_settings_start_with_secure_defaults():
    process = start(**PRODUCTION)

    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["orgduties.example"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "ENGINE": "django.db.backends.sqlite3",
        "TIME_ZONE": "Asia/Shanghai",
        "LANGUAGE_CODE": "zh-hans",
    }


def test_a_refused_database_url_does_not_print_its_password():
    process = start(DATABASE_URL="mysql://orgduties:Tr0ub4dor-pw@db.internal/orgduties")

    assert process.returncode != 0
    assert "DATABASE_URL must" in last_line(process.stderr)
    assert "Tr0ub4dor-pw" not in process.stderr


# --- the helpers, directly ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_envbool_true(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "False", "no", "off", ""])
def test_envbool_false(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", True) is False


def test_envbool_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert envbool("FLAG", True) is True
    assert envbool("FLAG", False) is False


def test_envbool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"^FLAG must be one of .*got 'maybe'$"):
        envbool("FLAG", True)


def test_envint(monkeypatch):
    monkeypatch.delenv("SIZE", raising=False)
    assert envint("SIZE", 7) == 7
    monkeypatch.setenv("SIZE", " ")
    assert envint("SIZE", 7) == 7
    monkeypatch.setenv("SIZE", "2048")
    assert envint("SIZE", 7, minimum=1024) == 2048


@pytest.mark.parametrize(
    "raw, message",
    [
        ("5MB", "SIZE must be a whole number; got '5MB'"),
        ("1.5", "SIZE must be a whole number; got '1.5'"),
        ("10", "SIZE must be at least 1024; got 10"),
    ],
)
def test_envint_refuses(monkeypatch, raw, message):
    monkeypatch.setenv("SIZE", raw)
    with pytest.raises(ImproperlyConfigured) as exc:
        envint("SIZE", 7, minimum=1024)
    assert str(exc.value) == message


def test_envstr(monkeypatch):
    monkeypatch.delenv("NAME", raising=False)
    assert envstr("NAME") == ""
    assert envstr("NAME", "fallback") == "fallback"
    monkeypatch.setenv("NAME", "value")
    assert envstr("NAME", "fallback") == "value"


def test_envlist(monkeypatch):
    monkeypatch.delenv("HOSTS", raising=False)
    assert envlist("HOSTS", ["localhost"]) == ["localhost"]
    monkeypatch.setenv("HOSTS", " a.example , ,b.example,")
    assert envlist("HOSTS", ["localhost"]) == ["a.example", "b.example"]
    monkeypatch.setenv("HOSTS", "")
    assert envlist("HOSTS", ["localhost"]) == []


def test_envtimezone(monkeypatch):
    monkeypatch.delenv("TZ_NAME", raising=False)
    assert envtimezone("TZ_NAME", "Asia/Shanghai") == "Asia/Shanghai"
    monkeypatch.setenv("TZ_NAME", "Europe/Zurich")
    assert envtimezone("TZ_NAME", "Asia/Shanghai") == "Europe/Zurich"


@pytest.mark.parametrize("raw", ["Mars/Base", "", "../../etc/passwd", "asia/shanghai"])
def test_envtimezone_refuses(monkeypatch, raw):
    monkeypatch.setenv("TZ_NAME", raw)
    with pytest.raises(ImproperlyConfigured, match=r"^TZ_NAME must be an IANA time zone"):
        envtimezone("TZ_NAME", "Asia/Shanghai")


def test_envchoice(monkeypatch):
    monkeypatch.delenv("LANG_CODE", raising=False)
    assert envchoice("LANG_CODE", "en", ["zh-hans", "en"]) == "en"
    monkeypatch.setenv("LANG_CODE", "zh-hans")
    assert envchoice("LANG_CODE", "en", ["zh-hans", "en"]) == "zh-hans"
    monkeypatch.setenv("LANG_CODE", "fr")
    with pytest.raises(ImproperlyConfigured) as exc:
        envchoice("LANG_CODE", "en", ["zh-hans", "en"])
    assert str(exc.value) == "LANG_CODE must be one of zh-hans, en; got 'fr'"


def test_envdatabase_sqlite_waits_for_the_lock_instead_of_failing(monkeypatch):
    monkeypatch.setenv("DB", "sqlite:////tmp/orgduties.sqlite3")

    config = envdatabase("DB", "sqlite:///unused.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/orgduties.sqlite3"
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20


def test_envdatabase_postgres_keeps_connections(monkeypatch):
    monkeypatch.setenv("DB", "postgres://hr:pw@db.internal:5433/orgduties")

    config = envdatabase("DB", "sqlite:///unused.sqlite3")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "orgduties",
        "hr",
    )
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("raw", [None, ""])
def test_envdatabase_unset_or_empty_uses_the_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("DB", raising=False)
    else:
        monkeypatch.setenv("DB", raw)

    config = envdatabase("DB", "sqlite:////tmp/default.sqlite3")

    assert config["NAME"] == "/tmp/default.sqlite3"


@pytest.mark.parametrize(
    "raw, message",
    [
        ("mysql://x/y", r"^DB must point at SQLite or PostgreSQL; got 'mysql://x/y'"),
        ("nonsense", r"^DB must be a database URL such as .*; got 'nonsense'"),
    ],
)
def test_envdatabase_refuses(monkeypatch, raw, message):
    monkeypatch.setenv("DB", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        envdatabase("DB", "sqlite:///unused.sqlite3")
