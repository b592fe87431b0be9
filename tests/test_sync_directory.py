"""``manage.py sync_directory`` against a real slapd (tests/ldap_server.py)."""

import datetime
from io import StringIO

import ldap
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.roles import EMPLOYEES
from directory.models import DirectoryEntry
from positions.models import Assignment, Employee
from tests.ldap_server import BY_UID, PEOPLE


@pytest.fixture
def synced(slapd, use_ldap, directory_org):
    use_ldap(slapd.uri, start_tls=True, ca_file=slapd.ca_file)
    return slapd


def _sync(*args):
    out = StringIO()
    call_command("sync_directory", *args, stdout=out)
    return out.getvalue()


def _holders(code):
    return set(
        Assignment.objects.current()
        .filter(position__code=code, is_primary=True)
        .values_list("employee__employee_no", flat=True)
    )


def _a_month_ago():
    """The first sync's posts began a month ago, as they would have in a real company."""
    Assignment.objects.update(start_date=timezone.localdate() - datetime.timedelta(days=30))


def _remove(slapd, *uids):
    connection = slapd.connect()
    for uid in uids:
        connection.delete_s(BY_UID[uid].dn)


def test_the_first_sync_creates_everyone_with_a_login_and_a_post(synced):
    kept = Employee.objects.create(employee_no="E0002", name="旧名字")
    by_email = Employee.objects.create(employee_no="HR-9", name="某人", email="P003@example.com")

    out = _sync()

    assert out.startswith("read 50; created 48, changed 2, deactivated 0, unchanged 0;")
    assert Employee.objects.count() == 50
    kept.refresh_from_db()
    assert kept.name == BY_UID["p002"].name and kept.email == "p002@example.com"
    by_email.refresh_from_db()
    assert by_email.user.username == "p003"
    # Logins without a usable password (the directory keeps it), as employees.
    user = User.objects.get(username="p007")
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {EMPLOYEES}
    assert user.employee.employee_no == "E0007"
    # Posts by department (a code, or a name in the other script) and title.
    assert _holders("SALES-REP") == {p.employee_no for p in PEOPLE if p.title == "销售代表"}
    assert _holders("HR-MGR") == {"E0001"}
    # Two posts titled 运营专员: the one that reports to the manager's post.
    assert _holders("OPS-STAFF") == {p.employee_no for p in PEOPLE if p.title == "运营专员"}
    assert _holders("OPS-SALES") == set()
    assert DirectoryEntry.objects.count() == 50
    # History records who came in.
    assert Employee.history.filter(employee_no="E0007", history_type="+").exists()


def test_a_dry_run_reports_and_changes_nothing(synced):
    out = _sync("--dry-run")

    assert out.startswith("Dry run, nothing saved. Would have: read 50; created 50,")
    assert Employee.objects.count() == 0
    assert not User.objects.filter(username="p007").exists()


def test_a_second_sync_changes_moves_and_deactivates(synced):
    _sync()
    _a_month_ago()
    connection = synced.connect()
    connection.modify_s(BY_UID["p010"].dn, [(ldap.MOD_REPLACE, "displayName", ["李新名".encode()])])
    connection.modify_s(
        BY_UID["p011"].dn,
        [
            (ldap.MOD_REPLACE, "departmentNumber", [b"OPS"]),
            (ldap.MOD_REPLACE, "title", ["运营专员".encode()]),
            (ldap.MOD_REPLACE, "manager", [BY_UID["p030"].dn.encode()]),
        ],
    )
    _remove(synced, "p012", "p013")
    hand_made = Employee.objects.create(employee_no="X-1", name="不在目录的人")
    # A login that is kept open by the time of the leaver's departure.
    leaver = User.objects.get(username="p012")

    out = _sync()

    assert out.startswith("read 48; created 0, changed 2, deactivated 2, unchanged 46;")
    assert "Deactivated:" in out and str(Employee.objects.get(employee_no="E0012")) in out
    assert Employee.objects.get(employee_no="E0010").name == "李新名"
    assert "E0011" in _holders("OPS-STAFF") and "E0011" not in _holders("SALES-REP")
    ended = Assignment.objects.get(employee__employee_no="E0011", position__code="SALES-REP")
    assert ended.end_date == timezone.localdate() - datetime.timedelta(days=1)
    # Leavers: kept, inactive, their login closed and their post ended; never deleted.
    for number in ("E0012", "E0013"):
        employee = Employee.objects.get(employee_no=number)
        assert not employee.is_active
        assert not employee.user.is_active
        assert not Assignment.objects.current().filter(employee=employee).exists()
        assert Assignment.objects.filter(employee=employee).exists()
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert "E0012" not in _holders("SALES-REP")
    # Someone HR keeps by hand, whom the directory never listed, is left alone.
    hand_made.refresh_from_db()
    assert hand_made.is_active
    # The same directory again: nothing to do.
    assert _sync().startswith("read 48; created 0, changed 0, deactivated 0, unchanged 48;")


