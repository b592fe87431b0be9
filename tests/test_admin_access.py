"""Who may do what in the admin.

HR editors open and edit everything of the organisation; employees without
staff status never enter; employees given staff status may look but not touch.
The tests loop over the admin registry, so a newly registered model is covered
(and its example object must be added to ``examples``).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from core.roles import HR_EDITORS
from departments.models import Department, DepartmentFunction
from documents.models import Document, Revision
from jobs.models import Job
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position
from tests.documents_helpers import approve
from tests.pages import form_data
from workbook.models import ColumnMapping

# Login accounts and groups are managed by superusers, not by HR editors.
ACCOUNT_MODELS = {User, Group}
# Background jobs are made by the pages that start them and only listed in the
# admin (tests/test_jobs.py covers who sees which).
JOB_MODELS = {Job}
# Column mappings are made by the flat import's preview: HR corrects or deletes
# them, never adds one; employees given staff status have no use for them.
MAPPING_MODELS = {ColumnMapping}
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
ORG_MODELS = [m for m in MODELS if m not in ACCOUNT_MODELS | JOB_MODELS | MAPPING_MODELS]
# Approved revisions are records: everyone with view rights reads them, nobody
# (HR included) adds, changes or deletes them; they have no field history.
RECORD_MODELS = {Revision}
EDITABLE_MODELS = [m for m in ORG_MODELS if m not in RECORD_MODELS]


def label(model):
    return model._meta.label


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def examples(org, hr, employee, reviewer, approver):
    """One object of every registered model (and the rows that fill every inline)."""
    form = Form.objects.create(code="F-ORDER", name="订单评审表", department=org["sales"])
    duty = org["sales_mgr"].duties.first()
    duty.forms.add(form)
    kpi = Kpi.objects.create(duty=duty, text="每月销售目标完成90%以上")
    Kpi.objects.create(position=org["sales_mgr"], text="客户流失率低于10%")
    person = Employee.objects.create(employee_no="E001", name="张三", user=employee)
    Assignment.objects.create(employee=person, position=org["sales_mgr"])
    DottedLine.objects.create(
        from_position=org["sales_mgr"], to_position=org["hr_mgr"], label="业务指导"
    )
    revision = approve(org["hr_mgr"], hr, reviewer, approver)
    return {
        Department: org["sales"],
        Document: revision.document,
        Revision: revision,
        DepartmentFunction: DepartmentFunction.objects.get(department=org["sales"]),
        Position: org["sales_mgr"],
        Duty: duty,
        Employee: person,
        Form: form,
        Kpi: kpi,
        User: hr,
        Group: Group.objects.get(name=HR_EDITORS),
        Job: Job.objects.create(kind="workbook-export", owner=hr),
        ColumnMapping: ColumnMapping.objects.remember(
            ["工号", "岗位"], ["employee_no", "title"], hr
        ),
    }


def example(examples, model):
    assert model in examples, f"add an example {label(model)} to the `examples` fixture"
    return examples[model]


def pages(model, obj):
    """The admin pages of one model, for one of its objects, by view name."""
    return {
        "changelist": admin_url(model, "changelist"),
        "add": admin_url(model, "add"),
        "change": admin_url(model, "change", obj.pk),
        "history": admin_url(model, "history", obj.pk),
        "delete": admin_url(model, "delete", obj.pk),
    }


def every_url(model, obj):
    return list(pages(model, obj).values())


def assert_sent_to_login(response, url, anonymous=False):
    assert response.status_code == 302, url
    location = urlsplit(response["Location"])
    logins = {reverse("admin:login")}
    if anonymous:
        logins.add(reverse(settings.LOGIN_URL))
    assert location.path in logins
    assert parse_qs(location.query) == {"next": [url]}


# --- HR editors -------------------------------------------------------------------------


def test_hr_sees_every_org_model_on_the_admin_index(hr_client):
    response = hr_client.get(reverse("admin:index"))

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    links = {a["href"] for a in page.select("#content-main a[href]")}
    for model in ORG_MODELS:
        assert admin_url(model, "changelist") in links, label(model)
        if model not in RECORD_MODELS:
            assert admin_url(model, "add") in links, label(model)


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=label)
def test_hr_opens_every_page_of_every_org_model(hr_client, examples, model):
    obj = example(examples, model)

    for view in ("changelist", "add", "change", "history"):
        response = hr_client.get(pages(model, obj)[view])
        assert response.status_code == 200, view

    change = BeautifulSoup(hr_client.get(pages(model, obj)["change"]).content, "html.parser")
    assert change.select(f"form#{model._meta.model_name}_form input[name=_save]")


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=label)
def test_hr_sees_the_delete_confirmation_of_every_org_model(hr_client, examples, model):
    obj = example(examples, model)

    response = hr_client.get(admin_url(model, "delete", obj.pk))

    assert response.status_code == 200
    body = BeautifulSoup(response.content, "html.parser").body
    assert "delete-confirmation" in body["class"]


@pytest.mark.parametrize("model", sorted(RECORD_MODELS, key=label), ids=label)
def test_hr_reads_records_but_never_changes_them(hr_client, examples, model):
    obj = example(examples, model)
    for view in ("changelist", "change", "history"):
        assert hr_client.get(pages(model, obj)[view]).status_code == 200, view
    page = BeautifulSoup(hr_client.get(pages(model, obj)["change"]).content, "html.parser")
    assert page.select("input[name=_save]") == []
    for view in ("add", "delete"):
        assert hr_client.get(pages(model, obj)[view]).status_code == 403, view
    assert hr_client.post(pages(model, obj)["change"], {}).status_code == 403


def test_hr_corrects_and_deletes_column_mappings_but_never_adds_one(hr_client, examples):
    obj = example(examples, ColumnMapping)
    for view in ("changelist", "change", "history", "delete"):
        assert hr_client.get(pages(ColumnMapping, obj)[view]).status_code == 200, view
    assert hr_client.get(pages(ColumnMapping, obj)["add"]).status_code == 403
    response = hr_client.post(
        pages(ColumnMapping, obj)["change"], {"fields": '["employee_no", ""]', "_save": "1"}
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.fields == ["employee_no", ""]
    assert obj.history.count() == 2


def test_staff_employee_does_not_see_column_mappings(staff_client, examples):
    obj = example(examples, ColumnMapping)
    for view, url in pages(ColumnMapping, obj).items():
        assert staff_client.get(url).status_code == 403, view


@pytest.mark.parametrize("model", sorted(ACCOUNT_MODELS, key=label), ids=label)
def test_hr_cannot_manage_login_accounts(hr_client, examples, model):
    obj = example(examples, model)
    # HR may look up login accounts (to link employees to them), never change them.
    readable = {"changelist", "change", "history"} if model is User else set()
    for view, url in pages(model, obj).items():
        expected = 200 if view in readable else 403
        assert hr_client.get(url).status_code == expected, url
    if model is User:
        page = BeautifulSoup(
            hr_client.get(admin_url(User, "change", obj.pk)).content, "html.parser"
        )
        assert page.select("input[name=_save]") == []


def test_hr_adds_a_department_through_the_admin_form(hr_client, hr, org):
    url = admin_url(Department, "add")
    assert hr_client.get(url).status_code == 200

    response = hr_client.post(
        url,
        {
            "code": "FIN",
            "name": "财务部",
            "parent": org["acme"].pk,
            "kind": "department",
            "order": "1",
            "aliases": "Finance",
            "description": "",
            "is_active": "on",
            "functions-TOTAL_FORMS": "1",
            "functions-INITIAL_FORMS": "0",
            "functions-MIN_NUM_FORMS": "0",
            "functions-MAX_NUM_FORMS": "1000",
            "functions-0-section": "",
            "functions-0-text": "负责公司财务核算",
            "functions-0-order": "1",
        },
    )

    assert response.status_code == 302
    fin = Department.objects.get(code="FIN")
    assert (fin.name, fin.parent, fin.order) == ("财务部", org["acme"], 1)
    assert list(fin.functions.values_list("text", flat=True)) == ["负责公司财务核算"]
    assert list(org["acme"].get_children().values_list("code", flat=True)) == [
        "FIN",
        "SALES",
        "HR",
    ]
    assert fin.history.get().history_user == hr


# --- employees without staff status, and anonymous visitors -------------------------------


@pytest.mark.parametrize("persona", ["employee", "outsider"])
@pytest.mark.parametrize("model", MODELS, ids=label)
def test_users_without_staff_status_are_sent_to_the_admin_login(
    client, request, persona, examples, model
):
    client.force_login(request.getfixturevalue(persona))
    obj = example(examples, model)

    for url in [reverse("admin:index"), *every_url(model, obj)]:
        assert_sent_to_login(client.get(url), url)
    url = admin_url(model, "change", obj.pk)
    assert_sent_to_login(client.post(url, {}), url)


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_anonymous_visitor_is_sent_to_the_login_page(client, examples, model):
    obj = example(examples, model)

    for url in [reverse("admin:index"), *every_url(model, obj)]:
        # Model pages meet the site-wide login (LoginRequiredMiddleware) first;
        # the admin's own views (index, autocomplete) send to the admin login.
        assert_sent_to_login(client.get(url), url, anonymous=True)


# --- employees given staff status: look, don't touch ---------------------------------------


@pytest.fixture
def staff_client(client, staff_employee):
    client.force_login(staff_employee)
    return client


@pytest.mark.parametrize("model", ORG_MODELS, ids=label)
def test_staff_employee_can_view_but_not_change(staff_client, examples, model):
    obj = example(examples, model)
    before = model.objects.count()

    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "history", obj.pk)).status_code == 200
    view = BeautifulSoup(
        staff_client.get(admin_url(model, "change", obj.pk)).content, "html.parser"
    )
    assert view.select("input[name=_save]") == []  # read-only page, no save button
    assert staff_client.get(admin_url(model, "add")).status_code == 403
    assert staff_client.post(admin_url(model, "add"), {}).status_code == 403
    assert staff_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert staff_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert staff_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.count() == before


def test_staff_employee_cannot_bulk_delete(staff_client, tree_leaf):
    response = staff_client.post(
        admin_url(Department, "changelist"),
        {"action": "delete_selected", "_selected_action": [tree_leaf.pk], "post": "yes"},
    )

    # No delete action is offered to view-only staff: the list comes back, unchanged.
    assert response.status_code == 200
    assert Department.objects.filter(pk=tree_leaf.pk).exists()


@pytest.fixture
def tree_leaf(org):
    """A unit nothing protects: only a bulk delete permission check can save it."""
    return Department.objects.create(code="OPS", name="运营部", parent=org["acme"])


def test_staff_employee_is_offered_no_bulk_actions(staff_client, org):
    assert _offered_actions(staff_client) == {}


def _offered_actions(client):
    page = BeautifulSoup(client.get(admin_url(Department, "changelist")).content, "html.parser")
    return {
        o["value"]: o.get_text() for o in page.select("select[name=action] option") if o["value"]
    }


def test_every_bulk_action_hr_is_offered_opens_its_confirmation(hr_client, tree_leaf):
    offered = _offered_actions(hr_client)
    assert len(set(offered.values())) == len(offered)  # no label twice

    for action in offered:
        response = hr_client.post(
            admin_url(Department, "changelist"),
            {"action": action, "_selected_action": [tree_leaf.pk]},
        )
        assert response.status_code == 200, action
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select("input[name=post][value=yes]"), action
    assert Department.objects.filter(pk=tree_leaf.pk).exists()


def test_hr_bulk_delete_removes_the_unit(hr_client, tree_leaf):
    response = hr_client.post(
        admin_url(Department, "changelist"),
        {"action": "delete_selected", "_selected_action": [tree_leaf.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Department.objects.filter(pk=tree_leaf.pk).exists()


def test_staff_employee_cannot_drag_a_department(staff_client, org):
    before = list(Department.objects.order_by("pk").values_list("parent", "lft", "rght", "order"))

    response = staff_client.post(
        admin_url(Department, "changelist"),
        {
            "cmd": "move_node",
            "cut_item": org["hr"].pk,
            "pasted_on": org["sales"].pk,
            "position": "last-child",
        },
    )

    assert response.content == b"FAIL, no permission."
    after = list(Department.objects.order_by("pk").values_list("parent", "lft", "rght", "order"))
    assert after == before


def test_hr_can_drag_a_department(hr_client, org):
    # The same request as above from HR: proves the refusal is about permission.
    response = hr_client.post(
        admin_url(Department, "changelist"),
        {
            "cmd": "move_node",
            "cut_item": org["hr"].pk,
            "pasted_on": org["sales"].pk,
            "position": "last-child",
        },
    )

    assert response.content == b"OK, moved."
    assert Department.objects.get(pk=org["hr"].pk).parent == org["sales"]


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=label)
def test_staff_employee_cannot_change_through_the_history_revert_form(
    staff_client, examples, model
):
    obj = example(examples, model)
    record = obj.history.latest()
    url = admin_url(model, "simple_history", obj.pk, record.history_id)
    before = model.objects.filter(pk=obj.pk).values().get()
    data = form_data(staff_client.get(url).content, "#content-main form")
    for name in ("name", "title", "text"):
        if name in data:
            data[name] = "被篡改"

    response = staff_client.post(url, data)

    assert model.objects.filter(pk=obj.pk).values().get() == before
    assert response.status_code == 403


# --- autocomplete boxes ---------------------------------------------------------------------


def _autocomplete_fields():
    """(source model, field name) of every autocomplete box, inlines included."""
    found = []

    def walk(model, options):
        for name in options.autocomplete_fields:
            found.append((model, name))
        for inline in getattr(options, "inlines", []):
            walk(inline.model, inline)

    for model, model_admin in admin.site._registry.items():
        walk(model, model_admin)
    return sorted(set(found), key=lambda pair: (label(pair[0]), pair[1]))


@pytest.mark.parametrize(
    "model, field_name",
    [
        pytest.param(
            model,
            name,
            id=f"{label(model)}.{name}",
        )
        for model, name in _autocomplete_fields()
    ],
)
def test_every_autocomplete_box_answers_hr(hr_client, examples, model, field_name):
    response = hr_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": "",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] != []


@pytest.mark.parametrize(
    "source, field_name, model",
    [(Position, "reports_to", Position), (Assignment, "employee", Employee), (Duty, "forms", Form)],
    ids=["positions", "employees", "forms"],
)
def test_autocomplete_lists_choices_in_their_natural_order(
    hr_client, org, source, field_name, model
):
    # Created in reverse of their natural order, so "by id" is the wrong answer.
    Position.objects.create(code="ACME-B", title="总经理助理", department=org["acme"])
    Position.objects.create(code="ACME-A", title="总经办主任", department=org["acme"])
    for code in ("E3", "E2", "E1"):
        Employee.objects.create(employee_no=code, name=f"员工{code}")
    for code, name in (("F3", "质量报告"), ("F2", "发货通知单"), ("F1", "订单评审表")):
        Form.objects.create(code=code, name=name)

    response = hr_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": source._meta.app_label,
            "model_name": source._meta.model_name,
            "field_name": field_name,
        },
    )

    shown = [int(result["id"]) for result in response.json()["results"]]
    assert shown == list(model.objects.values_list("pk", flat=True))
