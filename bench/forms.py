"""Form service under load: gunicorn + forms_api (every 201 fsynced) against a no-op Flask endpoint, with wrk.

    .venv/bin/python bench/forms.py --duration 10 --reps 3

Both servers run with deploy/gunicorn.conf.py (one gthread worker, 8 threads, access log to a file) on 127.0.0.1;
the form service gets a temporary queue, a small built site (FORMS_SITE_DIR) and rate limiting off. wrk runs
8 connections, 2 threads, round-robin between the servers (each rep starting one later), each run preceded by a 2 s
warm-up. Every request posts a valid JSON submission whose text is unique (no duplicate short-circuit) with the
Origin header set; the Lua `response` hook counts 201s, compared with the `submitted` events the queue gained (wrk
stops at its deadline with up to 8 requests in flight: queued, but their 201 never read). Then an exact check: 400
posts over 8 threads, every answer read, must give 400 201s and 400 new `submitted` events.

With `--store postgresql` a third server runs the form service on a throw-away PostgreSQL 15 cluster (tests/servers.py:
fsync and synchronous_commit on, every 201 durable) in the same run, interleaved with the other two; its target is
≥ 0.8× the folder queue's req/s with p99 ≤ 20 ms. `--workers N` runs every server with N gunicorn processes
(FORMS_WORKERS; a deployment with several needs Redis for the rate limits, which are off here): one a core is how a
site on PostgreSQL and Redis is meant to run.

The machine is shared: "other load" is the CPU (in cores, median of the runs) busy during a run outside the server
and wrk, from /proc/stat (other people's jobs, and kernel threads such as the file system's journal). Runs with
other load near a core are not comparable with runs on an idle machine: the no-op gains more from a busy machine's
warm CPUs than the form service does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    make_content,
    ours_build_cmd,
    ours_config,
    run_measured,
    stop_group,
    verdict,
)

RATIO_TARGET, P99_TARGET_MS, CONNECTIONS, VERIFY_REQUESTS = 0.6, 20.0, 8, 400
PG_RATIO_TARGET = 0.8  # PostgreSQL's req/s against the folder queue's
FOLDER, POSTGRES, NOOP = "forms (fsync)", "forms (postgresql)", "no-op"
SUBMISSION = {
    "category": "意见",
    "text": "小区门口的路灯坏了，晚上出行不便。",
    "name": "李女士",
    "phone": "138 0013 8000",
    "consent": True,
}

LUA = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  target, origin, tag, extra = args[1], args[2], args[3], args[4] or ""  -- extra: more JSON fields
  created, sent = 0, 0
end
function request()
  sent = sent + 1
  local body = string.format(
    '{"target":"%s","category":"意见","text":"小区门口的路灯坏了，晚上出行不便。编号 %s-%d-%d",' ..
    '"name":"李女士","phone":"138 0013 8000","consent":true%s}', target, tag, tid, sent, extra)
  return wrk.format("POST", "/api/submissions",
    {["Content-Type"] = "application/json", ["Origin"] = origin}, body)
end
function response(status, headers, body)
  if status == 201 then created = created + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("created") end
  io.write(string.format("BENCH created=%d requests=%d p50_us=%d p99_us=%d errors=%d\n", total,
    summary.requests, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def rotated(names: list[str], rep: int) -> list[str]:
    """The servers' order in rep `rep`: each rep starts one server later (ABC, BCA, CAB; two servers alternate), so
    that none always runs right after another's load (the host's writeback and caches), which a fixed order charged
    to the later servers of every rep."""
    shift = rep % len(names)
    return names[shift:] + names[:shift]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, timeout=600, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def start_gunicorn(app: str | None, port: int, env: dict, log: Path) -> subprocess.Popen:
    cmd = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), *([app] if app else [])]
    env = {**env, "FORMS_BIND": f"127.0.0.1:{port}"}
    out = open(log, "ab")  # noqa: SIM115 - the server keeps it until it ends
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # answering (404 or 405) is enough
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} not answering after {timeout} s")


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all but idle and iowait), from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc (0 for what has gone)."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for each in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_wrk(
    wrk: str, port: int, script: Path, seconds: int, target: str, tag: str, server: int = 0, extra: list[str] = ()
) -> dict:
    url = f"http://127.0.0.1:{port}/api/submissions"
    origin = f"http://127.0.0.1:{port}"
    cmd = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url, "--"]
    before = (time.perf_counter(), busy_seconds(), process_seconds(server) if server else 0.0, children_seconds())
    args = [*cmd, target, origin, tag, *extra]
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60).stdout
    after = (time.perf_counter(), busy_seconds(), process_seconds(server) if server else 0.0, children_seconds())
    wall, busy, server_cpu, wrk_cpu = (end - start for start, end in zip(before, after, strict=True))
    fields = dict(re.findall(r"(\w+)=(\d+)", re.search(r"^BENCH .*$", out, re.M)[0]))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        **{k: int(v) for k, v in fields.items()},
        "rps": rps,
        "non2xx": int(non2xx[1]) if non2xx else 0,
        "other_load": round(max(busy - server_cpu - wrk_cpu, 0.0) / wall, 2),
        **({"server_cpu": server_cpu} if server else {}),
    }


def children_seconds() -> float:
    """CPU seconds of this process's waited-for children (wrk runs; the servers are waited for only at the end)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def submitted_in_database(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute('SELECT count(*) FROM events WHERE line LIKE \'%"type":"submitted"%\'').fetchone()[0]


