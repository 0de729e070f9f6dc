"""Phone payload of a built site: finder index per deputy, search indexes, a deputy page's first load (all gzipped).

    .venv/bin/python bench/payload.py --site /tmp/bench/site          # a site built at N deputies
    .venv/bin/python bench/payload.py --deputies 2000                 # build one first (temp folder)

Sizes are gzip level 6 (nginx's `gzip_comp_level` is 1 by default: real transfers are a little larger). A deputy
page's first load is its HTML plus every `<link rel=stylesheet>`, `<script src>` and the QR `<img>` it references
(photos excluded), plus Material's search worker, which the page starts at once. `search/search_index.json` counts too
unless the page holds it back until the reader opens the search (our `assets/lazy-search.js`; that it does is checked
in a real browser by tests/test_site_browser.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import posixpath
import shutil
import statistics
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import make_content, ours_build_cmd, ours_config, run_measured, verdict  # noqa: E402

FINDER_TARGET, INDEX_TARGET_MB, PAGE_TARGET_KB, AT_N = 60, 1.5, 150, 20000
SAMPLE = 50


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


class Refs(HTMLParser):
    """Stylesheets, scripts, the QR image and Material's config (which names the search worker) of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.qr: list[str] = []
        self.other_img: list[str] = []
        self._in_config = False
        self.config = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
        elif tag == "script" and a.get("id") == "__config":
            self._in_config = True
        elif tag == "img" and a.get("src"):
            (self.qr if "/qr/" in "/" + a["src"] else self.other_img).append(a["src"])

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False if tag == "script" else self._in_config


def resolve(site: Path, page: Path, ref: str) -> Path | None:
    """The file in `site` that `ref` on `page` (an index.html) points at; None for other hosts."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    base = page.parent.relative_to(site).as_posix()
    path = posixpath.normpath(posixpath.join(base, parts.path)) if not parts.path.startswith("/") else parts.path[1:]
    return site / path


def page_load(site: Path, page: Path) -> dict[str, int]:
    """Gzipped bytes of one page's first load, by kind."""
    html = page.read_bytes()
    refs = Refs()
    refs.feed(html.decode("utf-8"))
    sizes = {"html": gz(html), "css": 0, "js": 0, "qr": 0, "worker": 0, "missing": 0, "external": 0}
    sizes["lazy_index"] = int(any(ref.endswith("assets/lazy-search.js") for ref in refs.js))
    for kind, found in (("css", refs.css), ("js", refs.js), ("qr", refs.qr)):
        for ref in found:
            target = resolve(site, page, ref)
            if target is None:
                sizes["external"] += 1
            elif not target.is_file():
                sizes["missing"] += 1
            else:
                sizes[kind] += gz(target.read_bytes())
    worker = json.loads(refs.config).get("search") if refs.config.strip() else None
    if worker:
        target = resolve(site, page, worker)
        sizes["worker"] = gz(target.read_bytes()) if target and target.is_file() else 0
    return sizes


def measure(site: Path) -> list[str]:
    deputy_pages = sorted((site / "deputies").glob("*/index.html"))
    n = len(deputy_pages)
    if not n:
        raise SystemExit(f"{site}: no deputies/*/index.html: not a built site")
    finder = site / "data" / "finder.json"
    finder_raw = finder.read_bytes()
    finder_doc = json.loads(finder_raw)
    entries = len(finder_doc["d"]) if isinstance(finder_doc, dict) and "d" in finder_doc else "?"
    finder_gz = gz(finder_raw)
    indexes = {p.relative_to(site).as_posix(): p.read_bytes() for p in [finder, *site.glob("search/*.json")]}
    index_gz = {name: gz(data) for name, data in indexes.items()}
    largest = max(index_gz, key=index_gz.get)
    scale = AT_N / n

    step = max(1, n // SAMPLE)
    loads = [page_load(site, p) for p in deputy_pages[::step]]
    totals = [s["html"] + s["css"] + s["js"] + s["qr"] for s in loads]
    median_load = loads[totals.index(sorted(totals)[len(totals) // 2])]
    page_kb = statistics.median(totals) / 1024
    search_gz = index_gz.get("search/search_index.json", 0)
    lazy = all(s["lazy_index"] for s in loads)
    first_load = page_kb + (median_load["worker"] + (0 if lazy else search_gz)) / 1024

    lines = [
        f"site {site}: {n:,} deputy pages; finder entries {entries} (current deputies); "
        "per deputy = gzipped bytes / deputy pages",
        "",
        "| measure | raw bytes | gzipped bytes | per deputy (gz) | scaled to 20,000 (gz) | target |",
        "|---|---|---|---|---|---|",
    ]
    for name, data in sorted(indexes.items()):
        lines.append(
            f"| index {name} | {len(data):,} | {index_gz[name]:,} | {index_gz[name] / n:.1f} "
            f"| {index_gz[name] * scale / 2**20:.2f} MB "
            f"| ≤ {INDEX_TARGET_MB} MB at 20k{'; ≤ 60 B/deputy' if name == 'data/finder.json' else ''} |"
        )
    lines += [
        "",
        f"deputy page first load, median of {len(loads)} pages (gzipped bytes): html {median_load['html']:,}, "
        f"css {median_load['css']:,}, js {median_load['js']:,}, qr {median_load['qr']:,} "
        f"(missing refs {median_load['missing']}, external {median_load['external']}) = {page_kb:.1f} KB; "
        f"+ search worker {median_load['worker']:,}"
        + (" (search_index.json only when the search is opened)" if lazy else f" + search_index.json {search_gz:,}")
        + f" = {first_load:.1f} KB",
        "",
        f"- finder ≤ {FINDER_TARGET} B/deputy gzipped: {finder_gz / n:.1f} — {verdict(finder_gz / n <= FINDER_TARGET)}",
        f"- largest index a page loads ({largest}) ≤ {INDEX_TARGET_MB} MB gzipped at 20,000: "
        f"{index_gz[largest] * scale / 2**20:.2f} MB"
        + (" (linear scale from this N)" if n != AT_N else "")
        + f" — {verdict(index_gz[largest] * scale / 2**20 <= INDEX_TARGET_MB)}",
        f"- deputy page first load ≤ {PAGE_TARGET_KB} KB gzipped (HTML+CSS+JS+QR and the search worker"
        + ("" if lazy else " and index")
        + f" fetched at start): {first_load:.1f} KB — {verdict(first_load <= PAGE_TARGET_KB)}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--site", type=Path, help="a site built by `python -m generator build`")
    group.add_argument("--deputies", type=int, metavar="N", help="build a site of N synthetic deputies first")
    args = parser.parse_args(argv)
    if args.site:
        print("\n".join(measure(args.site)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-payload-"))
    try:
        content = make_content(args.deputies, work)
        config = ours_config(work, work / "cache")
        run_measured(ours_build_cmd(config, content, work / "site"), work / "build.log")
        print("\n".join(measure(work / "site")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
