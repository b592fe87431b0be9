"""Our drawn chart beside d3-org-chart, in Chromium, on the same 2,000 units.

    .venv/bin/python -m bench.chart --no-pdf      # builds bench/out/chart.sqlite3 first
    .venv/bin/python -m bench.chart_vs_d3

Reads the units of the database bench.chart built (2,000 units in a random
tree), gives d3-org-chart exactly those units (name, head and staffing as
its box content), and serves ours with ``manage.py runserver`` on that
database. Both pages are timed by bench.chart_browser.measure_page, the same
way: first paint (the frame after the chart's boxes are in the page) and
"expand all": d3-org-chart's expandAll(); ours, the page's own redraw with
every level open (what the +N buttons fetch, ?depth=50), swapped in.
"""

import argparse
import os
import socket
import subprocess
import sys
import time

from bench import OUT, ROOT, setup_django

OURS_EXPAND = """(async () => {
  const r = await fetch('/?depth=50', {credentials: 'same-origin', headers: {'X-Requested-With': 'fetch'}});
  const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
  document.querySelector('.chart-canvas').replaceWith(document.importNode(doc.querySelector('.chart-canvas'), true));
  window.dispatchEvent(new Event('resize'));
})()"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    database = OUT / "chart.sqlite3"
    assert database.exists(), "run python -m bench.chart first (it builds the organisation)"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    setup_django(DEBUG="1", ALLOWED_HOSTS="127.0.0.1")
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from playwright.sync_api import sync_playwright

    from bench import chart_browser as cb
    from orgchart.data import _read

    snap = _read("default")
    rows = []
    for unit in snap.units.values():
        head = unit.head.holders[0][1] if unit.head and unit.head.holders else "—"
        rows.append(
            {
                "id": str(unit.pk),
                "parentId": str(unit.parent) if unit.parent in snap.units else None,
                "name": unit.name,
                "head": f"{head} · 编制 {unit.headcount} · 在岗 {unit.holders}",
            }
        )
    roots = [r for r in rows if r["parentId"] is None]
    if len(roots) > 1:  # d3-org-chart draws one tree: give it one root
        for r in roots[1:]:
            r["parentId"] = roots[0]["id"]

    user, _ = User.objects.get_or_create(username="bench-browser")
    user.groups.add(Group.objects.get_or_create(name="Employees")[0])
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()

    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", DEBUG="1")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ours = f"http://127.0.0.1:{port}/"
    versions = cb.install_d3()
    d3_server, base = cb.serve(cb.D3_DIR)
    results = []
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        cb.write_page(rows, True)
        cookies = [{"name": "sessionid", "value": session.session_key, "url": ours}]
        with sync_playwright() as playwright:
            browser = cb.launch(playwright)
            try:
                results.append(
                    (
                        f"OrgDuties /, {len(rows):,} units (first view, then every level)",
                        cb.measure_page(
                            ours,
                            ready_js="document.querySelector('svg.orgchart rect[data-code]')",
                            expand_js=OURS_EXPAND,
                            cookies=cookies,
                            runs=args.runs,
                            browser=browser,
                            screenshot=str(OUT / "ours"),
                        ),
                    )
                )
                for label in ("expandAll()", "expandAll().render()"):
                    results.append(
                        (
                            f"d3-org-chart, the same {len(rows):,} units, {label}",
                            cb.measure_page(
                                base + "index.html",
                                ready_js="window.benchRendered",
                                expand_js=cb.EXPANDS[label],
                                runs=args.runs,
                                browser=browser,
                            ),
                        )
                    )
                chromium = browser.version
            finally:
                browser.close()
    finally:
        server.terminate()
        d3_server.shutdown()
    print("\n".join(cb.header(versions, chromium, cb.load())))
    print()
    print("\n".join(cb.table(results)))
    blocked = [u for _, r in results for u in r["blocked"]]
    print("\nno request went anywhere but 127.0.0.1" if not blocked else f"BLOCKED: {blocked}")


if __name__ == "__main__":
    main()
