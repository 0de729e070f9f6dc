"""Edit-to-page latency of `python -m generator serve`: write one deputy's YAML, poll the page until it shows the edit.

    .venv/bin/python bench/serve_edit.py --deputies 2000 --reps 3

Synthetic content is generated once; `serve` runs on 127.0.0.1 (a free port) with its own QR cache; each rep edits a
different deputy's bio (a unique ASCII token at its start) and polls that deputy's page over HTTP every 50 ms.
The time is from the end of the file write to the first response that contains the token.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PYTHON, ROOT, make_content, ours_config, stop_group, verdict  # noqa: E402

TARGET_S = 3.0
POLL_S = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, token: str | None, timeout: float) -> float | None:
    """Seconds until `url` answers (and contains `token`, if given); None after `timeout`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = fetch(url)
        if body is not None and (token is None or token in body):
            return time.perf_counter() - start
        time.sleep(POLL_S)
    return None


def edit(path: Path, token: str) -> None:
    text = path.read_text(encoding="utf-8")
    if "bio: |\n  " not in text:
        raise RuntimeError(f"{path}: no block bio to edit")
    path.write_text(text.replace("bio: |\n  ", f"bio: |\n  {token}。", 1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--deputies", type=int, default=2000, metavar="N", help="deputies (default 2000)")
    parser.add_argument("--reps", type=int, default=3, help="edits, one deputy each (default 3)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for start-up and for each edit")
    args = parser.parse_args(argv)
    if args.deputies < args.reps or args.reps < 1:
        parser.error("need --reps ≥ 1 and --deputies ≥ --reps")

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    proc = None
    try:
        content = make_content(args.deputies, work)
        config = ours_config(work, work / "cache")
        port = free_port()
        log = open(work / "serve.log", "wb")  # noqa: SIM115 - closed with the process below
        cmd = [PYTHON, "-m", "generator", "serve", "-f", str(config), "--content", str(content)]
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*cmd, "-a", f"127.0.0.1:{port}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deputies = sorted(content.glob("deputies/*.yaml"))
        picks = [deputies[i * len(deputies) // args.reps] for i in range(args.reps)]
        first = f"http://127.0.0.1:{port}/deputies/{picks[0].stem}/"
        if wait_for(first, None, args.timeout) is None:
            raise SystemExit(f"serve did not answer within {args.timeout} s; see {work / 'serve.log'}")
        startup = time.perf_counter() - start
        times: list[float | None] = []
        for rep, path in enumerate(picks):
            token = f"benchedit{rep}x{os.getpid()}"
            url = f"http://127.0.0.1:{port}/deputies/{path.stem}/"
            if wait_for(url, None, 30) is None:
                raise SystemExit(f"{url} not served; see {work / 'serve.log'}")
            time.sleep(1.0)  # let any earlier rebuild settle
            edit(path, token)
            times.append(wait_for(url, token, args.timeout))
            shown = f"{times[-1]:.2f} s" if times[-1] is not None else f"> {args.timeout:.0f} s (timed out)"
            print(f"edit {rep + 1}/{args.reps} {path.stem}: {shown}", file=sys.stderr)
        done = [t for t in times if t is not None]
        med = statistics.median(done) if len(done) == len(times) else float("inf")
        print(f"N = {args.deputies:,} deputies; serve start-up until the first page answers: {startup:.1f} s")
        print()
        print("| measure | reps | median s | min–max s |")
        print("|---|---|---|---|")
        spread = f"{min(done):.2f}–{max(done):.2f}" if done else "–"
        print(f"| YAML write → edited page served | {len(times)} ({len(done)} in time) | {med:.2f} | {spread} |")
        print()
        print(f"- edit → page ≤ {TARGET_S:.0f} s at this N: {med:.2f} s — {verdict(med <= TARGET_S)}")
    finally:
        if proc is not None:
            stop_group(proc, timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
