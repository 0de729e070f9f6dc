"""Where a build's time goes: one `python -m generator build` under cProfile, summed by pipeline stage.

    .venv/bin/python bench/profile_build.py --deputies 5000            # warm QR cache (a first build fills it)
    .venv/bin/python bench/profile_build.py --deputies 5000 --cold

Stages are cumulative times of named functions, so they overlap where one calls another (QR inside "files",
theme rendering inside "pages: template + write"); the table says which contains which. cProfile slows Python code
by roughly 1.5-2x, so read shares, not seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, make_content, ours_build_cmd, ours_config, run_measured  # noqa: E402

# (label, path fragment of the function's file, function name); nesting shown by indentation in the label.
STAGES = [
    ("load content (YAML + validation)", "generator/load/__init__.py", "load_content"),
    ("plugin on_files (all generated files)", "generator/mkdocs_edge/plugin.py", "on_files"),
    ("  render_pages (model -> Markdown)", "generator/pages.py", "render_pages"),
    ("  data_files (open data, finder)", "generator/exports.py", "data_files"),
    ("  QR: QRCache.path_for", "generator/qr.py", "path_for"),
    ("    QR: qr_svg (encoding)", "generator/qr.py", "qr_svg"),
    ("  posters", "generator/posters.py", "render_poster"),
    ("entity pages: filled, written, indexed (plugin on_post_build)", "mkdocs_edge/plugin.py", "on_post_build"),
    ("  render_deputy (model -> HTML)", "generator/pages.py", "render_deputy"),
    ("  station, area, level pages: Markdown -> HTML", "generator/mkdocs_edge/skeleton.py", "convert"),
    ("MkDocs: Markdown -> HTML (_populate_page)", "mkdocs/commands/build.py", "_populate_page"),
    ("MkDocs: theme template + write (_build_page)", "mkdocs/commands/build.py", "_build_page"),
    ("  search: per-page indexing (on_page_context)", "plugins/search/plugin.py", "on_page_context"),
    ("  writing page files (write_file)", "mkdocs/utils/__init__.py", "write_file"),
    ("MkDocs: copy static + generated files (copy_file)", "mkdocs/structure/files.py", "copy_file"),
    ("search: write index (on_post_build)", "plugins/search/plugin.py", "on_post_build"),
    ("MkDocs: nav, files, config (get_files)", "mkdocs/structure/files.py", "get_files"),
    ("events: read event files", "generator/load/events.py", "read_events"),
    ("events: attendance into records", "generator/attendance.py", "with_attendance"),
    ("events: calendar", "generator/events.py", "make_calendar"),
    ("events: page specs", "generator/event_pages.py", "event_pages"),
    ("events: iCalendar feeds", "generator/feeds.py", "render_feed"),
    ("events: notices", "generator/notices.py", "render_notice"),
    ("swap into output (rmtree / rename)", "generator/mkdocs_edge/build.py", "_replace_dir"),
]


def stage_times(stats: pstats.Stats) -> dict[str, float]:
    found = dict.fromkeys((label for label, _, _ in STAGES), 0.0)
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, fragment, function in STAGES:
            if name == function and filename.replace(os.sep, "/").endswith(fragment):
                found[label] += cumulative
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--deputies", type=int, default=5000, metavar="N", help="deputies (default 5000)")
    parser.add_argument("--cold", action="store_true", help="profile with an empty QR cache")
    parser.add_argument("--content", type=Path, help="reuse this content folder instead of generating one")
    parser.add_argument("--top", type=int, default=25, help="also print the top functions by own time")
    parser.add_argument("--jobs", type=int, help="processes for entity pages (1: all of them profiled here)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    try:
        content = args.content or make_content(args.deputies, work)
        config = ours_config(work, work / "cache")
        if args.jobs:
            text = config.read_text(encoding="utf-8").replace(
                "      cache_dir:", f"      jobs: {args.jobs}\n      cache_dir:"
            )
            config.write_text(text, encoding="utf-8")
        if not args.cold:
            run_measured(ours_build_cmd(config, content, work / "warm-site"), work / "build.log")
        sys.path.insert(0, str(ROOT))
        from generator.cli import main as generator_main

        cmd = ours_build_cmd(config, content, work / "site")[3:]
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.enable()
        try:
            generator_main.main(cmd, standalone_mode=False)
        finally:
            profile.disable()
        wall = time.perf_counter() - start
        profile.dump_stats(os.environ["PSTATS"])
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"{'cold' if args.cold else 'warm'} build of {content}: {wall:.1f} s wall under cProfile")
        print()
        print("| stage (cumulative; indented = inside the one above) | s | % of profiled |")
        print("|---|---|---|")
        for label, seconds in stage_times(stats).items():
            print(f"| {label.replace('  ', '&nbsp;&nbsp;')} | {seconds:.1f} | {100 * seconds / total:.0f} |")
        print()
        stats.sort_stats("tottime").print_stats(args.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
