"""Hostile input to every URL: malformed paths, ids, query strings and form posts; never a 500.

The URL patterns come from walking the resolver, so a new page or admin model
is fuzzed without editing this file. For each pattern hypothesis builds paths
that match it (from the pattern's own regular expression, so any text a
converter accepts) or that carry real codes and ids (to get past the lookups),
adds a query string and, for POSTs, a form with hostile values and sometimes
a file; it does so as an HR editor and as an employee.

Bounded: FUZZ_EXAMPLES examples per pattern and role (default 3), no deadline,
and examples derived from the test name unless FUZZ_RANDOM=1 (CI stays
reproducible; run `FUZZ_RANDOM=1 FUZZ_EXAMPLES=200 pytest tests/test_fuzz.py`
to search further).
"""

import os
import re
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Employee

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _walk(patterns, prefix=""):
    for entry in patterns:
        regex = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + regex)
        else:
            yield prefix + regex, str(entry.pattern), entry


def url_patterns():
    """(full regular expression, pattern) of every URL pattern, once each."""
    found = {}
    for regex, _route, entry in _walk(get_resolver().url_patterns):
        if getattr(entry.callback, "__module__", "") == "django.views.static":
            continue  # uploads served by Django itself exist only with DEBUG on
        found.setdefault(f"^{regex}", entry)
    return list(found.items())


PATTERNS = url_patterns()


def _route_id(pattern):
    regex, entry = pattern
    return entry.name or regex


NASTY = [
    "",
    "0",
    "-1",
    "1.5",
    "1e309",
    "99999999999999999999999999",
    "NaN",
    "None",
    "null",
    "true",
    "../../../etc/passwd",
    "%00",
    "%ff%fe",
    "\x00",
    "\ud7ff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "🙂",
    "销售部",
    "ＳＡＬＥＳ",
    "x" * 3000,
    "2026-13-45",
    "[]",
    "{}",
    "SALES",
    "SALES-MGR",
    "CEO",
    "F1",
    "1",
    "2",
    "3",
    "position",
    "department",
]
KEYS = [
    "q",
    "page",
    "p",
    "o",
    "e",
    "all",
    "department",
    "period",
    "month",
    "kind",
    "due",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "action",
    "_selected_action",
    "select_across",
    "index",
    "post",
    "next",
    "language",
    "username",
    "password",
    "code",
    "name",
    "title",
    "headcount",
    "parent",
    "reports_to",
    "order",
    "text",
    "department__id__inhierarchy",
    "position__department__id__inhierarchy",
    "is_head__exact",
    "kind__exact",
    "token",
    "loaded_version",
    "confirm",
    "cmd",
    "cut_item",
    "pasted_on",
    "position",
    "duties-TOTAL_FORMS",
    "duties-INITIAL_FORMS",
    "functions-TOTAL_FORMS",
    "_save",
    "_continue",
    "number",
    "a",
    "b",
    "state",
    "note",
]

text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=15))
values = st.one_of(text, st.lists(text, min_size=1, max_size=3))
params = st.dictionaries(keys, values, max_size=5)

_GROUP = re.compile(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)|\((?:[^()?]|\([^()]*\))*\)")


def _real_path(regex, real):
    """The pattern with every group replaced by a real code or id (or a nasty value)."""
    body = regex.removeprefix("^").removesuffix("\\Z").removesuffix("$")
    pieces = _GROUP.split(body)
    groups = len(pieces) - 1
    return st.lists(st.sampled_from(real), min_size=groups, max_size=groups).map(
        lambda chosen: (
            "/"
            + "".join(
                re.sub(r"\\(.)", r"\1", piece)
                + (quote(str(chosen[i]), safe="") if i < groups else "")
                for i, piece in enumerate(pieces)
            )
        )
    )


def paths(regex, real):
    matching = st.from_regex(regex, fullmatch=True).map(lambda p: "/" + quote(p, safe="/"))
    return st.one_of(matching, _real_path(regex, real))


@pytest.fixture
def world(org, hr, employee):
    form = Form.objects.create(code="F1", name="订单评审表", department=org["sales"])
    duty = org["sales_mgr"].duties.first()
    duty.forms.add(form)
    Kpi.objects.create(duty=duty, text="每月销售目标完成90%以上")
    person = Employee.objects.create(employee_no="E001", name="张三", user=employee)
    Assignment.objects.create(employee=person, position=org["sales_mgr"])
    DottedLine.objects.create(from_position=org["sales_mgr"], to_position=org["hr_mgr"])
    ids = {str(obj.pk) for obj in org.values()}
    ids |= {str(form.pk), str(duty.pk), str(person.pk), str(hr.pk), str(employee.pk)}
    codes = ["SALES", "SALES-MGR", "CEO", "F1", "HR", "ACME", "position", "department", "1"]
    return {"users": {"hr": hr, "employee": employee}, "real": [*sorted(ids), *codes, *NASTY]}


@pytest.mark.parametrize("role", ["hr", "employee"])
@pytest.mark.parametrize("pattern", PATTERNS, ids=_route_id)
def test_no_input_gives_a_server_error(world, role, pattern):
    regex, _entry = pattern
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = world["users"][role]

    @FUZZ
    @given(
        path=paths(regex, world["real"]),
        method=st.sampled_from(["get", "get", "post", "head"]),
        query=params,
        form=params,
        upload=st.one_of(st.none(), st.binary(max_size=300)),
        upload_as=st.sampled_from(["workbook", "file", "template"]),
    )
    def request(path, method, query, form, upload, upload_as):
        client.force_login(user)  # a fuzzed POST to a logout URL must not end the role
        url = f"{path}?{urlencode(query, doseq=True)}" if query else path
        if method == "post":
            data = dict(form)
            if upload is not None:
                data[upload_as] = SimpleUploadedFile("fuzz.xlsx", upload)
            response = client.post(url, data)
        else:
            response = getattr(client, method)(url)
        assert response.status_code < 500, (method, url, response.status_code)

    request()


# What longer random runs found, kept as fixed cases (each was a 500).
FOUND = [
    ("get", "/admin/departments/department/add/?parent=1.5", None),
    ("get", "/admin/positions/duty/add/?position=1.5", None),
    ("get", "/admin/kpis/form/add/?department=%3A", None),
    ("get", "/admin/positions/position/add/?department=99999999999999999999999999", None),
    ("post", "/admin/positions/position/add/", {"department": "99999999999999999999999999"}),
    ("post", "/admin/positions/position/add/", {"reports_to": "1.5", "department": "x"}),
    ("get", "/admin/departments/departmentfunction/{function}/delete/?_to_field=", None),
    ("get", "/admin/positions/position/{mgr}/change/?_to_field=", None),
    ("get", "/admin/positions/position/:/history/", None),
    ("get", "/admin/departments/department/1/history/SALES/", None),
]


@pytest.mark.parametrize("method, url, data", FOUND)
def test_inputs_found_by_fuzzing(hr_client, world, org, method, url, data):
    from departments.models import DepartmentFunction

    function = DepartmentFunction.objects.first()
    url = url.format(function=function.pk, mgr=org["sales_mgr"].pk)
    response = getattr(hr_client, method)(url, data) if data else hr_client.get(url)
    assert response.status_code in (200, 302, 404), response.status_code
