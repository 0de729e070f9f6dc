"""Where each generated thing lives in the site: one place, so pages, QR codes, posters and exports agree.

Paths are relative to the site root and use MkDocs' directory URLs (`deputies/<id>/`). Ids are validated slugs
(`model.ID_PATTERN`), so they are safe as path parts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit


def _under(prefix: str, suffix: str) -> Callable[[str], str]:
    """The path of one thing of a kind by its id (or file name): `prefix` + id + `suffix`."""

    def path(key: str) -> str:
        return f"{prefix}{key}{suffix}"

    return path


deputy_page = _under("deputies/", "/")
station_page = _under("stations/", "/")
area_page = _under("areas/", "/")
level_page = _under("levels/", "/")


STATIONS_INDEX = "stations/"
AREAS_INDEX = "areas/"
LEVELS_INDEX = "levels/"
OPEN_DATA = {
    "deputies_json": "data/deputies.json",
    "stations_json": "data/stations.json",
    "deputies_csv": "data/deputies.csv",
    "form_json": "data/form.json",
}
FINDER_INDEX = "data/finder.json"
TRACK = "track/"
THANKS = "thanks/"
STATS = "stats/"
RECORDS = "records/"

deputy_qr = _under("qr/deputy-", ".svg")
station_qr = _under("qr/station-", ".svg")
station_poster = _under("posters/", ".html")
photo = _under("photos/", "")


def deputy_report(deputy_id: str, year: int) -> str:
    return f"reports/{deputy_id}-{year}.html"


def source_of(page: str) -> str:
    """The Markdown source (MkDocs `src_uri`) of a directory URL: `deputies/x/` -> `deputies/x/index.md`."""
    return page + "index.md"


def absolute(site_url: str, path: str) -> str:
    """The absolute URL of a site path; `site_url` comes from `mkdocs.yml`, never from content."""
    return urljoin(site_url.rstrip("/") + "/", path)


def is_local_url(site_url: str) -> bool:
    """Whether `site_url` opens only on this computer or inside a private network (loopback and private addresses,
    localhost, .local, names without a dot): its QR codes do not open on a visitor's phone."""
    host = (urlsplit(site_url).hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host or host.endswith((".localhost", ".local"))
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified
