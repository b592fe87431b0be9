"""Single sign-on through a real OIDC provider started locally (tests/oidc_server.py).

The Django test client plays our site; the provider's own pages (its login and
consent forms) are filled in over HTTP as a browser would, and its token,
user-info and key endpoints are called by mozilla-django-oidc for real.
"""

from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.urls import reverse

from core.roles import APPROVERS, EMPLOYEES, HR_EDITORS
from positions.models import Employee
from tests.oidc_server import OidcProvider
from tests.pages import soup

CALLBACK = "http://testserver/oidc/callback/"
ACCOUNTS = {
    "u-1001": {
        "preferred_username": "zhang.wei",
        "email": "zhang.wei@example.com",
        "email_verified": True,
        "given_name": "伟",
        "family_name": "张",
        "name": "张伟",
        "groups": ["orgduties-hr", "all-staff"],
        "employee_number": "E1001",
    },
    "u-1002": {
        "preferred_username": "li.na",
        "email": "li.na@example.com",
        "groups": ["all-staff"],
    },
}


@pytest.fixture(scope="module")
def provider():
    server = OidcProvider(CALLBACK, ACCOUNTS).start()
    yield server
    server.stop()


@pytest.fixture
def sso(provider, use_oidc):
    use_oidc(
        provider.env(
            OIDC_ROLE_HR_EDITORS="orgduties-hr",
            OIDC_ROLE_APPROVERS="orgduties-approvers",
            OIDC_ROLE_EMPLOYEES="all-staff",
        )
    )
    return provider


def _sign_in_at_provider(url, login):
    """Go through the provider's login and consent pages; the URL it sends back to us."""
    session = requests.Session()
    method, data = "get", None
    for _ in range(12):
        response = getattr(session, method)(url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = requests.compat.urljoin(url, response.headers["Location"])
            if url.startswith(CALLBACK):
                return url
            method, data = "get", None
            continue
        assert response.status_code == 200, response.text[:500]
        form = BeautifulSoup(response.text, "html.parser").find("form")
        data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
        if "login" in data:
            data.update(login=login, password="any")
        url, method = requests.compat.urljoin(url, form["action"]), "post"
    raise AssertionError("the provider never sent the browser back")


def _sso_login(client, login, provider):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start.url.startswith(provider.issuer + "/")
    back = urlsplit(_sign_in_at_provider(start.url, login))
    return client.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_single_sign_on_without_leaving_the_site(client, sso):
    page = soup(client.get(reverse("login")))

    link = page.select_one(".login-sso a")
    assert link["href"] == reverse("oidc_authentication_init")
    # Nothing on the page is fetched from elsewhere (an offline intranet).
    for tag in page.select("[src], link[href]"):
        assert not urlsplit(tag.get("src") or tag["href"]).netloc


def test_sign_on_creates_the_user_with_roles_from_the_groups_claim(client, sso):
    Employee.objects.create(employee_no="E1001", name="张伟")

    response = _sso_login(client, "u-1001", sso)

    assert response.status_code == 302 and response.url == reverse("chart")
    user = User.objects.get(username="zhang.wei")
    assert (user.email, user.first_name, user.last_name) == ("zhang.wei@example.com", "伟", "张")
    assert set(user.groups.values_list("name", flat=True)) == {HR_EDITORS, EMPLOYEES}
    assert user.is_staff and not user.has_usable_password()
    assert user.employee.employee_no == "E1001"
    assert client.get(reverse("chart")).status_code == 200


def test_the_next_sign_on_updates_the_roles(client, sso, db):
    user = User.objects.create_user("li.na", email="li.na@example.com")
    user.groups.add(Group.objects.get(name=APPROVERS))
    Employee.objects.create(employee_no="X-7", name="李娜", email="LI.NA@example.com")

    response = _sso_login(client, "u-1002", sso)

    assert response.status_code == 302
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {EMPLOYEES}
    assert not user.is_staff
    assert user.employee.employee_no == "X-7"  # found by e-mail


def test_without_configuration_there_is_no_single_sign_on(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert soup(client.get(reverse("login"))).select_one(".login-sso") is None
