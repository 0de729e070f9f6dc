"""iCalendar feeds (RFC 5545, written by the `icalendar` library) of a station's, an area's or a deputy's events, to
subscribe to on a phone. Times carry TZID=Asia/Shanghai with its VTIMEZONE; a rule is one VEVENT with its RRULE and
EXDATEs (never unrolled); UIDs are the event's id at the site's host, stable across builds. Pure."""

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


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=BEIJING)


def _vevent(directory: Directory, event: StationEvent, site_url: str) -> icalendar.Event:
    station = directory.content.stations[event.station]
    start = first_start(event) or event.start  # RFC 5545 counts DTSTART as an occurrence: the rule's first date
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.id}@{urlsplit(site_url).hostname or 'localhost'}")
    vevent.add("dtstamp", dt.datetime.combine(directory.today, dt.time(), tzinfo=dt.UTC))
    vevent.add("dtstart", _local(start))
    vevent.add("dtend", _local(start + (event.end - event.start)))
    vevent.add("summary", f"{messages.EVENT_KIND_LABELS[event.kind]}：{event.topic}")
    place = event.place
    vevent.add("location", f"{place.name}（{place.address}）" if place else station.address or station.name)
    where = place.location if place and place.location else station.location
    if where:
        vevent.add("geo", (where.lat, where.lon))
    vevent.add("url", urls.absolute(site_url, urls.event_page(event.id)))
    names = [directory.content.deputies[d].name for d in event.deputies]
    description = station.name + ("；" + "、".join(names) if names else "")
    vevent.add("description", description)
    if event.repeat is not None:
        r = event.repeat
        until = dt.datetime.combine(r.until, dt.time(23, 59, 59), tzinfo=BEIJING).astimezone(dt.UTC)
        rule: dict = {"freq": "WEEKLY" if r.every == "week" else "MONTHLY", "until": until}
        days = [_RRULE_DAYS[WEEKDAYS.index(day)] for day in r.days]
        rule["byday"] = [f"{r.nth}{day}" for day in days] if r.nth is not None else days
        if r.interval != 1:
            rule["interval"] = r.interval
        vevent.add("rrule", rule)
        for day in r.skip:
            vevent.add("exdate", _local(dt.datetime.combine(day, start.time())))
    return vevent


def render_feed(directory: Directory, facet: str, key: str, site_url: str) -> str:
    """The feed of a station, an area or a deputy (`facet`): its events with a date in the site's window."""
    name = {
        "station": lambda: directory.content.stations[key].name,
        "area": lambda: directory.content.areas[key].name,
        "deputy": lambda: directory.content.deputies[key].name,
    }[facet]()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//mashang//events//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", messages.FEED_NAME.format(name=name))
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    events = directory.calendar.feeds.get((facet, key), [])
    for event in events:
        calendar.add_component(_vevent(directory, event, site_url))
    if events:  # every time is in Beijing time: its VTIMEZONE first, as add_missing_timezones would place it
        calendar.subcomponents.insert(0, _beijing_timezone())
    return calendar.to_ical().decode("utf-8")


@functools.cache
def _beijing_timezone() -> icalendar.Timezone:
    """Asia/Shanghai as a VTIMEZONE, made once a build: icalendar derives it from the zone's transitions (a tenth of
    a second each time), which `add_missing_timezones` did for every feed (a third of a build with 50,000 events)."""
    return icalendar.Timezone.from_tzid("Asia/Shanghai")
