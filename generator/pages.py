"""Model -> pages. Pure: takes validated `Content`, returns Markdown pages and deputy pages, touches no disk.

Every deputy, station, area and level gets a page; index pages list stations, areas and levels but never every
deputy, so no page grows with the number of deputies in the whole site. Work on record and points (履职档案) show on
deputy pages, their totals on the `records/` page and on area and level pages; the form service's public figures, when
the build has them, on deputy and station pages and the `stats/` page. Deputy pages, 20,000 in a city, are HTML
straight from the model (`render_deputy`): no Markdown pass, and the renderer places them in its page layout.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml
from markdown.extensions.toc import unique
from markupsafe import Markup
from pymdownx.slugs import slugify

from . import messages, urls
from .directory import Directory
from .event_pages import PageSpec, events_index, first_month
from .hours import timetable_json
from .model import CONGRESS_LEVELS, Deputy, DeputyYear
from .scoring import Points
from .suggestion_pages import suggestion_pages
from .templating import ENV, html_linker

_slugify = slugify(case="lower")  # the `toc` setting of mkdocs.yml, so deputy and Markdown pages name anchors alike


def _linker(src: str) -> Callable[[str], Markup]:
    """A function giving the Markdown link from page `src` to a site path (a directory URL or a file)."""
    base = posixpath.dirname(src)

    def link(path: str) -> Markup:
        path, hash, anchor = path.partition("#")
        target = urls.source_of(path) if path.endswith("/") else path
        return Markup(posixpath.relpath(target, base or ".") + hash + anchor)

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
    ("events", "近期活动"), ("record", "履职档案"), ("sources", "资料来源"), ("qr", "二维码"),
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
    made = record_entries(directory)
    entry_texts = [made.get(id(a)) for a in years[0][0].activities] if years else []
    record_toc = _record_toc(directory, years)
    used = {section for section, _ in _DEPUTY_SECTIONS} | {entry.id for entry in record_toc}
    h1 = unique(_slugify(deputy.name, "-"), used)
    station_ids = [unique(_slugify(s.name, "-"), used) for s in stations]
    record_shown = bool(directory.content.records) or directory.stats is not None
    shown = {"bio": bool(deputy.bio), "stations": bool(stations), "sources": bool(deputy.sources)}
    shown["record"] = record_shown
    calendar = directory.calendar
    has_feed = ("deputy", deputy.id) in calendar.feeds
    coming = calendar.upcoming(calendar.by_deputy.get(deputy.id, []), 5) if has_feed else []
    shown["events"] = has_feed
    sections = []
    for section, title in _DEPUTY_SECTIONS:
        if shown.get(section, True):
            children = zip(station_ids, stations, strict=True) if section == "stations" else ()
            entries = tuple(TocEntry(3, i, s.name) for i, s in children)
            sections.append(TocEntry(2, section, title, record_toc if section == "record" else entries))
    body = ENV.get_template("deputy.html.j2").render(
        d=directory,
        deputy=deputy,
        stations=stations,
        ids={"h1": h1, "stations": station_ids},
        record_shown=record_shown,
        events={"coming": coming} if has_feed else None,
        years=years,
        entry_texts=entry_texts,
        stats=directory.stats,
        figures=directory.stats.deputies.get(deputy.id) if directory.stats else None,
        link=html_linker(path),
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


def record_entries(directory: Directory) -> dict[int, Markup]:
    """The 履职档案 entries of the activities attendance puts on record (record_entry.html.j2), by the activity's id:
    one object for every deputy present, so its entry is made once a build, all in one render (a render per entry
    cost more than the entry), before the page workers fork so that they share it. Deputy pages sit at one depth,
    so the links hold for all."""
    if directory.record_entries is None:
        found = {}
        for years in directory.content.records.values():
            if years:
                found |= {id(a): a for a in years[max(years)].activities if hasattr(a, "event")}
        made = ENV.get_template("record_entries.html.j2").render(
            d=directory, activities=found.values(), link=html_linker(urls.deputy_page("-")), urls=urls, sep=_SEP
        )
        directory.record_entries = dict(zip(found, map(Markup, made.split(_SEP)[:-1]), strict=True))
    return directory.record_entries


_SEP = "\x00"
"""Between the entries a template lists: content never holds it (yamlnodes refuses control characters)."""
_HEADING = re.compile(r'<h([1-6])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def render_html(directory: Directory, spec: PageSpec) -> HtmlPage:
    """A page of an HTML template (events and months: tens of thousands in a city) with its table of contents read
    from its headings: one h1 first, the h2s under it (none when `spec.sections` says so). The h1's id is its title's
    slug, as Markdown would make it."""
    used = {"when", "dates", "report", "outcome", "filter-kind", "filter-area", "filter-station"}
    h1 = unique(_slugify(spec.title, "-"), used)
    link = html_linker(spec.path)
    body = ENV.get_template(spec.template).render(d=directory, link=link, urls=urls, h1=h1, **spec.context)
    headings = _HEADING.findall(body) if spec.sections else []
    sections = tuple(
        TocEntry(2, anchor, html.unescape(_TAG.sub("", text))) for level, anchor, text in headings if level == "2"
    )
    return HtmlPage(spec.path, spec.title, spec.description, None, body, TocEntry(1, h1, spec.title, sections))


def _front_matter(title: str, description: str, **meta: str) -> str:
    """YAML front matter; MkDocs and Material print title and description into HTML unescaped: escaped here.

    `message_target` ("deputy:<id>" or "station:<id>", ids are validated slugs) makes the theme add the message form.
    """
    meta = {"title": html.escape(title), "description": html.escape(description), **meta}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


_BEFORE_HEADING = re.compile(r"\n+(?=#{1,6} )")
_BLANK_LINES = re.compile(r"\n{3,}")


ENTITY_SECTIONS = ("deputies", "stations", "areas", "levels", "events", "event", "suggestion", "suggestions")
"""Pages of one deputy, station, area, level, event or suggestion, and the month and list pages of events and
suggestions (`<section>/<id>/`): thousands in a city, laid out by the renderer without a Markdown-to-site pass of their
own (see mkdocs_edge/), so their links are site URLs, not Markdown sources."""


def is_entity_page(src: str) -> bool:
    parts = src.split("/")
    return len(parts) == 3 and parts[0] in ENTITY_SECTIONS and parts[2] == "index.md"


def _render(template: str, src: str, directory: Directory, **context: object) -> str:
    linker = html_linker(src.removesuffix("index.md")) if is_entity_page(src) else _linker(src)
    text = ENV.get_template(template).render(d=directory, link=linker, urls=urls, **context)
    # Templates stay readable; the output gets exactly one blank line before each heading and between blocks.
    return _BLANK_LINES.sub("\n\n", _BEFORE_HEADING.sub("\n\n", text)).strip() + "\n"


def trimmed_pages() -> dict[str, str]:
    """The pages at urls.TRIMMED, by file path: each sends the browser on to its index at once (a meta refresh, which
    any static server and every browser follow, JavaScript or not), with a link for one that does not."""
    template = ENV.get_template("trimmed.html.j2")
    pages = {}
    for path, target in urls.TRIMMED.items():
        href = "../" * path.count("/") + target  # relative, as every link of the site: any base path works
        title = messages.TRIMMED_TITLES[path]
        pages[path + "index.html"] = template.render(href=href, title=title, lead=messages.TRIMMED_LEAD)
    return pages


def render_pages(directory: Directory) -> dict[str, str]:
    """Every generated page but the deputies' as Markdown, keyed by its source path (MkDocs `src_uri`); and the HTML
    pages of trimmed URLs (`trimmed_pages`), which MkDocs copies as they are. Makes the deputy pages' shared
    履职档案 entries (`record_entries`) too: the build calls it before its page workers fork."""
    record_entries(directory)
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
        where = station.location
        maps = urls.map_links(where.lat, where.lon, station.name, station.address) if where else []
        hours = timetable_json(station.hours)
        events = {"events_link": first_month(directory, "station", station.id)}
        add(
            urls.station_page(station.id),
            "station.md.j2",
            station.name,
            description,
            meta,
            station=station,
            maps=maps,
            hours_json=hours,
            **events,
        )
    for area in content.areas.values():
        description = m.AREA_DESCRIPTION.format(name=area.name)
        events = {"events_link": first_month(directory, "area", area.code)}
        add(urls.area_page(area.code), "area.md.j2", area.name, description, area=area, **events)
    for spec in [events_index(directory), *suggestion_pages(directory)]:
        add(spec.path, spec.template, spec.title, spec.description, **spec.context)
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
    return pages | trimmed_pages()


def browse_lists(directory: Directory) -> list[tuple[str, list[tuple[int, str, str]]]]:
    """What the home page offers without JavaScript instead of the finder: (heading, [(depth, label, site path)]) for
    the levels, the areas (as a tree) and the stations (by area)."""
    stations = [s for _, group in sorted(directory.area_stations.items()) for s in group]
    return [
        (
            messages.BROWSE_BY_LEVEL,
            [(0, messages.CONGRESS_LEVEL_LABELS[v], urls.level_page(v)) for v in CONGRESS_LEVELS],
        ),
        (messages.BROWSE_BY_AREA, [(depth, a.name, urls.area_page(a.code)) for depth, a in directory.area_tree()]),
        (messages.BROWSE_BY_STATION, [(0, s.name, urls.station_page(s.id)) for s in stations]),
    ]
