"""Time the whole-workbook import (issue 4) against a plain ModelResource and a raw COPY.

    .venv/bin/python -m bench.import_workbook --runs 3

1. Generates bench/out/org_<sizes>.xlsx in the documented workbook format
   (2,000 departments, 10,000 functions, 20,000 positions, 2,000 dotted lines,
   2,000 forms, 100,000 duties, 30,000 KPIs, 10,000 employees by default),
   written by workbook.exporter.write_xlsx (openpyxl write-only). Deterministic
   for a given --seed; reused when it already exists.
2. Per backend (PostgreSQL: a scratch database orgduties_bench_import cloned
   from a migrated template; SQLite: a file in bench/out/) and per run, each
   in its own child process, with a fresh database every run:
   a. import the workbook (read_path + OrgImporter.run, what `import_org` does);
   b. import the same workbook again, unchanged;
   c. import a sample of the same duty rows (--resource-rows) with a plain
      django-import-export ModelResource for Duty, default options (row by
      row), from an .xlsx loaded by tablib;
   d. PostgreSQL only: COPY every row the imports stored (all twelve tables
      of the workbook's rows, history tables not) again into the same tables,
      emptied, in one transaction: the same rows into the same tables;
   e. PostgreSQL only: COPY all the duty rows (psycopg2 copy_expert) into the
      emptied duty table (the baseline of issue 4).
   Wall time and peak RSS (ru_maxrss from os.wait4 of that child) are taken
   per child; every timed child runs under flock(/tmp/orgduties-bench.lock) so
   it never overlaps another engineer's timed benchmark, and `uptime` is
   printed before each.
3. Prints medians over --runs and the ratios against the issue's targets, as a
   Markdown table, and writes every figure to bench/out/import_results.json.

Ratios. "Our duty rows/s" is conservative: the 100,000 duty rows divided by
the whole-workbook time (reading the file and importing every sheet, all
130,000+ other rows and their history rows included). The ModelResource
figure counts only import_data (the tablib load of its .xlsx excluded) and the
COPY figures only copy_expert + commit (reading the file, looking up ids and
building the TSV excluded): both comparisons favour the other side. Issue 13
compares the whole workbook with a COPY of all its rows (d.); issue 4 compared
it with a COPY of the 100,000 duty rows alone (e.), which leaves out the other
151,200 rows the import writes. "Duty phase only" divides
by the time of the duties sheet's write() alone (workbook/importing/duties.py:
duties, their history and form links; reading and validation excluded).

The organisation is bench.orgshapes.realistic's; each measurement is a child
in bench/import_children.py, and the table is bench/import_report.py's.

CPU figures (the importing process, and its PostgreSQL backend read from
/proc) do not depend on what else the machine runs; the "by CPU" rates divide
by client + server CPU seconds.
"""

import argparse
import fcntl
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench import OUT, ROOT, setup_django
from bench.import_children import child_copy, child_copy_all, child_import, child_resource
from bench.import_report import summarise
from bench.orgshapes.realistic import generate_sheets

LOCK = "/tmp/orgduties-bench.lock"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "orgduties_bench_import"
PG_TEMPLATE = "orgduties_bench_import_tpl"


def workbook_path(args) -> Path:
    return OUT / (
        f"org_{args.departments}d_{args.positions}p_{args.duties}du_{args.kpis}k"
        f"_{args.employees}e_s{args.seed}.xlsx"
    )


def generate(args) -> Path:
    path = workbook_path(args)
    if path.exists() and not args.regenerate:
        print(f"workbook: {path.relative_to(ROOT)} (reused, {path.stat().st_size / 1e6:.1f} MB)")
        return path
    setup_django()
    from workbook.exporter import write_xlsx

    started = time.perf_counter()
    sheets = generate_sheets(args)
    data = write_xlsx(sheets)
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in sheets.items())
    print(
        f"workbook: {path.relative_to(ROOT)} ({len(data) / 1e6:.1f} MB, {counts}) "
        f"written in {time.perf_counter() - started:.1f} s"
    )
    return path


# --------------------------------------------------------------------------
# Parent: databases, locking, measuring
# --------------------------------------------------------------------------


@contextmanager
def bench_lock():
    with open(LOCK, "a") as handle:
        waited = time.perf_counter()
        fcntl.flock(handle, fcntl.LOCK_EX)
        waited = time.perf_counter() - waited
        if waited > 1:
            print(f"  (waited {waited:.0f} s for {LOCK})")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def uptime() -> str:
    env = {**os.environ, "TZ": "UTC"}  # django.setup() set TZ to the project's zone
    return subprocess.run(["uptime"], capture_output=True, text=True, env=env).stdout.strip()


def child_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",  # production settings: no query log
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        PYTHONHASHSEED="0",
    )
    return env


