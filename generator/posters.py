"""Print-ready A4 posters for liaison stations: the station, its deputies, and a QR code for each of them.

A poster is a standalone HTML page (no MkDocs, nothing loaded from outside the page but the deputies' photos) that a
station prints and hangs on its wall. Rendering is pure: the caller makes the QR codes (`qr.qr_svg`) and writes the
page.
"""

from __future__ import annotations

import datetime as dt

from . import urls
from .messages import CONGRESS_LEVEL_LABELS, POSTER_LOCAL_SITE_URL, POSTER_TEXTS, STATION_KIND_LABELS
from .model import CONGRESS_LEVELS, Deputy, Station
from .templating import ENV

FIRST_PAGE_CARDS = 6
"""Deputy cards on the first A4 sheet, under the station's header: 2 rows of 3. In print the sheets run on (rows never
split): under a taller header the second row goes to page 2 and the next sheet's cards follow it."""

PAGE_CARDS = 9
"""Deputy cards on every further A4 page: 3 rows of 3."""


def station_qr_key(station_id: str) -> str:
    """The key of a station's own code in `render_poster`'s `qr` mapping (deputies use their id)."""
    return f"station:{station_id}"


def level_labels(deputy: Deputy, today: dt.date) -> list[str]:
    """Labels of the levels the deputy currently sits at, national first, each once."""
    levels = {m.level for m in deputy.current_memberships(today)}
    return [CONGRESS_LEVEL_LABELS[level] for level in CONGRESS_LEVELS if level in levels]


def pages_of(cards: list, first: int = FIRST_PAGE_CARDS, rest: int = PAGE_CARDS) -> list[list]:
    """Split cards into A4 pages: `first` under the header, then `rest` a page; always at least one page."""
    pages = [cards[:first]]
    pages += [cards[i : i + rest] for i in range(first, len(cards), rest)]
    return pages


def render_poster(
    station: Station,
    deputies: list[Deputy],
    *,
    site_url: str,
    root: str,
    qr: dict[str, str],
    today: dt.date | None = None,
) -> str:
    """The poster of `station` as HTML; deputies keep the given order, those without a current seat are left out.

    `root` is the relative path from the poster to the site root (e.g. "../"); `qr` maps each deputy id, and
    `station_qr_key(station.id)`, to an SVG made by `qr.qr_svg`.
    """
    today = today or dt.date.today()
    cards = []
    for deputy in deputies:
        levels = level_labels(deputy, today)
        if not levels:
            continue
        cards.append(
            {
                "name": deputy.name,
                "levels": levels,
                "photo": root + urls.photo(deputy.photo) if deputy.photo else None,
                "url": urls.absolute(site_url, urls.deputy_page(deputy.id)),
                "qr": _code(qr, deputy.id),
            }
        )
    return ENV.get_template("poster.html.j2").render(
        station=station,
        kind=STATION_KIND_LABELS[station.kind],
        station_url=urls.absolute(site_url, urls.station_page(station.id)),
        station_qr=_code(qr, station_qr_key(station.id)),
        pages=pages_of(cards),
        t=POSTER_TEXTS,
        not_for_print=POSTER_LOCAL_SITE_URL.format(url=site_url) if urls.is_local_url(site_url) else None,
    )


def _code(qr: dict[str, str], key: str) -> str:
    try:
        return qr[key]
    except KeyError:
        raise ValueError(f"no QR code given for {key!r}") from None