def submitted(queue: Path | str) -> int:
    if isinstance(queue, str):
        return submitted_in_database(queue)
    path = queue / "events.jsonl"
    if not path.exists():
        return 0
    with open(path, "rb") as f:
        return sum(1 for line in f if line.endswith(b"\n") and json.loads(line).get("type") == "submitted")


def small_site(work: Path) -> tuple[Path, str]:
    content = make_content(30, work)
    config = ours_config(work, work / "cache")
    run_measured(ours_build_cmd(config, content, work / "site"), work / "build.log")
    deputies = json.loads((work / "site" / "data" / "deputies.json").read_text(encoding="utf-8"))["deputies"]
    current = next(d for d in deputies if d.get("current", True))
    return work / "site", f"deputy:{current['id']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10, at most 60)")
    parser.add_argument("--reps", type=int, default=3, help="interleaved runs per server (default 3)")
    parser.add_argument(
        "--store", choices=("folder", "postgresql"), default="folder", help="postgresql: a third server"
    )
    parser.add_argument("--workers", type=int, default=1, help="gunicorn processes per server (default 1)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 60 or not 1 <= args.reps <= 10 or not 1 <= args.workers <= 8:
        parser.error("--duration 1..60, --reps 1..10 and --workers 1..8")
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    procs: list[subprocess.Popen] = []
    database = None
    try:
        site, target = small_site(work)
        queue = work / "queue"
        script = work / "post.lua"
        script.write_text(LUA, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
        env.update(FORMS_QUEUE_DIR=str(queue), FORMS_SITE_DIR=str(site), FORMS_RATELIMIT_ENABLED="false")
        env.update(FORMS_WORKERS=str(args.workers))
        ports = {FOLDER: free_port(), NOOP: free_port()}
        queues: dict[str, Path | str] = {FOLDER: queue, NOOP: queue}
        procs.append(start_gunicorn(None, ports[FOLDER], env, work / "forms.log"))
        procs.append(start_gunicorn("bench.noop_app:app", ports[NOOP], env, work / "noop.log"))
        if args.store == "postgresql":
            from forms_api.store.pgdb import upgrade
            from tests.servers import Postgres

            database = Postgres()
            upgrade(database.url())
            ports[POSTGRES], queues[POSTGRES] = free_port(), database.url()
            procs.append(
                start_gunicorn(None, ports[POSTGRES], env | {"FORMS_QUEUE_URL": database.url()}, work / "pg.log")
            )
        for proc, port in zip(procs, ports.values(), strict=True):
            wait_listening(port, proc)
        results: dict[str, list[dict]] = {name: [] for name in ports}
        for rep in range(args.reps):
            for name in rotated(list(ports), rep):
                port = ports[name]
                run_wrk(wrk, port, script, 2, target, f"w{rep}{os.getpid()}")  # warm-up, not counted in the table
                time.sleep(1)  # the warm-up's requests in flight are appended before the count starts
                before = submitted(queues[name])
                server = procs[list(ports).index(name)].pid
                result = run_wrk(wrk, port, script, args.duration, target, f"r{rep}{os.getpid()}", server)
                time.sleep(1)  # requests in flight when wrk stopped may still be appended: count them too
                result["queued"] = submitted(queues[name]) - before
                results[name].append(result)
                print(f"rep {rep + 1}/{args.reps} {name}: {result}", file=sys.stderr)
        exact = {}
        for name in ports.keys() - {NOOP}:
            before = submitted(queues[name])
            created = verify(ports[name], target, VERIFY_REQUESTS)
            exact[name] = (created, submitted(queues[name]) - before)
        print(table(results, args.duration, exact[FOLDER], exact.get(POSTGRES), workers=args.workers))
    finally:
        for proc in procs:
            stop_group(proc, timeout=30)
        if database is not None:
            database.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def verify(port: int, target: str, count: int) -> int:
    """Post `count` submissions over 8 threads, reading every answer; the number of 201s."""
    url = f"http://127.0.0.1:{port}/api/submissions"
    headers = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"}

    def post(i: int) -> int:
        body = {**SUBMISSION, "target": target, "text": f"{SUBMISSION['text']} 核对 {os.getpid()}-{i}"}
        request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return sum(status == 201 for status in pool.map(post, range(count)))


def other_load(runs: list[dict]) -> str:
    loads = [r["other_load"] for r in runs if "other_load" in r]
    return f"{statistics.median(loads):.2f}" if loads else "–"


def table(
    results: dict[str, list[dict]],
    seconds: int,
    exact: tuple[int, int],
    exact_pg: tuple[int, int] | None = None,
    *,
    workers: int = 1,
) -> str:
    noop = statistics.median(r["rps"] for r in results[NOOP])
    lines = [
        f"wrk: {CONNECTIONS} connections, 2 threads, {seconds} s a run, loopback; gunicorn: {workers} worker(s) each",
        "",
        "| server | reps | req/s median (min–max) | × no-op | p50 ms | p99 ms median (max) | non-2xx | socket errors "
        "| 201s | queued submitted events | other load (cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        rps = [r["rps"] for r in runs]
        p99 = [r["p99_us"] / 1000 for r in runs]
        queued = [r["queued"] for r in runs] if name != NOOP else ["–"] * len(runs)
        lines.append(
            f"| {name} | {len(runs)} | {statistics.median(rps):,.0f} ({min(rps):,.0f}–{max(rps):,.0f}) "
            f"| {statistics.median(rps) / noop:.2f} | {statistics.median(r['p50_us'] for r in runs) / 1000:.2f} "
            f"| {statistics.median(p99):.2f} ({max(p99):.2f}) | {sum(r['non2xx'] for r in runs)} "
            f"| {sum(r['errors'] for r in runs)} | {[r['created'] for r in runs]} | {queued} "
            f"| {other_load(runs)} |"
        )
    forms = results[FOLDER]
    ratio = statistics.median(r["rps"] for r in forms) / noop
    p99 = statistics.median(r["p99_us"] / 1000 for r in forms)
    extra = [r["queued"] - r["created"] for r in forms]
    lines += [
        "",
        f"- req/s ≥ {RATIO_TARGET}× no-op: {ratio:.2f}× — {verdict(ratio >= RATIO_TARGET)}",
        f"- p99 ≤ {P99_TARGET_MS:.0f} ms at {CONNECTIONS} connections: {p99:.2f} ms — {verdict(p99 <= P99_TARGET_MS)}",
        f"- queue events − 201s counted by wrk, per run: {extra} (wrk stops reading at the deadline: up to "
        f"{CONNECTIONS} requests in flight are queued but their 201 is not counted)",
        f"- exact check, {VERIFY_REQUESTS} submissions over {CONNECTIONS} threads, every answer read: "
        f"{exact[0]} × 201, {exact[1]} submitted events queued — {verdict(exact[0] == exact[1] == VERIFY_REQUESTS)}",
    ]
    if POSTGRES in results and exact_pg is not None:
        pg = results[POSTGRES]
        pg_ratio = statistics.median(r["rps"] for r in pg) / statistics.median(r["rps"] for r in forms)
        pg_p99 = statistics.median(r["p99_us"] / 1000 for r in pg)
        lines += [
            f"- PostgreSQL req/s ≥ {PG_RATIO_TARGET}× the folder queue's: {pg_ratio:.2f}× — "
            f"{verdict(pg_ratio >= PG_RATIO_TARGET)}",
            f"- PostgreSQL p99 ≤ {P99_TARGET_MS:.0f} ms: {pg_p99:.2f} ms — {verdict(pg_p99 <= P99_TARGET_MS)}",
            f"- PostgreSQL exact check: {exact_pg[0]} × 201, {exact_pg[1]} submitted events stored — "
            f"{verdict(exact_pg[0] == exact_pg[1] == VERIFY_REQUESTS)}",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
