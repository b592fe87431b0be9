"""The workbook import as a background job, against the same import from the command line.

    .venv/bin/python -m bench.job_import --runs 3 [--workbook bench/out/org_….xlsx]

Per run, each on a fresh PostgreSQL database (cloned from a migrated
template, PG_TEMPLATE):

a. ``manage.py import_org FILE``: what an operator would run instead;
b. the job: an HR editor's upload queued (``jobs.runner.start``), a worker
   (``manage.py worker --batch``) runs it, while this process polls the job's
   progress through its own connection every 50 ms, as the job's page does.

Prints the medians: the command's wall time, the job's time from start to
done (and from queued to done, worker start-up included), and how many
distinct progress states another connection saw during the import, which
writes everything in one transaction. The workbook is bench.import_workbook's
(generate it first with that script, or pass --workbook).
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

from bench import ROOT

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB = "orgduties_bench_job"
TEMPLATE = "orgduties_bench_job_tpl"


def admin(sql):
    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def env(db):
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "MEDIA_ROOT": str(ROOT / "bench" / "out" / "job-media"),
    }


def manage(db, *args, capture=True):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env(db),
        capture_output=capture,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout


def template():
    admin(f"DROP DATABASE IF EXISTS {TEMPLATE}")
    admin(f"CREATE DATABASE {TEMPLATE}")
    manage(TEMPLATE, "migrate", "-v", "0")


def fresh():
    admin(f"DROP DATABASE IF EXISTS {DB}")
    admin(f"CREATE DATABASE {DB} TEMPLATE {TEMPLATE}")


START = """
from django.contrib.auth.models import Group, User
from jobs.runner import start
hr = User.objects.create_user('bench-hr', is_staff=True)
hr.groups.add(Group.objects.get(name='HR editors'))
job, _ = start(hr, 'workbook-import', upload=(open({path!r}, 'rb').read(), 'org.xlsx'), language='en')
print(job.pk)
"""


def run_job(path):
    job_id = int(manage(DB, "shell", "-c", START.format(path=str(path))).split()[-1])
    conn = psycopg2.connect(dbname=DB, **PG)
    conn.autocommit = True
    queued = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--batch", "--interval", "0.1"],
        cwd=ROOT,
        env=env(DB),
        stdout=subprocess.DEVNULL,
    )
    seen = set()
    while worker.poll() is None:
        with conn.cursor() as cursor:
            cursor.execute("SELECT status, step, done FROM jobs_job WHERE id = %s", [job_id])
            status, step, done = cursor.fetchone()
        if status == "running":
            seen.add((step, done))
        time.sleep(0.05)
    wall = time.perf_counter() - queued
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT status, extract(epoch FROM finished_at - started_at), summary"
            " FROM jobs_job WHERE id = %s",
            [job_id],
        )
        status, ran, summary = cursor.fetchone()
    conn.close()
    if status != "done":
        sys.exit(f"the job ended {status}: {summary}")
    return float(ran), wall, len(seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workbook", type=Path)
    args = parser.parse_args()
    path = args.workbook or max((ROOT / "bench" / "out").glob("org_*.xlsx"), default=None)
    if path is None or not path.exists():
        sys.exit("no workbook: run bench.import_workbook first, or pass --workbook")
    print(
        f"workbook: {path.name}; {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}"
    )
    template()
    command, ran, wall, states = [], [], [], []
    for run in range(args.runs):
        fresh()
        started = time.perf_counter()
        manage(DB, "import_org", str(path))
        command.append(time.perf_counter() - started)
        fresh()
        r, w, s = run_job(path)
        ran.append(r)
        wall.append(w)
        states.append(s)
        print(f"run {run + 1}: import_org {command[-1]:.1f} s; job ran {r:.1f} s, "
              f"queued to done {w:.1f} s, {s} progress states seen", flush=True)  # fmt: skip
    admin(f"DROP DATABASE IF EXISTS {DB}")
    print()
    print("| | median |")
    print("| --- | --- |")
    print(f"| `import_org` (command line) | {statistics.median(command):.1f} s |")
    print(f"| job: started → done | {statistics.median(ran):.1f} s |")
    print(f"| job: queued → done (worker start-up included) | {statistics.median(wall):.1f} s |")
    print(f"| progress states seen from another connection | {statistics.median(states):.0f} |")


if __name__ == "__main__":
    main()
