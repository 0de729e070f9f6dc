"""Model -> the events' pages: one a month (all events, and one a month for each area and kind that has events in
it, so the filters are plain links and work without JavaScript), one a station with all its events of the window
(its filter on a month page links to the month there: a city's 1,000 stations made 18,000 month pages), one an event
(a rule's page lists its coming dates), and the events index. Pure; no page lists more than a month, at a city's
scale a few thousand lines at most for the whole city and far fewer once filtered, but a station's page."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from markupsafe import Markup

from . import messages, urls
from .directory import Directory
from .event_model import EVENT_KINDS, StationEvent
from .events import SHOWN_AREA_LEVELS, Occurrence
from .templating import ENV, html_linker

FACETS = ("area", "kind")
COMING_DATES = 12
"""How many coming dates a rule's page lists."""
MAX_STATION_CHOICES = 30
"""A month page of an area offers its stations as filters only up to this many (a township's, not a county's):
every filter is a link on every page of the month, so their number must not grow with the city."""


@dataclass
class Month:
    """One month's occurrences and how they split by area and kind: the filters the month's pages offer."""

    key: str
    occurrences: list[Occurrence]
    by: dict[str, dict[str, list[Occurrence]]] = field(default_factory=lambda: {f: defaultdict(list) for f in FACETS})
    stations_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Each area (shown as a filter) -> the stations in it with events this month."""


@dataclass(frozen=True)
class PageSpec:
    """A page to render: its site path, template, title, description and the template's context."""

    path: str
    template: str
    title: str
    description: str
    context: dict
    sections: bool = True
    """Whether the page's h2s are its table of contents (a month's days are not: dozens, and never the same)."""


def months(directory: Directory) -> list[Month]:
    """Every month of the window with events, each split by facet."""
    return [split_month(directory, key, found) for key, found in sorted(directory.calendar.by_month.items())]


def split_month(directory: Directory, key: str, occurrences: list[Occurrence]) -> Month:
    """A month's occurrences split by area and kind."""
    areas = directory.shown_areas
    month = Month(key, occurrences)
    by_kind, by_area = month.by["kind"], month.by["area"]
    for occurrence in occurrences:
        event = occurrence.event
        by_kind[event.kind].append(occurrence)
        for code in areas.get(event.station, ()):
            by_area[code].append(occurrence)
            month.stations_in[code].add(event.station)
    return month


def _station_choices(directory: Directory, month: Month, facet: str, key: str) -> list[str]:
    """The stations offered as filters on a month's page of an area: those of that area with events, when they are
    few enough to list."""
    if facet != "area":
        return []
    found = month.stations_in.get(key, set())
    return sorted(found) if len(found) <= MAX_STATION_CHOICES else []


def _area_choices(directory: Directory, month: Month, facet: str, key: str) -> list[str]:
    """The areas offered as filters on a month's page: the way down from the top to the page's area (an area's page:
    itself; else the smallest area holding all the month's events), then the areas just below it with events.
    Bounded by one area's children, not by the city's townships."""
    if facet == "area":
        here = key
    else:
        whole = [code for code, found in month.by["area"].items() if len(found) == len(month.occurrences)]
        here = max(whole, key=lambda code: len(directory.area_path(code)), default="")
    path = [a.code for a in directory.area_path(here) if a.code in month.by["area"]] if here else []
    below = [a.code for a in directory.area_children.get(here, []) if a.code in month.by["area"]] if here else []
    if not path:  # events in areas with no common shown ancestor: the top ones
        below = sorted(c for c in month.by["area"] if directory.content.areas[c].parent not in month.by["area"])
    return path + below


def facet_label(directory: Directory, facet: str, key: str) -> str:
    if facet == "kind":
        return messages.EVENT_KIND_LABELS[key]
    return directory.content.areas[key].name


