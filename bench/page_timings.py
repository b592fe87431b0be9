"""Server time of each employee page, measured in-process with Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_bench \
        .venv/bin/python -m bench.page_timings --repeat 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_shape_wide \
        .venv/bin/python -m bench.page_timings --shape wide --repeat 5

Run bench.generate_org on the same database first (with the same --shape).
Each page is requested --repeat times after one warm-up request; the median
and the 95th percentile are printed in milliseconds, with the number of
queries and the size. Without --shape (bench.generate_org's classic
organisation) pages are chosen in the middle of the organisation, so they
are typical; with --shape they are that shape's worst cases
(bench.orgshapes.shapes.picks, .pages), and every request is a first view: a write
before it moves the content generation, as an HR edit does, so nothing the
process keeps under the generation (the chart's snapshot) is reused. Bench
.page_shapes runs this for every shape.

The cache is off (CACHE_BACKEND=dummy) unless the environment sets one: these
are the times of a page rendered from the database, which is what every
first view of a job description costs. `CACHE_BACKEND=locmem` measures the
cached position page instead (every request after the warm-up is a hit).
"""

import argparse
import json
import statistics
import time

from bench import setup_django

setup_django(ALLOWED_HOSTS="testserver", CACHE_BACKEND="dummy")

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.orgshapes import shapes  # noqa: E402
from departments.models import Department  # noqa: E402
from kpis.models import Form  # noqa: E402
from positions.models import Position  # noqa: E402

# Targets of issue 13 (ms, median of a first view).
CHART_TARGET, SEARCH_TARGET, PAGE_TARGET = 60, 100, 50


def target(url):
    """The drawn chart's views have the chart's target, search its own, every other page 50 ms."""
    path = url.split("?")[0]
    if path == "/search/":
        return SEARCH_TARGET
    return CHART_TARGET if path in ("/", "/chart/") else PAGE_TARGET


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


def new_generation():
    """A write, as an HR edit makes: the content generation moves, nothing kept is reused."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE departments_department SET "order" = "order" WHERE id = '
            "(SELECT MIN(id) FROM departments_department)"
        )


def measure(client, url, repeat, first_view):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        if first_view:
            new_generation()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    return statistics.median(times), p95, len(queries), len(response.content) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--shape", choices=shapes.SHAPES, help="the shape generate_org built")
    parser.add_argument("--json", help="append one line per page to this file")
    parser.add_argument(
        "--pages", nargs="+", help="only these pages and their variants (chart: chart, chart: …)"
    )
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    pages = shapes.pages(shapes.picks(args.shape)) if args.shape else pick_pages()
    if args.pages:
        pages = [(n, url) for n, url in pages if n.split(":")[0] in args.pages]
    print(
        f"database: {connection.vendor}; shape {args.shape or 'classic'}; "
        f"{Position.objects.count()} positions; repeat {args.repeat}"
    )
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6} target")
    for name, url in pages:
        median, p95, queries, size = measure(client, url, args.repeat, bool(args.shape))
        goal = target(url)
        verdict = "met" if median < goal else "MISSED"
        print(f"{name:34} {median:10.1f} {p95:8.1f} {queries:8d} {size:6.0f} <{goal} {verdict}")
        if args.json:
            row = {"shape": args.shape or "classic", "page": name, "url": url, "median": median}
            row |= {"p95": p95, "queries": queries, "kb": size, "target": goal}
            with open(args.json, "a", encoding="utf-8") as out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
