"""Permission sweep over every admin URL: employees change nothing, import nothing, export nothing.

The URLs come from the resolver (everything under /admin/, the workbook and
document import/export views included), filled with real ids, so a new admin
model or admin view is swept without editing this file.
"""

import uuid

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, reverse

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position

# Pages any signed-in user may open, and where they lead nowhere.
OPEN = {"login", "logout"}
# Import, export and template downloads: never for employees, not even staff ones.
TRANSFER_WORDS = ("import", "export", "template", "errors")


def _admin_patterns():
    def walk(patterns, namespace="", inside=False):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{entry.namespace}:" if entry.namespace else namespace
                below = inside or str(entry.pattern).startswith("admin/")
                yield from walk(entry.url_patterns, inner, below)
            elif entry.name and inside:
                yield f"{namespace}{entry.name}", entry

    return list(dict(walk(get_resolver().url_patterns)).items())


def _model_of(name):
    parts = name.removeprefix("admin:").split("_")
    for cut in range(1, len(parts)):
        app_label, model_name = parts[0], "_".join(parts[1 : cut + 1])
        try:
            return apps.get_model(app_label, model_name)
        except (LookupError, ValueError):
            continue
    return None


def url_for(name, entry):
    """The URL of a pattern with real ids: the first object of its model, its latest version."""
    model = _model_of(name)
    obj = model._default_manager.order_by("pk").first() if model else None
    pk = obj.pk if obj is not None else 1
    regex = entry.pattern.regex
    if regex.groups and not regex.groupindex:  # simple-history's revert form: (id, version)
        history = getattr(model, "history", None)
        version = history.filter(pk=pk).order_by("history_id").values_list("history_id", flat=True)
        return reverse(name, args=[pk, version.last() or 1])
    values = {
        "object_id": pk,
        "id": pk,
        "content_type_id": ContentType.objects.get_for_model(Position).pk,
        "app_label": "positions",
        "url": "positions/position/",
        "token": uuid.uuid4().hex,
    }
    names = list(regex.groupindex)
    if "content_type_id" in names:
        values["object_id"] = Position.objects.order_by("pk").first().pk
    return reverse(name, kwargs={key: values.get(key, "1") for key in names})


@pytest.fixture
def admin_urls(org, employee):
    form = Form.objects.create(code="F1", name="订单评审表", department=org["sales"])
    duty = org["sales_mgr"].duties.first()
    duty.forms.add(form)
    Kpi.objects.create(duty=duty, text="每月销售目标完成90%以上")
    person = Employee.objects.create(employee_no="E001", name="张三", user=employee)
    Assignment.objects.create(employee=person, position=org["sales_mgr"])
    DottedLine.objects.create(from_position=org["sales_mgr"], to_position=org["hr_mgr"])
    org["sales_mgr"].save()  # a history version to revert to
    urls = {name: url_for(name, entry) for name, entry in _admin_patterns()}
    assert len(urls) > 60  # every model's views, the workbook views, the admin's own
    return urls


def snapshot():
    models = [
        Department,
        DepartmentFunction,
        Position,
        Duty,
        Kpi,
        Form,
        Employee,
        Assignment,
        DottedLine,
    ]
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models}


POSTS = [
    {},
    {"post": "yes", "_save": "Save", "code": "X", "name": "X", "title": "X"},
    {"action": "delete_selected", "_selected_action": ["1", "2", "3"], "post": "yes"},
]


@pytest.mark.parametrize("persona", ["employee", "outsider"])
def test_a_user_without_staff_status_reaches_no_admin_url(client, request, persona, admin_urls):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    before = snapshot()
    for name, url in admin_urls.items():
        if name.removeprefix("admin:") in OPEN:
            continue
        for method, data in [("get", None), *[("post", d) for d in POSTS]]:
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/login/" in response.url, (method, url, response.url)
            client.force_login(user)
    assert snapshot() == before


def test_a_staff_employee_changes_imports_and_exports_nothing(client, staff_employee, admin_urls):
    client.force_login(staff_employee)
    before = snapshot()
    for name, url in admin_urls.items():
        short = name.removeprefix("admin:")
        if short in OPEN or short == "password_change":
            continue
        transfer = any(word in short for word in TRANSFER_WORDS)
        if transfer:
            response = client.get(url)
            assert response.status_code in (403, 404), (url, response.status_code)
        for data in POSTS:
            response = client.post(url, data)
            if transfer or short.endswith(("_change", "_add", "_delete", "_simple_history")):
                assert response.status_code in (403, 404, 405), (url, response.status_code)
            else:
                assert response.status_code < 500, (url, response.status_code)
            client.force_login(staff_employee)
    assert snapshot() == before


def test_the_sweep_covers_import_export_and_every_change_view(admin_urls):
    names = set(admin_urls)
    assert {"admin-workbook-import", "admin-workbook-export", "admin-workbook-template"} <= {
        n.removeprefix("admin:") for n in names
    }
    for model in (Department, Position, Duty, Kpi, Form, Employee, DepartmentFunction):
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{info}_change", f"{info}_delete", f"{info}_add"} <= names
