"""The dates events happen on: a rule's occurrences (dateutil's rrule), only ever inside a window around the build's
"today" (a city's weekly reception days are tens of thousands a year), and the calendar the pages and feeds share:
occurrences by station, area, deputy, kind and month, computed once a build. Pure."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil import rrule

from .event_model import WEEKDAYS, StationEvent

BEIJING = ZoneInfo("Asia/Shanghai")
PAST_DAYS = 366
"""How far back the calendar reaches: a station's events of the past year stay on the site as its record."""
AHEAD_DAYS = 184
"""How far ahead: about six months of coming events."""
NOTICE_DAYS = 30
"""How far ahead an event's next date gets a printed notice (活动预告) by default: a station hangs it up days ahead,
not months (a city's notices of six months were 17,000 documents a build); later ones get theirs as they come near."""
SHOWN_AREA_LEVELS = ("province", "city", "county", "township")
"""Areas offered as month filters: villages are too many at a city's scale (their township's page covers them)."""
FEED_AREA_LEVELS = ("county", "township")
"""Areas with an iCalendar feed; a city's or a province's would carry every event of the city (50,000 a year)."""
_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Occurrence:
    """One time an event happens, in Beijing wall-clock time."""

    event: StationEvent
    start: dt.datetime
    end: dt.datetime

    @property
    def month(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"


def rule_of(event: StationEvent) -> rrule.rrule | None:
    """The recurrence of a repeating event (first occurrence at or after `start`), or None for a one-off event."""
    r = event.repeat
    if r is None:
        return None
    days = [_DAYS[WEEKDAYS.index(day)] for day in r.days]
    if r.nth is not None:
        days = [day(r.nth) for day in days]
    until = dt.datetime.combine(r.until, dt.time(23, 59))
    freq = rrule.WEEKLY if r.every == "week" else rrule.MONTHLY
    return rrule.rrule(freq, dtstart=event.start, interval=r.interval, byweekday=days, until=until)


def starts(event: StationEvent, since: dt.datetime, before: dt.datetime) -> list[dt.datetime]:
    """The starts of `event` in [since, before), skipped dates left out; never more than the window holds."""
    rule = rule_of(event)
    if rule is None:
        return [event.start] if since <= event.start < before else []
    skipped = set(event.repeat.skip) if event.repeat else set()
    return [s for s in rule.between(since, before, inc=True) if s < before and s.date() not in skipped]


def first_start(event: StationEvent) -> dt.datetime | None:
    """The first time the event happens; None for a rule that never yields a date (an error in the content)."""
    rule = rule_of(event)
    if rule is None:
        return event.start
    skipped = set(event.repeat.skip) if event.repeat else set()
    return next((s for s in rule if s.date() not in skipped), None)


def last_start(event: StationEvent) -> dt.datetime | None:
    """The last time the event happens (a rule's `until` bounds it)."""
    rule = rule_of(event)
    if rule is None:
        return event.start
    skipped = set(event.repeat.skip) if event.repeat else set()
    until = dt.datetime.combine(event.repeat.until, dt.time(23, 59)) if event.repeat else event.start
    while (last := rule.before(until, inc=True)) is not None and last.date() in skipped:
        until = last - dt.timedelta(minutes=1)
    return last


def window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The span of time the site shows events of: the past year to about six months ahead of `today`."""
    start = dt.datetime.combine(today - dt.timedelta(days=PAST_DAYS), dt.time())
    return start, dt.datetime.combine(today + dt.timedelta(days=AHEAD_DAYS), dt.time())


@dataclass
class Calendar:
    """Every occurrence inside the window, in time order, and indexes of it by station, deputy, area, kind, month."""

    today: dt.date
    occurrences: list[Occurrence] = field(default_factory=list)
    by_station: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    by_deputy: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    by_area: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    by_month: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    events_in_window: dict[str, StationEvent] = field(default_factory=dict)
    """Events with an occurrence in the window: what the feeds carry (a rule once, as RRULE)."""
    feeds: dict[tuple[str, str], list[StationEvent]] = field(default_factory=lambda: defaultdict(list))
    """(station|area|deputy, id) -> the events its iCalendar feed carries; no events, no feed."""

    def upcoming(self, occurrences: list[Occurrence], limit: int) -> list[Occurrence]:
        """The next `limit` of `occurrences` (in time order) that end today or later."""
        now = dt.datetime.combine(self.today, dt.time())
        found = []
        for occurrence in occurrences:
            if occurrence.end >= now:
                found.append(occurrence)
                if len(found) == limit:
                    break
        return found

    def past(self, occurrences: list[Occurrence], limit: int) -> list[Occurrence]:
        """The latest time each event of `occurrences` (in time order) happened before today, newest first, for at
        most `limit` events: a weekly reception day shows once, beside the one-off events."""
        now = dt.datetime.combine(self.today, dt.time())
        found: dict[str, Occurrence] = {}
        for occurrence in reversed(occurrences):
            if occurrence.start < now:
                found.setdefault(occurrence.event.id, occurrence)
                if len(found) == limit:
                    break
        return list(found.values())

    def next_of_each(self, days: int) -> dict[str, Occurrence]:
        """Each event's next occurrence that ends today or later and starts within `days` days (what its printed
        notice announces), by event id."""
        now = dt.datetime.combine(self.today, dt.time())
        horizon = now + dt.timedelta(days=days + 1)
        found: dict[str, Occurrence] = {}
        for occurrence in self.occurrences:
            if occurrence.start >= horizon:
                break
            if occurrence.end >= now:
                found.setdefault(occurrence.event.id, occurrence)
        return found

    def months(self) -> list[str]:
        return sorted(self.by_month)

    @property
    def this_month(self) -> str:
        return f"{self.today.year:04d}-{self.today.month:02d}"


def make_calendar(
    events: dict[str, StationEvent],
    station_areas: dict[str, list[str]],
    today: dt.date,
    feed_areas: dict[str, list[str]] | None = None,
) -> Calendar:
    """The calendar of `events` around `today`; `station_areas` gives each station's area and its ancestors,
    `feed_areas` those of them with a feed (by default all)."""
    calendar = Calendar(today)
    feed_areas = station_areas if feed_areas is None else feed_areas
    since, before = window(today)
    for event in sorted(events.values(), key=lambda e: e.id):
        duration = event.end - event.start
        found = [Occurrence(event, s, s + duration) for s in starts(event, since, before)]
        if found:
            calendar.events_in_window[event.id] = event
            keys = [("station", event.station)] + [("area", a) for a in feed_areas.get(event.station, [])]
            for key in keys + [("deputy", d) for d in dict.fromkeys(event.deputies)]:
                calendar.feeds[key].append(event)
        calendar.occurrences += found
    calendar.occurrences.sort(key=lambda o: (o.start, o.event.station, o.event.id))
    for occurrence in calendar.occurrences:
        event = occurrence.event
        calendar.by_station[event.station].append(occurrence)
        calendar.by_month[occurrence.month].append(occurrence)
        for deputy in dict.fromkeys(event.deputies):
            calendar.by_deputy[deputy].append(occurrence)
        for area in station_areas.get(event.station, []):
            calendar.by_area[area].append(occurrence)
    return calendar
