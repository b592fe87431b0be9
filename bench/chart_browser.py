"""The org chart in a browser: d3-org-chart beside ours, timed the same way (issue 12).

    .venv/bin/python -m bench.chart_browser --nodes 2000 --seed 12

What a user would pick instead of our server-drawn SVG is d3-org-chart (npm),
drawn by the browser. This script installs it (and d3) into bench/out/d3 with
npm when it is missing, writes a page there that charts a deterministic random
tree of --nodes units (each unit's parent drawn among the earlier ones with
random.Random(--seed); Chinese names such as 销售部 17), serves bench/out/d3
on 127.0.0.1 and loads the page --runs times in Debian's Chromium
(/usr/bin/chromium, driven by Playwright; no browser is downloaded).

``measure_page()`` is the measurement, for any page: our own chart page is
measured through it too, with its own ``ready_js``. For each load it reports,
in ms from the start of the navigation (performance.now()):

- fcp: the first-contentful-paint entry, when Chromium reports one;
- ready: the first animation frame in which ``ready_js`` is truthy (polled on
  every requestAnimationFrame from the start of the document);
- painted: the next animation frame after that, i.e. the frame in which
  ``ready_js`` became true has been painted ("first paint" in the table);
- expand: when ``expand_js`` is given, from just before it is evaluated to two
  animation frames after its Promise resolved (the frame drawn, then painted);
- expand_cpu: the renderer main thread's CPU time over the same span
  (Chromium's ThreadTime, through CDP), which other work on the machine
  inflates less than the wall-clock times;
- the DOM's size (document.querySelectorAll('*').length) after painted and
  after expand.

The d3 page's ready_js is set right after ``chart.render()`` returns, so
"painted" is render() plus the next two animation frames (the page also
marks page:render-start, page:render-called and page:first-paint itself, and
measure_page's bench:* marks agree with them). Expand all is timed twice, one
row each: ``chart.expandAll().render()`` as the issue asks, and
``chart.expandAll()`` alone, since expandAll() already renders. The idiom
pays for a second render of the whole expanded tree, and that render starts
with the container's getBoundingClientRect(), which forces the layout of
the 36,000 new DOM nodes there and then. The chart's transitions have
.duration(0), so the times are work, not animation (d3 still applies a
zero-length transition on its next timer tick, which the two frames cover).

Every request that does not go to 127.0.0.1 is aborted (Playwright's route;
routing also turns off the browser's HTTP cache, so every load fetches the
page and the scripts again, from the local server). Attempts are reported.
The first load of a page warms Chromium up and is not counted.

Each load is in a new tab (--reload: reload one tab instead). A reload's
navigation starts before the old document is torn down, so after an expanded
chart (36,000 DOM nodes at 2,000 units) the teardown landed in the next
load's first paint and doubled its spread; a second's pause after closing a
tab keeps its teardown out of the next load too. The machine has 2 cores:
the header gives the load average, and figures taken while anything else runs
are noisy (compare the runs, printed one by one).
"""

import argparse
import functools
import http.server
import json
import os
import random
import shutil
import statistics
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench import OUT, ROOT
from bench.orgshapes.realistic import DOMAINS, GIVEN, SURNAMES

D3_DIR = OUT / "d3"
MODULES = D3_DIR / "node_modules"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1680, "height": 1080}  # holds the 1600×1000 chart
UNIT_WORDS = ["部", "中心", "科", "室", "组"]
# The local files the page loads, in order: d3, then d3-flextree (which
# d3-org-chart's UMD build takes from the global d3), then d3-org-chart.
SCRIPTS = [
    "node_modules/d3/dist/d3.min.js",
    "node_modules/d3-flextree/build/d3-flextree.min.js",
    "node_modules/d3-org-chart/build/d3-org-chart.min.js",
]
ALLOWED_HOSTS = {"127.0.0.1"}
# What "expand all" runs: the README's idiom, and expandAll() alone (it renders itself).
EXPANDS = {
    "expandAll().render()": "(chart.expandAll().render(), Promise.resolve())",
    "expandAll()": "(chart.expandAll(), Promise.resolve())",
}

# Runs in every document before its own scripts: polls ready_js on each frame.
POLL_JS = """
(() => {
  const ready = () => { try { return !!(%s); } catch (e) { return false; } };
  window.__bench = {ready: null, painted: null};
  const poll = () => {
    if (ready()) {
      window.__bench.ready = performance.now();
      performance.mark('bench:ready');
      requestAnimationFrame(() => {
        window.__bench.painted = performance.now();
        performance.mark('bench:painted');
      });
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
})();
"""

