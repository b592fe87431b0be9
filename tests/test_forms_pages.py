import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from browse.views.kpis import DUTIES_PER_PAGE, USED_BY
from kpis.models import Form
from positions.models import Duty, Position
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
    # Expect 7 queries: session, user, count, the page of forms, the first
    # positions using each with their duty counts, two permission look-ups.
    with django_assert_num_queries(7):
        hr_client.get("/forms/")


@pytest.mark.parametrize("size", [2, 20])
def test_form_page_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=2)
    assert Form.objects.get(code="F0").duties.count() == 2 * size
    # Expect 8 queries:
    # * session, user
    # * the form with its owning department
    # * the user's own and group permissions (for edit links)
    # * how many duties use it, a page of them with positions and departments
    # * their numbers among their positions' duties
    with django_assert_num_queries(8):
        hr_client.get("/forms/F0/")


def test_a_duty_keeps_its_own_number_on_the_form_page(client, employee, org):
    form = Form.objects.create(code="F-LATE", name="月报")
    second = org["sales_mgr"].duties.order_by("order")[1]
    second.forms.add(form)
    client.force_login(employee)
    page = soup(client.get("/forms/F-LATE/"))
    assert [li.get_text(" ", strip=True).split(" — ")[-1] for li in page.select("main ul li")] == [
        "2. 管理销售团队"
    ]


def test_a_form_used_everywhere_names_a_few_positions_and_pages_its_duties(client, employee):
    grow_org(departments=4, positions=5, duties=3)
    client.force_login(employee)
    form = Form.objects.create(code="F-ALL", name="通用表")
    form.duties.set(Duty.objects.all())
    page = soup(client.get("/forms/"))
    row = next(tr for tr in page.select("table.grid tbody tr") if "通用表" in tr.td.get_text())
    assert len(row.select("td:nth-of-type(3) a[href^='/positions/']")) == USED_BY
    assert texts(row, "td:nth-of-type(3) a.more") == ["and 15 more positions"]
    assert row.select_one("a.more")["href"] == "/forms/F-ALL/"
    first = soup(client.get("/forms/F-ALL/"))
    assert len(first.select("main ul li")) == DUTIES_PER_PAGE
    assert texts(first, "main h2 .badge") == ["60"]
    last = soup(client.get("/forms/F-ALL/?page=2"))
    assert len(last.select("main ul li")) == 60 - DUTIES_PER_PAGE
    assert texts(last, ".pager span") == ["page 2 of 2"]


def test_catalogue_links_lead_to_the_form_its_owner_and_its_positions(client, employee, org):
    # Codes with characters a URL must quote: the links are those reverse() makes.
    unit = org["sales"]
    position = Position.objects.create(code="销售 专员#1", title="销售专员", department=unit)
    duties = [Duty.objects.create(position=position, text=f"职责{i}") for i in range(3)]
    form = Form.objects.create(code="F 报价?", name="报价单", department=unit)
    form.duties.set(duties)
    client.force_login(employee)
    page = soup(client.get("/forms/"))
    row = next(tr for tr in page.select("table.grid tbody tr") if "报价单" in tr.td.get_text())
    cells = row.select("td")
    assert cells[0].a["href"] == reverse("kpis:form-detail", args=[form.code])
    assert cells[1].a["href"] == reverse("departments:detail", args=[unit.code])
    assert cells[2].a["href"] == reverse("positions:detail", args=[position.code])
    assert cells[2].get_text(" ", strip=True) == "销售专员 (3 duties)"
    assert client.get(cells[2].a["href"]).status_code == 200
    assert client.get(cells[0].a["href"]).status_code == 200
