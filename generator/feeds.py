"""iCalendar feeds (RFC 5545) of a station's, an area's or a deputy's events, to subscribe to on a phone. Times carry
TZID=Asia/Shanghai with its VTIMEZONE (the `icalendar` library's, made once); a rule is one VEVENT with its RRULE and
EXDATEs (never unrolled); UIDs are the event's id at the site's host, stable across builds. Pure.

An event is in several feeds (its station's, its county's and township's, each deputy's): its VEVENT is written once
a build, as content lines here (the few properties an event has, escaped and folded as RFC 5545 says, in the order
`icalendar` writes them), and each feed joins the VEVENTs of its events. `icalendar` took about a millisecond a VEVENT,
the largest part of a city's build with 50,000 events; tests read the feeds back with `icalendar` and with a parser of
their own."""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlsplit

import icalendar

from . import messages, urls
from .directory import Directory
from .event_model import WEEKDAYS, StationEvent
from .events import BEIJING, first_start

_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TZID = "Asia/Shanghai"
_FOLD = 75
"""Content lines longer than this many octets are folded (RFC 5545 section 3.1)."""


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 section 3.3.11): backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """A content line folded into pieces of fewer than 75 octets, never inside a character or after a lone
    backslash (as `icalendar` folds, so that an escape stays whole)."""
    if len(line) < _FOLD // 4 or len(line.encode()) < _FOLD:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= _FOLD:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            pieces.append("".join(current))
            current = [carried] if carried else []
            size = len(carried.encode())
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def vevent(directory: Directory, event: StationEvent, site_url: str) -> str:
    """One event as a VEVENT, its content lines each ending in CRLF."""
    station = directory.content.stations[event.station]
    start = first_start(event) or event.start  # RFC 5545 counts DTSTART as an occurrence: the rule's first date
    host = urlsplit(site_url).hostname or "localhost"
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(f'{messages.EVENT_KIND_LABELS[event.kind]}：{event.topic}')}",
        f"DTSTART;TZID={_TZID}:{_local(start)}",
        f"DTEND;TZID={_TZID}:{_local(start + (event.end - event.start))}",
        f"DTSTAMP:{directory.today:%Y%m%d}T000000Z",
        f"UID:{_text(f'{event.id}@{host}')}",
    ]
    if event.repeat is not None:
        r = event.repeat
        until = dt.datetime.combine(r.until, dt.time(23, 59, 59), tzinfo=BEIJING).astimezone(dt.UTC)
        days = [_RRULE_DAYS[WEEKDAYS.index(day)] for day in r.days]
        byday = ",".join(f"{r.nth}{day}" for day in days) if r.nth is not None else ",".join(days)
        rule = f"FREQ={'WEEKLY' if r.every == 'week' else 'MONTHLY'};UNTIL={until:%Y%m%dT%H%M%SZ}"
        rule += f";INTERVAL={r.interval}" if r.interval != 1 else ""
        lines.append(f"RRULE:{rule};BYDAY={byday}")
        lines += [f"EXDATE;TZID={_TZID}:{_local(dt.datetime.combine(day, start.time()))}" for day in r.skip]
    names = [directory.content.deputies[d].name for d in event.deputies]
    lines.append(f"DESCRIPTION:{_text(station.name + ('；' + '、'.join(names) if names else ''))}")
    place = event.place
    where = place.location if place and place.location else station.location
    if where:
        lines.append(f"GEO:{float(where.lat)};{float(where.lon)}")
    location = f"{place.name}（{place.address}）" if place else station.address or station.name
    lines.append(f"LOCATION:{_text(location)}")
    lines.append(f"URL:{urls.absolute(site_url, urls.event_page(event.id))}")
    lines.append("END:VEVENT")
    return "".join(_fold(line) + "\r\n" for line in lines)


class Feeds:
    """The feeds of one build: each event's VEVENT made once, whatever the number of feeds it is in."""

    def __init__(self, directory: Directory, site_url: str) -> None:
        self.directory = directory
        self.site_url = site_url
        self.vevents: dict[str, str] = {}

    def render(self, facet: str, key: str) -> str:
        """The feed of a station, an area or a deputy (`facet`): its events with a date in the site's window."""
        content = self.directory.content
        name = {"station": content.stations, "area": content.areas, "deputy": content.deputies}[facet][key].name
        head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mashang//events//ZH", "CALSCALE:GREGORIAN"]
        head += [f"X-WR-CALNAME:{_text(messages.FEED_NAME.format(name=name))}", f"X-WR-TIMEZONE:{_TZID}"]
        parts = [_fold(line) + "\r\n" for line in head]
        events = self.directory.calendar.feeds.get((facet, key), [])
        if events:  # every time is in Beijing time: its VTIMEZONE first, as icalendar would place it
            parts.append(_beijing_timezone())
        for event in events:
            if event.id not in self.vevents:
                self.vevents[event.id] = vevent(self.directory, event, self.site_url)
            parts.append(self.vevents[event.id])
        parts.append("END:VCALENDAR\r\n")
        return "".join(parts)


@functools.cache
def _beijing_timezone() -> str:
    """Asia/Shanghai as a VTIMEZONE, made once: icalendar derives it from the zone's transitions (a tenth of a second
    each time)."""
    return icalendar.Timezone.from_tzid(_TZID).to_ical().decode("utf-8")