def event_pages(directory: Directory) -> list[PageSpec]:
    """The month pages, the stations' and the events' pages: HTML straight from templates (`pages.render_html`)."""
    m = messages
    all_months = months(directory)
    parts = Parts(directory)
    pages = []
    for index, month in enumerate(all_months):
        year, number = month.key.split("-")
        neighbours = (
            all_months[index - 1] if index else None,
            all_months[index + 1] if index + 1 < len(all_months) else None,
        )
        when = m.EVENTS_MONTH_TITLE.format(year=int(year), month=int(number))
        parts.offer(_choices(directory, month))
        views = [("", "", month.occurrences)]
        views += [(facet, key, found) for facet in FACETS for key, found in sorted(month.by[facet].items())]
        for facet, key, found in views:
            label = facet_label(directory, facet, key) if facet else ""
            title = f"{label} · {when}" if label else when
            context = {"month": month, "facet": facet, "key": key, "found": found, "neighbours": neighbours}
            context |= {
                "days": _days(found),
                "heading": title,
                "label": label,
                "parts": parts,
                "stations": _station_choices(directory, month, facet, key),
                "areas": _area_choices(directory, month, facet, key),
            }
            context["filters"] = _filters(parts, month, facet, key, context["areas"], context["stations"])
            path, description = urls.events_month(month.key, facet, key), m.INDEX_DESCRIPTION.format(title=title)
            pages.append(PageSpec(path, "events_month.html.j2", title, description, context, sections=False))
    for station_id, found in directory.calendar.by_station.items():
        station = directory.content.stations[station_id]
        title = m.STATION_EVENTS_TITLE.format(name=station.name)
        by_month = [(key, list(group)) for key, group in groupby(found, key=lambda o: o.month)]
        context = {"station": station, "heading": title, "parts": parts}
        context["months"] = [(key, _days(group)) for key, group in by_month]
        path, description = urls.station_events(station_id), m.INDEX_DESCRIPTION.format(title=title)
        pages.append(PageSpec(path, "station_events.html.j2", title, description, context, sections=False))
    by_event: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in directory.calendar.occurrences:
        by_event[occurrence.event.id].append(occurrence)
    for event in directory.content.events.values():
        if event.id not in directory.on_station_page:
            pages.append(event_page(directory, event, by_event.get(event.id, [])))
    return pages


def render_moved(directory: Directory, event: StationEvent, site_url: str) -> str:
    """The page at the URL of an event shown on its station's events page (`Directory.on_station_page`): it leads
    there, so that a QR code on a notice printed before the event, or a link a feed carries, still opens it."""
    target = directory.event_link(event)
    return ENV.get_template("event_moved.html.j2").render(
        event=event,
        station=directory.content.stations[event.station],
        target=html_linker(urls.event_page(event.id))(target),
        canonical=urls.absolute(site_url, target),
        over=event.end < dt.datetime.combine(directory.today, dt.time()),
    )


def _choices(directory: Directory, month: Month) -> list[tuple[str, str]]:
    """Every filter a page of `month` may offer: all, each kind, area and station with events."""
    found = [("全部", urls.events_month(month.key))]
    found += [(messages.EVENT_KIND_LABELS[k], urls.events_month(month.key, "kind", k)) for k in month.by["kind"]]
    found += [(facet_label(directory, "area", a), urls.events_month(month.key, "area", a)) for a in month.by["area"]]
    stations = sorted({s for found in month.stations_in.values() for s in found})
    names = directory.content.stations
    return found + [(names[s].name, urls.station_events(s) + "#month-" + month.key) for s in stations]


def _filters(
    parts: Parts, month: Month, facet: str, key: str, areas: list[str], stations: list[str]
) -> dict[str, list[Markup]]:
    """The filters a page of `month` shows, by facet (kind, area, station), the page's own marked as current: picked
    here from those `parts` made for the month, not by a template call each (dozens a page, hundreds of pages)."""
    m = month.key
    kinds = [parts.choice(urls.events_month(m), not facet)]
    kinds += [
        parts.choice(urls.events_month(m, "kind", k), facet == "kind" and key == k)
        for k in EVENT_KINDS
        if k in month.by["kind"]
    ]
    return {
        "kind": kinds,
        "area": [parts.choice(urls.events_month(m, "area", c), facet == "area" and key == c) for c in areas],
        "station": [parts.choice(urls.station_events(s) + "#month-" + m, False) for s in stations],
    }


def _days(found: list[Occurrence]) -> list[tuple[dt.date, list[Occurrence]]]:
    return [(day, list(group)) for day, group in groupby(found, key=lambda o: o.start.date())]


def events_index(directory: Directory) -> PageSpec:
    """The events index: every month with its count, and this month (or the next with events) by kind and area."""
    found = sorted(directory.calendar.by_month.items())
    this = directory.calendar.this_month
    current = next(((k, o) for k, o in found if k >= this), found[-1]) if found else None
    context = {
        "months": [(key, len(occurrences)) for key, occurrences in found],
        "current": split_month(directory, *current) if current else None,
        "kinds": EVENT_KINDS,
    }
    title = messages.EVENTS_INDEX_TITLE
    return PageSpec(
        urls.EVENTS_INDEX, "events_index.md.j2", title, messages.INDEX_DESCRIPTION.format(title=title), context
    )


