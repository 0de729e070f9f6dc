"""Printable A4 notices of coming events (活动预告): the notice a station hangs up two days ahead of a reception day, a
mobile stop, a 屋场恳谈会 or a 述职, with the QR codes of the event's page and of the station's message form.

Built like the station posters (posters.py): standalone HTML in their print style (poster.css), nothing loaded from
outside the page, the red 请勿打印张贴 banner when the site's address is a test address. Pure: the caller makes the
QR codes (`qr.qr_svg`, each titled by `code_title`) and writes the page to `urls.event_notice`.
"""

from __future__ import annotations

from . import urls
from .event_model import StationEvent
from .event_pages import rule_text
from .events import Occurrence
from .messages import EVENT_KIND_LABELS, NOTICE_TEXTS, POSTER_LOCAL_SITE_URL
from .model import Deputy, Station
from .templating import ENV


def notice_codes(event: StationEvent, site_url: str) -> dict[str, str]:
    """The URLs a notice's QR codes encode, by role: the event's page and the station's message form; at a 述职,
    also each deputy's yearly evaluation form (`evaluation:<id>`), so a voter who attends rates the deputy there."""
    codes = {
        "event": urls.absolute(site_url, urls.event_page(event.id)),
        "form": urls.absolute(site_url, urls.station_form(event.station)),
    }
    if event.kind == "report":
        for deputy in dict.fromkeys(event.deputies):
            codes[f"evaluation:{deputy}"] = urls.absolute(site_url, urls.evaluation_form(deputy))
    return codes


def code_title(role: str, names: dict[str, str]) -> str:
    """The accessible name of a notice's QR code of `role` (an SVG with role="img" needs one; `qr.qr_svg`'s title):
    what scanning it does, as its caption says. `names`: the deputies' names by id, for their evaluation forms."""
    if role.startswith("evaluation:"):
        return NOTICE_TEXTS["scan_evaluation"].format(name=names[role.removeprefix("evaluation:")])
    return NOTICE_TEXTS[f"scan_{role}"]


def render_notice(
    occurrence: Occurrence,
    station: Station,
    deputies: list[Deputy],
    *,
    site_url: str,
    qr: dict[str, str],
) -> str:
    """The notice of `occurrence` (the next time its event happens) as HTML; `qr` maps each role of `notice_codes`
    ("event", "form") to an SVG made by `qr.qr_svg` of that URL, titled by `code_title`."""
    event = occurrence.event
    codes = notice_codes(event, site_url)
    missing = sorted(codes.keys() - qr.keys())
    if missing:
        raise ValueError(f"no QR code given for {', '.join(missing)}")
    place = event.place
    return ENV.get_template("notice.html.j2").render(
        event=event,
        o=occurrence,
        station=station,
        kind=EVENT_KIND_LABELS[event.kind],
        rule=rule_text(event),
        place_name=place.name if place else station.name,
        address=place.address if place else station.address,
        deputies=[d.name for d in deputies],
        evaluations=[(d.name, f"evaluation:{d.id}") for d in deputies if f"evaluation:{d.id}" in codes],
        urls=codes,
        qr=qr,
        t=NOTICE_TEXTS,
        not_for_print=POSTER_LOCAL_SITE_URL.format(url=site_url) if urls.is_local_url(site_url) else None,
    )
