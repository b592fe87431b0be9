"""Simplified Chinese by default, Traditional Chinese and English beside it; content as entered."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from kpis.models import Form
from tests.pages import soup, texts

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
    "/accounts/login/",
    "/admin/",
    "/admin/positions/position/",
]


@pytest.fixture
def browsing(org, hr):
    Form.objects.create(code="F1", name="订单评审表")
    return org


def _client(hr, **headers):
    client = Client(**headers)
    client.force_login(hr)
    return client


def test_simplified_chinese_is_the_default(hr, browsing):
    assert settings.LANGUAGE_CODE == "zh-hans"
    page = soup(_client(hr).get("/chart/"))  # no Accept-Language at all
    assert page.html["lang"] == "zh-hans"
    assert page.select_one("nav.main-nav a").get_text() == "组织架构图"


# A piece of interface text each page shows (most pages: the search button).
MARKERS = {
    "/positions/SALES-MGR/print/": "Job description",
    "/accounts/login/": "Log in",
    "/admin/": "OrgDuties administration",
    "/admin/positions/position/": "OrgDuties administration",
}


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_page_in_every_language(hr, browsing, language, url):
    client = Client() if url == "/accounts/login/" else _client(hr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = soup(client.get(url))
    assert page.html["lang"] == language
    with translation.override(language):
        expected = translation.gettext(MARKERS.get(url, "Search"))
    assert expected in page.get_text()
    if url.startswith("/departments/"):
        # Content is shown exactly as it was entered, whatever the language.
        assert texts(page, "h1")[0].startswith("销售部")


def test_admin_column_headers_say_what_the_column_holds_in_chinese(hr, browsing):
    """A department's name column was headed 岗位名称 (a position's title): one msgid, two meanings."""
    client = _client(hr, HTTP_ACCEPT_LANGUAGE="zh-hans")
    headers = texts(soup(client.get("/admin/departments/department/")), "thead th")
    assert "名称" in headers
    assert "岗位名称" not in headers
    headers = texts(soup(client.get("/admin/positions/position/")), "thead th")
    assert "岗位名称" in headers
    # A person's name is 姓名; 名称 names a department or a form.
    assert "姓名:" in texts(soup(client.get("/admin/positions/employee/add/")), "label")


def test_the_language_menu_switches_and_remembers(hr, browsing):
    client = _client(hr)
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/kpis/"})
    assert response.status_code == 302 and response.url == "/kpis/"
    page = soup(client.get("/kpis/"))
    assert page.html["lang"] == "zh-hant"
    assert page.h1.get_text() == "考核指標"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_translations_are_complete(language, tmp_path):
    """Every interface string has a translation, and the compiled catalogue is current."""
    import shutil
    import subprocess
    from pathlib import Path

    po = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "--statistics", "--check-format", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "untranslated" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    # The committed .mo is the compiled .po (run `manage.py compilemessages`).
    assert po.with_suffix(".mo").read_bytes() == compiled.read_bytes()
