"""QR codes for deputy and station pages: one compact, scalable SVG per URL, cached on disk by content.

Encoding costs milliseconds a code (20,000 deputies = over a minute), so `QRCache` keeps every code under a name
derived from what it encodes and generates only the missing ones. URLs are built by the caller from mkdocs.yml's
`site_url` and `urls.py` paths, never from content fields; anything but an http(s) URL is refused.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
"""Level M (15% of codewords recoverable): page URLs are short, so M keeps the modules large on a poster."""

QUIET_ZONE = 4
"""Light modules around the symbol, as ISO/IEC 18004 requires."""

FORMAT_VERSION = "1"
"""Part of every cache key: bump it when the SVG output changes so that old cached codes are not reused."""

_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def check_url(url: str) -> str:
    """Return `url` if it is an absolute http(s) URL with a host and nothing unprintable; raise ValueError if not."""
    if not isinstance(url, str) or not url.isascii() or not url.isprintable() or " " in url:
        raise ValueError(f"not a printable ASCII URL: {url!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"only absolute http(s) URLs are encoded, not {url!r}")
    return url


def qr_svg(url: str, title: str | None = None) -> str:
    """An SVG encoding exactly `url`: one path of dark modules on a white square, scaled by its viewBox."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(check_url(url))
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    label = f"<title>{escape(_XML_INVALID.sub('', title))}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img">{label}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" d="{_runs_path(matrix)}"/></svg>'
    )


def _runs_path(matrix: list[list[bool]]) -> str:
    """Each horizontal run of dark modules as one stroke of width 1 along the middle of its row.

    Moves are relative to where the previous run ended, which keeps most numbers to one or two digits.
    """
    parts: list[str] = []
    pen_x, pen_y = 0.0, 0.5  # where the path's pen is; strokes sit on y = row + 0.5
    first = True
    for y, row in enumerate(matrix):
        x = 0
        width = len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            dx, dy = start - pen_x, y + 0.5 - pen_y
            if first:
                parts.append(f"M{start} {y + 0.5:g}h{x - start}")
                first = False
            else:
                parts.append(f"m{dx:g} {dy:g}h{x - start}")
            pen_x, pen_y = float(x), y + 0.5
    return "".join(parts)


class QRCache:
    """QR code files in `cache_dir`, named by a hash of what they encode; each is generated once.

    `generated` and `reused` count what `path_for` did, so a build can report it and tests can check it.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.generated = 0
        self.reused = 0

    def key(self, url: str, title: str | None = None) -> str:
        data = json.dumps([FORMAT_VERSION, check_url(url), title], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]

    def path_for(self, url: str, title: str | None = None) -> Path:
        """The cached SVG for (`url`, `title`), made first when it is not there yet."""
        return self.paths_for([(url, title)])[0]

    def paths_for(self, codes: Sequence[tuple[str, str | None]], jobs: int = 1) -> list[Path]:
        """The cached SVG of each (url, title); the missing ones are made by `jobs` forked processes (a cold build
        of a city makes 20,000 codes at a few milliseconds each)."""
        paths = [self.cache_dir / f"{self.key(url, title)}.svg" for url, title in codes]
        missing = [code for code, path in zip(codes, paths, strict=True) if not _complete(path)]
        jobs = max(1, min(jobs, len(missing) // 200))
        if jobs > 1:
            size = -(-len(missing) // (jobs * 8))  # several chunks a process: the first done takes the next
            chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                list(pool.map(self._make, chunks))
        else:
            self._make(missing)
        self.generated += len(missing)
        self.reused += len(codes) - len(missing)
        return paths

    def _make(self, codes: Sequence[tuple[str, str | None]]) -> None:
        """Write each code atomically. No fsync: a cache can be made again, and an fsync per code doubled the time
        of a cold build. A file that a power cut left incomplete does not end with </svg> and is made again."""
        for url, title in codes:
            svg = qr_svg(url, title).encode("utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=".qr-", suffix=".tmp")
            try:
                os.fchmod(fd, 0o644)  # mkstemp makes 0600; the site's web server must read these files
                with os.fdopen(fd, "wb") as f:
                    f.write(svg)
                os.replace(tmp, self.cache_dir / f"{self.key(url, title)}.svg")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise


_END = b"</svg>"


def _complete(path: Path) -> bool:
    """A cached code that is all there: it ends with the closing tag qr_svg writes."""
    try:
        with open(path, "rb") as f:
            f.seek(-len(_END), os.SEEK_END)
            return f.read() == _END
    except OSError:  # missing, or shorter than the tag
        return False
