"""Server time of each employee page, measured in-process with Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_bench \
        .venv/bin/python -m bench.page_timings --repeat 30

Run bench.generate_org on the same database first. Each page is requested
--repeat times after one warm-up request; the median and the 95th percentile
are printed in milliseconds, with the number of queries. Pages are chosen in
the middle of the organisation so they are typical, not the smallest.

The cache is off (CACHE_BACKEND=dummy) unless the environment sets one: these
are the times of a page rendered from the database, which is what every
first view of a job description costs. `CACHE_BACKEND=locmem` measures the
cached position page instead (every request after the warm-up is a hit).
"""

import argparse
import statistics
import time

from bench import setup_django

setup_django(DEBUG="1", ALLOWED_HOSTS="testserver", CACHE_BACKEND="dummy")

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import Department  # noqa: E402
from kpis.models import Form  # noqa: E402
from positions.models import Position  # noqa: E402


def pick_pages():
    department = Department.objects.filter(level=2).order_by("pk")[20]
    position = (
        Position.objects.filter(department=department).order_by("pk").first()
        or (Position.objects.order_by("pk")[Position.objects.count() // 2])
    )
    form = Form.objects.order_by("pk")[Form.objects.count() // 2]
    return [
        ("chart (first view)", "/chart/"),
        ("position chart", "/chart/positions/"),
        ("chart subtree", f"/chart/subtree/{department.parent.code}/"),
        ("department", f"/departments/{department.code}/"),
        ("position", f"/positions/{position.code}/"),
        ("position print", f"/positions/{position.code}/print/"),
        ("my position", "/me/"),
        ("forms catalogue", "/forms/"),
        ("form", f"/forms/{form.code}/"),
        ("KPIs", "/kpis/"),
        ("KPIs due in December", "/kpis/?month=12"),
        ("search 1 char", "/search/?q=销"),
        ("search 2 chars", "/search/?q=采购"),
        ("search 2 chars, no match", "/search/?q=鑫鑫"),
        ("search 1 char, no match", "/search/?q=鑫"),
        ("search duties page 3", "/search/?q=采购&in=duties&page=3"),
        ("search 4 chars", "/search/?q=供应商管理"),
        ("search traditional", "/search/?q=銷售"),
        ("search question", f"/search/?q={department.name}的职责是什么"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    print(
        f"database: {connection.vendor}; {Position.objects.count()} positions; repeat {args.repeat}"
    )
    print(f"{'page':24} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    from django.conf import settings

    settings.DEBUG = True  # count queries
    for name, url in pick_pages():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            reset_queries()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(connection.queries)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
        print(
            f"{name:24} {statistics.median(times):10.1f} {p95:8.1f} {queries:8d} "
            f"{len(response.content) / 1024:6.0f}"
        )


if __name__ == "__main__":
    main()
