"""The app as separate processes, as on real servers: gunicorn app servers and job workers.

They share the test's database and nothing else but the settings: on
PostgreSQL the test database (the test must be transactional, so they see
its rows); on SQLite a database file made for the test, migrated by a
subprocess, that the test reads with ``Site.query``.
"""

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def database_url(tmp_path):
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def wait_for(process, port, what="gunicorn"):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited"
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen")


class Site:
    """One deployment: its environment, its database, and the processes started on it."""

    def __init__(self, tmp_path, extra=None):
        self.tmp_path = tmp_path
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "orgduties.settings",
            "DEBUG": "1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url(tmp_path),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "LANGUAGE_CODE": "en",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
            **(extra or {}),
        }
        self.processes = []
        self.sqlite = connection.vendor != "postgresql"
        if self.sqlite:
            self.manage("migrate", "-v", "0")

    def manage(self, *args):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"
        return done.stdout

    def shell(self, code):
        """Run Python in a process of the site (Django set up); what it printed."""
        return self.manage("shell", "-c", code)

    def start(self, *args, **env):
        process = subprocess.Popen([sys.executable, *args], cwd=BASE_DIR, env={**self.env, **env})
        self.processes.append(process)
        return process

    def server(self):
        """A gunicorn app server; its port once it listens."""
        port = free_port()
        process = self.start(
            "-m", "gunicorn", "--config", "gunicorn.conf.py", HOST=HOST, PORT=str(port)
        )
        wait_for(process, port)
        return port

    def worker(self, *args):
        return self.start("manage.py", "worker", "--interval", "0.2", *args)

    def query(self, sql, params=()):
        """Rows of one query on the site's database, from outside its processes."""
        if self.sqlite:
            path = self.env["DATABASE_URL"].removeprefix("sqlite:///")
            with sqlite3.connect(path, timeout=20) as db:
                return db.execute(sql, params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()

    def progress(self, job_id):
        """(status, step, done, total) of a job as another process sees it now."""
        [(status, step, done, total)] = self.query(
            "SELECT status, step, done, total FROM jobs_job WHERE id = ?", [job_id]
        )
        if self.sqlite and status == "running":
            board = self.env["DATABASE_URL"].removeprefix("sqlite:///") + ".jobs"
            try:
                with sqlite3.connect(f"file:{board}?mode=ro", uri=True, timeout=20) as db:
                    row = db.execute(
                        "SELECT step, done, total FROM progress WHERE job = ?", [job_id]
                    ).fetchone()
            except sqlite3.OperationalError:  # not made yet by the worker's first report
                row = None
            if row:
                step, done, total = row
        return status, step, done, total

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []
