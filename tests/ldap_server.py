"""A private, real OpenLDAP server (Debian's slapd) with a test company in it.

The directory (``PEOPLE``, ``GROUPS``) is 50 people of three departments, each
with an employee number, an e-mail address, a department, a title and a
manager (a DN), and groups nested two deep (``staff`` holds ``sales`` and
``operations``; ``hr-editors`` holds ``hr-team``). slapd listens on a free port
of 127.0.0.1 with a self-signed certificate, so one server answers both plain
and StartTLS connections. Without slapd the tests skip with the reason; CI
sets REQUIRE_LDAP=1, which makes that a failure.
"""

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HOST = "127.0.0.1"
BASE = "dc=example,dc=com"
PEOPLE_BASE = f"ou=people,{BASE}"
GROUPS_BASE = f"ou=groups,{BASE}"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "admin-secret"
PASSWORD = "directory-pass-1"  # every person's password

_MODULES = Path("/usr/lib/ldap")
_SCHEMAS = Path("/etc/ldap/schema")


@dataclass(frozen=True)
class Person:
    uid: str
    name: str
    surname: str
    given_name: str
    employee_no: str
    department: str
    title: str
    manager: str | None  # a uid

    @property
    def dn(self):
        return f"uid={self.uid},{PEOPLE_BASE}"

    @property
    def email(self):
        return f"{self.uid}@example.com"


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _people():
    people = []

    def add(n, department, title, manager):
        surname, given = _SURNAMES[n % 20], _GIVEN[(n * 7) % 20] + _GIVEN[(n * 3) % 20]
        uid = f"p{n:03d}"
        people.append(
            Person(uid, surname + given, surname, given, f"E{n:04d}", department, title, manager)
        )
        return uid

    boss = add(1, "HR", "人事经理", None)
    add(2, "HR", "人事专员", boss)
    add(3, "HR", "人事专员", boss)
    add(4, "HR", "人事专员", boss)
    sales = add(5, "SALES", "销售经理", boss)
    for n in range(6, 30):
        add(n, "SALES", "销售代表", sales)
    # Operations is found by its name, not its code.
    ops = add(30, "运营部", "运营经理", boss)
    for n in range(31, 51):
        add(n, "运营部", "运营专员", ops)
    return people


PEOPLE = _people()
BY_UID = {p.uid: p for p in PEOPLE}


def group_dn(name):
    return f"cn={name},{GROUPS_BASE}"


# Group name -> members: people's uids, or "group:NAME" for a nested group.
GROUPS = {
    "hr-editors": ["p001", "group:hr-team"],
    "hr-team": ["p002"],
    "reviewers": ["p003", "p040"],
    "approvers": ["p004"],
    "sales": [p.uid for p in PEOPLE if p.department == "SALES"],
    "operations": [p.uid for p in PEOPLE if p.department == "运营部"],
    "staff": ["group:sales", "group:operations", "p001", "p002", "p003", "p004"],
}


def _member_dn(member):
    if member.startswith("group:"):
        return group_dn(member.removeprefix("group:"))
    return BY_UID[member].dn


def ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example",
        f"dn: {PEOPLE_BASE}\nobjectClass: organizationalUnit\nou: people",
        f"dn: {GROUPS_BASE}\nobjectClass: organizationalUnit\nou: groups",
    ]
    for p in PEOPLE:
        lines = [
            f"dn: {p.dn}",
            "objectClass: inetOrgPerson",
            f"uid: {p.uid}",
            f"cn: {p.name}",
            f"displayName: {p.name}",
            f"sn: {p.surname}",
            f"givenName: {p.given_name}",
            f"mail: {p.email}",
            f"employeeNumber: {p.employee_no}",
            f"departmentNumber: {p.department}",
            f"title: {p.title}",
            f"userPassword: {PASSWORD}",
        ]
        if p.manager:
            lines.append(f"manager: {BY_UID[p.manager].dn}")
        entries.append("\n".join(lines))
    for name, members in GROUPS.items():
        lines = [f"dn: {group_dn(name)}", "objectClass: groupOfNames", f"cn: {name}"]
        lines += [f"member: {_member_dn(m)}" for m in members]
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


def _free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _require(exe, package):
    found = shutil.which(exe) or (
        Path("/usr/sbin") / exe if (Path("/usr/sbin") / exe).exists() else None
    )
    if found:
        return str(found)
    reason = f"{exe} not found (apt-get install {package})"
    if os.environ.get("REQUIRE_LDAP") == "1":
        pytest.fail(reason + "; REQUIRE_LDAP=1 makes the LDAP tests mandatory")
    pytest.skip(reason)


class LdapServer:
    """slapd in ``folder``: ``start()``, ``stop()``, and the URI and CA file to reach it."""

    def __init__(self, folder: Path):
        self.slapd = _require("slapd", "slapd")
        self.slapadd = _require("slapadd", "slapd")
        self.openssl = _require("openssl", "openssl")
        self.folder = folder
        self.port = _free_port()
        self.uri = f"ldap://{HOST}:{self.port}"
        self.ca_file = folder / "cert.pem"
        self.process = None
        self._configure()

    def _configure(self):
        data = self.folder / "data"
        data.mkdir()
        # A self-signed certificate for 127.0.0.1: the client trusts it as its CA.
        subprocess.run(
            [
                self.openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(self.folder / "key.pem"), "-out", str(self.ca_file),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        schemas = "\n".join(
            f"include {_SCHEMAS / name}.schema"
            for name in ("core", "cosine", "inetorgperson", "nis")
        )
        self.config = self.folder / "slapd.conf"
        self.config.write_text(
            f"""{schemas}
modulepath {_MODULES}
moduleload back_mdb
pidfile {self.folder / "slapd.pid"}
TLSCertificateFile {self.ca_file}
TLSCertificateKeyFile {self.folder / "key.pem"}
access to attrs=userPassword by anonymous auth by * none
access to * by * read
database mdb
maxsize 104857600
suffix "{BASE}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {data}
index objectClass,uid,member,employeeNumber eq
""",
            encoding="utf-8",
        )
        (self.folder / "people.ldif").write_text(ldif(), encoding="utf-8")
        subprocess.run(
            [self.slapadd, "-q", "-f", str(self.config), "-l", str(self.folder / "people.ldif")],
            check=True,
            capture_output=True,
        )

    def start(self):
        # -d 0 keeps slapd in the foreground, so that stop() ends it by its own pid.
        self.process = subprocess.Popen(
            [self.slapd, "-d", "0", "-h", f"{self.uri}/", "-f", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited with {self.process.returncode}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not start listening within 15 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def connect(self):
        """A python-ldap connection bound as the directory's administrator."""
        import ldap

        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return connection
