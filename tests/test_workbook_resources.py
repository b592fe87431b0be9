"""One sheet at a time in the admin (django-import-export, workbook/resources.py).

HR editors export a model's list as a workbook sheet, fix it and import it on
the same page: rows are matched by code (or by id where a row has no code),
unknown codes are messages on the row, nothing is written while a row is
wrong, formula-like text survives the round trip, and the number of queries
does not grow with the number of rows. Employees reach none of it.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Employee, Position
from workbook import resources
from workbook.sheets import COLUMNS

ADMINS = {
    Department: resources.DepartmentResource,
    DepartmentFunction: resources.FunctionResource,
    Position: resources.PositionResource,
    Duty: resources.DutyResource,
    Kpi: resources.KpiResource,
    Form: resources.FormResource,
    Employee: resources.EmployeeResource,
}
IMPORTED = [m for m in ADMINS if m is not Department]


def _url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def _csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def export(client, model, query=""):
    """The model's list as CSV rows (header first), through the admin's export view."""
    resource = ADMINS[model]
    data = {"format": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    response = client.post(_url(model, "export") + query, data)
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def preview(client, model, rows):
    upload = SimpleUploadedFile("sheet.csv", _csv(rows), content_type="text/csv")
    return client.post(_url(model, "import"), {"format": "0", "import_file": upload})


def confirm(client, model, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(_url(model, "process_import"), data)


@pytest.fixture
def sheet_org(org):
    form = Form.objects.create(code="F1", name="订单评审表", department=org["sales"])
    duty = org["sales_mgr"].duties.order_by("order").first()
    duty.forms.add(form)
    Kpi.objects.create(duty=duty, text="销售计划按时完成", period="yearly", deadline_day=20)
    Kpi.objects.create(position=org["sales_rep"], text="回款率≥95%", comparison="ge", target=95)
    Employee.objects.create(employee_no="E001", name="张三")
    return org


# -- who may ----------------------------------------------------------------


def test_employees_reach_no_import_or_export(client, employee, staff_employee, sheet_org):
    urls = [_url(m, "export") for m in ADMINS]
    urls += [_url(m, v) for m in IMPORTED for v in ("import", "process_import")]
    client.force_login(staff_employee)
    for url in urls:
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, {"format": "0"}).status_code == 403, url
    client.force_login(employee)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    # Departments are exported only: their tree is imported through the workbook.
    with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch
        _url(Department, "import")


def test_hr_lists_show_the_buttons_and_change_forms_still_load(hr_client, sheet_org):
    for model in ADMINS:
        page = hr_client.get(_url(model, "changelist"))
        assert page.status_code == 200
        html = page.content.decode()
        assert _url(model, "export") in html
        if model is not Department:
            assert _url(model, "import") in html
        obj = model.objects.order_by("pk").first()
        change = hr_client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        )
        assert change.status_code == 200, model


# -- round trip --------------------------------------------------------------


@pytest.mark.parametrize("model", list(ADMINS), ids=lambda m: m.__name__)
def test_export_has_the_sheet_columns_and_reimports_unchanged(hr_client, sheet_org, model):
    rows = export(hr_client, model)
    sheet = ADMINS[model].sheet
    expected = list(COLUMNS[sheet])
    if model is Employee:  # positions held are the workbook's employees sheet
        expected = ["employee_no", "name", "username"]
    assert [c for c in rows[0] if c != "id"] == expected
    assert len(rows) == model.objects.count() + 1
    if model is Department:
        return
    before = model.objects.count()
    response = preview(hr_client, model, rows)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == len(rows) - 1, result.totals
    confirm(hr_client, model, response)
    assert model.objects.count() == before


def test_hr_fixes_a_title_and_a_duty_and_history_records_it(hr_client, hr, sheet_org):
    rows = export(hr_client, Position)
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("code")] == "SALES-REP":
            row[header.index("title")] = "销售专员"
    response = preview(hr_client, Position, rows)
    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert Position.objects.get(code="SALES-REP").title == "销售代表"  # a preview only
    assert b"process_import" in response.content  # the confirm step
    done = confirm(hr_client, Position, response)
    assert done.status_code == 302
    rep = Position.objects.get(code="SALES-REP")
    assert rep.title == "销售专员"
    assert Position.objects.count() == 4
    latest = rep.history.order_by("-history_id").first()
    assert latest.title == "销售专员" and latest.history_user == hr

    duties = export(hr_client, Duty)
    header = duties[0]
    duty = Duty.objects.filter(position__code="SALES-MGR").order_by("order").last()
    for row in duties[1:]:
        if row[header.index("id")] == str(duty.pk):
            row[header.index("text")] = "审核并签署销售合同"
    confirm(hr_client, Duty, preview(hr_client, Duty, duties))
    duty.refresh_from_db()
    assert duty.text == "审核并签署销售合同"
    assert duty.history.order_by("-history_id").first().history_user == hr
    assert Duty.objects.count() == 3
    assert list(duty.position.duties.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
    ]


def test_new_rows_without_id_are_added_after_the_last(hr_client, sheet_org):
    rows = [["id", "position_code", "kind", "section", "text", "forms", "function"]]
    rows.append(["", "SALES-MGR", "职责", "", "培训新销售人员", "订单评审表", "1"])
    confirm(hr_client, Duty, preview(hr_client, Duty, rows))
    duty = Duty.objects.get(text="培训新销售人员")
    assert duty.order == 4 and duty.kind == "duty"
    assert [f.code for f in duty.forms.all()] == ["F1"]
    assert duty.function.text == "负责产品销售"


def test_formula_like_text_is_escaped_and_comes_back(hr_client, sheet_org):
    duty = Duty.objects.filter(position__code="SALES-MGR").order_by("order").first()
    texts = ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\ry"]
    Duty.objects.bulk_create(
        Duty(position=duty.position, text=t, order=10 + i) for i, t in enumerate(texts)
    )
    rows = export(hr_client, Duty)
    exported = {row[rows[0].index("text")] for row in rows[1:]}
    assert {"'" + t for t in texts} <= exported
    response = preview(hr_client, Duty, rows)
    assert response.context["result"].totals["skip"] == len(rows) - 1
    confirm(hr_client, Duty, response)
    assert set(texts) <= set(Duty.objects.values_list("text", flat=True))


# -- bad rows ---------------------------------------------------------------


def test_unknown_codes_are_messages_and_nothing_is_written(hr_client, sheet_org):
    rows = export(hr_client, Position)
    header = rows[0]
    rows[1][header.index("title")] = "改过的名称"
    bad = list(rows[2])
    bad[header.index("code")] = "NEW-1"
    bad[header.index("department_code")] = "NOWHERE"
    bad[header.index("reports_to_code")] = "NOBODY"
    rows.append(bad)
    response = preview(hr_client, Position, rows)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No department with code “NOWHERE”." in html
    assert "No position with code “NOBODY”." in html
    assert "Traceback" not in html
    assert response.context.get("confirm_form") is None
    assert not Position.objects.filter(title="改过的名称").exists()
    assert not Position.objects.filter(code="NEW-1").exists()


@pytest.mark.parametrize(
    "model, row, message",
    [
        (Duty, ["", "SALES-MGR", "duty", "", "x", "", "无此表单", ""], "No form with code or name"),
        (Duty, ["", "SALES-MGR", "duty", "", "x", "", "", "9"], "no function number 9"),
        (Duty, ["", "SALES-MGR", "boss", "", "x", "", "", ""], "Unknown kind"),
        (Duty, ["99999", "SALES-MGR", "duty", "", "x", "", "", ""], "No row with id 99999"),
        (Duty, ["", "NOBODY", "duty", "", "x", "", "", ""], "No position with code"),
        (Kpi, ["", "SALES-MGR", "7", "x", "", "", "", "", "", ""], "has no duty number 7"),
        (Kpi, ["", "SALES-MGR", "", "x", "", "~", "", "", "", ""], "Use one of"),
        (Kpi, ["", "SALES-MGR", "", "x", "", "", "abc", "", "", ""], "Expected a number"),
        (Kpi, ["", "SALES-MGR", "", "x", "", "", "NaN", "", "", ""], "Expected a number"),
        (Kpi, ["", "SALES-MGR", "", "x", "", "", "1e30", "", "", ""], "at most 10 digits"),
        (Kpi, ["", "SALES-MGR", "", "x", "", "", "", "", "", "13-40"], "MM-DD"),
        (Kpi, ["", "", "", "x", "", "", "", "", "", ""], "Give the code of the position"),
        (Form, ["F2", "报价单", "", "NOWHERE"], "No department with code"),
        (Employee, ["E9", "李四", "nobody"], "No login account with user name"),
        (DepartmentFunction, ["", "NOWHERE", "", "x"], "No department with code"),
    ],
)
def test_bad_cells_get_a_clear_message(hr_client, sheet_org, model, row, message):
    header = export(hr_client, model)[0]
    counts = {m: m.objects.count() for m in IMPORTED}
    response = preview(hr_client, model, [header, row])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert {m: m.objects.count() for m in IMPORTED} == counts


def test_chinese_headers_are_accepted(hr_client, sheet_org):
    rows = [["岗位编码", "岗位名称", "部门编码"], ["SALES-REP", "销售专员", "SALES"]]
    confirm(hr_client, Position, preview(hr_client, Position, rows))
    assert Position.objects.get(code="SALES-REP").title == "销售专员"


# -- queries ------------------------------------------------------------------


def _grow(org, size, prefix):
    """``size`` more of every row in SALES: positions with two duties (a KPI and a form
    each), functions, employees and sub-units."""
    sales = org["sales"]
    function = DepartmentFunction.objects.get(department=sales, order=1)
    positions = Position.objects.bulk_create(
        Position(
            code=f"{prefix}{n}", title=f"岗位{n}", department=sales, reports_to=org["sales_mgr"]
        )
        for n in range(size)
    )
    forms = Form.objects.bulk_create(
        Form(code=f"F{prefix}{n}", name=f"表{prefix}{n}", department=sales) for n in range(size)
    )
    duties = Duty.objects.bulk_create(
        Duty(position=p, text=f"职责{p.code}-{k}", order=k, function=function)
        for p in positions
        for k in (1, 2)
    )
    Duty.forms.through.objects.bulk_create(
        Duty.forms.through(duty_id=d.pk, form_id=forms[i // 2].pk) for i, d in enumerate(duties)
    )
    Kpi.objects.bulk_create(
        Kpi(duty=d, text=f"指标{d.pk}", comparison="ge", target=90, unit="%") for d in duties
    )
    DepartmentFunction.objects.bulk_create(
        DepartmentFunction(department=sales, section="二", text=f"职能{prefix}{n}", order=n + 2)
        for n in range(size)
    )
    Employee.objects.bulk_create(
        Employee(employee_no=f"{prefix}{n}", name=f"员工{n}") for n in range(size)
    )
    tree = {"lft": 0, "rght": 0, "tree_id": 0, "level": 0}
    Department.objects.bulk_create(
        Department(code=f"D{prefix}{n}", name=f"部{n}", parent=sales, order=10 + n, **tree)
        for n in range(size)
    )
    Department.objects.rebuild()


def _queries(function, *args):
    """The function's result, and the statements it ran that read or write rows.

    import-export wraps every row in a savepoint (SAVEPOINT and RELEASE), so
    that one failing row rolls back alone: those are left out of the count.
    """
    with CaptureQueriesContext(connection) as captured:
        result = function(*args)
    return result, [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("model", list(ADMINS), ids=lambda m: m.__name__)
def test_export_and_preview_queries_do_not_grow_with_rows(client, hr, org, model):
    client.force_login(hr)
    counts = []
    for prefix, size in (("A", 5), ("B", 60)):
        _grow(org, size, prefix)
        sheet, exported = _queries(export, client, model)
        previewed = []
        if model is not Department:
            response, previewed = _queries(preview, client, model, sheet)
            assert response.context["result"].totals["skip"] == len(sheet) - 1
        counts.append((len(sheet), len(exported), len(previewed)))
    (small, *small_counts), (large, *large_counts) = counts
    assert large > small + 50
    assert small_counts == large_counts, counts


def test_an_xlsx_sheet_round_trips_with_formula_text(hr_client, sheet_org):
    from openpyxl import load_workbook

    duty = Duty.objects.filter(position__code="SALES-MGR").order_by("order").first()
    duty.text = '=HYPERLINK("http://example.com")'
    duty.save()
    data = {"format": "1"}  # XLSX
    for name in resources.DutyResource().get_export_order():
        data[f"dutyresource_{name}"] = "on"
    response = hr_client.post(_url(Duty, "export"), data)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    texts = [row[header.index("text")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://example.com")' in texts
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("id")].value == str(duty.pk):
            row[header.index("process_steps")].value = "接收合同\n审核条款"
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("duties.xlsx", out.getvalue())
    response = hr_client.post(_url(Duty, "import"), {"format": "1", "import_file": upload})
    assert response.context["result"].totals["update"] == 1, response.context["result"].totals
    confirm(hr_client, Duty, response)
    duty.refresh_from_db()
    assert duty.text == '=HYPERLINK("http://example.com")'
    assert duty.process_steps == "接收合同\n审核条款"


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_row_errors_in_the_users_language(hr, sheet_org, language):
    from django.conf import settings
    from django.test import Client
    from django.utils import translation

    client = Client()
    client.force_login(hr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    rows = [["岗位编码", "岗位名称", "部门编码"], ["NEW-1", "新岗位", "NOWHERE"]]
    response = preview(client, Position, rows)
    with translation.override(language):
        message = translation.gettext("No department with code “%(code)s”.")
    assert message % {"code": "NOWHERE"} in response.content.decode()
    assert not Position.objects.filter(code="NEW-1").exists()


def test_an_export_with_a_query_string_the_list_refuses_goes_back_to_the_list(hr_client, org):
    response = hr_client.get(_url(Kpi, "export") + "?page=")
    assert response.status_code == 302
    assert response.url == _url(Kpi, "changelist") + "?e=1"
    filtered = export(hr_client, Position, "?is_head__exact=1")
    assert len(filtered) == 1 + Position.objects.filter(is_head=True).count()
