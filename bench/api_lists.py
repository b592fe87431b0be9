"""API list pages at 20,000 positions (issue 15): server time and queries, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_api_bench \
        .venv/bin/python -m bench.api_lists --build --shape balanced --repeat 20

With --build the database is migrated and filled by bench.generate_org
(--shape, --positions, --duties); without, the organisation built before is
used. An HR editor's read token then asks each list endpoint for its first
page, a page from the middle of the table (a cursor at the median id) and a
filtered page, --repeat times after a warm-up; the median and 95th percentile
in ms are printed, with the app's own CPU time, the SQL time seen by the app
and the time PostgreSQL itself reports for the page's queries (EXPLAIN
ANALYZE): wall times on a loaded machine include the wait for a core, the CPU
and PG columns do not. The table is Markdown, with the number of queries, which must
be the same as in tests/test_api_reads.py's locks (a query count that does not
grow with the organisation). The rate limit is lifted for the run.
"""

import argparse
import base64
import os
import statistics
import subprocess
import sys
import time

from bench import ROOT, setup_django

setup_django(ALLOWED_HOSTS="testserver", CACHE_BACKEND="locmem", API_RATE_LIMIT="1000000/min")

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from api.models import ApiToken  # noqa: E402
from core.roles import HR_EDITORS  # noqa: E402
from departments.models import Department  # noqa: E402
from kpis.models import Form, Kpi  # noqa: E402
from positions.models import Assignment, Duty, Employee, Position  # noqa: E402

TARGET_MS = 100


def _cursor_at(model):
    ids = model.objects.order_by("pk").values_list("pk", flat=True)
    count = ids.count()
    if not count:
        return None
    middle = ids[count // 2]
    return base64.b64encode(f"p={middle}".encode()).decode()


def _pages():
    root = Department.objects.filter(parent=None).order_by("tree_id").first()
    busiest = (
        Position.objects.order_by()
        .values("department__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    some_position = Duty.objects.order_by("pk").values_list("position__code", flat=True).first()
    pages = []
    for name, model, filters in [
        ("units", Department, {"under": root.code}),
        ("positions", Position, {"department": busiest["department__code"]}),
        ("duties", Duty, {"position": some_position}),
        ("kpis", Kpi, {"period": "monthly"}),
        ("forms", Form, {}),
        ("employees", Employee, {"active": "true"}),
        ("assignments", Assignment, {"current": "true"}),
    ]:
        path = f"/api/{name}/"
        pages.append((f"{name}: first page", path, {}))
        cursor = _cursor_at(model)
        if cursor:
            pages.append((f"{name}: middle page", path, {"cursor": cursor}))
        if filters:
            pages.append((f"{name}: filtered", path, filters))
    pages.append(("positions: the largest page", "/api/positions/", {"page_size": 10_000}))
    return pages


def _server_ms(queries):
    """Planning + execution time PostgreSQL reports for these queries (EXPLAIN ANALYZE):
    the database's own work, without the wait for a core that a loaded machine adds."""
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0][0]
            total += plan["Planning Time"] + plan["Execution Time"]
    return total


def _token():
    user, _created = User.objects.get_or_create(username="bench-api", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=HR_EDITORS))
    _token, raw = ApiToken.issue(user, "bench")
    return raw


def measure(repeat):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token()}")
    rows = []
    for label, path, params in _pages():
        response = client.get(path, params)  # warm-up: also records the token's use
        assert response.status_code == 200, (label, response.content[:300])
        times, cpu, db = [], [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path, params)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            db.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        times.sort()
        pg = _server_ms(queries.captured_queries) if connection.vendor == "postgresql" else None
        rows.append(
            {
                "page": label,
                "median": statistics.median(times),
                "p95": times[max(0, int(len(times) * 0.95) - 1)],
                "cpu": statistics.median(cpu),
                "db": statistics.median(db),
                "pg": pg,
                "queries": len(queries),
                "kb": len(response.content) / 1024,
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--shape", default="balanced")
    parser.add_argument("--positions", type=int, default=20000)
    parser.add_argument("--duties", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.build:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable, "-m", "bench.generate_org", "--shape", args.shape,
                "--positions", str(args.positions), "--duties", str(args.duties),
            ],
            cwd=ROOT, env=os.environ, check=True,
        )  # fmt: skip
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    print(
        f"{connection.vendor}, {Position.objects.count():,} positions, "
        f"{Duty.objects.count():,} duties, {Department.objects.count():,} units, "
        f"shape {args.shape}; median of {args.repeat}\n"
    )
    load = os.getloadavg()[0]
    print(
        f"load average {load:.1f} on {os.cpu_count()} cores (wall times include waiting for a core)\n"
    )
    print("| page | median ms | p95 ms | app CPU ms | SQL ms | PG ms | queries | KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0
    for row in measure(args.repeat):
        worst = max(worst, row["median"])
        pg = "–" if row["pg"] is None else f"{row['pg']:.1f}"
        print(
            f"| {row['page']} | {row['median']:.1f} | {row['p95']:.1f} | {row['cpu']:.1f} | "
            f"{row['db']:.1f} | {pg} | "
            f"{row['queries']} | {row['kb']:.1f} |"
        )
    print(f"\nslowest median {worst:.1f} ms (target {TARGET_MS} ms)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
