"""Read the people of the company directory, with the login's own connection settings."""

from dataclasses import dataclass

import ldap
from django.conf import settings
from ldap.controls import SimplePagedResultsControl

PAGE_SIZE = 500  # Active Directory answers at most 1,000 entries a page


@dataclass(frozen=True)
class DirectoryPerson:
    dn: str
    username: str
    employee_no: str
    name: str
    email: str
    department: str
    title: str
    manager_dn: str


class DirectoryUnavailable(Exception):
    """The directory could not be reached or searched: nothing is changed."""


def connect():
    """A connection bound with LDAP_BIND_DN, after StartTLS when configured."""
    connection = ldap.initialize(settings.AUTH_LDAP_SERVER_URI, bytes_mode=False)
    for option, value in settings.AUTH_LDAP_CONNECTION_OPTIONS.items():
        connection.set_option(option, value)
    if settings.AUTH_LDAP_START_TLS:
        connection.start_tls_s()
    connection.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
    return connection


def _text(values) -> str:
    return values[0].decode("utf-8", "replace").strip() if values else ""


def read_people() -> list[DirectoryPerson]:
    """Every person the people filter finds under LDAP_USER_BASE, page by page."""
    attrs = settings.DIRECTORY_LDAP_ATTRS
    wanted = sorted(set(attrs.values()))
    base = settings.AUTH_LDAP_USER_SEARCH.base_dn
    people = []
    try:
        connection = connect()
        try:
            control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
            while True:
                msgid = connection.search_ext(
                    base,
                    ldap.SCOPE_SUBTREE,
                    settings.DIRECTORY_LDAP_PEOPLE_FILTER,
                    wanted,
                    serverctrls=[control],
                )
                _type, entries, _id, controls = connection.result3(
                    msgid, timeout=settings.DIRECTORY_TIMEOUT * 6
                )
                for dn, entry in entries:
                    if dn is None:  # a referral (Active Directory)
                        continue
                    entry = {key.lower(): value for key, value in entry.items()}

                    def get(key, entry=entry):
                        return _text(entry.get(attrs[key].lower()))

                    people.append(
                        DirectoryPerson(
                            dn=dn,
                            username=get("username"),
                            employee_no=get("employee_no"),
                            name=get("name"),
                            email=get("email"),
                            department=get("department"),
                            title=get("title"),
                            manager_dn=get("manager"),
                        )
                    )
                cookie = next(
                    (c.cookie for c in controls if c.controlType == control.controlType), b""
                )
                if not cookie:
                    break
                control.cookie = cookie
        finally:
            connection.unbind_s()
    except ldap.LDAPError as exc:
        raise DirectoryUnavailable(str(exc)) from exc
    return people
