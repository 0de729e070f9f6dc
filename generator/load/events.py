"""Events at stations (`events/<id>.yaml`): their station and deputies exist, a deputy present holds a seat on every
date of the event and serves at that station (a warning: a deputy of another station may join a 恳谈会 or a 述职; an
error when the seat is in an area apart from the station's, neither within the other, but for a 视察调研 or another
activity away from home), a rule yields at least one date and skips only dates it has, an `end` far from the start is
likely a typo (a warning), an outcome is written only once the event has happened (and, when the build's
`outcome_days` asks for it, within that many days: a warning), no event is written twice, and no records line repeats
an event (its deputies have it on record already); the sound events kept for the pages."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from typing import Any

from generator import messages as msg
from generator.attendance import EVENT_ACTIVITY_KINDS, held_days
from generator.event_model import WEEKDAYS, StationEvent
from generator.events import first_start, rule_of
from generator.model import Content, Deputy, id_is_valid

from .cache import LaterDocument, ParseCache
from .checks import check_station
from .read import Reader, Source, YearFile

AWAY_KINDS = ("inspection", "other")
"""Kinds a deputy may attend away from the area of their seat: a 视察调研 visits other places."""
LONGEST = dt.timedelta(hours=12)
"""An event longer than this gets a warning: an `end` on the wrong day is the likelier cause."""


def outcome_days_setting(value: object) -> int | None:
    """The `outcome_days` of mkdocs.yml's mashang plugin as the checks use it (None: outcomes not asked for); a
    ValueError saying what is wrong otherwise. The build and `validate` both read it through here."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(msg.PLUGIN_BAD_OUTCOME_DAYS.format(value=value))
    return value


def read_events(reader: Reader, cache: ParseCache | None = None) -> list[Source]:
    """Every `events/*.yaml` (beside the editors' README.md); none when there is no `events/` folder. With `cache`,
    an unchanged file that was sound when last read is not read again (cache.py)."""
    folder = reader.root / "events"
    if not folder.is_dir():
        return []
    if folder.is_symlink():
        cache = None  # refused file by file, as a linked folder always is
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    where = os.path.abspath(folder)  # the cache's keys: trees with the same file names never mix
    if cache is not None:
        cache.scanned(where)
    sources = []
    for entry in entries:
        name, file, stat = entry.name, folder / entry.name, None
        if name.startswith(".") or name == "README.md":
            continue
        if cache is not None and name.endswith(".yaml") and entry.is_file(follow_symlinks=False):
            stat = entry.stat(follow_symlinks=False)
            record = cache.get(os.path.join(where, name), stat)
            if record is not None:
                sources.append(Source(reader.shown(file), LaterDocument(file), key=file.stem, record=record))
                continue
        if not reader.is_yaml(file):
            continue
        before = len(reader.problems)
        src = reader.read_record(file, StationEvent)  # type: ignore[arg-type]
        if cache is not None and stat is not None and src.ok and len(reader.problems) == before:
            cache.put(os.path.join(where, name), stat, src.record)
        sources.append(src)
    return sources


