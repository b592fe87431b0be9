"""Permission sweep over every API endpoint and method, for every role and for no token.

The endpoints come from the URL resolver (everything in the ``api`` namespace)
and the methods from each view, so a new endpoint is swept without editing
this file. What each role may do:

- no token: nothing (401);
- HR editors with a write token: everything; with a read token: every read;
- reviewers and approvers: every read (the draft included), no write;
- employees: the organisation and approved job descriptions, not the live
  duties and KPIs (the draft) and no write;
- a user in no group: nothing (403), whatever the token.

A write that is let through here is answered 400 or 428 (no body, no
If-Match), so the sweep changes nothing; tests/test_api_writes.py makes real ones.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver

from departments.models import DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, Duty, Employee
from tests.api_helpers import TokenClient, api_as
from tests.documents_helpers import approve

OPEN = {"api:schema", "api:docs"}  # the schema and its page: no data, no token needed
DRAFT = {"duty", "kpi"}  # the live draft of job descriptions
WRITES = {"post", "put", "patch", "delete"}


def _api_patterns():
    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api" and entry.name:
                yield f"api:{entry.name}", entry

    return sorted(dict(walk(get_resolver().url_patterns)).items())


def _methods(entry):
    view = entry.callback
    actions = getattr(view, "actions", None)
    if actions:
        return sorted(actions)
    return sorted(m for m in ("get", "post", "put", "patch", "delete") if hasattr(view.cls, m))


def _fill(entry, org):
    values = {
        "code": org["sales_mgr"].code,
        "pk": Duty.objects.order_by("pk").first().pk,
    }
    name = entry.name
    if name.startswith("unit"):
        values["code"] = org["sales"].code
    elif name.startswith("form"):
        values["code"] = Form.objects.get().code
    elif name.startswith("employee"):
        values["code"] = Employee.objects.get().employee_no
    elif name.startswith("kpi"):
        values["pk"] = Kpi.objects.get().pk
    elif name.startswith("assignment"):
        values["pk"] = Assignment.objects.get().pk
    path = entry.pattern.regex.pattern
    for group in entry.pattern.regex.groupindex:
        value = values["code"] if group in ("code", "employee_no") else values["pk"]
        path = path.replace(f"(?P<{group}>{_group_pattern(path, group)})", str(value))
    return "/api/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


def _group_pattern(path, group):
    start = path.index(f"(?P<{group}>") + len(f"(?P<{group}>")
    depth, end = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(path[end], 0)
        end += 1
    return path[start : end - 1]


def _may(role, write_token, basename, method):
    if role in ("nobody", "outsider"):
        return False
    if method in WRITES:
        return role == "hr" and write_token
    if basename in DRAFT:
        return role in ("hr", "reviewer", "approver")
    return True


@pytest.fixture
def swept_org(org, hr, employee, reviewer, approver, outsider):
    duty = Duty.objects.order_by("pk").first()
    Kpi.objects.create(duty=duty, text="每月25日前提交销售报表")
    form = Form.objects.create(code="F-ORDER", name="订单评审表")
    form.duties.add(duty)
    person = Employee.objects.create(employee_no="E1", name="张三", user=employee)
    Assignment.objects.create(employee=person, position=org["sales_mgr"])
    DepartmentFunction.objects.get()
    approve(org["sales_mgr"], hr, reviewer, approver)
    return org


ROLES = ["nobody", "outsider", "employee", "reviewer", "approver", "hr"]


@pytest.mark.parametrize("write_token", [False, True], ids=["read-token", "write-token"])
@pytest.mark.parametrize("role", ROLES)
def test_only_what_the_role_may_do_succeeds(swept_org, role, write_token):
    client = (
        TokenClient(None)
        if role == "nobody"
        else api_as(
            User.objects.get(username={"employee": "emp"}.get(role, role)), write=write_token
        )
    )
    wrong = []
    swept = 0
    for name, entry in _api_patterns():
        if name in OPEN:
            continue
        path = _fill(entry, swept_org)
        basename = name.removeprefix("api:").rsplit("-", 1)[0]
        for method in _methods(entry):
            response = client.send(method.upper(), path, None)
            assert response["Content-Type"] == "application/json", (method, path)
            allowed = response.status_code not in (401, 403)
            if role == "nobody":
                assert response.status_code == 401, (method, path)
            may = _may(role, write_token, basename, method)
            if allowed != may or (may and method == "get" and response.status_code != 200):
                wrong.append(f"{method.upper()} {path}: {response.status_code}")
            swept += 1
    assert swept > 30
    assert wrong == [], f"{role}: " + "; ".join(wrong)


@pytest.mark.parametrize("role", ["employee", "outsider"])
def test_the_draft_of_a_job_description_is_for_the_document_team(swept_org, role):
    user = User.objects.get(username={"employee": "emp"}.get(role, role))
    response = api_as(user).get(
        f"/api/positions/{swept_org['sales_mgr'].code}/job-description/", {"view": "draft"}
    )
    assert response.status_code == 403


def test_the_schema_and_its_page_need_no_token(db):
    assert TokenClient(None).get("/api/schema/").status_code == 200
    assert TokenClient(None).get("/api/docs/").status_code == 200
