"""Helpers shared by the bench scripts: measured child processes, synthetic content, configs, tables.

Every measurement is one child process: wall time is `perf_counter` around it, peak RSS is that child's own
`ru_maxrss` from `os.wait4` (RUSAGE_CHILDREN deltas cannot give a per-child maximum).
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
TODAY = "2026-01-01"
"""Fixed "today" for every build, so all variants see the same current deputies."""
SITE_URL = "http://127.0.0.1:8000/"


@dataclass
class Run:
    wall: float
    rss_mb: float
    returncode: int
    cpu: float = 0.0
    """User + system CPU seconds of the child and the children it waited for: steadier than wall time when other
    work shares the cores."""


def run_measured(cmd: list[str], log: Path, cwd: Path = ROOT, env: dict | None = None, timeout: float = 3600) -> Run:
    """Run `cmd` to completion; its output goes to `log`. Raises if it fails or outlives `timeout` seconds."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError(f"{cmd[:4]} took more than {timeout} s (log: {log})")
            time.sleep(0.01)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} exited {proc.returncode}; see {log}")
    return Run(wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime)


def make_content(deputies: int, out: Path, stations: int | None = None) -> Path:
    """Synthetic content (one station per 20 deputies, as in baseline.md) in `out`/content."""
    sys.path.insert(0, str(ROOT))
    from bench.make_content import generate

    content = out / "content"
    generate(deputies, stations or max(1, deputies // 20), content)
    return content


def ours_config(out: Path, cache_dir: Path, name: str = "mkdocs.yml") -> Path:
    """A copy of the project's mkdocs.yml usable from anywhere: absolute theme dir, QR cache in `cache_dir`."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text, themes = re.subn(r"(?m)^(\s*custom_dir:\s*)(\S+)", lambda m: m[1] + str(ROOT / m[2]), text)
    text, plugins = re.subn(r"(?m)^  - mashang:?\s*$", f"  - mashang:\n      cache_dir: {cache_dir.resolve()}", text)
    if themes != 1 or plugins != 1:
        raise RuntimeError("mkdocs.yml changed shape: cannot point custom_dir and the QR cache elsewhere")
    path = out / name
    path.write_text(text, encoding="utf-8")
    return path


def ours_build_cmd(config: Path, content: Path, site: Path) -> list[str]:
    """`python -m generator build` of `content` into `site`, with the same fixed "today" the peers are rendered with."""
    cmd = [PYTHON, "-m", "generator", "build", "-f", str(config), "--content", str(content), "--out", str(site)]
    return [*cmd, "--today", TODAY]


@dataclass
class Series:
    name: str
    walls: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)

    def add(self, run: Run) -> None:
        self.walls.append(run.wall)
        self.rss.append(run.rss_mb)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak(self) -> float:
        return statistics.median(self.rss) if self.rss else float("nan")

    def spread(self) -> str:
        return f"{self.wall:.1f} ({min(self.walls):.1f}–{max(self.walls):.1f})"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def stop_group(proc: subprocess.Popen, timeout: float) -> None:
    """Stop a child started in its own process group: SIGTERM, then SIGKILL after `timeout` seconds."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:  # exited already (a server that would not start): reap it
        proc.wait()
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
