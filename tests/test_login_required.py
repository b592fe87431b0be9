import pytest
from django.urls import reverse

from tests.pages import soup

PAGES = [
    "/",
    "/chart/",
    "/chart/positions/",
    "/chart/subtree/SALES/",
    "/departments/SALES/",
    "/positions/SALES-MGR/",
    "/positions/SALES-MGR/print/",
    "/me/",
    "/forms/",
    "/forms/F1/",
    "/forms/F1/template/",
    "/kpis/",
    "/search/?q=销售",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, org, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_login_page_is_styled_like_the_site_and_offers_languages(client, db):
    page = soup(client.get(reverse("login")))
    assert page.select_one("link[rel=stylesheet]")["href"].endswith("css/site.css")
    # An icon of its own: browsers otherwise ask for /favicon.ico, a 404 on every first visit.
    assert page.select_one("link[rel=icon]")["href"].endswith("img/favicon.svg")
    assert {o["value"] for o in page.select("select[name=language] option")} == {
        "zh-hans",
        "zh-hant",
        "en",
    }
    # Not logged in: no navigation to pages that would bounce back here.
    assert page.select("nav.main-nav") == []


def test_after_login_the_org_chart_is_the_home_page(client, employee):
    response = client.post(reverse("login"), {"username": "emp", "password": "emp-pass-123"})
    assert response.status_code == 302
    assert response.url == reverse("chart")


def test_wrong_password_says_so_without_a_traceback(client, employee):
    response = client.post(reverse("login"), {"username": "emp", "password": "nope"})
    page = soup(response)
    assert page.select_one(".errorlist[role=alert]") is not None
