"""Concurrent department moves: does the tree lock keep the nested set valid?

Builds ~200 departments in a few companies in a scratch database, then lets N
processes move random departments for a while (mptt moves through
``Department.objects.move_node`` and "edit the form" moves by changing
``parent``/``order`` and calling ``save()``), and finally checks the tree with
the same check the tests use (``Department.objects.tree_problems()``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_bench \\
        .venv/bin/python -m bench.concurrent_moves --seconds 10 --processes 2

``--no-lock`` replaces ``departments.models.tree_lock`` by a plain
``transaction.atomic`` to show what the lock prevents. The scratch database is
created if missing and emptied of departments on every run; never point this
at a database you care about.
"""

import argparse
import multiprocessing
import os
import queue
import random
import sys
import time
from collections import Counter

from bench import setup_django

COMPANIES = 4
UNITS_PER_COMPANY = 50  # the company and 49 units below it
POSITIONS = ("left", "right", "first-child", "last-child")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-lock",
        action="store_true",
        help="replace departments.models.tree_lock by a plain transaction.atomic",
    )
    return parser.parse_args()


def ensure_database():
    """Create the scratch PostgreSQL database named in DATABASE_URL if it is missing."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://"))
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("DATABASE_URL must point at a scratch PostgreSQL database")
    server = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")
    server.close()


def setup(no_lock):
    setup_django()
    if no_lock:
        from django.db import transaction

        import departments.models

        departments.models.tree_lock = lambda using=None: transaction.atomic(using=using)


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_tree(seed):
    """Empty the department table and build COMPANIES trees, each a few levels deep."""
    from django.db import connection

    from departments.models import Department

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE departments_department, departments_historicaldepartment "
            "RESTART IDENTITY CASCADE"
        )
    rng = random.Random(seed)
    tree_fields = {"lft": 0, "rght": 0, "tree_id": 0, "level": 0}  # rebuild() sets them
    for c in range(COMPANIES):
        company = Department(
            code=f"C{c}", name=f"公司{c}", kind="company", order=c + 1, **tree_fields
        )
        Department.objects.bulk_create([company])
        placed = [company]
        for u in range(1, UNITS_PER_COMPANY):
            # Each new unit goes below one of the first units: a bushy tree 3-4 deep.
            parent = placed[rng.randrange(min(len(placed), 12))]
            unit = Department(
                code=f"C{c}-{u}", name=f"部门{c}-{u}", parent=parent, order=u, **tree_fields
            )
            Department.objects.bulk_create([unit])
            placed.append(unit)
    Department.objects.rebuild()
    return list(Department.objects.values_list("pk", flat=True))


def work(number, ids, seconds, seed, results):
    """One editor: move random departments until the time is up."""
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError, connections
    from mptt.exceptions import InvalidMove

    from departments.models import Department

    # The parent closed its connections before forking; make sure this process
    # never talks through a socket it shares with another.
    connections.close_all()
    rng = random.Random(seed * 1000 + number)
    done, refused, errors = Counter(), Counter(), Counter()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind = rng.choice(["move_node", "move_node", "parent", "order"])
        try:
            node = Department.objects.get(pk=rng.choice(ids))
            if rng.random() < 0.5:
                # An editor who opened the page a moment ago: a possibly stale instance.
                time.sleep(rng.random() * 0.005)
            if kind == "move_node":
                target = Department.objects.get(pk=rng.choice(ids))
                Department.objects.move_node(node, target, rng.choice(POSITIONS))
            elif kind == "parent":
                node.parent = (
                    None if rng.random() < 0.02 else Department.objects.get(pk=rng.choice(ids))
                )
                node.order = rng.randrange(0, 6)
                node.save()
            else:
                node.order = rng.randrange(1, 8)
                node.save()
            done[kind] += 1
        except (InvalidMove, ValidationError):
            refused[kind] += 1
        except DatabaseError as exc:
            errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:140]}"] += 1
            connections.close_all()
    results.put((number, dict(done), dict(refused), dict(errors)))
    connections.close_all()


def main():
    args = parse_args()
    ensure_database()
    setup(args.no_lock)
    migrate()

    from django.db import connection, connections

    from departments.models import Department

    tree_problems = Department.objects.tree_problems

    ids = build_tree(args.seed)
    assert tree_problems() == [], "the freshly built tree is already broken"
    print(
        f"{len(ids)} departments in {COMPANIES} companies on "
        f"{connection.vendor} {connection.pg_version // 10000}; "
        f"{args.processes} processes for {args.seconds:g} s; "
        f"lock {'DISABLED' if args.no_lock else 'on'}"
    )
    connections.close_all()  # before fork: children must not inherit an open socket

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=work, args=(n, ids, args.seconds, args.seed, results))
        for n in range(1, args.processes + 1)
    ]
    for worker in workers:
        worker.start()
    reports = []
    for _ in workers:
        try:
            reports.append(results.get(timeout=args.seconds + 120))
        except queue.Empty:  # a hung worker is a result too
            break
    for worker in workers:
        worker.join(timeout=5)
        if worker.is_alive():
            print(f"process {worker.pid} hung; terminating it")
            worker.terminate()

    total = Counter()
    for number, done, refused, errors in sorted(reports):
        moves = sum(done.values())
        total["moves"] += moves
        total["refused"] += sum(refused.values())
        total["errors"] += sum(errors.values())
        print(
            f"process {number}: {moves} moves done {done}, "
            f"{sum(refused.values())} refused {refused}, {sum(errors.values())} errors"
        )
        for message, count in errors.items():
            print(f"    {count} × {message}")
    print(
        f"total: {total['moves']} moves done, {total['refused']} refused, "
        f"{total['errors']} database errors, {len(reports)}/{len(workers)} processes reported"
    )

    problems = tree_problems()
    if problems:
        print(f"CORRUPT: {len(problems)} problems, e.g.")
        for problem in problems[:10]:
            print(f"    {problem}")
        return 1
    print("VALID")
    return 0


if __name__ == "__main__":
    sys.exit(main())
