"""Model -> pages. Pure: takes validated `Content`, returns Markdown pages and deputy pages, touches no disk.

Every deputy, station, area and level gets a page; index pages list stations, areas and levels but never every
deputy, so no page grows with the number of deputies in the whole site. Work on record and points (履职档案) show on
deputy pages, their totals on the `records/` page and on area and level pages; the form service's public figures, when
the build has them, on deputy and station pages and the `stats/` page. Deputy pages, 20,000 in a city, are HTML
straight from the model (`render_deputy`): no Markdown pass, and the renderer places them in its page layout.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import jinja2
import yaml
from markdown.extensions.toc import unique
from markupsafe import Markup
from pymdownx.slugs import slugify

from . import messages, urls
from .figures import Bar, BarChart, PointsSummary, evaluation_totals, message_totals, one_decimal, percent, summarise
from .markup import html_text, markdown_html, md_escape
from .model import AREA_LEVELS, CONGRESS_LEVELS, Area, Content, Deputy, DeputyYear, Scheme, Station
from .scoring import Points, all_points, signed
from .stats import PublicStats

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("generator", "templates"),
    finalize=md_escape,  # every {{ value }} is literal text unless it is a Markup made by markup.py
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
    extensions=["jinja2.ext.do"],
)
_ENV.filters["markdown"] = markdown_html
_ENV.filters["html"] = html_text
_ENV.filters["date_zh"] = lambda day: messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)
_ENV.filters["congress_label"] = messages.CONGRESS_LEVEL_LABELS.__getitem__
_ENV.filters["month_day"] = lambda day: messages.MONTH_DAY_FORMAT.format(month=day.month, day=day.day)
_ENV.filters["signed"] = signed
_ENV.filters["one_decimal"] = one_decimal
_ENV.globals.update(
    labels=messages,
    AREA_LEVELS=AREA_LEVELS,
    CONGRESS_LEVELS=CONGRESS_LEVELS,
    percent=percent,
)
_HTML_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("generator", "templates"),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=True,
    extensions=["jinja2.ext.do"],
)
_HTML_ENV.filters.update(_ENV.filters)
_HTML_ENV.globals.update(_ENV.globals)


def html_template(name: str) -> jinja2.Template:
    """A template of the deputy pages' HTML environment (autoescaped, with their filters), for the yearly reports."""
    return _HTML_ENV.get_template(name)


def _html_block(template: str, **context: object) -> Markup:
    """An HTML partial (autoescaped) inside a Markdown page: figures, tables and charts shared with deputy pages."""
    return Markup(_HTML_ENV.get_template(template).render(urls=urls, **context).strip())


def _bar_chart(chart_id: str, title: str, headers: tuple[str, str], bars: list[tuple], *, table: bool = True) -> Markup:
    """A bar chart and its table; `bars`: (label, value, the value as printed[, as the table prints it]).

    `table=False` when a table right after the chart already holds its figures (the chart's text alternative).
    """
    chart = BarChart(chart_id, title, *headers, tuple(Bar(*bar) for bar in bars))
    return _html_block("bar_chart.html.j2", chart=chart, table=table)


def _share_bars(parts: list[tuple[str, int]], whole: int, unit: str) -> list[tuple[str, int, str, str]]:
    """Bars of parts of a whole: each labelled with its count, and in the table with its share as well."""
    share = messages.CHART_SHARE
    return [
        (label, value, f"{value} {unit}", share.format(value=value, unit=unit, share=percent(value, whole)))
        for label, value in parts
    ]


_ENV.globals.update(
    html_block=_html_block,
    bar_chart=_bar_chart,
    share_bars=_share_bars,
    message_totals=message_totals,
    evaluation_totals=evaluation_totals,
)
_slugify = slugify(case="lower")  # the `toc` setting of mkdocs.yml, so deputy and Markdown pages name anchors alike


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


