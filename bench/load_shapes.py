"""The load test on every shape of organisation (issue 13), cold and warm.

    flock /work/bench.lock .venv/bin/python -m bench.load_shapes --seconds 10

For each shape database orgduties_shape_<shape> that bench.page_shapes built,
runs bench.load_test twice with the cache on Redis (a fresh key prefix each
time): cold (the cache empty as the scenarios start) and ``--warm``. Then
prints requests/s and p99 of every scenario on every shape against the
targets: at least 300 requests/s warm and 200 cold, with 0 errors.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from bench import OUT, ROOT
from bench.page_shapes import SHAPES

COLD, WARM = 200, 300


def table(rows):
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    shapes = list(dict.fromkeys(r["label"] for r in rows))
    lines = [
        "| scenario | " + " | ".join(shapes) + " |",
        "| --- |" + " ---: |" * len(shapes),
    ]
    missed = 0
    for scenario in scenarios:
        cells = []
        for shape in shapes:
            parts = []
            for warm in (False, True):
                found = [
                    r
                    for r in rows
                    if (r["scenario"], r["label"], r["warm"]) == (scenario, shape, warm)
                ]
                if not found:
                    parts.append("–")
                    continue
                r = found[0]
                ok = r["rps"] >= (WARM if warm else COLD) and not r["errors"]
                missed += not ok
                parts.append(f"{r['rps']:.0f}{'' if ok else ' ✗'}")
            cells.append(" / ".join(parts))
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(lines), missed


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=SHAPES)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--json", default=str(OUT / "load_shapes.jsonl"))
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results = Path(args.json)
    results.unlink(missing_ok=True)
    for shape in args.shapes:
        url = f"{args.server}/orgduties_shape_{shape.replace('-', '_')}"
        for warm in (False, True):
            command = [sys.executable, "-m", "bench.load_test", "--cache", "redis"]
            command += ["--seconds", str(args.seconds), "--warmup", str(args.warmup)]
            command += ["--json", str(results), "--label", shape, *(["--warm"] if warm else [])]
            print(f"== {shape}, {'warm' if warm else 'cold'}", flush=True)
            subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=False)
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    text, missed = table(rows)
    print("\nRequests/s, cold / warm (✗: under 200 cold or 300 warm, or errors)\n")
    print(text)
    print(f"\n{missed} of {len(rows)} runs missed the target")


if __name__ == "__main__":
    main()
