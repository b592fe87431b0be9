"""Personas and small organisations shared by the tests.

Personas (built per test, cheap): ``hr`` is an HR editor with staff status,
``employee`` is in the Employees group without staff status, ``outsider`` is a
logged-in user with no group at all; ``reviewer`` and ``approver`` sign off job
descriptions (documents app).
"""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import translation

from core.roles import APPROVERS, EMPLOYEES, HR_EDITORS, REVIEWERS
from departments.models import Department, DepartmentFunction
from positions.models import Duty, Position
from tests.directory_helpers import (  # noqa: F401 (fixtures of the company-login tests)
    directory_org,
    local_superuser,
    slapd,
    use_ldap,
    use_oidc,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """Tests read messages in English; the Chinese (default) interface has its own tests.

    Model and import code run in the active language: pin it for the test body.
    Requests choose theirs from Accept-Language (see the ``client`` fixture).
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Personas are created with passwords; the production hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """Query counts must not depend on which test warmed the per-process cache."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def hr(db):
    user = User.objects.create_user("hr", password="hr-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=HR_EDITORS))
    return user


@pytest.fixture
def employee(db):
    user = User.objects.create_user("emp", password="emp-pass-123")
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    return user


@pytest.fixture
def outsider(db):
    """A logged-in account in no group: refused by the admin, like an employee."""
    return User.objects.create_user("outsider", password="out-pass-123")


@pytest.fixture
def staff_employee(db):
    """An employee who was given staff status but only the Employees group."""
    user = User.objects.create_user("staffemp", password="emp-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    return user


@pytest.fixture
def reviewer(db):
    user = User.objects.create_user("reviewer", password="rev-pass-123", first_name="审核人")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


@pytest.fixture
def approver(db):
    user = User.objects.create_user("approver", password="app-pass-123", first_name="批准人")
    user.groups.add(Group.objects.get(name=APPROVERS))
    return user


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr)
    return client


def make_department(code, name=None, parent=None, **extra):
    return Department.objects.create(code=code, name=name or code, parent=parent, **extra)


@pytest.fixture
def org(db):
    """A company with two departments, a manager chain and a few duties.

    ACME
    ├── SALES   (SALES-MGR head, SALES-REP reports to SALES-MGR)
    └── HR      (HR-MGR head)
    CEO in ACME; both managers report to CEO.
    """
    acme = make_department("ACME", "示例公司", kind=Department.Kind.COMPANY)
    sales = make_department("SALES", "销售部", parent=acme, aliases="Sales Department;銷售部")
    hr_dept = make_department("HR", "人力资源部", parent=acme)
    ceo = Position.objects.create(code="CEO", title="总经理", department=acme, is_head=True)
    sales_mgr = Position.objects.create(
        code="SALES-MGR", title="销售部经理", department=sales, reports_to=ceo, is_head=True
    )
    sales_rep = Position.objects.create(
        code="SALES-REP", title="销售代表", department=sales, reports_to=sales_mgr, headcount=3
    )
    hr_mgr = Position.objects.create(
        code="HR-MGR", title="人力资源部经理", department=hr_dept, reports_to=ceo, is_head=True
    )
    for order, text in enumerate(["制定销售计划", "管理销售团队", "审核销售合同"], start=1):
        Duty.objects.create(position=sales_mgr, text=text, order=order)
    DepartmentFunction.objects.create(department=sales, text="负责产品销售", order=1)
    return {
        "acme": acme,
        "sales": sales,
        "hr": hr_dept,
        "ceo": ceo,
        "sales_mgr": sales_mgr,
        "sales_rep": sales_rep,
        "hr_mgr": hr_mgr,
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rendered job descriptions, browse.views.positions)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(org):
    """The org chart with more units, for moves.

    ACME: SALES (TEAM-1, TEAM-2, TEAM-3), HR, OPS
    """
    acme = org["acme"]
    org["ops"] = Department.objects.create(code="OPS", name="运营部", parent=acme)
    for n in (1, 2, 3):
        org[f"team{n}"] = Department.objects.create(
            code=f"TEAM-{n}", name=f"销售{n}组", parent=org["sales"]
        )
    return org
