"""Model -> Markdown pages. Pure: takes validated `Content`, returns `{src_uri: markdown}`, touches no disk.

Every deputy, station, area and level gets a page; index pages list stations, areas and levels but never every
deputy, so no page grows with the number of deputies in the whole site.
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
from markupsafe import Markup

from . import messages, urls
from .markup import html_text, markdown_html, md_escape
from .model import AREA_LEVELS, CONGRESS_LEVELS, Area, Content, Deputy, Station

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("generator", "templates"),
    finalize=md_escape,  # every {{ value }} is literal text unless it is a Markup made by markup.py
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
)
_ENV.filters["markdown"] = markdown_html
_ENV.filters["html"] = html_text
_ENV.filters["date_zh"] = lambda day: messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)
_ENV.filters["congress_label"] = messages.CONGRESS_LEVEL_LABELS.__getitem__
_ENV.globals.update(
    labels=messages,
    AREA_LEVELS=AREA_LEVELS,
    CONGRESS_LEVELS=CONGRESS_LEVELS,
)


@dataclass
class Directory:
    """Content plus the cross-references pages need (who sits in which station and area), computed once."""

    content: Content
    today: dt.date
    station_deputies: dict[str, list[Deputy]] = field(default_factory=lambda: defaultdict(list))
    area_deputies: dict[str, dict[str, list[Deputy]]] = field(default_factory=lambda: defaultdict(dict))
    area_stations: dict[str, list[Station]] = field(default_factory=lambda: defaultdict(list))
    area_children: dict[str, list[Area]] = field(default_factory=lambda: defaultdict(list))

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


def _front_matter(title: str, description: str, **meta: str) -> str:
    """YAML front matter; MkDocs and Material print title and description into HTML unescaped: escaped here.

    `message_target` ("deputy:<id>" or "station:<id>", ids are validated slugs) makes the theme add the message form.
    """
    meta = {"title": html.escape(title), "description": html.escape(description), **meta}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


_BEFORE_HEADING = re.compile(r"\n+(?=#{1,6} )")
_BLANK_LINES = re.compile(r"\n{3,}")


def _render(template: str, src: str, directory: Directory, **context: object) -> str:
    text = _ENV.get_template(template).render(d=directory, link=_linker(src), urls=urls, **context)
    # Templates stay readable; the output gets exactly one blank line before each heading and between blocks.
    return _BLANK_LINES.sub("\n\n", _BEFORE_HEADING.sub("\n\n", text)).strip() + "\n"


def render_pages(directory: Directory) -> dict[str, str]:
    """Every generated page of the site as Markdown, keyed by its source path (MkDocs `src_uri`)."""
    content = directory.content
    pages: dict[str, str] = {}

    def add(
        path: str, template: str, title: str, description: str, meta: dict[str, str] | None = None, **context: object
    ) -> None:
        src = urls.source_of(path)
        pages[src] = _front_matter(title, description, **(meta or {})) + _render(template, src, directory, **context)

    m = messages
    for deputy in content.deputies.values():
        summary = directory.summary(deputy) or m.FORMER_DEPUTY
        description = m.DEPUTY_DESCRIPTION.format(name=deputy.name, summary=summary)
        meta = {"message_target": f"deputy:{deputy.id}"} if directory.is_current(deputy) else None
        add(urls.deputy_page(deputy.id), "deputy.md.j2", deputy.name, description, meta, deputy=deputy)
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
    ):
        add(path, template, title, m.INDEX_DESCRIPTION.format(title=title))
    for path, name, title in ((urls.TRACK, "track", m.TRACK_TITLE), (urls.THANKS, "thanks", m.THANKS_TITLE)):
        meta = {"template": f"{name}.html"}
        add(path, "service.md.j2", title, m.INDEX_DESCRIPTION.format(title=title), meta, template_name=name)
    return pages