def check_events(
    reader: Reader,
    events: list[Source],
    deputies: list[Source],
    stations: list[Source],
    outcome_days: int | None = None,
) -> None:
    """References of every event, also of those that failed the model, and the dates of the sound ones; with
    `outcome_days`, a one-off event that ended more than that many days ago without its outcome is a warning."""
    serves = {d.key: set(d.record.stations) for d in deputies if d.key and d.record is not None}
    station_areas = {s.key: s.record.area for s in stations if s.key and s.record is not None}
    records = {d.key: d.record for d in deputies if d.key and d.record is not None}
    known = {d.key for d in deputies if d.key}
    for src in events:
        station, present = _references(src)
        if station is not None:
            check_station(reader, src, ("station",), station, set())
        seen: set[str] = set()
        for index, deputy in present:
            loc = ("deputies", index)
            if deputy in seen:
                text = msg.DEPUTY_LISTED_TWICE.format(value=msg.shown(deputy))
                reader.report(src, loc, text, msg.DEPUTY_LISTED_TWICE_HINT, warning=True)
            elif deputy not in known:
                valid = (k for k in known if id_is_valid(k))
                hint = msg.suggestion(deputy, valid, msg.EVENT_UNKNOWN_DEPUTY_HINT.format(id=deputy))
                reader.report(src, loc, msg.UNKNOWN_DEPUTY.format(value=msg.shown(deputy)), hint)
            elif src.record is not None and deputy in records and (day := _out_of_office(src.record, records[deputy])):
                _report_outside_term(reader, src, loc, records[deputy], day)  # rather than advice to link the station
            elif (
                src.record is not None
                and src.record.kind not in AWAY_KINDS
                and station in station_areas
                and deputy in records
                and station not in serves[deputy]
                and (seat := _seat_apart(reader, src.record, records[deputy], station_areas[station])) is not None
            ):
                names = {code: area.record.name for code, area in reader.area_sources.items() if area.record}
                text = msg.DEPUTY_OF_OTHER_AREA.format(
                    value=msg.shown(deputy),
                    area=names.get(seat, seat),
                    station=msg.shown(station),
                    station_area=names.get(station_areas[station], station_areas[station]),
                )
                reader.report(src, loc, text, msg.DEPUTY_OF_OTHER_AREA_HINT)
            elif station in reader.station_ids and deputy in serves and station not in serves[deputy]:
                text = msg.DEPUTY_NOT_AT_STATION.format(value=msg.shown(deputy), station=msg.shown(station))
                reader.report(src, loc, text, msg.DEPUTY_NOT_AT_STATION_HINT.format(station=station), warning=True)
            seen.add(deputy)
        if src.record is not None:
            _check_dates(reader, src, src.record)
            if outcome_days is not None:
                _check_outcome_written(reader, src, src.record, outcome_days)


def _report_outside_term(reader: Reader, src: Source, loc: tuple, deputy: Deputy, day: dt.date) -> None:
    """An error: a former deputy is never credited with an event after leaving office, nor a new one before."""
    term = msg.terms((m.since, m.until) for m in sorted(deputy.memberships, key=lambda m: m.since))
    text = msg.EVENT_OUTSIDE_TERM.format(value=msg.shown(deputy.id), date=day, term=term)
    hint = msg.RULE_OUTSIDE_TERM_HINT.format(date=day) if src.record.repeat else msg.EVENT_OUTSIDE_TERM_HINT
    reader.report(src, loc, text, hint)


def _seat_apart(reader: Reader, event: StationEvent, deputy: Deputy, station_area: str) -> str | None:
    """The area of `deputy`'s seat when every seat held during `event` is in an area apart from `station_area` (neither
    within the other: a county's deputy at a township station of that county is of its area); else None."""
    last = event.repeat.until if event.repeat is not None else event.end.date()
    held = [m for m in deputy.memberships if m.since <= last and (m.until is None or m.until >= event.start.date())]
    if not held or any(_nested(reader, m.area, station_area) for m in held):
        return None
    return held[0].area


def _nested(reader: Reader, one: str, other: str) -> bool:
    """Whether area `one` lies within `other` or `other` within `one` (an unknown code counts as nested: reported
    elsewhere)."""
    if one not in reader.area_sources or other not in reader.area_sources:
        return True
    return other in _enclosing(reader, one) or one in _enclosing(reader, other)


def _enclosing(reader: Reader, code: str) -> set[str]:
    """`code` and every area above it."""
    found: set[str] = set()
    while code and code not in found:
        found.add(code)
        area = reader.area_sources.get(code)
        code = area.record.parent or "" if area is not None and area.record is not None else ""
    return found


def _out_of_office(event: StationEvent, deputy: Deputy) -> dt.date | None:
    """The first date `event` happens on while `deputy` holds no seat, or None."""
    rule = rule_of(event)
    if rule is None or event.repeat is None:
        day = event.start.date()
        return None if deputy.in_office(day) else day
    if deputy.in_office_throughout(event.start.date(), event.repeat.until):
        return None  # the whole rule within one seat: the common case, without walking the rule
    skipped = set(event.repeat.skip)
    return next((s.date() for s in rule if s.date() not in skipped and not deputy.in_office(s.date())), None)


