"""Upgrading a database made by main before issue 11 keeps every row.

tests/data/upgrade/ holds SQL dumps of a database that main as of fabbefb
made (its ``orgduties`` app with migrations 0001..0004, Duty.forms declared on
Duty) and filled with the demo organisation, its document revisions, the
history of a duty's forms, an uploaded form template, a user with a direct
permission and an admin log entry; make_dumps.py there makes them again.

Each test loads the dump for the database under test into a scratch
database of its own, runs today's ``migrate`` on it in a new process, and
compares: every table keeps its rows, the duty-form links and their history
read through today's models, groups and users keep their permissions, and the
triggers and indexes are all there.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
DUMPS = ROOT / "tests" / "data" / "upgrade"

# Tables migrate may add rows to: its own record, and the content types and
# permissions of models added since (the groups are synced after migrate).
GROWING = {"django_migrations", "django_content_type", "auth_permission", "auth_group_permissions"}
# The model that moved from positions to kpis (kpis 0003), old name -> new.
MOVED = {("positions", "historicalduty_forms"): ("kpis", "historicaldutyform")}

# Run by today's code on the upgraded database; prints what the test compares.
CHECK = """
import json
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from storage import generation
from kpis.models import Form, HistoricalDutyForm
from positions.models import Duty

links = sorted(Form.duties.through.objects.values_list("duty_id", "form_id"))
history = sorted(HistoricalDutyForm.objects.values_list("m2m_history_id", "history_id", "form_id"))
record = Duty.history.filter(history_id=history[0][1]).get() if history else None

duty = Duty.objects.order_by("id").first()
before = HistoricalDutyForm.objects.count()
duty.forms.add(*Form.objects.exclude(duties=duty)[:1])

print(json.dumps({
    "links": links,
    "history": history,
    "forms_of_a_history_row": sorted(record.forms.values_list("form_id", flat=True)) if record else [],
    "history_after_a_change": HistoricalDutyForm.objects.count() - before,
    "templates": sorted(Form.objects.exclude(template="").values_list("template", flat=True)),
    "stale_content_types": [
        f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all() if ct.model_class() is None
    ],
    "groups": {
        group.name: sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        )
        for group in Group.objects.all()
    },
    "viewer": sorted(User.objects.get(username="upgrade-viewer").get_all_permissions()),
    "covered_tables": generation.covered_tables(apps),
    "triggers": generation.triggers_by_table(),
}))
"""


def _statements_pg(text):
    # pg_dump 15.14+ brackets the dump with psql's \\restrict; not SQL.
    return re.sub(r"^\\(un)?restrict .*$", "", text, flags=re.MULTILINE)


class Scratch:
    """A database of the vendor under test, loaded from the fabbefb dump."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        self.tmp_path = tmp_path
        if self.vendor == "sqlite":
            self.path = tmp_path / "old.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            db = settings.DATABASES["default"]
            self.name = f"orgduties_upgrade_{uuid.uuid4().hex[:10]}"
            self.params = {
                "host": db["HOST"] or "127.0.0.1",
                "port": db["PORT"] or 5432,
                "user": db["USER"],
                "password": db["PASSWORD"],
            }
            auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{self.params['host']}:{self.params['port']}/{self.name}"

    def _pg(self, dbname="postgres"):
        import psycopg2

        conn = psycopg2.connect(dbname=dbname, **self.params)
        conn.autocommit = True
        return conn

    def load(self):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as conn:
                conn.executescript((DUMPS / "fabbefb.sqlite.sql").read_text(encoding="utf-8"))
            return
        conn = self._pg()
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {self.name}")
        finally:
            conn.close()
        conn = self._pg(self.name)
        try:
            with conn.cursor() as cursor:
                text = (DUMPS / "fabbefb.postgresql.sql").read_text(encoding="utf-8")
                cursor.execute(_statements_pg(text))
        finally:
            conn.close()

    def drop(self):
        if self.vendor == "postgresql":
            conn = self._pg()
            try:
                with conn.cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            finally:
                conn.close()

    def query(self, sql):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql).fetchall()
        conn = self._pg(self.name)
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            conn.close()

    def tables(self):
        if self.vendor == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return sorted(name for (name,) in self.query(sql))

    def counts(self):
        # The names come from the database's own catalogue.
        sql = 'SELECT COUNT(*) FROM "{}"'
        return {table: self.query(sql.format(table))[0][0] for table in self.tables()}

    def schema_objects(self):
        """Names of the indexes and triggers."""
        if self.vendor == "sqlite":
            sql = "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')"
        else:
            sql = (
                "SELECT 'index', indexname FROM pg_indexes WHERE schemaname = 'public' "
                "UNION SELECT 'trigger', tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        return set(self.query(sql))

    def group_permissions(self):
        rows = self.query(
            "SELECT g.name, ct.app_label, ct.model, p.codename FROM auth_group g "
            "JOIN auth_group_permissions gp ON gp.group_id = g.id "
            "JOIN auth_permission p ON p.id = gp.permission_id "
            "JOIN django_content_type ct ON ct.id = p.content_type_id"
        )
        groups = {}
        for group, app_label, model, codename in rows:
            if (app_label, model) in MOVED:
                new_app, new_model = MOVED[app_label, model]
                app_label, codename = new_app, codename.replace(model, new_model)
            groups.setdefault(group, set()).add(f"{app_label}.{codename}")
        return groups

    def manage(self, *args, check=True):
        env = {**os.environ, "DATABASE_URL": self.url, "MEDIA_ROOT": str(self.tmp_path / "media")}
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=check,
            capture_output=True,
            text=True,
        )


