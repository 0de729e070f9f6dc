"""Full-build benchmark: our generator against the naive MkDocs+Material build and Hugo, on the same content.

    .venv/bin/python bench/build.py --deputies 20000 --reps 2
    .venv/bin/python bench/build.py --quick          # 1,000 deputies, one rep

Content is generated once (bench/make_content.py); the variants then run round-robin, each rep into an empty output
folder, each a child process timed with perf_counter, its peak RSS read from its own rusage (os.wait4):

- ours-warm   `python -m generator build` with a warm QR cache;
- ours-cold   the same with an empty QR cache;
- naive       the same deputy, station, area and level pages (our Markdown, written as files, QR SVGs copied in)
              built by plain `mkdocs build` with Material, a two-entry nav, search on;
- naive-qr    the naive QR generation: qrcode's SvgPathImage per deputy and station, one process;
- hugo        Hugo (Debian package) on the same Markdown with a minimal layout (baseline.md's hugo-html).

"naive + naive-qr" is the per-rep sum of the two, the peer of ours-cold. Ratios are ratios of medians of this run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    SITE_URL,
    TODAY,
    Series,
    make_content,
    ours_build_cmd,
    ours_config,
    run_measured,
    verdict,
)

VARIANTS = ["ours-warm", "ours-cold", "naive", "naive-qr", "hugo"]
WARM_TARGET, HUGO_TARGET, COLD_TARGET, RSS_TARGET = 0.35, 2.5, 0.5, 600.0

NAIVE_MKDOCS_YML = """\
site_name: 码上找代表（naive peer）
site_url: {site_url}
docs_dir: docs
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
nav:
  - 找代表: index.md
  - 联络站: stations/index.md
plugins:
  - search
markdown_extensions:
  - attr_list
  - md_in_html
  - tables
  - sane_lists
  - toc:
      permalink: false
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
validation:
  omitted_files: ignore
  absolute_links: ignore
  unrecognized_links: ignore
  anchors: ignore
"""

HUGO_CONFIG = """\
baseURL = "{site_url}"
languageCode = "zh-cn"
hasCJKLanguage = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
[markup.goldmark.renderer]
unsafe = true
"""

HUGO_LAYOUT = """\
<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body><nav><a href="/">找代表</a> <a href="/stations/">联络站</a></nav><main>{{ .Content }}</main></body></html>
"""

NAIVE_QR_CODE = """\
import sys
from pathlib import Path
import qrcode
from qrcode.image.svg import SvgPathImage
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for line in open(sys.argv[2], encoding="utf-8"):
    name, url = line.split()
    qrcode.make(url, image_factory=SvgPathImage).save(str(out / name))
"""


def naive_deputy_pages(directory) -> dict[str, str]:
    """Deputy pages as generated Markdown for the peers (ours skip Markdown): bench/naive_deputy.md.j2 is the template
    our generator used before it rendered deputy pages straight to HTML."""
    import jinja2

    from generator import pages, templating, urls

    env = templating.ENV.overlay(loader=jinja2.FileSystemLoader(Path(__file__).parent))
    result = {}
    for deputy in directory.content.deputies.values():
        src = urls.source_of(urls.deputy_page(deputy.id))
        page = pages.render_deputy(directory, deputy)
        meta = {"message_target": page.message_target} if page.message_target else {}
        template = env.get_template("naive_deputy.md.j2")
        body = template.render(d=directory, link=pages._linker(src), urls=urls, deputy=deputy)
        result[src] = pages._front_matter(page.title, page.description, **meta) + body
    return result


def prepare_peers(content: Path, work: Path, cache_dir: Path) -> dict[str, Path]:
    """Write the naive MkDocs project, the Hugo project and the naive-QR URL list from our own renderer."""
    sys.path.insert(0, str(ROOT))
    from generator import urls
    from generator.directory import Directory
    from generator.load import load_content
    from generator.pages import render_pages
    from generator.qr import QRCache

    loaded, problems = load_content(content, dt.date.fromisoformat(TODAY))
    if any(not p.warning for p in problems):
        raise RuntimeError(f"synthetic content has errors: {problems[:3]}")
    directory = Directory(loaded, dt.date.fromisoformat(TODAY))
    skip = {urls.source_of(urls.TRACK), urls.source_of(urls.THANKS)}  # they need our theme's templates
    pages = {src: text for src, text in render_pages(directory).items() if src not in skip}
    pages |= naive_deputy_pages(directory)
    pages["index.md"] = "---\ntitle: 码上找代表\n---\n\n# 码上找代表\n\n[联络站](stations/index.md)\n"

    cache = QRCache(cache_dir)
    codes: dict[str, Path] = {}
    url_lines = []
    for kind, records, page, qr in (
        ("deputy", loaded.deputies.values(), urls.deputy_page, urls.deputy_qr),
        ("station", loaded.stations.values(), urls.station_page, urls.station_qr),
    ):
        for record in records:
            url = urls.absolute(SITE_URL, page(record.id))
            codes[qr(record.id)] = cache.path_for(url, title=record.name)
            url_lines.append(f"{kind}-{record.id}.svg {url}\n")

    naive, hugo = work / "naive", work / "hugo"
    dirs = {src.rsplit("/", 1)[0] for src in pages if "/" in src}
    for src, text in pages.items():
        (naive / "docs" / src).parent.mkdir(parents=True, exist_ok=True)
        (naive / "docs" / src).write_text(text, encoding="utf-8")
        # Hugo: index.md makes a leaf bundle that swallows the pages below it; a section index is _index.md.
        parent = src.rsplit("/", 1)[0] if "/" in src else ""
        is_section = src.endswith("index.md") and any(d.startswith(parent + "/") for d in dirs if d != parent)
        target = hugo / "content" / (src[: -len("index.md")] + "_index.md" if is_section or src == "index.md" else src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for rel, source in codes.items():
        for root in (naive / "docs", hugo / "static"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / rel)
    (naive / "mkdocs.yml").write_text(NAIVE_MKDOCS_YML.format(site_url=SITE_URL), encoding="utf-8")
    (hugo / "hugo.toml").write_text(HUGO_CONFIG.format(site_url=SITE_URL), encoding="utf-8")
    for layout in ("_default/single.html", "_default/list.html", "index.html"):
        (hugo / "layouts" / layout).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / layout).write_text(HUGO_LAYOUT, encoding="utf-8")
    (work / "qr-urls.txt").write_text("".join(url_lines), encoding="utf-8")
    return {"naive": naive, "hugo": hugo, "urls": work / "qr-urls.txt"}


def ensure_hugo() -> str:
    """The hugo binary; installed from Debian's packages (bounded in time) when missing."""
    found = shutil.which("hugo")
    if found:
        return found
    print("hugo not found: apt-get install -y hugo", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "hugo"], check=True, timeout=600, stdout=subprocess.DEVNULL)
    return shutil.which("hugo") or "hugo"