def _check_dates(reader: Reader, src: Source, event: StationEvent) -> None:
    first = first_start(event)
    if first is None:
        reader.report(src, ("repeat",), msg.RULE_NEVER_HAPPENS, msg.RULE_NEVER_HAPPENS_HINT)
        return
    rule = rule_of(event)
    if rule is not None and event.repeat is not None:
        for index, day in enumerate(event.repeat.skip):
            if not any(s.date() == day for s in rule.between(*_day_span(day), inc=True)):
                text = msg.SKIP_NOT_A_DATE.format(date=day)
                reader.report(src, ("repeat", "skip", index), text, msg.SKIP_NOT_A_DATE_HINT, warning=True)
    _check_length(reader, src, event)
    if event.outcome is not None and event.start.date() > reader.today:
        text = msg.OUTCOME_IN_FUTURE.format(date=event.start.date())
        reader.report(src, ("outcome",), text, msg.OUTCOME_IN_FUTURE_HINT)


def _check_outcome_written(reader: Reader, src: Source, event: StationEvent, days: int) -> None:
    """A warning for a one-off event that ended more than `days` days ago and still has no outcome (the build's
    `outcome_days`); a rule's dates get their outcomes in files of their own."""
    ended = event.end.date()
    if event.repeat is None and event.outcome is None and (reader.today - ended).days > days:
        text = msg.OUTCOME_MISSING.format(date=ended, late=(reader.today - ended).days, days=days)
        reader.report(src, ("end",), text, msg.OUTCOME_MISSING_HINT, warning=True)