@pytest.fixture
def old_database(tmp_path):
    if connection.vendor not in ("sqlite", "postgresql"):
        pytest.skip("dumps exist for SQLite and PostgreSQL")
    scratch = Scratch(tmp_path)
    scratch.load()
    yield scratch
    scratch.drop()


def test_migrate_keeps_every_row_of_a_database_made_before_issue_11(old_database):
    old = old_database
    counts_before = old.counts()
    links_before = sorted(old.query("SELECT duty_id, form_id FROM positions_duty_forms"))
    history_before = sorted(
        old.query("SELECT m2m_history_id, history_id, form_id FROM positions_historicalduty_forms")
    )
    groups_before = old.group_permissions()
    objects_before = old.schema_objects()
    assert links_before and len(history_before) >= 3  # the dump has what is checked

    migrated = old.manage("migrate", "--no-input")
    assert "Error" not in migrated.stderr, migrated.stderr

    # Every table is still there with its rows; only migrate's own tables grow.
    counts_after = old.counts()
    assert set(counts_before) <= set(counts_after)
    changed = {
        table: (count, counts_after[table])
        for table, count in counts_before.items()
        if count != counts_after[table] and not (table in GROWING and counts_after[table] > count)
    }
    assert changed == {}
    assert counts_before["departments_department"] > 20
    assert counts_before["documents_revision"] >= 2
    assert counts_before["positions_historicalduty"] > 200
    # Every index (the trigram indexes of search among them) and every trigger stays.
    assert objects_before - old.schema_objects() == set()
    assert old.manage("migrate", "--check", check=False).returncode == 0

    facts = json.loads(old.manage("shell", "--no-imports", "-c", CHECK).stdout)
    # The links and their history, read through Form.duties and kpis.HistoricalDutyForm.
    assert [tuple(row) for row in facts["links"]] == links_before
    assert [tuple(row) for row in facts["history"]] == history_before
    assert facts["forms_of_a_history_row"] == sorted(
        form for _id, history, form in history_before if history == history_before[0][1]
    )
    assert facts["history_after_a_change"] >= 1
    assert facts["templates"] == ["form-templates/2026/upgrade-check.docx"]
    # Groups and users keep their permissions; no content type is left naming no model.
    assert facts["stale_content_types"] == []
    groups_after = {name: set(perms) for name, perms in facts["groups"].items()}
    assert set(groups_after) == set(groups_before)
    for name, perms in groups_before.items():
        assert perms <= groups_after[name], name
    assert "kpis.view_historicaldutyform" in facts["viewer"]
    # The content generation: every table the pages show has its trigger.
    needed = 1 if old.vendor == "postgresql" else 3
    assert "positions_duty_forms" in facts["covered_tables"]
    missing = [t for t in facts["covered_tables"] if facts["triggers"].get(t, 0) < needed]
    assert missing == []
