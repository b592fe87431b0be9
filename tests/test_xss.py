"""XSS sweep: script and markup typed into any text field come out as text, everywhere.

Every text field of the organisation (department names, aliases and
descriptions, functions, position titles and descriptions, duties, process
steps, KPI text, metric and unit, form names, dotted-line labels, employee
names) holds the payloads; every page, every admin page of every model and
the exports are read back. A page passes when the payload is shown (escaped)
and nothing of it became markup: no inline script, no event-handler
attribute, no injected <img>. Exports keep it as plain cell text and never
as a formula.
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position
from workbook.exporter import collect, write_xlsx

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"甲{SCRIPT}{IMG}'乙"
FORMULA = '=HYPERLINK("http://evil.example/","点击")'


def hostile(label):
    return f"{label}{PAYLOAD}"


@pytest.fixture
def hostile_org(org, employee, hr):
    hr.first_name = hostile("HR")
    hr.save()
    sales = org["sales"]
    Department.objects.filter(pk=sales.pk).update(
        name=hostile("销售部"), aliases=hostile("别名"), description=hostile("说明")
    )
    DepartmentFunction.objects.filter(department=sales).update(
        text=hostile("职能"), section=hostile("一、")
    )
    mgr = org["sales_mgr"]
    Position.objects.filter(pk=mgr.pk).update(
        title=hostile("经理"), summary=hostile("概述"), requirements=hostile("要求")
    )
    duty = mgr.duties.order_by("order").first()
    Duty.objects.filter(pk=duty.pk).update(
        text=hostile("职责"), process_steps=hostile("步骤") + "\n" + FORMULA, section=hostile("节")
    )
    Duty.objects.create(position=mgr, kind=Duty.Kind.AUTHORITY, text=hostile("权限"), order=1)
    form = Form.objects.create(
        code="F1", name=hostile("表单"), description=hostile("表单说明"), department=sales
    )
    duty.forms.add(form)
    Kpi.objects.create(
        duty=duty,
        text=hostile("指标"),
        metric=hostile("度量"),
        unit="<b>%</b>",
        period=Kpi.Period.MONTHLY,
        deadline_day=25,
    )
    Kpi.objects.create(position=mgr, text=FORMULA)
    DottedLine.objects.create(from_position=mgr, to_position=org["hr_mgr"], label=hostile("指导"))
    person = Employee.objects.create(employee_no="E001", name=hostile("张三"), user=employee)
    Assignment.objects.create(employee=person, position=mgr)
    return {**org, "duty": duty, "form": form, "person": person}


def assert_escaped(body, url, must_show=True):
    assert SCRIPT not in body, url
    assert "<img src=x" not in body and '<img src="x"' not in body, url
    page = BeautifulSoup(body, "html.parser")
    for script in page.find_all("script"):
        assert "alert(1)" not in (script.string or ""), url
    for tag in page.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), (url, str(tag)[:200])
    for img in page.find_all("img"):
        assert img.get("src") != "x", url
    if must_show:
        assert "alert(1)" in page.get_text(), f"{url} does not show the payload at all"


SITE_PAGES = [
    "/chart/",
    "/chart/positions/",
    "/chart/subtree/ACME/",
    "/departments/SALES/",
    "/positions/SALES-MGR/",
    "/positions/SALES-MGR/print/",
    "/positions/SALES-REP/",
    "/forms/",
    "/forms/F1/",
    "/kpis/",
    "/kpis/?period=monthly",
    "/search/?q=alert",
    "/search/?q=职责",
]


@pytest.mark.parametrize("url", SITE_PAGES)
def test_site_pages_escape_every_field(client, employee, hostile_org, url):
    client.force_login(employee)
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response.content.decode(), url)


def test_my_position_escapes_every_field(client, employee, hostile_org):
    client.force_login(employee)
    assert_escaped(client.get("/me/").content.decode(), "/me/")


@pytest.mark.parametrize("query", [SCRIPT, IMG, PAYLOAD])
def test_search_queries_are_escaped(client, employee, hostile_org, query):
    client.force_login(employee)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert_escaped(body, "search", must_show=False)
    # The query is shown back in the search box, as a value, not as markup.
    box = BeautifulSoup(body, "html.parser").select_one("input[name=q]")
    assert box["value"] == query[:100]


def _admin_pages(objects):
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_changelist".format(*info)) + "?q=alert"
        obj = objects.get(model)
        if obj is None:
            continue
        for view in ("change", "history", "delete"):
            yield reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk])
        record = getattr(obj, "history", None)
        if record is not None and hasattr(model_admin, "history_form_view"):
            version = obj.history.order_by("history_id").last()
            if version is not None:
                yield reverse(
                    f"admin:{info[0]}_{info[1]}_simple_history", args=[obj.pk, version.history_id]
                )


def test_admin_pages_escape_every_field(client, hostile_org):
    from django.contrib.auth.models import User

    # A superuser sees every admin page, login accounts included.
    client.force_login(User.objects.create_superuser("root", password="root-pass-123"))

    objects = {
        Department: Department.objects.get(code="SALES"),
        DepartmentFunction: DepartmentFunction.objects.get(department__code="SALES"),
        Position: Position.objects.get(code="SALES-MGR"),
        Duty: hostile_org["duty"],
        Kpi: Kpi.objects.filter(duty__isnull=False).first(),
        Form: hostile_org["form"],
        Employee: hostile_org["person"],
        User: User.objects.get(username="hr"),
    }
    # History pages show the stored versions: make one that holds the payload.
    for obj in objects.values():
        obj.refresh_from_db()
        obj.save()
    checked, showing = 0, set()
    for url in [reverse("admin:index"), *_admin_pages(objects)]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert_escaped(body, url, must_show=False)
        checked += 1
        if "alert(1)" in BeautifulSoup(body, "html.parser").get_text() or "alert(1)" in body:
            showing.add(url)
    assert checked > 40
    # Every change form shows its payloads (as escaped field values).
    for model, obj in objects.items():
        info = (model._meta.app_label, model._meta.model_name)
        assert reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]) in showing, model


def test_autocomplete_answers_are_json_not_markup(hr_client, hostile_org):
    response = hr_client.get(
        "/admin/autocomplete/",
        {"term": "经理", "app_label": "positions", "model_name": "duty", "field_name": "position"},
    )
    assert response["Content-Type"] == "application/json"
    titles = [r["text"] for r in response.json()["results"]]
    assert hostile("经理") in titles  # data, escaped by the widget when shown


def _cells(data):
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_the_workbook_export_keeps_payloads_as_text_and_never_as_formulas(hr_client, hostile_org):
    from tests.jobs_helpers import download, finished

    page = finished(hr_client, hr_client.post("/admin/workbook/export/"))
    values = []
    for cell in _cells(download(hr_client, page.content)):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            values.append(cell.value)
            assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    assert hostile("销售部") in values  # HTML is just text in a cell
    assert hostile("指标") in values
    assert "'" + FORMULA in values  # the KPI that looks like a formula
    joined = "\n".join(values)
    assert f"{hostile('步骤')}\n{FORMULA}" in joined  # a formula on a later line is text


def test_the_export_round_trips_the_payloads(hostile_org):
    """What the exporter writes, the importer reads back to the same text."""
    from workbook.sheets import read_upload

    book = read_upload(write_xlsx(collect()), "org.xlsx")
    assert hostile("销售部") in [row.get("name") for row in book.rows("departments")]
    assert FORMULA in [row.get("text") for row in book.rows("kpis")]


def test_import_preview_escapes_workbook_contents(hr_client, hostile_org):
    """A workbook holding markup is previewed as text (here: renamed back to the payload)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = write_xlsx(collect())
    Department.objects.filter(code="SALES").update(name="销售部")
    Position.objects.filter(code="SALES-MGR").update(title="经理")
    from tests.jobs_helpers import finished

    response = finished(
        hr_client,
        hr_client.post(
            "/admin/workbook/import/", {"workbook": SimpleUploadedFile("org.xlsx", data)}
        ),
    )
    assert response.status_code == 200
    assert "import-preview" in response.content.decode()
    assert_escaped(response.content.decode(), "import preview")
