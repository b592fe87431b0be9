"""Make the databases tests/test_upgrade.py upgrades: main as of fabbefb, as SQL text.

fabbefb is main just before issue 11 moved apps and relations (it had the
``orgduties`` app with migrations 0001_groups..0004_content_generation, and
Duty.forms declared on Duty). This script checks that commit out in a
temporary git worktree, migrates a new database there, loads the demo
organisation (with its document revisions), adds a few rows of the kinds the
demo lacks (history of a duty's forms, an uploaded form template, a user with
a direct permission, an admin log entry) and writes:

- fabbefb.sqlite.sql: ``sqlite3 .dump``;
- fabbefb.postgresql.sql: ``pg_dump --inserts`` (needs DATABASE_URL pointing at
  a PostgreSQL server; a scratch database is created there and dropped).

Run from the repository root: ``.venv/bin/python tests/data/upgrade/make_dumps.py``.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

COMMIT = "fabbefb"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

EXTRAS = """
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from kpis.models import Form
from positions.models import Duty

duty = Duty.objects.order_by("id").first()
first, second = Form.objects.order_by("id")[:2]
duty.forms.add(first, second)  # a history row of the duty, with two links
duty.forms.remove(second)  # and one with one link
first.template.name = "form-templates/2026/upgrade-check.docx"
first.save()
viewer = User.objects.create_user("upgrade-viewer")
viewer.groups.add(Group.objects.get(name="Employees"))
viewer.user_permissions.add(Permission.objects.get(codename="view_historicalduty_forms"))
LogEntry.objects.create(
    user=User.objects.get(username="hr"),
    content_type=ContentType.objects.get_for_model(Duty),
    object_id=str(duty.pk),
    object_repr=str(duty)[:200],
    action_flag=ADDITION,
    change_message="[]",
)
"""


def tool(name):
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} is not installed")
    return path


def run(old, database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(old / "media")}
    subprocess.run([sys.executable, "manage.py", *args], cwd=old, env=env, check=True)


def build(old, database_url):
    run(old, database_url, "migrate", "-v0")
    run(old, database_url, "load_demo")
    run(old, database_url, "shell", "-c", EXTRAS)


def sqlite_dump(old):
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "old.sqlite3"
        build(old, f"sqlite:///{path}")
        connection = sqlite3.connect(path)
        text = "\n".join(connection.iterdump()) + "\n"
        connection.close()
    (HERE / f"{COMMIT}.sqlite.sql").write_text(text, encoding="utf-8")


def postgresql_dump(old, server_url):
    parts = urlsplit(server_url)
    name = f"orgduties_dump_{uuid.uuid4().hex[:8]}"
    scratch = urlunsplit(parts._replace(path=f"/{name}"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run([tool("psql"), admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        build(old, scratch)
        text = subprocess.run(
            [tool("pg_dump"), "--inserts", "--no-owner", "--no-privileges", scratch],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run([tool("psql"), admin, "-qc", f"DROP DATABASE {name}"], check=True)
    (HERE / f"{COMMIT}.postgresql.sql").write_text(text, encoding="utf-8")


def main():
    server_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as work:
        old = Path(work) / "old"
        subprocess.run(
            [tool("git"), "-C", str(ROOT), "worktree", "add", "-q", str(old), COMMIT], check=True
        )
        try:
            (old / ".venv").symlink_to(ROOT / ".venv")
            sqlite_dump(old)
            if server_url.startswith("postgres"):
                postgresql_dump(old, server_url)
            else:
                print("DATABASE_URL is no PostgreSQL server: the PostgreSQL dump is left as it is.")
        finally:
            subprocess.run(
                [tool("git"), "-C", str(ROOT), "worktree", "remove", "--force", str(old)]
            )


if __name__ == "__main__":
    main()
