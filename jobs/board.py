"""Progress and heartbeats of running jobs, written beside the job's own transaction.

An import writes everything in one transaction; progress written through it
would be seen by nobody until the commit (celery-progress #55). So a running
job's ``Reporter`` writes its progress from a thread of its own, on a
connection of its own, four times a second, and a heartbeat with it:

- PostgreSQL: the job's row, through a second connection in autocommit, so
  every app server sees it at once.
- SQLite (the zero-setup demo): a database holds one writer at a time and the
  import is it; progress goes to a small SQLite file beside the database
  (``<database>.jobs``), which every process of the one machine reads.

A running job whose heartbeat is older than ``JOB_STALE_SECONDS`` has lost its
worker (killed, or its server restarted): ``jobs.runner.reap`` fails it.
"""

import datetime
import hashlib
import logging
import os
import sqlite3
import tempfile
import threading
import time

from django.db import connection, connections
from django.utils import timezone

log = logging.getLogger(__name__)


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if "mode=memory" in name or name == ":memory:" or not name:
        # Tests' in-memory databases: one board per process, as the database is.
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        return os.path.join(tempfile.gettempdir(), f"orgduties-jobs-{digest}-{os.getpid()}.db")
    return f"{name}.jobs"


class SqliteBoard:
    def __init__(self):
        self.path = _sqlite_path()
        self.db = None

    def _open(self):
        if self.db is None:
            self.db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS progress (job INTEGER PRIMARY KEY, attempt INTEGER,"
                " step TEXT, done INTEGER, total INTEGER, beat REAL)"
            )
        return self.db

    def write(self, job_id, attempt, step, done, total):
        self._open().execute(
            "INSERT OR REPLACE INTO progress VALUES (?, ?, ?, ?, ?, ?)",
            (job_id, attempt, step, done, total, time.time()),
        )

    def forget(self, job_id):
        self._open().execute("DELETE FROM progress WHERE job = ?", (job_id,))

    def overlay(self, jobs):
        running = {job.pk: job for job in jobs if job.status == "running"}
        if not running or not os.path.exists(self.path):
            return
        marks = ",".join("?" * len(running))
        rows = self._open().execute(
            f"SELECT job, attempt, step, done, total, beat FROM progress WHERE job IN ({marks})",  # noqa: S608 - placeholders only
            list(running),
        )
        for job_id, attempt, step, done, total, beat in rows:
            job = running[job_id]
            if attempt == job.attempt:
                job.step, job.done, job.total = step, done, total
                job.heartbeat_at = datetime.datetime.fromtimestamp(beat, tz=datetime.UTC)

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None


class PostgresBoard:
    def __init__(self):
        self.db = None

    def write(self, job_id, attempt, step, done, total):
        if self.db is None:
            self.db = connections.create_connection("default")
        with self.db.cursor() as cursor:
            cursor.execute(
                "UPDATE jobs_job SET step = %s, done = %s, total = %s, heartbeat_at = now()"
                " WHERE id = %s AND attempt = %s AND status = 'running'",
                [step[:100], done, total, job_id, attempt],
            )

    def forget(self, job_id):
        pass

    def overlay(self, jobs):
        pass  # the rows hold it

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None


def board():
    return PostgresBoard() if connection.vendor == "postgresql" else SqliteBoard()


class Reporter:
    """``progress(done, total, step)`` for a job's code; a thread writes it to the board."""

    def __init__(self, job, interval=0.25, beat=2.0):
        self.job_id, self.attempt = job.pk, job.attempt
        self.state = (job.step, job.done, job.total)
        self.interval, self.beat = interval, beat
        self._stop = threading.Event()
        self._thread = None

    def __call__(self, done, total=None, step=None):
        old_step, _old_done, old_total = self.state
        self.state = (
            old_step if step is None else str(step),
            int(done),
            old_total if total is None else int(total),
        )

    def _run(self):
        board_ = board()
        written, last = None, 0.0
        try:
            while True:
                stopping = self._stop.wait(self.interval)
                now = time.monotonic()
                if not stopping and (self.state != written or now - last >= self.beat):
                    try:
                        board_.write(self.job_id, self.attempt, *self.state)
                        written, last = self.state, now
                    except Exception:  # noqa: BLE001 - progress must never stop the job
                        log.warning("job %s: progress not written", self.job_id, exc_info=True)
                if stopping:
                    try:
                        board_.forget(self.job_id)
                    except Exception:  # noqa: BLE001
                        log.warning("job %s: progress not cleared", self.job_id, exc_info=True)
                    return
        finally:
            board_.close()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, name=f"job-{self.job_id}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)
        return False


def stale_before() -> datetime.datetime:
    from django.conf import settings

    return timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
