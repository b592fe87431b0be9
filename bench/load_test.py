"""Load test: gunicorn serving the synthetic organisation, hit over loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orgduties_bench \
        .venv/bin/python -m bench.load_test --seconds 20 --clients 8 --workers 4

Starts gunicorn itself (production settings, DEBUG=0, on 127.0.0.1 and a free
port), signs in one employee session per client, then for each scenario
(position page, department page, org chart, search, and a mix of them) runs
the clients for --seconds (the Python client also stops at --max-requests), and
prints requests per second, p50/p99 latency and errors as a Markdown table.
Then it stops gunicorn. Nothing but 127.0.0.1 is ever contacted.

The clients are wrk (Debian's package, C and LuaJIT: `apt-get install wrk`)
when /usr/bin/wrk exists, or Python threads otherwise (`--client python`).
On two cores the Python client takes CPU from the server it measures; wrk
hardly does. With wrk every response that is not a 200 with a body counts
as an error, as in the Python client (a 302 to the login page would
otherwise pass for a success).

`--warm` first requests every URL of a scenario `--workers` times over
(each gunicorn worker keeps its own cache by default), so the scenario is
measured with every job description already rendered once, as a server that
has been up a while would be; without it the run starts cold.

`--servers 2 --cache redis` starts two gunicorn servers sharing one Redis
cache (a fresh key prefix per run, so it starts cold), and runs one wrk per
server at once, each with half the connections: requests/s are summed, p50
and p99 are the worse of the two.

`--background-import FILE` also starts the background worker and, as the
mix scenario starts, queues an import of the workbook FILE as an HR editor
would: the mix is then measured while the import runs, and the job's
duration and outcome are printed (the import must end within the scenario).

Build the organisation first with bench.generate_org (same DATABASE_URL).
"""

import argparse
import http.client
import ipaddress
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import ROOT, setup_django

HOST = "127.0.0.1"
USERNAME = "loadtest-employee"
MAX_SECONDS = 300
MAX_REQUESTS = 200_000


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(port, static_root, workers, extra=None):
    env = dict(os.environ)
    env.update(extra or {})
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        # Plain HTTP on loopback: no TLS proxy in front of this test server.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_ROOT=str(static_root),
        HOST=HOST,
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        LOGIN_FAILURE_LIMIT="1000",
    )
    return env


def prepare(args):
    """Pick the pages to request and make the employee who requests them."""
    setup_django()
    from django.contrib.auth.models import Group, User

    from core.roles import EMPLOYEES
    from departments.models import Department
    from positions.models import Position

    rng = random.Random(args.seed)
    position_codes = list(Position.objects.values_list("code", flat=True))
    department_codes = list(Department.objects.values_list("code", flat=True))
    if len(position_codes) < 100:
        sys.exit("The database holds fewer than 100 positions: run bench.generate_org first.")
    titles = list(Position.objects.values_list("title", flat=True)[:2000])
    words = sorted({t[:2] for t in titles} | {t[-3:] for t in titles})
    user, _ = User.objects.get_or_create(username=USERNAME)
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    return {
        "password": password,
        "scenarios": {
            "position page": [f"/positions/{c}/" for c in rng.sample(position_codes, 500)],
            "department page": [
                f"/departments/{c}/"
                for c in rng.sample(department_codes, min(300, len(department_codes)))
            ],
            "org chart": ["/chart/"],
            "search": [
                "/search/?" + urlencode({"q": w}) for w in rng.sample(words, min(200, len(words)))
            ],
        },
    }


def start_server(args, port, static_root, extra=None):
    env = server_env(port, static_root, args.workers, extra)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not listen within 60 s")


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers):
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


def login(port, password):
    status, headers, body = request(port, "GET", "/accounts/login/")
    jar = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"username": USERNAME, "password": password, "csrfmiddlewaretoken": token})
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
        body=form,
    )
    jar.update(_cookies(headers))
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"login failed: {status}")
    return f"sessionid={jar['sessionid']}"


