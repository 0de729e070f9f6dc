"""The directory: content plus the cross-references every page needs (who sits in which station and area, points
and their summaries), computed once a build. Pure."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from . import messages, urls
from .event_model import StationEvent
from .events import FEED_AREA_LEVELS, NOTICE_DAYS, SHOWN_AREA_LEVELS, Calendar, Occurrence, make_calendar
from .figures import PointsSummary, summarise
from .model import CONGRESS_LEVELS, Area, Content, Deputy, DeputyYear, Station
from .scheme_model import Scheme
from .scoring import Points, all_points
from .stats import PublicStats
from .suggestions import Suggestion, collect


@dataclass
class Directory:
    """Content plus the cross-references pages need (who sits in which station and area), computed once."""

    content: Content
    today: dt.date
    station_deputies: dict[str, list[Deputy]] = field(default_factory=lambda: defaultdict(list))
    area_deputies: dict[str, dict[str, list[Deputy]]] = field(default_factory=lambda: defaultdict(dict))
    area_stations: dict[str, list[Station]] = field(default_factory=lambda: defaultdict(list))
    area_children: dict[str, list[Area]] = field(default_factory=lambda: defaultdict(list))
    stats: PublicStats | None = None
    """The form service's public figures, when the build was given them (`--stats`)."""
    ranking: bool = False
    """Publish rankings: area pages list their deputies by points. Off: no page orders named deputies by points."""
    categories: tuple[str, ...] = ()
    """The message categories the form offers (mkdocs.yml's extra.categories), published for the form service."""
    notice_days: int = NOTICE_DAYS
    """How far ahead an event's next date gets a printed notice (the plugin's `notice_days`)."""
    record_entries: dict[int, str] | None = field(default=None, repr=False)
    """The 履职档案 entries of activities from events, made once a build (`pages.record_entries`)."""

    def __post_init__(self) -> None:
        for deputy in sorted(self.content.deputies.values(), key=lambda d: d.id):
            if not self.is_current(deputy):
                continue
            for station_id in dict.fromkeys(deputy.stations):
                self.station_deputies[station_id].append(deputy)
            for m in deputy.current_memberships(self.today):
                at_level = self.area_deputies[m.area].setdefault(m.level, [])
                if not at_level or at_level[-1] is not deputy:
                    at_level.append(deputy)
        for station in sorted(self.content.stations.values(), key=lambda s: s.id):
            self.area_stations[station.area].append(station)
        for area in sorted(self.content.areas.values(), key=lambda a: a.code):
            if area.parent:
                self.area_children[area.parent].append(area)

    @cached_property
    def calendar(self) -> Calendar:
        """The events' occurrences around today, by station, area (the station's and its ancestors), deputy, month."""
        areas = {s.id: [a.code for a in self.area_path(s.area)] for s in self.content.stations.values()}
        feed_areas = {s.id: [a.code for a in self.feed_areas(s.area)] for s in self.content.stations.values()}
        return make_calendar(self.content.events, areas, self.today, feed_areas)  # type: ignore[arg-type]

    @cached_property
    def shown_areas(self) -> dict[str, list[str]]:
        """Each station's areas that month pages offer as filters (events.SHOWN_AREA_LEVELS), top first."""
        return {
            s.id: [a.code for a in self.area_path(s.area) if a.level in SHOWN_AREA_LEVELS]
            for s in self.content.stations.values()
        }

    def feed_areas(self, code: str) -> list[Area]:
        """The areas of `code`'s path that have an iCalendar feed (events.FEED_AREA_LEVELS)."""
        return [area for area in self.area_path(code) if area.level in FEED_AREA_LEVELS]

    @cached_property
    def suggestions(self) -> list[Suggestion]:
        """Every suggestion and motion on record, newest year first (suggestions.collect)."""
        return collect(self.content.records)

    @cached_property
    def _suggestion_of(self) -> dict[int, Suggestion]:
        return {id(s.proposal): s for s in self.suggestions}

    def suggestion_key(self, proposal: object) -> str | None:
        """The page key of a suggestion or motion entry of the records (None for anything else)."""
        found = self._suggestion_of.get(id(proposal))
        return found.key if found else None

    @cached_property
    def feed_keys(self) -> list[tuple[str, str]]:
        """Every iCalendar feed to publish: each station's and its areas' (with or without events, so that a phone
        subscribed to one keeps a valid calendar when its events stop), and every deputy's named by an event."""
        keys = set(self.calendar.feeds)
        for station in self.content.stations.values():
            keys.add(("station", station.id))
            keys.update(("area", area.code) for area in self.feed_areas(station.area))
        for event in self.content.events.values():
            keys.update(("deputy", deputy) for deputy in event.deputies)  # type: ignore[attr-defined]
        return sorted(keys)

    @cached_property
    def on_station_page(self) -> frozenset[str]:
        """One-off events without a printed notice, 述职 aside (its page links the yearly reports and evaluation forms):
        those over before today and those beyond the notice horizon. Each is a line of its station's events page
        (`urls.event_line`) instead of a page of its own, most of a city's 50,000 events; a coming one gets its page
        (at the same URL) in the build that gives it its notice, whose QR code must open a page made for it. Only
        inside the window, which that page shows; an event outside it keeps its page."""
        notices = self.notices
        return frozenset(
            o.event.id
            for o in self.calendar.occurrences
            if o.event.repeat is None and o.event.kind != "report" and o.event.id not in notices
        )

    def event_link(self, event: StationEvent) -> str:
        """Where an event is shown: its page, or its line on its station's events page (`on_station_page`)."""
        if event.id in self.on_station_page:
            return urls.event_line(event.station, event.id)
        return urls.event_page(event.id)

    @cached_property
    def notices(self) -> dict[str, Occurrence]:
        """The events that get a printed notice, by id: their next occurrence, if it starts within `notice_days`."""
        return self.calendar.next_of_each(self.notice_days)

    def is_current(self, deputy: Deputy) -> bool:
        return bool(deputy.current_memberships(self.today))

    def takes_office(self, deputy: Deputy) -> dt.date | None:
        """The day a deputy-elect takes office: set when no seat has started yet (every `since` after today)."""
        if any(m.since <= self.today for m in deputy.memberships):
            return None
        return min(m.since for m in deputy.memberships)

    def levels_of(self, deputy: Deputy) -> list[str]:
        """The congress levels a deputy currently sits at, highest first."""
        held = {m.level for m in deputy.current_memberships(self.today)}
        return [level for level in CONGRESS_LEVELS if level in held]

    def area_path(self, code: str) -> list[Area]:
        """The area and its ancestors, top first."""
        path: list[Area] = []
        seen: set[str] = set()
        while code in self.content.areas and code not in seen:
            seen.add(code)
            path.append(self.content.areas[code])
            code = self.content.areas[code].parent or ""
        return path[::-1]

    def summary(self, deputy: Deputy) -> str:
        """One line under a deputy's name: levels and stations; the only part of the page in the search index."""
        parts = [messages.CONGRESS_LEVEL_LABELS[level] for level in self.levels_of(deputy)]
        parts += [self.content.stations[s].name for s in deputy.stations if s in self.content.stations]
        return " · ".join(parts)

    @cached_property
    def level_counts(self) -> dict[str, dict[str, int]]:
        """For each congress level: how many current deputies per area (membership area)."""
        counts: dict[str, dict[str, int]] = {level: {} for level in CONGRESS_LEVELS}
        for area_code, by_level in self.area_deputies.items():
            for level, deputies in by_level.items():
                counts[level][area_code] = len(deputies)
        return counts

    @cached_property
    def points(self) -> dict[str, dict[int, Points]]:
        """Every deputy's points per year (deputy id -> year -> points), computed once a build."""
        return all_points(self.content.records, self.content.schemes)

    def record_years(self, deputy: Deputy) -> list[tuple[DeputyYear, Points]]:
        """A deputy's years on record with their points, newest first."""
        records, points = self.content.records.get(deputy.id, {}), self.points.get(deputy.id, {})
        return [(records[year], points[year]) for year in sorted(records, reverse=True)]

    @cached_property
    def scored_year(self) -> int | None:
        """The latest year with records and a points scheme: the year the points overviews show."""
        years = {year for years in self.content.records.values() for year in years if year in self.content.schemes}
        return max(years, default=None)

    def points_summary(self, deputies: list[Deputy]) -> PointsSummary:
        """`deputies` (counted once each) in the scored year: how many have records, their total, average, median."""
        year, ids = self.scored_year, {d.id for d in deputies}
        totals = [self.points[i][year].total for i in ids if year in self.points.get(i, {})]
        return summarise(len(ids), totals)

    def points_by_level(self) -> list[tuple[str, PointsSummary]]:
        """Each congress level with current deputies, over all its areas."""
        by_level: dict[str, list[Deputy]] = defaultdict(list)
        for deputies in self.area_deputies.values():
            for level, at_level in deputies.items():
                by_level[level] += at_level
        return [(level, self.points_summary(by_level[level])) for level in CONGRESS_LEVELS if by_level[level]]

    def points_by_area(self, level: str | None = None) -> list[tuple[Area, PointsSummary]]:
        """Each area with current deputies (at `level`, or at any level), in code order."""
        rows = []
        for code in sorted(self.area_deputies):
            by_level = self.area_deputies[code]
            deputies = by_level.get(level, []) if level else [d for at in by_level.values() for d in at]
            if deputies and code in self.content.areas:
                rows.append((self.content.areas[code], self.points_summary(deputies)))
        return rows

    def ranked(self, code: str, level: str) -> list[tuple[int, Deputy, int]]:
        """The area's deputies at `level` with records in the scored year by points, highest first, with their rank
        (equal points, equal rank); empty unless rankings are published."""
        year = self.scored_year
        if not self.ranking or year is None:
            return []
        scored = [
            (self.points[d.id][year].total, d)
            for d in self.area_deputies.get(code, {}).get(level, [])
            if year in self.points.get(d.id, {})
        ]
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        ranked = []
        for i, (total, deputy) in enumerate(scored):
            rank = ranked[-1][0] if ranked and ranked[-1][2] == total else i + 1
            ranked.append((rank, deputy, total))
        return ranked

    def area_points(self, code: str) -> list[tuple[str, PointsSummary]]:
        """Each congress level with current deputies in the area."""
        by_level = self.area_deputies.get(code, {})
        return [(level, self.points_summary(by_level[level])) for level in CONGRESS_LEVELS if by_level.get(level)]

    def schemes(self) -> list[tuple[list[int], Scheme]]:
        """Each points scheme once, with the years it serves, newest first."""
        years: dict[int, list[int]] = {}
        schemes: dict[int, Scheme] = {}
        for year, scheme in sorted(self.content.schemes.items(), reverse=True):
            years.setdefault(id(scheme), []).append(year)
            schemes[id(scheme)] = scheme
        return [(sorted(years[key]), schemes[key]) for key in years]

    def area_tree(self) -> list[tuple[int, Area]]:
        """Areas down to township level as (depth, area), depth first: villages are listed on township pages."""
        tree: list[tuple[int, Area]] = []
        areas = sorted(self.content.areas.values(), key=lambda a: a.code)
        top = [a for a in areas if a.parent not in self.content.areas]
        stack = [(0, a) for a in reversed(top)]
        while stack:
            depth, area = stack.pop()
            tree.append((depth, area))
            if area.level not in ("township", "village"):
                stack.extend((depth + 1, child) for child in reversed(self.area_children.get(area.code, [])))
        return tree