def measure(label: str, mode: list[str], database_url: str) -> dict:
    """Run one child under the bench lock; wall time and its own peak RSS."""
    argv = [sys.executable, "-m", "bench.import_workbook", "--child", *mode]
    with bench_lock():
        load = uptime()
        with open(OUT / "child.out", "w+") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, env=child_env(database_url), stdout=out, cwd=ROOT)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            lines = out.read().strip().splitlines()
    if proc.returncode != 0:
        raise SystemExit(f"{label}: child failed with exit code {proc.returncode}")
    result = json.loads(lines[-1])
    result.update(
        wall_s=wall,
        child_cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        uptime=load,
    )
    print(
        f"  {label}: wall {wall:.2f} s, CPU {result['child_cpu_s']:.2f} s, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB  [{load}]"
    )
    return result


def pg_admin(sql: str):
    import psycopg2

    connection = psycopg2.connect(f"{PG_SERVER}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def migrate(database_url: str):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env=child_env(database_url),
        cwd=ROOT,
        check=True,
    )


@contextmanager
def scratch_database(backend: str):
    """Yield the URL of an empty, migrated database; a fresh copy per call."""
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_DB} TEMPLATE {PG_TEMPLATE}")
        try:
            yield f"{PG_SERVER}/{PG_DB}"
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    else:
        target = OUT / "bench_import.sqlite3"
        shutil.copyfile(OUT / "bench_import_tpl.sqlite3", target)
        try:
            yield f"sqlite:///{target}"
        finally:
            target.unlink(missing_ok=True)


def prepare_template(backend: str):
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_TEMPLATE}")
        migrate(f"{PG_SERVER}/{PG_TEMPLATE}")
    else:
        template = OUT / "bench_import_tpl.sqlite3"
        template.unlink(missing_ok=True)
        migrate(f"sqlite:///{template}")


def drop_template(backend: str):
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
    else:
        (OUT / "bench_import_tpl.sqlite3").unlink(missing_ok=True)


def check_first(result, args):
    stored = result["stored"]
    expected = {"Department": args.departments, "Position": args.positions}
    expected.update(Duty=args.duties, Kpi=args.kpis, tree_problems=0)
    wrong = {k: (stored[k], v) for k, v in expected.items() if stored[k] != v}
    if wrong:
        raise SystemExit(f"first import stored the wrong counts (got, expected): {wrong}")


def check_second(result):
    changed = {k: v for k, v in result["report"].items() if v[0] or v[1] or v[3]}
    if changed:
        raise SystemExit(f"second import was not unchanged: {changed}")


def run_backend(backend, path, args):
    prepare_template(backend)
    runs = []
    try:
        for run in range(1, args.runs + 1):
            print(f"{backend}, run {run}/{args.runs}")
            figures = {}
            with scratch_database(backend) as url:
                profile = str(OUT / f"import_{backend}_{run}.prof") if args.profile else ""
                first = measure("import 1", ["import", str(path), profile], url)
                check_first(first, args)
                figures["first"] = first
                second = measure("import 2 (unchanged)", ["import", str(path), ""], url)
                check_second(second)
                figures["second"] = second
                if args.resource_rows:
                    figures["resource"] = measure(
                        f"ModelResource, {args.resource_rows} duty rows",
                        ["resource", str(path), str(args.resource_rows), backend],
                        url,
                    )
                if backend == "postgresql":
                    # First: the duty-only COPY truncates the duties' dependants too.
                    figures["copy_all"] = measure("COPY every stored row", ["copy_all"], url)
                    figures["copy"] = measure("COPY duties", ["copy", str(path)], url)
            runs.append(figures)
    finally:
        if not args.keep:
            drop_template(backend)
    return runs


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--functions-per-department", type=int, default=5)
    parser.add_argument("--positions", type=int, default=20000)
    parser.add_argument("--dotted-lines", type=int, default=2000)
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--duties", type=int, default=100000)
    parser.add_argument("--kpis", type=int, default=30000)
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--resource-rows", type=int, default=5000, help="0 to skip")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--regenerate", action="store_true", help="write the workbook again")
    parser.add_argument("--profile", action="store_true", help="cProfile each first import")
    parser.add_argument("--keep", action="store_true", help="keep the migrated templates")
    args = parser.parse_args()

    if args.child:
        mode, *rest = args.child
        if mode == "import":
            result = child_import(Path(rest[0]), rest[1] or None)
        elif mode == "resource":
            result = child_resource(Path(rest[0]), int(rest[1]), rest[2])
        elif mode == "copy_all":
            result = child_copy_all()
        else:
            result = child_copy(Path(rest[0]))
        print(json.dumps(result))
        return

    # Stopped with kill: still drop the scratch databases (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"date: {subprocess.run(['date'], capture_output=True, text=True).stdout.strip()}")
    print(f"nproc: {os.cpu_count()}; load: {uptime()}")
    path = generate(args)
    results = {}
    for backend in args.backends.split(","):
        results[backend] = run_backend(backend, path, args)
    (OUT / "import_results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(summarise(results, args))


if __name__ == "__main__":
    main()