def run_scenario(port, cookies, urls, seconds, max_requests, seed):
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def client(cookie, rng):
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            path = rng.choice(urls)
            started = time.perf_counter()
            try:
                status, _, body = request(port, "GET", path, headers={"Cookie": cookie})
                ok = status == 200 and len(body) > 0
            except OSError as exc:
                ok, status = False, type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append((path, status))

    threads = [
        threading.Thread(target=client, args=(cookie, random.Random(seed + i)))
        for i, cookie in enumerate(cookies)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / wall,
        "p50": statistics.median(latencies) * 1000 if n else 0,
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0,
        "errors": len(errors),
        "error_samples": errors[:5],
    }


WRK_SCRIPT = r"""
local paths = {}
local cookie = nil
errors = 0
function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  cookie = args[2]
  math.randomseed(tonumber(args[3]) + offset)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookie})
end
function response(status, headers, body)
  if status ~= 200 or body == nil or #body == 0 then
    errors = errors + 1
  end
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads)
end
function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + t:get("errors") end
  io.write(string.format(
    "JSON{\"requests\": %d, \"seconds\": %f, \"p50\": %f, \"p99\": %f, " ..
    "\"errors\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errs + summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def run_wrk(port, cookie, urls, seconds, clients, seed, workdir):
    """One wrk run: `clients` connections on (at most) 2 threads for `seconds`; the same figures as run_scenario."""
    paths = Path(workdir) / "paths.txt"
    paths.write_text("\n".join(urls) + "\n")
    script = Path(workdir) / "load.lua"
    script.write_text(WRK_SCRIPT)
    command = [
        "wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
        "--timeout", "30s", "-s", str(script), f"http://{HOST}:{port}/",
        "--", str(paths), cookie, str(seed),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [x for x in done.stdout.splitlines() if x.startswith("JSON")]
    if done.returncode or not lines:
        sys.exit(f"wrk failed ({done.returncode}): {done.stderr.strip()} {done.stdout.strip()}")
    line = lines[0]
    figures = json.loads(line[4:])
    n = figures["requests"]
    return {
        "requests": n,
        "rps": n / figures["seconds"],
        "p50": figures["p50"],
        "p99": figures["p99"],
        "errors": figures["errors"] + figures["socket_errors"],
        "error_samples": [],
    }


def run_wrk_on(ports, cookies, urls, seconds, clients, seed, workdir):
    """wrk on every server at once, the connections shared out; figures summed (rps) or worst."""
    if len(ports) == 1:
        return run_wrk(ports[0], cookies[0], urls, seconds, clients, seed, workdir)
    results = [None] * len(ports)

    def one(i, port):
        folder = Path(workdir) / f"wrk{i}"
        folder.mkdir(exist_ok=True)
        results[i] = run_wrk(
            port, cookies[i], urls, seconds, max(1, clients // len(ports)), seed + i, folder
        )

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(ports)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "requests": sum(r["requests"] for r in results),
        "rps": sum(r["rps"] for r in results),
        "p50": max(r["p50"] for r in results),
        "p99": max(r["p99"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "error_samples": [],
    }


def queue_import(path, env):
    """Queue an import of the workbook at ``path`` as an HR editor; the job's id."""
    code = (
        "from django.contrib.auth.models import Group, User\n"
        "from jobs.runner import start\n"
        "hr, _ = User.objects.get_or_create(username='loadtest-hr', defaults={'is_staff': True})\n"
        "hr.groups.add(Group.objects.get(name='HR editors'))\n"
        f"data = open({str(path)!r}, 'rb').read()\n"
        "job, _ = start(hr, 'workbook-import', upload=(data, 'background.xlsx'), language='en')\n"
        "print(job.pk)\n"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def job_outcome(job_id, wait=300):
    """(status, seconds it ran, summary) of the job, once it has finished (or after ``wait``)."""
    from jobs.models import Job

    deadline = time.monotonic() + wait
    job = Job.objects.get(pk=job_id)
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    took = (job.finished_at - job.started_at).total_seconds() if job.finished_at else None
    return job.status, took, job.summary


def warm(port, cookie, urls, workers):
    """Request every URL `workers` times (gunicorn spreads them over its workers)."""
    for _ in range(workers):
        for path in urls:
            request(port, "GET", path, headers={"Cookie": cookie})


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20, help="per scenario (at most 300)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="per scenario")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before measuring")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="wrk when installed (default), else Python threads",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="request every URL once per worker before measuring (a warm cache)",
    )
    parser.add_argument(
        "--only", action="append", help="run only these scenarios (repeatable)", default=None
    )
    parser.add_argument("--servers", type=int, default=1, help="gunicorn servers (1 or more)")
    parser.add_argument(
        "--cache", choices=["locmem", "redis"], default=None, help="the servers' cache backend"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--background-import", metavar="FILE", help="import this workbook while the mix runs"
    )
    parser.add_argument("--json", metavar="FILE", help="append one line per scenario to FILE")
    parser.add_argument("--label", default="", help="written into each --json line")
    args = parser.parse_args()
    args.seconds = min(args.seconds, MAX_SECONDS)
    args.max_requests = min(args.max_requests, MAX_REQUESTS)
    assert ipaddress.ip_address(HOST).is_loopback

    plan = prepare(args)
    scenarios = dict(plan["scenarios"])
    scenarios["mix"] = [u for urls in plan["scenarios"].values() for u in urls[:100]]
    if args.only:
        scenarios = {k: v for k, v in scenarios.items() if k in args.only}
    extra = {}
    if args.cache:
        extra["CACHE_BACKEND"] = args.cache
    if args.cache == "redis":
        extra["CACHE_LOCATION"] = args.redis
        extra["CACHE_KEY_PREFIX"] = f"load-{secrets.token_hex(4)}"  # a cold cache
    worker = None
    background = None
    with tempfile.TemporaryDirectory() as static_root:
        ports = [free_port() for _ in range(max(1, args.servers))]
        servers = [start_server(args, port, static_root, extra) for port in ports]
        env = server_env(ports[0], static_root, args.workers, extra)
        if args.background_import:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.2"], cwd=ROOT, env=env
            )
        try:
            cookies = [login(ports[i % len(ports)], plan["password"]) for i in range(args.clients)]
            by_server = [login(port, plan["password"]) for port in ports]
            rows = []
            for name, urls in scenarios.items():
                if args.warm:
                    for port, cookie in zip(ports, by_server, strict=True):
                        warm(port, cookie, urls, args.workers)
                if args.warmup:
                    run_scenario(ports[0], cookies, urls, args.warmup, args.max_requests, args.seed)
                if args.background_import and name == "mix":
                    background = queue_import(Path(args.background_import).resolve(), env)
                if args.client == "wrk":
                    result = run_wrk_on(
                        ports, by_server, urls, args.seconds, args.clients, args.seed, static_root
                    )
                else:
                    result = run_scenario(
                        ports[0], cookies, urls, args.seconds, args.max_requests, args.seed
                    )
                rows.append((name, result))
                print(
                    f"{name}: {result['requests']} requests, {result['rps']:.0f}/s, "
                    f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
                    f"errors {result['errors']} {result['error_samples']}",
                    flush=True,
                )
            if background is not None:
                status, took, summary = job_outcome(background)
                print(f"background import: {status} in {took} s: {summary}")
        finally:
            for server in servers:
                server.terminate()
            if worker is not None:
                worker.terminate()
            for process in [*servers, *([worker] if worker else [])]:
                process.wait(60)
    print()
    print(
        f"{args.clients} clients ({args.client}), {len(ports)} server(s) × {args.workers} "
        f"gunicorn workers, cache {args.cache or 'default'}, "
        f"{args.seconds:g} s per scenario{', warm cache' if args.warm else ''}"
        f"{', a workbook imported in the background during the mix' if background else ''}"
    )
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            for name, r in rows:
                line = {k: r[k] for k in ("requests", "rps", "p50", "p99", "errors")}
                line |= {"label": args.label, "scenario": name, "warm": args.warm}
                line |= {"servers": len(ports), "cache": args.cache or "default"}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print()
    print("| scenario | requests | requests/s | p50 ms | p99 ms | errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in rows:
        print(
            f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']} |"
        )
    if any(r["errors"] for _, r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
