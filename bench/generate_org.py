"""Fill a database with a synthetic organisation for measurements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_bench \
        .venv/bin/python -m bench.generate_org --departments 2000 --positions 20000 \
        --duties 200000 --kpis 50000 --forms 5000
    .venv/bin/python -m bench.generate_org --shape one-boss --positions 20000 --duties 200000

The database is migrated first and emptied of organisation data. The
organisation is one of bench.orgshapes.shapes: ``classic`` (the default, the
organisation of the earlier figures and of bench.load_test) or one of its
SHAPES, whose sizes are --positions and --duties only. Rows are written with
bulk_create (no history: this is test data), the tree computed once.
Deterministic for a given --seed. The ``bench`` user is an employee who holds
a position (for /me/).
"""

import argparse
import sys
import time

from bench import setup_django

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.orgshapes import shapes  # noqa: E402
from departments.models import Department  # noqa: E402
from kpis.models import Form, Kpi  # noqa: E402
from positions.models import Duty, Position  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--positions", type=int, default=20000)
    parser.add_argument("--duties", type=int, default=200000)
    parser.add_argument("--kpis", type=int, default=50000)
    parser.add_argument("--forms", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=["classic", *shapes.SHAPES], default="classic")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        shapes.clear()
        if args.shape == "classic":
            seconds = shapes.classic(args)
        else:
            started = time.perf_counter()
            picks = shapes.build(args.shape, args.positions, args.duties, args.seed)
            shapes.hold(shapes.bench_user(), picks.position)
            seconds = time.perf_counter() - started
            print(picks)
    # A re-run deleted the previous organisation: rewrite the tables so that
    # timings do not depend on how many runs came before (dead rows, free pages).
    # The shapes go into fresh databases (bench.page_shapes), where VACUUM
    # ANALYZE suffices: a FULL one rebuilds the trigram indexes, minutes for
    # the 2,000-character duties.
    full = args.shape == "classic" and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE" if full else "VACUUM ANALYZE")
    counts = {
        "departments": Department.objects.count(),
        "positions": Position.objects.count(),
        "duties": Duty.objects.count(),
        "kpis": Kpi.objects.count(),
        "forms": Form.objects.count(),
    }
    print(
        f"{connection.vendor}: {counts['departments']} departments, {counts['positions']} positions, "
        f"{counts['duties']} duties, {counts['kpis']} KPIs, {counts['forms']} forms "
        f"in {seconds:.1f} s"
    )
    if args.shape != "classic":
        return
    wrong = {name: n for name, n in counts.items() if n != getattr(args, name)}
    if wrong:
        sys.exit(f"asked for {', '.join(f'{getattr(args, k)} {k}' for k in wrong)}; got {wrong}")


if __name__ == "__main__":
    main()