EXPAND_JS = """
async () => {
  const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
  performance.mark('bench:expand-start');
  const started = performance.now();
  await (%s);
  performance.mark('bench:expand-resolved');
  const resolved = performance.now();
  await frame();
  await frame();
  performance.mark('bench:expand-painted');
  return {expand: performance.now() - started, expand_resolved: resolved - started};
}
"""

COUNT_JS = "document.querySelectorAll('*').length"


# ---------------------------------------------------------------- d3-org-chart


def install_d3():
    """npm install d3-org-chart (3.x) and d3 (7.x) into bench/out/d3, once."""
    if not (MODULES / "d3-org-chart").is_dir():
        D3_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(D3_DIR)]
            + ["d3-org-chart@3", "d3@7"],
            check=True,
        )
    for script in SCRIPTS:
        assert (D3_DIR / script).is_file(), f"{script} is missing: remove {MODULES} and rerun"
    return {
        name: json.loads((MODULES / name / "package.json").read_text())["version"]
        for name in ("d3-org-chart", "d3", "d3-flextree")
    }


def random_tree(nodes, seed):
    """A random recursive tree: node i's parent is drawn among nodes 0..i-1."""
    rng = random.Random(seed)
    rows = []
    for i in range(nodes):
        name = f"{rng.choice(DOMAINS)}{rng.choice(UNIT_WORDS)} {i}"
        head = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        parent = str(rng.randrange(i)) if i else None
        rows.append({"id": str(i), "parentId": parent, "name": name, "head": head})
    return rows


PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>d3-org-chart, {nodes} nodes</title>
<style>
  body {{ margin: 0; font-family: {font}; }}
  #chart {{ width: 1600px; height: 1000px; overflow: hidden; background: #fafafa; }}
  .unit {{ box-sizing: border-box; width: 100%; height: 100%; padding: 6px 8px;
          background: #eef3fb; border: 1px solid #2f5d9e; border-radius: 4px; color: #1d2733; }}
  .unit b {{ display: block; font-size: 13px; }}
  .unit span {{ font-size: 11px; color: #5a6675; }}
</style>
{scripts}
</head>
<body>
<div id="chart"></div>
<script src="data.js"></script>
<script>
performance.mark('page:render-start');
window.chart = new d3.OrgChart()
  .container('#chart')
  .svgWidth(1600)
  .svgHeight(1000)
  .data(window.BENCH_DATA)
  .duration(0)
  .compact({compact})
  .nodeWidth(() => 180)
  .nodeHeight(() => 56)
  .childrenMargin(() => 40)
  .defaultFont({font_js})
  .nodeContent(d => `<div class="unit"><b>${{d.data.name}}</b>` +
                    `<span>${{d.data.head}} · ${{d.data._totalSubordinates}} 下属单位</span></div>`)
  .render();
performance.mark('page:render-called');
window.benchRendered = true;
requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('page:first-paint')));
</script>
</body>
</html>
"""


BLANK = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>floor</title></head>
<body><svg width="200" height="60"><rect width="180" height="56" fill="#eef3fb"/>
<text x="8" y="20">销售部 1</text></svg></body></html>
"""


def write_page(rows, compact):
    font = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'
    (D3_DIR / "data.js").write_text(
        "window.BENCH_DATA = " + json.dumps(rows, ensure_ascii=False) + ";\n", encoding="utf-8"
    )
    page = PAGE.format(
        nodes=len(rows),
        font=font,
        font_js=json.dumps(font),
        compact="true" if compact else "false",
        scripts="\n".join(f'<script src="{s}"></script>' for s in SCRIPTS),
    )
    path = D3_DIR / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    """An http.server on 127.0.0.1 (a free port) in a thread; returns (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
    )


def _thread_time(cdp):
    """The renderer main thread's CPU time so far, in ms (Chromium's ThreadTime)."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return 1000 * next(m["value"] for m in metrics if m["name"] == "ThreadTime")


def measure_page(
    url,
    *,
    ready_js,
    expand_js=None,
    cookies=None,
    runs=5,
    browser=None,
    timeout_s=600,
    screenshot=None,
    fresh_tab=True,
    settle_s=1.0,
):
    """Time ``runs`` loads of ``url`` in headless Chromium (after one warm-up load).

    ``ready_js`` is a JS expression, truthy once the page shows what is timed;
    ``expand_js`` (optional) a JS expression returning a Promise, evaluated
    once the page is painted and timed to two animation frames after it
    resolves. ``cookies`` are Playwright cookies (dicts with name, value, url
    or domain and path), e.g. a Django session. ``browser`` is a launched
    Playwright browser to reuse (one is launched and closed otherwise);
    ``screenshot`` a path prefix for a PNG of the last load, after paint and
    after expand.

    Returns {"runs": [per load: fcp, ready, painted, expand, expand_resolved,
    expand_cpu, dom_painted, dom_expanded, marks], "median": {each figure: median},
    "blocked": [URLs not to 127.0.0.1 that were aborted], "chromium": version}.
    """
    from playwright.sync_api import sync_playwright

    if browser is None:
        with sync_playwright() as playwright:
            own = launch(playwright)
            try:
                return measure_page(
                    url,
                    ready_js=ready_js,
                    expand_js=expand_js,
                    cookies=cookies,
                    runs=runs,
                    browser=own,
                    timeout_s=timeout_s,
                    screenshot=screenshot,
                    fresh_tab=fresh_tab,
                    settle_s=settle_s,
                )
            finally:
                own.close()

    # bypass_csp: the timing probes are evaluated strings, which a page under a
    # strict Content-Security-Policy (ours) would refuse; the page itself is unchanged.
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", bypass_csp=True)
    blocked = []

    def route(route):
        if urlsplit(route.request.url).hostname in ALLOWED_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    if cookies:
        context.add_cookies(cookies)
    context.add_init_script(POLL_JS % ready_js)
    page = None
    results = []
    try:
        for run in range(runs + 1):  # run 0 warms up
            if page is not None and fresh_tab:
                page.close()
                page = None
                time.sleep(settle_s)  # the closed tab's teardown is not the next load's
            if page is None:
                page = context.new_page()
                page.set_default_timeout(timeout_s * 1000)
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                page.goto(url, wait_until="commit")
            else:
                page.reload(wait_until="commit")
            page.wait_for_function("window.__bench && window.__bench.painted !== null")
            figures = page.evaluate(
                """() => {
                  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                  return {fcp: fcp ? fcp.startTime : null, ready: window.__bench.ready,
                          painted: window.__bench.painted};
                }"""
            )
            figures["dom_painted"] = page.evaluate(COUNT_JS)
            if screenshot and run == runs:
                page.screenshot(path=f"{screenshot}-painted.png")
            if expand_js:
                cpu = _thread_time(cdp)
                figures.update(page.evaluate(EXPAND_JS % expand_js))
                figures["expand_cpu"] = _thread_time(cdp) - cpu
                figures["dom_expanded"] = page.evaluate(COUNT_JS)
                if screenshot and run == runs:
                    page.screenshot(path=f"{screenshot}-expanded.png")
            if figures["fcp"] is None:  # reported a little after the paint, if at all
                figures["fcp"] = page.evaluate(
                    "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
                    " ?? null"
                )
            figures["marks"] = page.evaluate(
                "Object.fromEntries(performance.getEntriesByType('mark')"
                ".map(m => [m.name, m.startTime]))"
            )
            if run:
                results.append(figures)
    finally:
        context.close()

    def median(key):
        values = [r[key] for r in results if r.get(key) is not None]
        return statistics.median(values) if values else None

    keys = ["fcp", "ready", "painted", "expand", "expand_resolved", "expand_cpu"]
    keys += ["dom_painted", "dom_expanded"]
    return {
        "url": url,
        "runs": results,
        "median": {key: median(key) for key in keys},
        "blocked": blocked,
        "chromium": browser.version,
    }


# ---------------------------------------------------------------- the report


def _run(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def header(versions, chromium, load_before):
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _run("lscpu").splitlines()
            if line.startswith("Model name")
        ),
        "?",
    )
    commit = _run("git", "rev-parse", "--short", "HEAD")
    dirty = " (uncommitted changes)" if _run("git", "status", "--porcelain", "--", "bench") else ""
    return [
        f"date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"git: {commit}{dirty}",
        f"machine: {model}; {_run('nproc')} cores; load average {load_before} before, "
        f"{load()} after",
        f"Chromium {chromium} (headless, {CHROMIUM}); node {_run('node', '--version')}",
        "npm: " + ", ".join(f"{name} {version}" for name, version in versions.items()),
    ]


