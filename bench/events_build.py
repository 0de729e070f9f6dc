"""The warm build with and without events: the same synthetic deputies and stations, once bare and once with E events
(bench/make_content.py --events), each built once untimed, then warm builds round-robin. "Warm" means the build's
cache folder is warm: QR codes (the notices' too) and parsed event files (generator/load/cache.py), both kept
between builds in the cache folder that a server keeps as well.

    python bench/events_build.py --deputies 20000 --events 50000 --reps 2 --work /tmp/bench-events

Issue 16's target: the warm build with 50,000 events within 10% of the one without. Prints a table of wall and CPU
seconds (medians, min–max) with their ratios side by side; CPU time (the build and its worker processes) stays
steady when other work shares the cores, wall time does not. Every child is bounded by --timeout.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

if __package__:
    from .common import ours_build_cmd, ours_config, run_measured
    from .make_content import generate
else:  # run as a script: python bench/events_build.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.common import ours_build_cmd, ours_config, run_measured
    from bench.make_content import generate

TARGET = 1.10
VARIANTS = ("without events", "with events")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def table(walls: dict[str, list[float]], cpus: dict[str, list[float]], rss: dict[str, list[float]], n: int, e: int):
    base_wall, base_cpu = (statistics.median(x[VARIANTS[0]]) for x in (walls, cpus))
    lines = [
        f"N = {n:,} deputies, E = {e:,} events",
        "",
        "| variant | reps | wall s median (min–max) | × without | CPU s median (min–max) | × without | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in VARIANTS:
        wall, cpu = statistics.median(walls[v]), statistics.median(cpus[v])
        lines.append(
            f"| {v} | {len(walls[v])} | {spread(walls[v])} | {wall / base_wall:.2f} | {spread(cpus[v])} "
            f"| {cpu / base_cpu:.2f} | {statistics.median(rss[v]):.0f} |"
        )
    ratio = statistics.median(cpus[VARIANTS[1]]) / base_cpu
    verdict = "met" if ratio <= TARGET else "NOT met"
    lines += ["", f"- warm build with events ≤ {TARGET:.2f}× without (CPU): {ratio:.2f}× — {verdict}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--deputies", type=int, default=20000, metavar="N", help="deputies (default 20000)")
    parser.add_argument("--stations", type=int, metavar="M", help="stations (default N / 20)")
    parser.add_argument("--events", type=int, default=50000, metavar="E", help="events (default 50000)")
    parser.add_argument("--reps", type=int, default=2, help="interleaved reps of each variant (default 2)")
    parser.add_argument("--work", type=Path, help="keep the content trees, caches and log here")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed for any one build (default 3600)")
    args = parser.parse_args(argv)
    if min(args.deputies, args.events, args.reps) < 1:
        parser.error("--deputies, --events and --reps must be at least 1")
    stations = args.stations or max(1, args.deputies // 20)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-events-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    try:
        contents = {}
        for variant, events in zip(VARIANTS, (0, args.events), strict=True):
            contents[variant] = work / variant.replace(" ", "-")
            counts = generate(args.deputies, stations, contents[variant], n_events=events)
            print(f"{variant}: {counts}", file=sys.stderr)
        config = ours_config(work, work / "cache", "mkdocs-events.yml")
        for variant in VARIANTS:  # untimed: QR codes (the notices' too) made once, event files parsed once
            run_measured(ours_build_cmd(config, contents[variant], work / "site"), log, timeout=args.timeout)
        walls: dict[str, list[float]] = {v: [] for v in VARIANTS}
        cpus: dict[str, list[float]] = {v: [] for v in VARIANTS}
        rss: dict[str, list[float]] = {v: [] for v in VARIANTS}
        for rep in range(args.reps):
            for variant in VARIANTS:
                out = work / "out"
                shutil.rmtree(out, ignore_errors=True)
                run = run_measured(ours_build_cmd(config, contents[variant], out), log, timeout=args.timeout)
                walls[variant].append(run.wall)
                cpus[variant].append(run.cpu)
                rss[variant].append(run.rss_mb)
                print(f"rep {rep + 1}/{args.reps} {variant}: {run.wall:.1f} s, CPU {run.cpu:.1f} s", file=sys.stderr)
                shutil.rmtree(out, ignore_errors=True)
        print("\n".join(table(walls, cpus, rss, args.deputies, args.events)))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
