"""Every employee page on every shape of organisation (issue 13): PostgreSQL, first views.

    flock /work/bench.lock .venv/bin/python -m bench.page_shapes --build --repeat 5

For each shape of bench.orgshapes.shapes, a database orgduties_shape_<shape>
on --server: with --build it is made afresh from a migrated template and
filled by bench.generate_org --shape (--positions, --duties: 20,000 and
200,000); without, the one built before is reused. Then bench.page_timings
--shape times every page at that shape's worst case, in a child process with
the cache off (CACHE_BACKEND=dummy) and a new content generation before each
request (--pages chart: only the chart and its variants "chart: …"). The
results go to --json (one line per page and shape), and tables in Markdown
are printed: the median ms of each page on each shape against
issue 13's targets, then queries and KB.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

from bench import OUT, ROOT

SHAPES = [
    "balanced",
    "chain",
    "wide",
    "random",
    "one-boss",
    "long-duties",
    "common-word",
    "forms-kpis",
]  # bench.orgshapes.shapes.SHAPES, without setting Django up here
TEMPLATE = "orgduties_shape_template"


def _admin(server, *statements):
    conn = psycopg2.connect(f"{server}/postgres")
    conn.autocommit = True  # CREATE and DROP DATABASE refuse a transaction
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def _run(module, url, *args, capture=False):
    env = {**os.environ, "DATABASE_URL": url, "CACHE_BACKEND": "dummy"}
    command = [sys.executable, *(["-m", module] if module != "manage.py" else ["manage.py"])]
    return subprocess.run(
        [*command, *args], env=env, cwd=ROOT, check=True, text=True, capture_output=capture
    )


def build(server, shape, positions, duties):
    name = f"orgduties_shape_{shape.replace('-', '_')}"
    _admin(server, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    started = time.perf_counter()
    _run(
        "bench.generate_org",
        f"{server}/{name}",
        "--shape",
        shape,
        "--positions",
        str(positions),
        "--duties",
        str(duties),
    )
    print(f"{shape}: built in {time.perf_counter() - started:.0f} s", flush=True)


def tables(rows):
    shapes = list(dict.fromkeys(r["shape"] for r in rows))
    pages = list(dict.fromkeys(r["page"] for r in rows))
    cell = {(r["page"], r["shape"]): r for r in rows}
    head = "| page | target | " + " | ".join(shapes) + " |"
    rule = "| --- | ---: | " + " | ".join("---:" for _ in shapes) + " |"
    timing, counts = [head, rule], [head.replace("| target ", ""), rule.replace("| ---: ", "", 1)]
    for page in pages:
        found = [cell.get((page, s)) for s in shapes]
        goal = next(r["target"] for r in found if r)
        timing.append(
            f"| {page} | < {goal} | "
            + " | ".join(
                "–" if r is None else f"{r['median']:.0f}" + ("" if r["median"] < goal else " ✗")
                for r in found
            )
            + " |"
        )
        counts.append(
            f"| {page} | "
            + " | ".join("–" if r is None else f"{r['queries']} / {r['kb']:.0f}" for r in found)
            + " |"
        )
    missed = [r for r in rows if r["median"] >= r["target"]]
    return "\n".join(timing), "\n".join(counts), missed


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=SHAPES)
    parser.add_argument("--positions", type=int, default=20000)
    parser.add_argument("--duties", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", action="store_true", help="build the databases afresh")
    parser.add_argument("--json", default=str(OUT / "page_shapes.jsonl"))
    parser.add_argument(
        "--pages", nargs="+", help="only these pages and their variants (chart: chart, chart: …)"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.build:
        _admin(args.server, f"DROP DATABASE IF EXISTS {TEMPLATE}", f"CREATE DATABASE {TEMPLATE}")
        _run("manage.py", f"{args.server}/{TEMPLATE}", "migrate", "--verbosity", "0")
    results = Path(args.json)
    results.unlink(missing_ok=True)
    for shape in args.shapes:
        if args.build:
            build(args.server, shape, args.positions, args.duties)
        name = f"orgduties_shape_{shape.replace('-', '_')}"
        _run(
            "bench.page_timings",
            f"{args.server}/{name}",
            "--shape",
            shape,
            "--repeat",
            str(args.repeat),
            "--json",
            str(results),
            *(["--pages", *args.pages] if args.pages else []),
        )
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    timing, counts, missed = tables(rows)
    print("\nMedian ms of a first view (✗: target missed)\n")
    print(timing)
    print("\nQueries / KB\n")
    print(counts)
    print(f"\n{len(missed)} of {len(rows)} page × shape missed the target")


if __name__ == "__main__":
    main()