def _linker(src: str) -> Callable[[str], Markup]:
    """A function giving the Markdown link from page `src` to a site path (a directory URL or a file)."""
    base = posixpath.dirname(src)

    def link(path: str) -> Markup:
        target = urls.source_of(path) if path.endswith("/") else path
        return Markup(posixpath.relpath(target, base or "."))

    return link


def _html_linker(page: str) -> Callable[[str], Markup]:
    """A function giving the relative URL from directory page `page` to a site path (a directory URL or a file)."""

    def link(path: str) -> Markup:
        relative = posixpath.relpath(path, page)
        return Markup(relative + "/" if path.endswith("/") else relative)

    return link


@dataclass(frozen=True)
class TocEntry:
    """A heading of a page: `level` 1-6, its anchor `id`, its text, and the headings under it."""

    level: int
    id: str
    title: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class HtmlPage:
    """A page ready for a layout: `body` is HTML, `toc` its headings (the h1 holds the sections), `title` and
    `description` plain text, `message_target` the form's target ("deputy:<id>", "station:<id>") or none."""

    path: str
    title: str
    description: str
    message_target: str | None
    body: str
    toc: TocEntry


_DEPUTY_SECTIONS = (
    ("info", "基本信息"), ("memberships", "代表职务"), ("bio", "简介"), ("stations", "联络站与接待时间"),
    ("record", "履职档案"), ("sources", "资料来源"), ("qr", "二维码"),
)  # fmt: skip
_RECORD_IDS = ("record-earlier", "responsiveness", "evaluations")
"""Fixed heading ids under 履职档案, besides `record-<year>` and `points-<year>`."""


def _record_toc(directory: Directory, years: list[tuple[DeputyYear, Points]]) -> tuple[TocEntry, ...]:
    """The headings under a deputy's 履职档案 (deputy_record.html.j2 writes them)."""
    entries = []
    if years:
        year = years[0][0].year
        entries.append(TocEntry(3, f"record-{year}", f"{year} 年履职记录"))
        entries.append(TocEntry(3, f"points-{year}", f"{year} 年履职积分"))
    if len(years) > 1:
        entries.append(TocEntry(3, "record-earlier", "往年履职"))
    if directory.stats is not None:
        entries += [TocEntry(3, "responsiveness", "留言办理情况"), TocEntry(3, "evaluations", "选民年度评议")]
    return tuple(entries)


def render_deputy(directory: Directory, deputy: Deputy) -> HtmlPage:
    """A deputy's page as HTML with its table of contents; the same anchors a Markdown page would get."""
    path = urls.deputy_page(deputy.id)
    current = directory.is_current(deputy)
    stations = [directory.content.stations[s] for s in deputy.stations if s in directory.content.stations]
    stations = stations if current else []
    years = directory.record_years(deputy)
    record_toc = _record_toc(directory, years)
    used = {section for section, _ in _DEPUTY_SECTIONS} | {entry.id for entry in record_toc}
    h1 = unique(_slugify(deputy.name, "-"), used)
    station_ids = [unique(_slugify(s.name, "-"), used) for s in stations]
    record_shown = bool(directory.content.records) or directory.stats is not None
    shown = {"bio": bool(deputy.bio), "stations": bool(stations), "sources": bool(deputy.sources)}
    shown["record"] = record_shown
    sections = []
    for section, title in _DEPUTY_SECTIONS:
        if shown.get(section, True):
            children = zip(station_ids, stations, strict=True) if section == "stations" else ()
            entries = tuple(TocEntry(3, i, s.name) for i, s in children)
            sections.append(TocEntry(2, section, title, record_toc if section == "record" else entries))
    body = _HTML_ENV.get_template("deputy.html.j2").render(
        d=directory,
        deputy=deputy,
        stations=stations,
        ids={"h1": h1, "stations": station_ids},
        record_shown=record_shown,
        years=years,
        stats=directory.stats,
        figures=directory.stats.deputies.get(deputy.id) if directory.stats else None,
        link=_html_linker(path),
        urls=urls,
    )
    summary = directory.summary(deputy) or messages.FORMER_DEPUTY
    return HtmlPage(
        path=path,
        title=deputy.name,
        description=messages.DEPUTY_DESCRIPTION.format(name=deputy.name, summary=summary),
        message_target=f"deputy:{deputy.id}" if current else None,
        body=body,
        toc=TocEntry(1, h1, deputy.name, tuple(sections)),
    )