def _ms(value):
    return "–" if value is None else f"{value:.0f}"


def table(rows):
    lines = [
        "| what | median first paint (ms) | median expand all (ms) | DOM nodes |",
        "| --- | ---: | ---: | ---: |",
    ]
    for what, result in rows:
        m = result["median"]
        dom = f"{m['dom_painted']:.0f}"
        if m["dom_expanded"] is not None:
            dom += f" → {m['dom_expanded']:.0f}"
        lines.append(f"| {what} | {_ms(m['painted'])} | {_ms(m['expand'])} | {dom} |")
    return lines


def details(rows):
    lines = [
        "",
        "| what | FCP | ready | painted | expand: render returned | expand: painted | "
        "expand: main-thread CPU | painted, each run | expand, each run |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for what, result in rows:
        m = result["median"]
        each = " / ".join(_ms(r["painted"]) for r in result["runs"])
        each_expand = " / ".join(_ms(r.get("expand")) for r in result["runs"])
        lines.append(
            f"| {what} | {_ms(m['fcp'])} | {_ms(m['ready'])} | {_ms(m['painted'])} | "
            f"{_ms(m['expand_resolved'])} | {_ms(m['expand'])} | {_ms(m['expand_cpu'])} | "
            f"{each} | {each_expand} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[2000], help="one row for each")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5, help="measured loads (after one warm-up)")
    parser.add_argument(
        "--compact",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="d3-org-chart's compact layout (its default)",
    )
    parser.add_argument(
        "--expand",
        nargs="+",
        choices=list(EXPANDS),
        default=list(EXPANDS),
        help="what expand all runs: one row for each",
    )
    parser.add_argument(
        "--reload", action="store_true", help="reload one tab instead of a new tab for each load"
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds a load may take")
    parser.add_argument("--screenshot", action="store_true", help="PNGs into bench/out/d3")
    args = parser.parse_args()

    assert shutil.which("npm") and Path(CHROMIUM).exists(), "needs npm and Debian's chromium"
    versions = install_d3()
    from playwright.sync_api import sync_playwright

    server, base = serve(D3_DIR)
    load_before = load()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                # The floor: a page with one small SVG, timed the same way.
                (D3_DIR / "blank.html").write_text(BLANK, encoding="utf-8")
                result = measure_page(
                    base + "blank.html",
                    ready_js="document.querySelector('svg')",
                    expand_js="Promise.resolve()",
                    runs=args.runs,
                    browser=browser,
                    timeout_s=args.timeout,
                    fresh_tab=not args.reload,
                )
                rows.append(("a page with one small SVG (the floor)", result))
                for nodes in args.nodes:
                    write_page(random_tree(nodes, args.seed), args.compact)
                    for label in args.expand:
                        started = time.perf_counter()
                        shot = f"shot-{nodes}-{label[:-2].replace('().', '-')}"
                        result = measure_page(
                            base + "index.html",
                            ready_js="window.benchRendered",
                            expand_js=EXPANDS[label],
                            runs=args.runs,
                            browser=browser,
                            timeout_s=args.timeout,
                            fresh_tab=not args.reload,
                            screenshot=str(D3_DIR / shot) if args.screenshot else None,
                        )
                        what = f"d3-org-chart, {nodes} nodes, {label}"
                        if not args.compact:
                            what += ", not compact"
                        rows.append((what, result))
                        name = f"result-{nodes}-{label[:-2].replace('().', '-')}.json"
                        (D3_DIR / name).write_text(json.dumps(result, indent=1))
                        took = time.perf_counter() - started
                        print(f"{what}: {args.runs} + 1 loads in {took:.0f} s", flush=True)
                chromium = browser.version
            finally:
                browser.close()
    finally:
        server.shutdown()

    print()
    print("\n".join(header(versions, chromium, load_before)))
    print(f"tree: random.Random({args.seed}), each parent among the earlier nodes")
    print()
    print("\n".join(table(rows) + details(rows)))
    blocked = [url for _, result in rows for url in result["blocked"]]
    print()
    if blocked:
        print(
            f"BLOCKED {len(blocked)} request(s) not to 127.0.0.1: "
            + ", ".join(sorted(set(blocked)))
        )
    else:
        print("no request went anywhere but 127.0.0.1")


if __name__ == "__main__":
    main()
