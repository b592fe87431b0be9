"""The drawn org chart at 2,000 units and 20,000 positions: layout, exports, first view.

    .venv/bin/python -m bench.chart                      # SQLite scratch database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_chart_bench \\
        .venv/bin/python -m bench.chart

Builds bench.orgshapes.shapes.random_org's organisation (2,000 units in a random
tree, 10 positions per unit reporting to positions anywhere, 1,000 dotted
lines, a holder for every other position) into a fresh database, then
prints, median of --repeat runs:

- build (snapshot -> chart) and layout of each chart, whole organisation;
- whole-organisation SVG export; tiled A3 PDF, its pages and peak memory
  (measured in a child process, so the figure is the export's own);
- the first view of / as an employee through Django's test client, with its
  query count, beside the indented list at /chart/list/ that it replaced.
"""

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

from bench import OUT, ROOT, setup_django


def _database():
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    OUT.mkdir(exist_ok=True)
    path = OUT / "chart.sqlite3"
    if path.exists():
        path.unlink()
    return f"sqlite:///{path}"


def _header():
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cpu = "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, commit {commit}, load {os.getloadavg()[0]:.1f}"
    )


def _median(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _peak_mb():
    """This process's peak resident memory (VmHWM), in MB. Not ru_maxrss: that
    keeps the parent's peak across fork and exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pdf_child(queue, paper, landscape):
    """In a child process: the tiled PDF's time, pages and the process's peak memory."""
    setup_django()
    from orgchart.data import ChartOptions
    from orgchart.export import export

    before = _peak_mb()
    started = time.perf_counter()
    content, _type, _name = export(ChartOptions(kind="units"), "pdf", paper, landscape, "tile")
    took = (time.perf_counter() - started) * 1000
    peak = _peak_mb()
    queue.put(
        (took, content.count(b"/Type /Page\n") or content.count(b"/Type /Page"), before, peak)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--per-unit", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-repeat", type=int, default=20)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _database()
    setup_django(DEBUG="1", ALLOWED_HOSTS="testserver")
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.orgshapes.shapes import random_org
    from orgchart.data import ChartOptions, build_chart
    from orgchart.layout import lay_out
    from orgchart.svg import render_svg

    print(f"# Org chart bench: {_header()}")
    print(f"database: {connection.vendor}")
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    random_org(args.units, per_unit=args.per_unit, seed=7, dotted=args.units // 2)
    print(
        f"built {args.units:,} units, {args.units * args.per_unit:,} positions "
        f"in {time.perf_counter() - started:.1f} s\n"
    )

    from orgchart.data import _read

    read_ms, snap = _median(lambda: _read("default"), args.repeat)
    print("| step | median (ms) | boxes |")
    print("| --- | ---: | ---: |")
    print(f"| read the organisation (4 queries) | {read_ms:.0f} | |")
    for kind in ("units", "positions", "reporting"):
        build_ms, built = _median(
            lambda kind=kind: build_chart(ChartOptions(kind=kind, budget=None), snap), args.repeat
        )
        layout_ms, drawing = _median(lambda built=built: lay_out(built.chart), args.repeat)
        svg_ms, svg = _median(lambda drawing=drawing: render_svg(drawing), args.repeat)
        print(f"| {kind}: build the chart | {build_ms:.0f} | |")
        print(f"| {kind}: layout | {layout_ms:.0f} | {len(drawing.boxes):,} |")
        print(f"| {kind}: SVG ({len(svg) / 1e6:.1f} MB) | {svg_ms:.0f} | |")
        whole_ms, _ = _median(
            lambda kind=kind: render_svg(
                lay_out(build_chart(ChartOptions(kind=kind, budget=None), snap).chart)
            ),
            args.repeat,
        )
        print(f"| {kind}: whole SVG export (build + layout + SVG) | {whole_ms:.0f} | |")

    if not args.no_pdf:
        for paper in ("A3", "A4"):
            ctx = multiprocessing.get_context("spawn")
            queue = ctx.Queue()
            results = []
            for _ in range(args.repeat):
                child = ctx.Process(target=_pdf_child, args=(queue, paper, True))
                child.start()
                results.append(queue.get())
                child.join()
            took = statistics.median(r[0] for r in results)
            pages = results[0][1]
            peak = max(r[3] for r in results)
            base = min(r[2] for r in results)
            print(
                f"| units: tiled {paper} landscape PDF, {pages} pages | {took:.0f} | "
                f"peak {peak:.0f} MB (process after Django setup: {base:.0f} MB) |"
            )

    # The first view, as an employee.
    group, _ = Group.objects.get_or_create(name="Employees")
    user = User.objects.create_user("bench-chart", password="x")  # noqa: S106
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    print("\n| page | median (ms) | queries | KB |")
    print("| --- | ---: | ---: | ---: |")
    for label, url in [
        ("/ (drawn chart, first view)", "/"),
        ("/chart/?kind=positions", "/chart/?kind=positions"),
        ("/chart/?kind=reporting", "/chart/?kind=reporting"),
        ("/chart/list/ (the indented list it replaced)", "/chart/list/"),
    ]:
        client.get(url)
        times = []
        for _ in range(args.page_repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        print(
            f"| {label} | {statistics.median(times):.1f} | {len(queries)} | "
            f"{len(response.content) / 1024:.0f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
