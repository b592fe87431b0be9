"""Combine several runs of bench.page_timings into one Markdown table.

    .venv/bin/python -m bench.summarise_timings bench/out/pg-1.txt bench/out/pg-2.txt bench/out/pg-3.txt

For each page: the median of the runs' medians, the median of their p95s, the
runs' medians side by side (to show the spread), and the query count (which
must be the same in every run). Standard library only: it reads text files.
"""

import statistics
import sys


def parse(path):
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").rsplit(None, 4)
            if len(parts) != 5:
                continue
            name, median, p95, queries, _kb = parts
            try:
                rows[name.strip()] = (float(median), float(p95), int(queries))
            except ValueError:
                continue  # the header
    return rows


def main(paths):
    runs = [parse(path) for path in paths]
    print("| page | median ms | p95 ms | queries | medians of the runs |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name in runs[0]:
        medians = [run[name][0] for run in runs]
        p95s = [run[name][1] for run in runs]
        queries = {run[name][2] for run in runs}
        assert len(queries) == 1, (name, queries)
        print(
            f"| {name} | {statistics.median(medians):.1f} | {statistics.median(p95s):.1f} "
            f"| {queries.pop()} | {' / '.join(f'{m:.1f}' for m in medians)} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