def _check_length(reader: Reader, src: Source, event: StationEvent) -> None:
    """Warnings for a likely typo in `end`: a rule's time that ends on another day (shown so every week), or an event
    longer than LONGEST (a reception lasts hours; a 视察调研 over days is possible)."""
    length = event.end - event.start
    if event.repeat is not None and event.end.date() != event.start.date():
        days = (event.end.date() - event.start.date()).days
        later = msg.NEXT_DAY if days == 1 else msg.DAYS_LATER.format(days=days)
        text = msg.RULE_ENDS_ANOTHER_DAY.format(start=f"{event.start:%H:%M}", end=f"{event.end:%H:%M}", later=later)
        reader.report(src, ("end",), text, msg.RULE_ENDS_ANOTHER_DAY_HINT, warning=True)
    elif length > LONGEST:
        start, end = f"{event.start:%Y-%m-%d %H:%M}", f"{event.end:%Y-%m-%d %H:%M}"
        text = msg.LONG_EVENT.format(start=start, end=end, length=msg.hours(length // dt.timedelta(hours=1)))
        reader.report(src, ("end",), text, msg.LONG_EVENT_HINT, warning=True)


def _day_span(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)


def _references(src: Source) -> tuple[str | None, list[tuple[int, str]]]:
    """The station and the deputies an event names: from the record when it validated, else from the raw values
    that are plain strings at places without an error of their own."""
    if src.record is not None:
        return src.record.station, list(enumerate(src.record.deputies))
    raw = src.doc.value if src.doc.readable and isinstance(src.doc.value, dict) else {}

    def text(value: Any, loc: tuple) -> bool:
        return isinstance(value, str) and src.clean_at(loc) and not src.doc.is_tainted(loc)

    station = raw.get("station") if text(raw.get("station"), ("station",)) else None
    written = raw.get("deputies")
    present = [(i, d) for i, d in enumerate(written if isinstance(written, list) else []) if text(d, ("deputies", i))]
    return station, present


def check_double_entry(reader: Reader, files: list[YearFile], events: list[Source]) -> None:
    """A record entry that an event already puts on record (same deputy, day and kind; for a reception, the same
    station) is an error at the entry's line: it would count twice in the 履职档案 and the points."""
    if not files:
        return
    held: dict[tuple[str, str, str | None, dt.date], Source] = {}
    for src in events:
        event = src.record
        if event is None or event.kind not in EVENT_ACTIVITY_KINDS:
            continue
        kind = EVENT_ACTIVITY_KINDS[event.kind]
        station = event.station if kind == "reception" else None
        days = held_days(event, reader.today) if event.deputies else []
        for deputy in event.deputies:
            for day in days:
                held.setdefault((deputy, kind, station, day), src)
    if not held:
        return
    for file in files:
        for index, activity in file.entries:
            station = getattr(activity, "station", None)
            src = held.get((file.deputy, activity.kind, station, activity.date))
            if src is None:
                continue
            line = src.doc.line_of(src.prefix + ("deputies",))
            text = msg.RECORD_DUPLICATES_EVENT.format(
                date=activity.date, kind=msg.ACTIVITY_KIND_LABELS[activity.kind], path=src.path, line=line
            )
            reader.report(file.src, ("activities", index), text, msg.RECORD_DUPLICATES_EVENT_HINT)


def check_events_twice(reader: Reader, events: list[Source]) -> None:
    """An event written twice is an error at the later file's `id`: a file copied under a new id (the same station,
    start and kind of schedule), or a one-off on a date its station's rule yields too (the file for one time of a
    rule, whose date the rule must skip). Only when they share a deputy, or list the same ones: the event would be
    shown twice, and count twice in the 履职档案 and the points."""
    first: dict[tuple[str, dt.datetime, bool], list[Source]] = defaultdict(list)
    rules: dict[str, list[Source]] = defaultdict(list)
    for src in (s for s in events if s.record is not None):
        event = src.record
        same = first[(event.station, event.start, event.repeat is None)]
        other = next((o for o in same if _shared(o.record, event) is not None), None)
        if other is not None:
            text = msg.EVENT_TWICE.format(path=other.path, line=_id_line(other), who=_shared(other.record, event))
            reader.report(src, ("id",), text, msg.EVENT_TWICE_HINT)
        same.append(src)
        if event.repeat is not None:
            rules[event.station].append(src)
    for src in (s for s in events if s.record is not None and s.record.repeat is None):
        event = src.record
        rule = next(
            (r for r in rules[event.station] if _yields(r.record, event.start) and _shared(r.record, event)), None
        )
        if rule is not None:
            day, line = event.start.date(), rule.doc.line_of(rule.prefix + ("repeat", "skip"))
            text = msg.EVENT_ON_RULE_DATE.format(date=day, path=rule.path, who=_shared(rule.record, event))
            reader.report(src, ("id",), text, msg.EVENT_ON_RULE_DATE_HINT.format(date=day, path=rule.path, line=line))


def _id_line(src: Source) -> int:
    return src.doc.line_of(src.prefix + ("id",))


def _shared(one: StationEvent, other: StationEvent) -> str | None:
    """How two events at one station and time share their deputies, said for a message; None if they do not."""
    if set(one.deputies) == set(other.deputies):
        return msg.EVENT_SAME_DEPUTIES
    shared = [d for d in dict.fromkeys(other.deputies) if d in one.deputies]
    return msg.EVENT_SHARED_DEPUTIES.format(value="、".join(map(msg.shown, shared))) if shared else None


def _yields(event: StationEvent, when: dt.datetime) -> bool:
    """Whether the rule of `event` has a time starting at `when` (not skipped)."""
    repeat, rule = event.repeat, rule_of(event)
    if repeat is None or rule is None or when.time() != event.start.time() or when.date() in repeat.skip:
        return False
    if WEEKDAYS[when.weekday()] not in repeat.days:
        return False
    return event.start <= when and when.date() <= repeat.until and bool(rule.between(when, when, inc=True))


def sound_events(content: Content, events: list[Source]) -> dict[str, StationEvent]:
    """Sound events whose station and deputies are in `content`, by id."""
    return {
        src.record.id: src.record
        for src in sorted(events, key=lambda s: s.key or "")
        if src.ok and src.record.station in content.stations and all(d in content.deputies for d in src.record.deputies)
    }
