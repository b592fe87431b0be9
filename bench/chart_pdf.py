"""Time and memory of the chart's PDF and PNG export for a 2,000-box drawing.

    .venv/bin/python -m bench.chart_pdf [--repeat 3] [--columns 300 --depth 7]

The drawing is built by hand (bench.orgshapes.chart.large: a root over 300
columns of 7 boxes, 2,101 boxes 60,016 px wide), no layout and no Django.
Each case runs in a fresh interpreter, so its ru_maxrss is its own: first
``repeat`` timed runs (the median is reported), then one run under
tracemalloc for the peak of Python allocations. Prints a markdown table.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

CASES = {
    "tile A3 portrait": dict(kind="pdf", mode="tile", paper="A3", landscape=False),
    "tile A3 landscape": dict(kind="pdf", mode="tile", paper="A3", landscape=True),
    "tile A4 portrait": dict(kind="pdf", mode="tile", paper="A4", landscape=False),
    "fit A3 landscape": dict(kind="pdf", mode="fit", paper="A3", landscape=True),
    "PNG 4,000 px": dict(kind="png", width=4000),
}


def _render(drawing, case, font):
    from orgchart.pdf import render_pdf, tile_plan
    from orgchart.png import render_png

    case = dict(case)
    if case.pop("kind") == "png":
        return render_png(drawing, font=font, **case), "-"
    data = render_pdf(drawing, font=font, **case)
    if case["mode"] == "tile":
        columns, rows = tile_plan(drawing, case["paper"], case["landscape"], None)
        return data, f"{columns} × {rows} = {columns * rows}"
    return data, "1"


def run_case(name, repeat, columns, depth):
    from bench.orgshapes.chart import large
    from orgchart.fonts import find

    drawing = large(columns, depth)
    font = find()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        data, pages = _render(drawing, CASES[name], font)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    _render(drawing, CASES[name], font)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "case": name,
        "boxes": len(drawing.boxes),
        "width": drawing.width,
        "pages": pages,
        "median": statistics.median(times),
        "peak_mb": peak / 2**20,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "kb": len(data) / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--columns", type=int, default=300)
    parser.add_argument("--depth", type=int, default=7)
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, in the child process
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.repeat, args.columns, args.depth)))
        return
    results = []
    for name in CASES:
        command = [sys.executable, "-m", "bench.chart_pdf", "--case", name]
        command += ["--repeat", str(args.repeat), "--columns", str(args.columns)]
        command += ["--depth", str(args.depth)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(output.splitlines()[-1]))
    first = results[0]
    print(
        f"Drawing: {first['boxes']:,} boxes, {first['width']:,.0f} px wide; median of {args.repeat}."
    )
    print()
    print("| case | pages | seconds | tracemalloc peak MB | ru_maxrss MB | size KB |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['case']} | {r['pages']} | {r['median']:.2f} | {r['peak_mb']:.0f} "
            f"| {r['maxrss_mb']:.0f} | {r['kb']:,.0f} |"
        )


if __name__ == "__main__":
    main()