def command(variant: str, work: Path, paths: dict[str, Path], content: Path, out: Path, hugo: str) -> list[str]:
    if variant == "ours-warm":
        return ours_build_cmd(work / "mkdocs-warm.yml", content, out)
    if variant == "ours-cold":
        return ours_build_cmd(work / "mkdocs-cold.yml", content, out)
    if variant == "naive":
        return [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(paths["naive"] / "mkdocs.yml"), "-d", str(out)]
    if variant == "naive-qr":
        return [PYTHON, "-c", NAIVE_QR_CODE, str(out), str(paths["urls"])]
    return [hugo, "--quiet", "--source", str(paths["hugo"]), "--destination", str(out)]


def clear(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    os.sync()  # let the next variant start on a quiet disk, whichever ran before it


def table(series: dict[str, Series], n: int) -> list[str]:
    naive, qr = series["naive"], series["naive-qr"]
    peer = Series("naive + naive-qr", [a + b for a, b in zip(naive.walls, qr.walls, strict=True)])
    peer.rss = [max(a, b) for a, b in zip(naive.rss, qr.rss, strict=True)]
    rows = [*series.values(), peer]
    lines = [
        f"N = {n:,} deputies",
        "",
        "| variant | reps | wall s median (min–max) | peak RSS MB median | × naive | × naive+QR | × hugo |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in rows:
        lines.append(
            f"| {s.name} | {len(s.walls)} | {s.spread()} | {s.peak:.0f} | {s.wall / naive.wall:.2f} "
            f"| {s.wall / peer.wall:.2f} | {s.wall / series['hugo'].wall:.2f} |"
        )
    warm, cold, hugo = series["ours-warm"], series["ours-cold"], series["hugo"]
    worst_rss = max(warm.rss + cold.rss)
    lines += [
        "",
        f"- warm build ≤ {WARM_TARGET}× naive: {warm.wall / naive.wall:.2f}× — "
        f"{verdict(warm.wall / naive.wall <= WARM_TARGET)}",
        f"- warm build ≤ {HUGO_TARGET}× Hugo: {warm.wall / hugo.wall:.2f}× — "
        f"{verdict(warm.wall / hugo.wall <= HUGO_TARGET)}",
        f"- cold build ≤ {COLD_TARGET}× (naive + naive QR): {cold.wall / peer.wall:.2f}× — "
        f"{verdict(cold.wall / peer.wall <= COLD_TARGET)}",
        f"- peak RSS ≤ {RSS_TARGET:.0f} MB (ours, worst rep): {worst_rss:.0f} MB — {verdict(worst_rss <= RSS_TARGET)}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--deputies", type=int, default=20000, metavar="N", help="deputies (default 20000)")
    parser.add_argument("--reps", type=int, default=3, help="interleaved reps of every variant (default 3)")
    parser.add_argument("--quick", action="store_true", help="N=1000, one rep")
    parser.add_argument("--work", type=Path, help="keep content, peers and the warm-up build's site here")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for any one child (default 1800)")
    args = parser.parse_args(argv)
    n, reps = (1000, 1) if args.quick else (args.deputies, args.reps)
    if n < 1 or reps < 1:
        parser.error("--deputies and --reps must be at least 1")

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    try:
        hugo = ensure_hugo()
        print(f"work dir {work}; generating {n:,} deputies ...", file=sys.stderr)
        content = make_content(n, work)
        warm_cache, cold_cache = work / "cache-warm", work / "cache-cold"
        ours_config(work, warm_cache, "mkdocs-warm.yml")
        ours_config(work, cold_cache, "mkdocs-cold.yml")
        print("warming the QR cache (untimed build) ...", file=sys.stderr)
        run_measured(ours_build_cmd(work / "mkdocs-warm.yml", content, work / "site"), log, timeout=args.timeout)
        paths = prepare_peers(content, work, warm_cache / "qr")
        series = {v: Series(v) for v in VARIANTS}
        for rep in range(reps):
            for variant in VARIANTS:
                out = work / f"out-{variant}"
                clear(out)
                if variant == "ours-cold":
                    clear(cold_cache)
                run = run_measured(command(variant, work, paths, content, out, hugo), log, timeout=args.timeout)
                series[variant].add(run)
                print(f"rep {rep + 1}/{reps} {variant}: {run.wall:.1f} s, {run.rss_mb:.0f} MB", file=sys.stderr)
                clear(out)
        print("\n".join(table(series, n)))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
