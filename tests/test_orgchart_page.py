"""The drawn chart's page: what the server sends, without a browser."""

import pytest

from departments.models import Department
from tests.pages import soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def deep(org):
    team = Department.objects.create(code="TEAM", name="华东组", parent=org["sales"])
    Department.objects.create(code="SUB", name="上海小组", parent=team)
    return org


@pytest.mark.parametrize(
    "query, found",
    [("kind=units&q=销售部", "SALES"), ("kind=positions&q=销售代表", "SALES-REP")],
)
def test_a_search_that_finds_something_says_what(hr_client, org, query, found):
    # A unit has no title: the message once took it as a filter argument and raised (500).
    response = hr_client.get(f"/chart/?{query}")
    assert response.status_code == 200
    message = soup(response).select_one(".chart-found")
    assert message["data-found"] == found
    assert f"({found})" in message.get_text()
    fragment = hr_client.get(f"/chart/?{query}", HTTP_X_REQUESTED_WITH="fetch")
    assert fragment.status_code == 200


def test_the_breadcrumb_ends_with_the_focus_by_name(hr_client, deep):
    page = soup(hr_client.get("/chart/?focus=TEAM&depth=1"))
    crumbs = [li.get_text(strip=True) for li in page.select(".chart-path li")]
    assert crumbs[1:] == ["示例公司", "销售部", "华东组"]
    page = soup(hr_client.get("/chart/?root=SUB"))
    assert page.select(".chart-path li")[-1].get_text(strip=True) == "上海小组"
