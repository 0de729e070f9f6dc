"""Lighthouse (mobile) on the demo site served as the deployment serves it: home, a deputy, a station and /track/.

    .venv/bin/python bench/lighthouse.py --runs 3

The demo content (content/) is built and switched by deploy/rebuild.sh, nginx runs with deploy/nginx/mashang.conf
filled in by deploy/render_config.py (CSP hashes, gzip, cache headers: as tests/test_deploy.py starts it) and gunicorn
with deploy/gunicorn.conf.py behind /api/, all on 127.0.0.1. Lighthouse (npm, pinned in package.json) drives
Debian's chromium (CHROME_PATH=/usr/bin/chromium, headless) with its defaults: mobile form factor, simulated
throttling (a slow 4G and a 4x slower CPU). Each round runs the four pages one after the other; the table gives each
category's median over the rounds with min–max, and "other load": the CPU (in cores, median) busy on the machine
outside Lighthouse's own chromium and node while they ran. The performance score moves with that load; the other three
categories do not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PYTHON, ROOT, stop_group  # noqa: E402
from bench.forms import busy_seconds, free_port, start_gunicorn, wait_listening  # noqa: E402

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95
TODAY = "2026-11-28"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
]


def pages(site: Path) -> dict[str, str]:
    """The four pages: home, the first current deputy and the first station of the built site's open data."""
    data = site / "data"
    deputies = json.loads((data / "deputies.json").read_text(encoding="utf-8"))["deputies"]
    stations = json.loads((data / "stations.json").read_text(encoding="utf-8"))["stations"]
    deputy = next(d for d in deputies if d.get("current", True))
    return {
        "home": "",
        f"deputy ({deputy['id']})": f"deputies/{deputy['id']}/",
        f"station ({stations[0]['id']})": f"stations/{stations[0]['id']}/",
        "track": "track/",
    }


def nginx_binary() -> str:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("nginx not found: bash scripts/setup.sh installs it")


def start_stack(work: Path, port: int, api_port: int) -> list[subprocess.Popen]:
    """Build the demo site with deploy/rebuild.sh, then nginx and gunicorn as tests/test_deploy.py starts them."""
    base = f"http://127.0.0.1:{port}/"
    site_root, logs, queue = work / "site", work / "logs", work / "queue"
    logs.mkdir()
    env = {**os.environ, "MASHANG_SITE_ROOT": str(site_root), "MASHANG_PYTHON": PYTHON, "MASHANG_SITE_URL": base}
    command = ["bash", str(ROOT / "deploy" / "rebuild.sh"), "--no-pull", "--", "--today", TODAY]
    with open(work / "build.log", "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=900, check=True)
    conf = work / "mashang.conf"
    render = [PYTHON, str(ROOT / "deploy" / "render_config.py"), "render", "--site", str(site_root / "current")]
    render += ["--server-name", "127.0.0.1", "--listen", f"127.0.0.1:{port}", "--site-root", str(site_root)]
    render += ["--api-upstream", f"127.0.0.1:{api_port}", "--log-dir", str(logs), "--out", str(conf)]
    subprocess.run(render, check=True, timeout=120)
    temp = work / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    wrapper = work / "nginx.conf"
    wrapper.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {logs}/error.log;\n"
        "events { worker_connections 128; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {conf};\n}}\n"
    )
    forms_env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    forms_env.update(
        FORMS_TRUSTED_PROXIES="1",
        FORMS_QUEUE_DIR=str(queue),
        FORMS_SITE_DIR=str(site_root / "current"),
        FORMS_ACCESS_LOG=str(logs / "forms-access.log"),
        FORMS_ERROR_LOG=str(logs / "forms-error.log"),
    )
    procs = [start_gunicorn(None, api_port, forms_env, logs / "gunicorn.out")]
    nginx = [nginx_binary(), "-p", str(work), "-c", str(wrapper), "-e", str(logs / "error.log")]
    procs.append(subprocess.Popen(nginx, start_new_session=True))
    wait_listening(api_port, procs[0])
    wait_listening(port, procs[1])
    return procs


def lighthouse(url: str, out: Path, timeout: float) -> dict[str, float]:
    """One Lighthouse run of `url` (its JSON report in `out`): the four category scores, 0-100."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile"]
    command += [f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url} ({result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def failing_audits(report: Path) -> list[str]:
    """Audits not passed that weigh in a score (every performance audit not passed), as "category: id score"."""
    data = json.loads(report.read_text(encoding="utf-8"))
    found = []
    for name in CATEGORIES:
        for ref in data["categories"][name]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if audit.get("score") is not None and audit["score"] < 1 and (ref["weight"] > 0 or name == "performance"):
                found.append(f"{name}: {ref['id']} {audit['score']} {audit.get('displayValue', '')}".rstrip())
    return found


def table(results: dict[str, list[dict]]) -> str:
    head = "| page | runs | " + " | ".join(CATEGORIES) + " | other load (cores) |"
    lines = [head, "|" + "---|" * (len(CATEGORIES) + 3)]
    for page, runs in results.items():
        cells = []
        for category in CATEGORIES:
            scores = [r[category] for r in runs]
            median = statistics.median(scores)
            spread = f" ({min(scores)}–{max(scores)})" if min(scores) != max(scores) else ""
            cells.append(f"{median:g}{spread}")
        load = statistics.median(r["other_load"] for r in runs)
        lines.append(f"| {page} | {len(runs)} | " + " | ".join(cells) + f" | {load:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--runs", type=int, default=3, help="rounds over the four pages (default 3, at most 10)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds one Lighthouse run may take (default 180)")
    parser.add_argument("--keep", type=Path, help="keep the work folder (site, logs, JSON reports) here")
    parser.add_argument("--audits", action="store_true", help="also list every audit that did not pass, per page")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 10:
        parser.error("--runs 1..10")
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} missing: bash scripts/setup.sh installs it (npm ci)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    work.mkdir(parents=True, exist_ok=True)
    port, api_port = free_port(), free_port()
    procs: list[subprocess.Popen] = []
    try:
        procs = start_stack(work, port, api_port)
        targets = pages(work / "site" / "current")
        results: dict[str, list[dict]] = {name: [] for name in targets}
        reports = work / "reports"
        reports.mkdir(exist_ok=True)
        for run in range(args.runs):
            for index, (name, path) in enumerate(targets.items()):
                out = reports / f"{index}-{run}.json"
                out.unlink(missing_ok=True)
                start, busy = time.monotonic(), busy_seconds()
                before = own_seconds()
                scores = lighthouse(f"http://127.0.0.1:{port}/{path}", out, args.timeout)
                wall = time.monotonic() - start
                scores["other_load"] = max(0.0, (busy_seconds() - busy - (own_seconds() - before)) / wall)
                results[name].append(scores)
                print(f"run {run + 1}/{args.runs} {name}: {scores}", file=sys.stderr)
        print(table(results))
        if args.audits:
            for index, name in enumerate(targets):
                print(f"\n{name} (last run):")
                for line in failing_audits(reports / f"{index}-{args.runs - 1}.json"):
                    print(f"- {line}")
        met = all(statistics.median(r[c] for r in runs) >= TARGET for runs in results.values() for c in CATEGORIES)
        return 0 if met else 1
    finally:
        for proc in procs:
            stop_group(proc, timeout=30)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def own_seconds() -> float:
    """CPU seconds used by this script's finished children (Lighthouse's node and chromium) and by itself."""
    usage = os.times()
    return usage.children_user + usage.children_system + usage.user + usage.system


if __name__ == "__main__":
    sys.exit(main())
