"""Logging in with the company directory (a real slapd, tests/ldap_server.py)."""

import socket
import threading
import time

import ldap
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from core.roles import APPROVERS, EMPLOYEES, HR_EDITORS, REVIEWERS
from directory.forms import DIRECTORY_UNREACHABLE
from positions.models import Employee
from tests.ldap_server import BY_UID, PASSWORD, group_dn
from tests.pages import soup


def _login(client, username, password=PASSWORD, language="en"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _roles(username):
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def _error(response):
    return soup(response).select_one(".errorlist[role=alert]").get_text(" ", strip=True)


@pytest.fixture(params=["plain", "starttls"])
def directory(request, slapd, use_ldap):
    """The site pointed at slapd, over a plain connection and over StartTLS."""
    if request.param == "starttls":
        use_ldap(slapd.uri, start_tls=True, ca_file=slapd.ca_file)
    else:
        use_ldap(slapd.uri)
    return slapd


def test_first_login_creates_the_user_with_its_name_roles_and_employee(
    client, directory, directory_org
):
    person = BY_UID["p007"]
    Employee.objects.create(employee_no=person.employee_no, name="旧名字")

    response = _login(client, "p007")

    assert response.status_code == 302 and response.url == reverse("chart")
    user = User.objects.get(username="p007")
    assert (user.first_name, user.last_name, user.email) == (
        person.given_name,
        person.surname,
        person.email,
    )
    assert not user.has_usable_password()  # the directory keeps the password
    assert _roles("p007") == {EMPLOYEES}  # staff > sales > p007: nested groups
    assert not user.is_staff
    assert user.employee.employee_no == person.employee_no
    assert client.get(reverse("chart")).status_code == 200


def test_the_employee_is_found_by_email_without_a_number_match(client, directory):
    person = BY_UID["p012"]
    Employee.objects.create(employee_no="HR-0012", name=person.name, email=person.email.upper())

    _login(client, "p012")

    assert User.objects.get(username="p012").employee.employee_no == "HR-0012"


def test_groups_map_to_roles_and_staff_status(client, directory):
    for uid in ("p001", "p002", "p003", "p004"):
        assert _login(client, uid).status_code == 302
        client.logout()

    assert _roles("p001") == {HR_EDITORS, EMPLOYEES}
    assert _roles("p002") == {HR_EDITORS, EMPLOYEES}  # hr-editors > hr-team > p002
    assert _roles("p003") == {REVIEWERS, EMPLOYEES}
    assert _roles("p004") == {APPROVERS, EMPLOYEES}
    assert User.objects.get(username="p002").is_staff
    client.force_login(User.objects.get(username="p002"))
    assert client.get("/admin/positions/position/").status_code == 200


def test_a_user_moved_between_groups_gets_the_new_role_at_the_next_login(client, slapd, use_ldap):
    use_ldap(slapd.uri)
    _login(client, "p003")
    assert _roles("p003") == {REVIEWERS, EMPLOYEES}
    client.logout()

    connection = slapd.connect()
    dn = BY_UID["p003"].dn.encode()
    connection.modify_s(group_dn("reviewers"), [(ldap.MOD_DELETE, "member", [dn])])
    connection.modify_s(group_dn("approvers"), [(ldap.MOD_ADD, "member", [dn])])
    _login(client, "p003")

    assert _roles("p003") == {APPROVERS, EMPLOYEES}


def test_a_role_given_by_hand_outside_the_mapping_is_kept(client, slapd, use_ldap, db):
    from django.contrib.auth.models import Group

    use_ldap(slapd.uri)
    _login(client, "p010")
    extra = Group.objects.create(name="Auditors")
    User.objects.get(username="p010").groups.add(extra)
    client.logout()

    _login(client, "p010")

    assert _roles("p010") == {EMPLOYEES, "Auditors"}


def test_a_wrong_directory_password_is_refused(client, directory):
    response = _login(client, "p007", "wrong")

    assert response.status_code == 200
    assert "correct username and password" in _error(response)
    assert not User.objects.filter(username="p007", last_login__isnull=False).exists()


def test_a_local_account_logs_in_first_without_asking_the_directory(
    client, slapd, use_ldap, local_superuser
):
    use_ldap(slapd.uri)
    slapd.stop()

    started = time.monotonic()
    response = _login(client, "root", "root-pass-123")

    assert response.status_code == 302
    assert time.monotonic() - started < 1


def test_a_leaver_deactivated_here_is_logged_out(client, slapd, use_ldap):
    use_ldap(slapd.uri)
    _login(client, "p020")
    User.objects.filter(username="p020").update(is_active=False)

    assert client.get(reverse("chart")).status_code == 302


# --- the directory is away -------------------------------------------------------------


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers: a hung directory."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"ldap://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_a_stopped_directory_is_named_on_the_login_page_in_the_users_language(
    client, slapd, use_ldap, local_superuser, language
):
    use_ldap(slapd.uri)
    slapd.stop()

    response = _login(client, "p007", language=language)

    assert response.status_code == 200
    with translation.override(language):
        expected = str(DIRECTORY_UNREACHABLE)
    assert _error(response) == expected
    assert soup(response).html["lang"] == language
    # Local accounts still work.
    assert _login(client, "root", "root-pass-123").status_code == 302


def test_the_admin_login_names_the_outage_too(client, slapd, use_ldap):
    use_ldap(slapd.uri)
    slapd.stop()

    response = client.post("/admin/login/", {"username": "p001", "password": PASSWORD})

    notes = [p.get_text(strip=True) for p in soup(response).select("p.errornote")]
    assert str(DIRECTORY_UNREACHABLE) in notes


def test_logins_tried_during_an_outage_do_not_lock_anyone_out(client, slapd, use_ldap, settings):
    use_ldap(slapd.uri)
    slapd.stop()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _login(client, "p007").status_code == 200

    slapd.start()

    assert _login(client, "p007").status_code == 302


def test_wrong_directory_passwords_still_lock_out(client, slapd, use_ldap, settings):
    use_ldap(slapd.uri)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "p007", "wrong")

    assert _login(client, "p007").status_code == 429


@pytest.mark.parametrize("start_tls", [False, True])
def test_a_hung_directory_fails_the_login_within_the_timeout(
    client, silent_server, use_ldap, local_superuser, start_tls
):
    use_ldap(silent_server, start_tls=start_tls)  # LDAP_TIMEOUT=2

    started = time.monotonic()
    response = _login(client, "p007")
    elapsed = time.monotonic() - started

    assert "The company directory cannot be reached" in _error(response)
    assert elapsed < 6, f"the login page took {elapsed:.1f} s"
    assert _login(client, "root", "root-pass-123").status_code == 302
