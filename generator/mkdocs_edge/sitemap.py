"""MkDocs' sitemap with the entity pages in place of the skeletons they were filled from."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from .. import urls
from .skeleton import VARIANTS, skeleton_path


def add_pages_to_sitemap(site: Path, site_url: str, paths: list[str]) -> None:
    """MkDocs wrote the skeletons into the sitemap: in their place go the entries of the pages filled from them."""
    sitemap = site / "sitemap.xml"
    if not sitemap.exists():
        return
    text = sitemap.read_text(encoding="utf-8")
    found = []
    for variant in VARIANTS:
        loc = urls.absolute(site_url, skeleton_path(variant))
        match = re.search(r"[ \t]*<url>\s*<loc>" + re.escape(loc) + r"</loc>.*?</url>\n", text, re.S)
        if match is None:
            raise PluginError(f"mashang: {loc} is missing from sitemap.xml")
        found.append((loc, match[0]))
    at = text.index(found[0][1])
    for _, block in found:
        text = text.replace(block, "")
    loc, block = found[0]
    entries = "".join(block.replace(loc, urls.absolute(site_url, path)) for path in paths)
    text = text[:at] + entries + text[at:]
    sitemap.write_text(text, encoding="utf-8")
    packed = sitemap.with_suffix(".xml.gz")
    if packed.exists():
        mtime = int.from_bytes(packed.read_bytes()[4:8], "little")  # keep MkDocs' reproducible timestamp
        with gzip.GzipFile(packed, mode="wb", mtime=mtime) as out:
            out.write(text.encode("utf-8"))
