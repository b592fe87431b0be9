import pytest
from django.core.files.base import ContentFile

from kpis.models import Form
from tests.factories import grow_org
from tests.pages import soup, texts


@pytest.fixture
def order_form(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = Form.objects.create(code="F-ORDER", name="订单评审表", department=org["sales"])
    form.template.save("order-review.docx", ContentFile(b"PK fake docx"), save=True)
    for duty in org["sales_mgr"].duties.all()[:2]:
        duty.forms.add(form)
    return form


def test_catalogue_lists_forms_with_the_positions_that_use_them(client, employee, order_form):
    client.force_login(employee)
    page = soup(client.get("/forms/"))
    row = page.select_one("table.grid tbody tr")
    assert row.td.a.get_text() == "《订单评审表》"
    assert texts(row, "td:nth-of-type(3) a") == ["销售部经理"]
    assert "2" in row.select("td")[2].get_text()  # used by two duties
    assert row.select_one("td:nth-of-type(4) a")["href"] == "/forms/F-ORDER/template/"


def test_form_page_lists_numbered_duties_and_downloads_the_template(client, employee, order_form):
    client.force_login(employee)
    page = soup(client.get("/forms/F-ORDER/"))
    assert [li.get_text(" ", strip=True).split(" — ")[-1] for li in page.select("main ul li")] == [
        "1. 制定销售计划",
        "2. 管理销售团队",
    ]
    download = client.get("/forms/F-ORDER/template/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK fake docx"
    assert "attachment" in download["Content-Disposition"]


def test_form_without_template_has_no_download(client, employee, org):
    Form.objects.create(code="F-X", name="无模板")
    client.force_login(employee)
    assert client.get("/forms/F-X/template/").status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_catalogue_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=size, positions=2, duties=2)
    # Expect 7 queries: session, user, count, the page of forms, their duties
    # with positions, two permission look-ups.
    with django_assert_num_queries(7):
        hr_client.get("/forms/")


@pytest.mark.parametrize("size", [2, 20])
def test_form_page_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=2)
    assert Form.objects.get(code="F0").duties.count() == 2 * size
    # Expect 6 queries:
    # * session, user
    # * the form with its owning department
    # * the user's own and group permissions (for edit links)
    # * the duties that use it, numbered, with positions and departments
    with django_assert_num_queries(6):
        hr_client.get("/forms/F0/")
