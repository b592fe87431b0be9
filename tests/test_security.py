"""Production serving: check --deploy, Content-Security-Policy, login throttling, sessions."""

import base64
import hashlib
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import django
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kpis.models import Form

BASE_DIR = Path(__file__).resolve().parent.parent

# The production variables exactly as the README's "Production" section lists them.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x7Qp9Lm2" * 7,
    "ALLOWED_HOSTS": "orgduties.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://orgduties.example.com",
    "BEHIND_PROXY": "1",
    "DATABASE_URL": "postgres://orgduties:secret@db.example.com:5432/orgduties",
    "STATIC_ROOT": "/srv/orgduties/static",
    "MEDIA_ROOT": "/srv/orgduties/media",
}


def test_check_deploy_reports_nothing_with_the_documented_production_variables():
    process = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert "System check identified no issues" in process.stdout, process.stdout
    assert "WARNINGS" not in process.stdout + process.stderr


def test_readme_documents_those_production_variables():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    production = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    for name in PRODUCTION_ENV:
        assert f"{name}=" in production, name
    assert "make serve" in production


# --- Content-Security-Policy --------------------------------------------------------------

PAGES = [
    "/chart/",
    "/chart/positions/",
    "/departments/SALES/",
    "/positions/SALES-MGR/",
    "/positions/SALES-MGR/print/",
    "/me/",
    "/forms/",
    "/forms/F1/",
    "/kpis/",
    "/search/?q=销售",
    "/admin/",
    "/admin/departments/department/",
    "/admin/departments/department/{sales}/change/",
    "/admin/departments/department/{sales}/history/",
    "/admin/positions/position/",
    "/admin/positions/position/?department__id__inhierarchy={sales}",
    "/admin/positions/position/{mgr}/change/",
    "/admin/positions/position/add/",
    "/admin/positions/duty/",
    "/admin/kpis/kpi/",
    "/admin/workbook/import/",
]


@pytest.fixture
def pages(org):
    Form.objects.create(code="F1", name="订单评审表")
    return [url.format(sales=org["sales"].pk, mgr=org["sales_mgr"].pk) for url in PAGES]


def _policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_sends_a_policy_without_unsafe_inline(hr_client, pages):
    for url in pages:
        response = hr_client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        for directive in ("default-src", "script-src", "style-src"):
            assert "'self'" in policy[directive], (url, directive)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]


def _inline_code(html):
    """Inline scripts, inline style blocks, style and event-handler attributes in a page."""
    page = BeautifulSoup(html, "html.parser")
    found = [str(tag)[:120] for tag in page.find_all("script") if not tag.get("src")]
    found += [tag.string for tag in page.find_all("style")]
    for tag in page.find_all(True):
        for attribute in tag.attrs:
            if attribute == "style" or attribute.startswith("on"):
                found.append(f"<{tag.name} {attribute}=…>")
    return found


def test_pages_have_no_inline_code_the_policy_would_block(hr_client, pages):
    allowed = {_admin_change_list_style()}
    for url in pages:
        blocked = [code for code in _inline_code(hr_client.get(url).content) if code not in allowed]
        assert blocked == [], url


def _admin_change_list_style():
    template = Path(django.__file__).parent / "contrib/admin/templates/admin/change_list.html"
    return re.search(r"<style>(.*?)</style>", template.read_text(), re.S).group(1)


def test_the_hashed_style_is_django_admins_change_list_style():
    digest = hashlib.sha256(_admin_change_list_style().encode()).digest()
    expected = f"'sha256-{base64.b64encode(digest).decode()}'"
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'", expected]


def test_hsts_is_sent_over_https(client, employee, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client.force_login(employee)
    secure = client.get("/chart/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/chart/")


# --- login throttling (django-axes) -------------------------------------------------------


def _fail(client, url, username, times):
    return [
        client.post(url, {"username": username, "password": "wrong-password"}) for _ in range(times)
    ]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failures_lock_the_login_with_a_clear_message(client, hr, url):
    limit = settings.AXES_FAILURE_LIMIT
    before = _fail(client, url, "hr", limit - 1)
    assert [r.status_code for r in before] == [200] * (limit - 1)  # the form, with its error

    locked = _fail(client, url, "hr", 1)[0]
    assert locked.status_code == 429
    page = BeautifulSoup(locked.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Too many failed logins"
    message = page.select_one("[role=alert]").get_text(" ", strip=True)
    assert f"locked after {limit} failed logins" in message
    assert f"Try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in message

    # The right password does not help while locked, on either login page.
    for login_url in ("/accounts/login/", "/admin/login/"):
        right = client.post(login_url, {"username": "hr", "password": "hr-pass-123"})
        assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(client, hr, settings):
    _fail(client, "/accounts/login/", "hr", settings.AXES_FAILURE_LIMIT)
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = client.post("/accounts/login/", {"username": "hr", "password": "hr-pass-123"})
    assert response.status_code == 302


def test_a_success_resets_the_count(client, hr):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, "/accounts/login/", "hr", limit - 1)
    ok = client.post("/accounts/login/", {"username": "hr", "password": "hr-pass-123"})
    assert ok.status_code == 302
    client.post(reverse("logout"))
    assert [r.status_code for r in _fail(client, "/accounts/login/", "hr", limit - 1)] == [200] * (
        limit - 1
    )


def test_one_users_lockout_does_not_lock_another(client, hr, employee):
    _fail(client, "/accounts/login/", "hr", settings.AXES_FAILURE_LIMIT)
    response = client.post("/accounts/login/", {"username": "emp", "password": "emp-pass-123"})
    assert response.status_code == 302


# --- sessions ----------------------------------------------------------------------------


def test_sessions_expire_after_session_cookie_age(client, employee):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    response = client.post("/accounts/login/", {"username": "emp", "password": "emp-pass-123"})
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert client.get("/chart/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = client.get("/chart/")
    assert expired.status_code == 302
    assert expired.url.startswith(reverse("login"))
