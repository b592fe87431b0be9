"""Fixtures for the company-login tests: a real slapd, the settings that point at it,
and the organisation its people belong to.

``ldap_env`` holds the environment a deployment would set (README "Company
login"); ``use_ldap`` turns it into settings through orgduties.login_env, the
code settings.py runs, so the tests read the variables as production does.
"""

import pytest
from django.contrib.auth.models import User

from departments.models import Department
from orgduties.login_env import LDAP_BACKEND, OIDC_BACKEND, ldap_settings, oidc_settings
from positions.models import Position
from tests.ldap_server import (
    ADMIN_DN,
    ADMIN_PASSWORD,
    GROUPS_BASE,
    PEOPLE_BASE,
    LdapServer,
    group_dn,
)

LOCAL_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


@pytest.fixture
def slapd(tmp_path):
    server = LdapServer(tmp_path).start()
    yield server
    server.stop()


def ldap_env(server_uri, ca_file=None, start_tls=False, **extra):
    env = {
        "LDAP_SERVER_URI": server_uri,
        "LDAP_START_TLS": "1" if start_tls else "0",
        "LDAP_BIND_DN": ADMIN_DN,
        "LDAP_BIND_PASSWORD": ADMIN_PASSWORD,
        "LDAP_USER_BASE": PEOPLE_BASE,
        "LDAP_GROUP_BASE": GROUPS_BASE,
        "LDAP_TIMEOUT": "2",
        "LDAP_ROLE_HR_EDITORS": group_dn("hr-editors"),
        "LDAP_ROLE_REVIEWERS": group_dn("reviewers"),
        "LDAP_ROLE_APPROVERS": group_dn("approvers"),
        # Nested: staff holds sales and operations, which hold the people.
        "LDAP_ROLE_EMPLOYEES": f"{group_dn('staff')};{group_dn('hr-editors')}",
    }
    if ca_file:
        env["LDAP_CA_CERT_FILE"] = str(ca_file)
    env.update(extra)
    return env


def apply_env(settings, monkeypatch, env, builder, backend):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name, value in builder(True).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*LOCAL_BACKENDS, backend]


@pytest.fixture
def use_ldap(db, settings, monkeypatch):
    """``use_ldap(uri, ...)``: point the site at a directory, as the environment would."""

    def use(server_uri, **kwargs):
        apply_env(
            settings, monkeypatch, ldap_env(server_uri, **kwargs), ldap_settings, LDAP_BACKEND
        )

    return use


@pytest.fixture
def use_oidc(db, settings, monkeypatch):
    def use(env):
        apply_env(settings, monkeypatch, env, oidc_settings, OIDC_BACKEND)

    return use


@pytest.fixture
def directory_org(db):
    """The departments and posts of the test directory's company (tests/ldap_server.py).

    Operations has two posts titled 运营专员: the directory's manager tells which.
    """
    company = Department.objects.create(code="CO", name="示例公司", kind=Department.Kind.COMPANY)
    hr = Department.objects.create(code="HR", name="综合管理部", parent=company)
    sales = Department.objects.create(code="SALES", name="销售部", parent=company)
    ops = Department.objects.create(code="OPS", name="運營部", parent=company)
    hr_mgr = Position.objects.create(code="HR-MGR", title="人事经理", department=hr, is_head=True)
    Position.objects.create(code="HR-STAFF", title="人事专员", department=hr, reports_to=hr_mgr)
    sales_mgr = Position.objects.create(
        code="SALES-MGR", title="销售经理", department=sales, reports_to=hr_mgr, is_head=True
    )
    Position.objects.create(
        code="SALES-REP", title="销售代表", department=sales, reports_to=sales_mgr, headcount=24
    )
    ops_mgr = Position.objects.create(
        code="OPS-MGR", title="运营经理", department=ops, reports_to=hr_mgr, is_head=True
    )
    Position.objects.create(
        code="OPS-STAFF", title="运营专员", department=ops, reports_to=ops_mgr, headcount=20
    )
    Position.objects.create(
        code="OPS-SALES", title="运营专员", department=ops, reports_to=sales_mgr, headcount=2
    )
    return {p.code: p for p in Position.objects.all()}


@pytest.fixture
def local_superuser(db):
    return User.objects.create_superuser("root", password="root-pass-123")
