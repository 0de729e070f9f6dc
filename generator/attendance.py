"""Records without double entry: a deputy present at a past event (a reception day, a mobile stop, a 屋场恳谈会, a 述职,
a 视察调研) has it on record as the matching kind of activity, for the 履职档案 and the points, without a line in
`records/`, on the days they held a seat (an error in the content otherwise, load/events.py). Pure: events, deputies
and "today" in, activities out (each knows the event it came from)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from .event_model import StationEvent
from .events import rule_of
from .model import Deputy, DeputyYear, Event, Id, ReceptionDay

EVENT_ACTIVITY_KINDS = {
    "reception": "reception",
    "mobile": "reception",
    "courtyard": "reception",
    "report": "report",
    "inspection": "inspection",
}
"""An event's kind -> the kind of activity its deputies get on record; `other` events are not on record."""


class AttendedReception(ReceptionDay):
    """A reception (接待日, mobile stop, 恳谈会) on record because the deputy was listed at the event `event`."""

    event: Id


class AttendedEvent(Event):
    """A 述职 or 视察调研 on record because the deputy was listed at the event `event`."""

    event: Id


def held_days(event: StationEvent, today: dt.date) -> list[dt.date]:
    """The days `event` has happened on by `today`: every date before today, and today's once its outcome is written.
    A rule's skipped dates are not among them."""
    rule = rule_of(event)
    if rule is None:
        days = [event.start.date()]
    else:
        skipped = set(event.repeat.skip) if event.repeat else set()
        end = dt.datetime.combine(today, dt.time(23, 59))
        days = [s.date() for s in rule.between(event.start, end, inc=True) if s.date() not in skipped]
    return [day for day in days if day < today or (day == today and event.outcome is not None)]


def activity_of(event: StationEvent, day: dt.date, station_name: str) -> AttendedReception | AttendedEvent:
    """The activity a deputy present at `event` on `day` has on record (built without validation: the event was)."""
    kind = EVENT_ACTIVITY_KINDS[event.kind]
    if kind == "reception":
        return AttendedReception.model_construct(
            date=day, kind="reception", station=event.station, title=event.topic, note=None, event=event.id
        )
    place = event.place.name if event.place else station_name
    return AttendedEvent.model_construct(date=day, kind=kind, title=event.topic, place=place, note=None, event=event.id)


def attended(
    events: Iterable[StationEvent], deputies: Mapping[str, Deputy], station_names: dict[str, str], today: dt.date
) -> dict:
    """deputy id -> year -> the activities their presence at past events puts on record; a day a deputy held no seat
    (before their term, after it) puts nothing on record for them."""
    found: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        if event.kind not in EVENT_ACTIVITY_KINDS or not event.deputies:
            continue
        days = held_days(event, today)
        if not days:
            continue
        activities = [activity_of(event, day, station_names.get(event.station, event.station)) for day in days]
        for deputy in (d for d in dict.fromkeys(event.deputies) if d in deputies):
            seated = deputies[deputy]
            throughout = seated.in_office_throughout(days[0], days[-1])
            for day, activity in zip(days, activities, strict=True):
                if throughout or seated.in_office(day):
                    found[deputy][day.year].append(activity)
    return found


def with_attendance(
    records: dict[str, dict[int, DeputyYear]],
    events: Iterable[StationEvent],
    deputies: Mapping[str, Deputy],
    station_names: dict[str, str],
    today: dt.date,
) -> dict[str, dict[int, DeputyYear]]:
    """`records` with every deputy's attendance at past events added, each year's activities in date order (on a day,
    the written entries first)."""
    merged = {deputy: dict(years) for deputy, years in records.items()}
    for deputy, years in attended(events, deputies, station_names, today).items():
        for year, activities in years.items():
            written = merged.get(deputy, {}).get(year)
            both = (*(written.activities if written else ()), *activities)
            ordered = tuple(sorted(both, key=lambda a: a.date))
            merged.setdefault(deputy, {})[year] = DeputyYear(deputy, year, ordered)
    return {deputy: dict(sorted(years.items())) for deputy, years in merged.items()}