def test_a_leaver_who_comes_back_is_reactivated(synced):
    _sync()
    person = BY_UID["p020"]
    _remove(synced, "p020")
    _sync()
    assert not User.objects.get(username="p020").is_active

    connection = synced.connect()
    entry = [
        ("objectClass", [b"inetOrgPerson"]),
        ("uid", [b"p020"]),
        ("cn", [person.name.encode()]),
        ("displayName", [person.name.encode()]),
        ("sn", [person.surname.encode()]),
        ("mail", [person.email.encode()]),
        ("employeeNumber", [person.employee_no.encode()]),
        ("departmentNumber", [b"SALES"]),
        ("title", ["销售代表".encode()]),
    ]
    connection.add_s(person.dn, entry)
    out = _sync()

    assert "changed 1, deactivated 0" in out
    assert User.objects.get(username="p020").is_active
    assert Employee.objects.get(employee_no=person.employee_no).is_active
    assert person.employee_no in _holders("SALES-REP")


def test_the_guard_refuses_to_deactivate_a_large_share_unless_told_to(synced):
    _sync()
    _a_month_ago()
    leaving = [p.uid for p in PEOPLE if p.manager == "p030"]  # 20 of 50
    _remove(synced, *leaving)

    with pytest.raises(CommandError, match=r"20 of the directory's 50 employees"):
        _sync()
    assert Employee.objects.filter(is_active=False).count() == 0
    assert User.objects.filter(is_active=False).count() == 0

    out = _sync("--allow-mass-deactivation")

    assert "deactivated 20" in out
    assert Employee.objects.filter(is_active=False).count() == 20


def test_a_directory_that_answers_with_nobody_empties_nothing(synced, settings):
    _sync()
    settings.DIRECTORY_LDAP_PEOPLE_FILTER = "(employeeNumber=NOBODY)"

    with pytest.raises(CommandError, match="Refused: 50 of"):
        _sync()
    assert Employee.objects.filter(is_active=True).count() == 50


def test_a_directory_that_is_down_changes_nothing(synced):
    _sync()
    synced.stop()

    with pytest.raises(CommandError, match="cannot be read, nothing changed"):
        _sync()
    assert Employee.objects.filter(is_active=True).count() == 50


def test_without_a_directory_the_command_says_so(db):
    with pytest.raises(CommandError, match="LDAP_SERVER_URI is not set"):
        _sync()


@pytest.mark.parametrize("people_filter", ["(departmentNumber=SALES)", "(employeeNumber=*)"])
def test_the_query_count_does_not_grow_with_the_directory(synced, settings, people_filter):
    """25 or 50 people: the same queries, first run and second alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DIRECTORY_LDAP_PEOPLE_FILTER = people_filter
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            _sync()
        counts.append(len(queries))
        _a_month_ago()

    # Kept in a list per run: the first creates everyone, the second finds them all.
    assert counts == EXPECTED_QUERIES[connection.vendor]


# The same at both sizes (the test is parametrised over them).
# First run, 16 queries:
# * the savepoint and its release (PostgreSQL: and the tree's advisory lock)
# * the lookups: employees, directory entries, users, departments, positions, open
#   primary assignments
# * the new logins, the Employees group, their memberships
# * the new employees and their history
# * their assignments and their history
# * their directory entries
# Second run, 9: the savepoint, its release, the six lookups, the entries' last-seen.
EXPECTED_QUERIES = {"sqlite": [16, 9], "postgresql": [17, 10]}