class Parts:
    """What month and station pages repeat, made once: an occurrence is listed on about six pages (the month's, its
    kind's, its areas', its station's), a filter link on every page of its month. Those pages all sit at the same
    depth (`events/<x>/`), so the links hold for all. Lines and filters are each made by one render of a template
    that lists them all (a render of a small template per line cost more than the line)."""

    SEP = "\x00"
    """Between the parts a template lists: content never holds it (yamlnodes refuses control characters)."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.link = html_linker(urls.events_month("0000-00"))
        found = directory.calendar.occurrences
        self.lines = dict(zip(map(id, found), self._render("event_lines.html.j2", occurrences=found), strict=True))
        self.days: dict[dt.date, Markup] = {}
        self.choices: dict[str, tuple[Markup, Markup]] = {}

    def day_lines(self, occurrences: list[Occurrence]) -> Markup:
        """The lines of a day's occurrences (times, kind, event, station and place), one under another: joined here,
        not in a loop of the page's template (a call from a template per line cost more than the line)."""
        return Markup("\n").join(self.lines[id(o)] for o in occurrences)

    def day(self, day: dt.date) -> Markup:
        """A day's heading."""
        if day not in self.days:
            self.days[day] = Markup(ENV.get_template("events_day.html.j2").render(day=day).strip())
        return self.days[day]

    def offer(self, choices: list[tuple[str, str]]) -> None:
        """Make the filters (label, site path) that the pages of a month offer."""
        made = self._render("events_choices.html.j2", choices=choices)
        self.choices |= {path: (made[2 * i], made[2 * i + 1]) for i, (_, path) in enumerate(choices)}

    def choice(self, path: str, current: bool) -> Markup:
        """A filter: a link to its page, or the page's own name marked as the current one."""
        return self.choices[path][current]

    def _render(self, template: str, **context: object) -> list[Markup]:
        text = ENV.get_template(template).render(d=self.directory, link=self.link, urls=urls, sep=self.SEP, **context)
        return [Markup(part.strip()) for part in text.split(self.SEP)[:-1]]


def event_page(directory: Directory, event: StationEvent, occurrences: list[Occurrence]) -> PageSpec:
    """An event's page; `occurrences`: its dates in the window, in time order."""
    station = directory.content.stations[event.station]
    coming = directory.calendar.upcoming(occurrences, COMING_DATES)
    kind = messages.EVENT_KIND_LABELS[event.kind]
    description = messages.EVENT_DESCRIPTION.format(kind=kind, station=station.name, topic=event.topic)
    where = event.place.location if event.place else station.location
    name = event.place.name if event.place else station.name
    address = event.place.address if event.place else station.address
    maps = _map_links(where.lat, where.lon, name, address) if where else []
    context = {"event": event, "station": station, "coming": coming, "maps": maps, "occurrences": occurrences}
    context["rule_text"] = rule_text
    return PageSpec(urls.event_page(event.id), "event.html.j2", event.topic, description, context)


_map_links = functools.lru_cache(maxsize=4096)(urls.map_links)
"""The map links of a place: a station's events at the station share them."""


def first_month(directory: Directory, facet: str, key: str) -> str | None:
    """The page to open a station's or area's events on: a station's own, an area's this month's, else the next month
    with any, else the last."""
    if facet == "area" and directory.content.areas[key].level not in SHOWN_AREA_LEVELS:
        return None
    index = directory.calendar.by_station if facet == "station" else directory.calendar.by_area
    found = index.get(key, [])
    if not found:
        return None
    if facet == "station":
        return urls.station_events(key)
    this = directory.calendar.this_month
    month = next((o.month for o in found if o.month >= this), found[-1].month)
    return urls.events_month(month, facet, key)


def rule_text(event: StationEvent) -> str:
    """A rule in words: 每周三、周六, 每两周周二, 每月第一个周六."""
    r = event.repeat
    if r is None:
        return ""
    m = messages
    if r.interval == 1:
        every = m.REPEAT_EVERY_LABELS[r.every]
    else:
        every = (m.EVERY_INTERVAL if r.every == "week" else m.EVERY_INTERVAL_MONTHS).format(n=r.interval)
    if r.every == "week":  # 每周三、六
        return every + "、".join(m.WEEKDAY_LABELS[day].removeprefix("周") for day in r.days)
    nth = m.NTH_LABELS.get(r.nth, "") if r.nth is not None else ""  # 每月第一个周六
    return every + nth + "、".join(m.WEEKDAY_LABELS[day] for day in r.days)