def _front_matter(title: str, description: str, **meta: str) -> str:
    """YAML front matter; MkDocs and Material print title and description into HTML unescaped: escaped here.

    `message_target` ("deputy:<id>" or "station:<id>", ids are validated slugs) makes the theme add the message form.
    """
    meta = {"title": html.escape(title), "description": html.escape(description), **meta}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


_BEFORE_HEADING = re.compile(r"\n+(?=#{1,6} )")
_BLANK_LINES = re.compile(r"\n{3,}")


ENTITY_SECTIONS = ("deputies", "stations", "areas", "levels")
"""Pages of one deputy, station, area or level (`<section>/<id>/`): thousands in a city, laid out by the renderer
without a Markdown-to-site pass of its own (see mkdocs_edge/), so their links are site URLs, not Markdown sources."""


def is_entity_page(src: str) -> bool:
    parts = src.split("/")
    return len(parts) == 3 and parts[0] in ENTITY_SECTIONS and parts[2] == "index.md"


def _render(template: str, src: str, directory: Directory, **context: object) -> str:
    linker = _html_linker(src.removesuffix("index.md")) if is_entity_page(src) else _linker(src)
    text = _ENV.get_template(template).render(d=directory, link=linker, urls=urls, **context)
    # Templates stay readable; the output gets exactly one blank line before each heading and between blocks.
    return _BLANK_LINES.sub("\n\n", _BEFORE_HEADING.sub("\n\n", text)).strip() + "\n"


def render_pages(directory: Directory) -> dict[str, str]:
    """Every generated page but the deputies' as Markdown, keyed by its source path (MkDocs `src_uri`)."""
    content = directory.content
    pages: dict[str, str] = {}

    def add(
        path: str, template: str, title: str, description: str, meta: dict[str, str] | None = None, **context: object
    ) -> None:
        src = urls.source_of(path)
        pages[src] = _front_matter(title, description, **(meta or {})) + _render(template, src, directory, **context)

    m = messages
    for station in content.stations.values():
        description = m.STATION_DESCRIPTION.format(name=station.name, kind=m.STATION_KIND_LABELS[station.kind])
        meta = {"message_target": f"station:{station.id}"}
        add(urls.station_page(station.id), "station.md.j2", station.name, description, meta, station=station)
    for area in content.areas.values():
        add(urls.area_page(area.code), "area.md.j2", area.name, m.AREA_DESCRIPTION.format(name=area.name), area=area)
    for level in CONGRESS_LEVELS:
        label = m.CONGRESS_LEVEL_LABELS[level]
        add(urls.level_page(level), "level.md.j2", label, m.INDEX_DESCRIPTION.format(title=label), level=level)
    for path, template, title in (
        (urls.STATIONS_INDEX, "stations_index.md.j2", m.STATIONS_INDEX_TITLE),
        (urls.AREAS_INDEX, "areas_index.md.j2", m.AREAS_INDEX_TITLE),
        (urls.LEVELS_INDEX, "levels_index.md.j2", m.LEVELS_INDEX_TITLE),
        (urls.STATS, "stats.md.j2", m.STATS_TITLE),
        (urls.RECORDS, "records.md.j2", m.RECORDS_TITLE),
    ):
        add(path, template, title, m.INDEX_DESCRIPTION.format(title=title))
    for path, name, title in ((urls.TRACK, "track", m.TRACK_TITLE), (urls.THANKS, "thanks", m.THANKS_TITLE)):
        meta = {"template": f"{name}.html"}
        add(path, "service.md.j2", title, m.INDEX_DESCRIPTION.format(title=title), meta, template_name=name)
    return pages
