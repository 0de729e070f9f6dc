"""Where each generated thing lives in the site: one place, so pages, QR codes, posters and exports agree.

Paths are relative to the site root and use MkDocs' directory URLs (`deputies/<id>/`). Ids are validated slugs
(`model.ID_PATTERN`), so they are safe as path parts.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from urllib.parse import quote, urlencode, urlsplit

from generator.model import PHONE_MAIN


def _under(prefix: str, suffix: str) -> Callable[[str], str]:
    """The path of one thing of a kind by its id (or file name): `prefix` + id + `suffix`."""

    def path(key: str) -> str:
        return f"{prefix}{key}{suffix}"

    return path


deputy_page = _under("deputies/", "/")
station_page = _under("stations/", "/")
area_page = _under("areas/", "/")
level_page = _under("levels/", "/")
event_page = _under("event/", "/")
suggestion_page = _under("suggestion/", "/")
"""A deputy's suggestion or motion with its handling: `<deputy>-<year>-<n>` (suggestions.Suggestion.key)."""


def suggestions_list(facet: str, key: str) -> str:
    """The suggestions of a year, a status or a department (`facet`: year, status, department; a department by
    `suggestions.department_slug`): plain pages, so the lists work without JavaScript."""
    return f"suggestions/{key}/" if facet == "year" else f"suggestions/{facet}-{key}/"


def events_month(month: str, facet: str = "", key: str = "") -> str:
    """The events of a month (`yyyy-mm`), all or only those of one area or kind (`facet`: area, kind): one page
    each, so the filters are plain links and work without JavaScript."""
    return f"events/{month}-{facet}-{key}/" if facet else f"events/{month}/"


def station_events(station_id: str) -> str:
    """A station's events of the site's window by month: where its filter on a month page leads (`#month-yyyy-mm`)."""
    return f"events/station-{station_id}/"


def feed(facet: str, key: str) -> str:
    """The iCalendar feed (RFC 5545) of a station, an area or a deputy (`facet`), to subscribe to on a phone."""
    return f"feeds/{facet}-{key}.ics"


STATIONS_INDEX = "stations/"
AREAS_INDEX = "areas/"
LEVELS_INDEX = "levels/"
EVENTS_INDEX = "events/"
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
SUGGESTIONS = "suggestions/"
TRIMMED = {
    "deputies/": "",
    "event/": EVENTS_INDEX,
    "suggestion/": SUGGESTIONS,
    "notices/": EVENTS_INDEX,  # an event's printable notice
    "feeds/": EVENTS_INDEX,  # the iCalendar feeds of the events
    "posters/": STATIONS_INDEX,  # a station's printable poster
    "reports/": RECORDS,  # a deputy's yearly report (履职报告)
}
"""The folder of a kind's pages that has no page of its own (a citizen trims `event/<id>/` to `event/`, or
`notices/<id>.html` to `notices/`) -> the index that lists that kind, where a page there sends the browser on: no
page may list every deputy (a province has 200,000), so `deputies/` leads to the home page's finder (找代表)."""

deputy_qr = _under("qr/deputy-", ".svg")
station_qr = _under("qr/station-", ".svg")
station_poster = _under("posters/", ".html")
event_notice = _under("notices/", ".html")
"""The printable A4 notice of an event's next date (活动预告), like a station's poster."""


def event_line(station_id: str, event_id: str) -> str:
    """A past one-off event's line on its station's events page: where such an event is shown (its own URL, which a
    printed notice's QR code holds, leads there)."""
    return station_events(station_id) + f"#event-{event_id}"


def station_form(station_id: str) -> str:
    """The message form on a station's page: the second code of an event's notice."""
    return station_page(station_id) + "#message"


def evaluation_form(deputy_id: str) -> str:
    """The yearly evaluation form on a deputy's page (a 述职 notice's codes)."""
    return deputy_page(deputy_id) + "#evaluation"


photo = _under("photos/", "")


def deputy_report(deputy_id: str, year: int) -> str:
    return f"reports/{deputy_id}-{year}.html"


def source_of(page: str) -> str:
    """The Markdown source (MkDocs `src_uri`) of a directory URL: `deputies/x/` -> `deputies/x/index.md`."""
    return page + "index.md"


def absolute(site_url: str, path: str) -> str:
    """The absolute URL of a site path; `site_url` comes from `mkdocs.yml`, never from content. Site paths are
    relative and normalised (this module's), so this is `urljoin` without its parsing: 11 µs a call, and every
    event's feed entry, notice, moved page and every yearly report asks for one."""
    return site_url.rstrip("/") + "/" + path


def is_local_url(site_url: str) -> bool:
    """Whether `site_url` opens only on this computer or inside a private network (loopback and private addresses,
    localhost, .local, names without a dot): its QR codes do not open on a visitor's phone."""
    host = (urlsplit(site_url).hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host or host.endswith((".localhost", ".local"))
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


MAP_SOURCE = "mashang"
"""Who is asking, as the map services want it said (高德 `src`, 腾讯 `referer`, 百度 `src`: webapp.<company>.<app>)."""


def _degrees(value: float) -> str:
    """A coordinate as the map services read it: plain decimal degrees, at most 6 places (about 0.1 m)."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def map_links(lat: float, lon: float, name: str, address: str | None = None) -> list[tuple[str, str]]:
    """Links that open a place in the phone's map apps, as (label, URL): the `geo:` URI (RFC 5870, which Android
    hands to any installed map app) and the marker pages of 高德, 百度 and 腾讯, each told that the coordinates are
    WGS84 (GPS), as content files give them, so that each converts them to its own datum (GCJ-02, BD-09).

    `name` and `address` come from content: they are percent-encoded here, and the template escapes the URL for HTML.
    """
    la, lo = _degrees(lat), _degrees(lon)
    label = quote(name, safe="")
    amap = {"position": f"{lo},{la}", "name": name, "src": MAP_SOURCE, "coordinate": "wgs84", "callnative": "1"}
    baidu = {
        "location": f"{la},{lo}",
        "title": name,
        "content": address or name,
        "output": "html",
        "coord_type": "wgs84",
        "src": f"webapp.{MAP_SOURCE}.site",
    }
    # 腾讯 packs the marker as key:value;key:value (and markers with |): those characters in content become full-width.
    plain = str.maketrans({";": "；", "|": "｜", ":": "："})
    qq_marker = f"coord:{la},{lo};title:{name.translate(plain)};addr:{(address or name).translate(plain)}"
    qq = {"marker": qq_marker, "coord_type": "1", "referer": MAP_SOURCE}

    def query(params: dict[str, str]) -> str:  # commas, colons and semicolons separate parts of values: kept as such
        return urlencode(params, quote_via=quote, safe=",:;")

    return [
        ("手机地图应用", f"geo:{la},{lo}?q={la},{lo}({label})"),
        ("高德地图", "https://uri.amap.com/marker?" + query(amap)),
        ("百度地图", "https://api.map.baidu.com/marker?" + query(baidu)),
        ("腾讯地图", "https://apis.map.qq.com/uri/v1/marker?" + query(qq)),
    ]


def tel(phone: str) -> str:
    """A station phone's `tel:` link: the number's digits without its extension (转2 or -2), which the caller asks
    for once answered: dialled as one run of digits it would reach no one."""
    main = phone.partition("转")[0]
    head = main.rpartition("-")[0]
    return "tel:" + (head if re.fullmatch(PHONE_MAIN, head) else main).replace("-", "")
