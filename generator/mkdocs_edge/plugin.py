"""The mashang MkDocs plugin: loads `content/`, registers the generated pages and files, watches content in `serve`.

`content/` is the parent of MkDocs' `docs_dir` (`content/pages`), so one setting in `mkdocs.yml` places both.
Everything this module registers is made by pure functions in `pages`, `exports`, `posters`, `reports` and `qr`;
the form service's public figures are read (`stats`) only when the `stats` option names their file.

The pages of single deputies, stations, areas and levels (tens of thousands in a city) do not go through MkDocs page
by page: they are filled into skeleton pages that MkDocs renders (skeleton.py), in as many processes as there are
cores, and Material's search index gets their entries.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from .. import deadlines, messages, urls
from ..directory import Directory
from ..event_pages import event_pages, render_moved
from ..events import AHEAD_DAYS, NOTICE_DAYS, Occurrence
from ..exports import DATA_FILES, form_categories
from ..feeds import Feeds
from ..load import load_content, outcome_days_setting, reload_deputies
from ..model import Content, Deputy, Station
from ..notices import code_title, notice_codes, render_notice
from ..pages import HtmlPage, TocEntry, browse_lists, is_entity_page, render_deputy, render_html, render_pages
from ..posters import render_poster, station_qr_key
from ..qr import QRCache
from ..reports import render_report
from ..stats import PublicStats, StatsError, read_stats
from .assets import minify_theme_assets
from .options import MashangConfig
from .parallel import in_parallel
from .serve import content_snapshot
from .sitemap import add_pages_to_sitemap
from .skeleton import (
    CONTENT,
    SLOT,
    TOC,
    VARIANTS,
    MarkdownPages,
    SearchablePage,
    Skeleton,
    StandInFile,
    anchor,
    searched_part,
    skeleton_path,
    skeleton_source,
    variant_of,
)

log = logging.getLogger("mkdocs.plugins.mashang")

NAV_LISTS = (urls.STATIONS_INDEX, urls.AREAS_INDEX, urls.LEVELS_INDEX, urls.EVENTS_INDEX, urls.TRACK, urls.STATS)
INDEX_PAGES = {urls.source_of(p) for p in (*NAV_LISTS, urls.RECORDS, urls.SUGGESTIONS)}  # the nav's pages


class RenderedFile(File):
    """A generated file made only when MkDocs writes it, so that thousands of them (the yearly reports, one a deputy
    and year) are never all held in memory at once."""

    def __init__(self, config: MkDocsConfig, path: str, render: Callable[[], str]) -> None:
        super().__init__(path, None, config.site_dir, config.use_directory_urls)
        self.generated_by = "mashang"
        self.render = render

    @property
    def content_string(self) -> str:
        return self.render()

    @property
    def content_bytes(self) -> bytes:
        return self.render().encode("utf-8")

    def is_modified(self) -> bool:
        return True

    def copy_file(self, dirty: bool = False) -> None:
        target = Path(self.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.render(), encoding="utf-8")


class MashangPlugin(BasePlugin[MashangConfig]):
    content: Content
    today: dt.date

    serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            raise PluginError(messages.PLUGIN_NO_SITE_URL)
        if not 0 <= self.config.notice_days <= AHEAD_DAYS:
            found = self.config.notice_days
            raise PluginError(messages.PLUGIN_BAD_NOTICE_DAYS.format(most=AHEAD_DAYS, default=NOTICE_DAYS, value=found))
        try:
            self.outcome_days = outcome_days_setting(self.config.outcome_days)
            self.categories = form_categories(config.extra.get("categories"))
        except ValueError as error:
            raise PluginError(str(error)) from None
        config.extra["categories"] = list(self.categories)  # the form offers exactly what data/form.json says
        logging.getLogger("jieba").setLevel(logging.WARNING)  # its "Building prefix dict" lines are noise here
        self.today = dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today()
        root = Path(config.docs_dir).parent
        # Before reading: an edit during the build shows as a change afterwards. Only `serve` compares (refresh).
        self.snapshot = content_snapshot(root) if self.serving else {}
        self.cache_dir = Path(config.config_file_path or ".").parent / self.config.cache_dir
        content, problems = load_content(root, self.today, self.cache_dir / "parsed", outcome_days=self.outcome_days)
        for problem in problems:
            (log.warning if problem.warning else log.error)(str(problem))  # labelled 警告： by the log (cli.py)
        errors = sum(not p.warning for p in problems)
        if errors:
            raise PluginError(messages.PLUGIN_CONTENT_ERRORS.format(errors=errors))
        self.content = content
        self.stats = self._read_stats(config)
        return config

    def _stats_path(self, config: MkDocsConfig) -> Path | None:
        if not self.config.stats:
            return None
        return Path(config.config_file_path or ".").parent / self.config.stats

    def _read_stats(self, config: MkDocsConfig) -> PublicStats | None:
        path = self._stats_path(config)
        if path is None:
            return None
        try:
            stats, warnings = read_stats(path, self.content, shown_as=self.config.stats)
        except StatsError as error:
            raise PluginError(str(error)) from None
        for warning in warnings:
            log.warning(warning)
        return stats

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        options = {"ranking": self.config.ranking, "notice_days": self.config.notice_days}
        directory = self.directory = Directory(
            self.content, self.today, stats=self.stats, categories=self.categories, **options
        )
        self.entity_sources: dict[str, str] = {}
        for src, markdown in render_pages(directory).items():
            if is_entity_page(src):
                self.entity_sources[src.removesuffix("index.md")] = markdown
                files.append(StandInFile(config, src.removesuffix("index.md")))
                continue
            inclusion = InclusionLevel.UNDEFINED if src in INDEX_PAGES else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src, content=markdown, inclusion=inclusion))
        for record_id in [*self.content.deputies, *self.content.stations]:
            if record_id.startswith(SLOT):
                raise PluginError(f"mashang: ids may not start with {SLOT!r}: {record_id}")
        for deputy_id in self.content.deputies:
            files.append(StandInFile(config, urls.deputy_page(deputy_id)))
        self.html_specs = {spec.path: spec for spec in event_pages(directory)}
        for path in self.html_specs:
            files.append(StandInFile(config, path))
        for event_id in sorted(directory.on_station_page):  # their URLs lead to their lines, made when written
            moved = functools.partial(render_moved, directory, self.content.events[event_id], config.site_url)
            files.append(RenderedFile(config, urls.event_page(event_id) + "index.html", moved))
        for variant in VARIANTS:
            src = urls.source_of(skeleton_path(variant))
            files.append(
                File.generated(config, src, content=skeleton_source(variant), inclusion=InclusionLevel.NOT_IN_NAV)
            )
        self.skeletons: dict[str, str] = {}
        for path, make in DATA_FILES.items():  # made when written: open data of a city is tens of megabytes
            files.append(RenderedFile(config, path, functools.partial(make, directory)))
        self._add_photos(files, config)
        self._add_qr_codes_and_posters(files, config, directory)
        self._add_reports(files, config, directory)
        feeds = Feeds(directory, config.site_url)
        for facet, key in directory.feed_keys:  # made when written, like the reports
            files.append(RenderedFile(config, urls.feed(facet, key), functools.partial(feeds.render, facet, key)))
        minify_theme_assets(files, config)
        return files

    def _add_reports(self, files: Files, config: MkDocsConfig, directory: Directory) -> None:
        """The yearly reports of deputies with records (`reports/<id>-<year>.html`), printable like the posters."""
        for deputy_id, years in self.content.records.items():
            deputy = self.content.deputies[deputy_id]
            for year in years:
                render = functools.partial(render_report, directory, deputy, year, site_url=config.site_url)
                files.append(RenderedFile(config, urls.deputy_report(deputy_id, year), render))

    def _add_photos(self, files: Files, config: MkDocsConfig) -> None:
        records = [*self.content.deputies.values(), *self.content.stations.values()]
        for photo in sorted({r.photo for r in records if r.photo}):
            source = self.content.photos_dir / photo
            files.append(File.generated(config, urls.photo(photo), abs_src_path=str(source)))

    def _add_qr_codes_and_posters(self, files: Files, config: MkDocsConfig, directory: Directory) -> None:
        cache = QRCache(self.cache_dir / "qr")
        targets = [(d.id, urls.deputy_page(d.id), urls.deputy_qr(d.id), d.name) for d in self.content.deputies.values()]
        targets += [
            (station_qr_key(s.id), urls.station_page(s.id), urls.station_qr(s.id), s.name)
            for s in self.content.stations.values()
        ]
        wanted = [(urls.absolute(config.site_url, page), name) for _, page, _, name in targets]
        paths = cache.paths_for(wanted, jobs=self._jobs(len(wanted)))
        codes: dict[str, str] = {}
        for (key, _, qr_path, _), path in zip(targets, paths, strict=True):
            files.append(File.generated(config, qr_path, abs_src_path=str(path)))
            codes[key] = str(path)
        log.info(messages.PLUGIN_QR_SUMMARY.format(generated=cache.generated, reused=cache.reused))
        for station in self.content.stations.values():
            render = functools.partial(self._poster, station, codes, config.site_url)
            files.append(RenderedFile(config, urls.station_poster(station.id), render))
        self._add_notices(files, config, cache)

    def _add_notices(self, files: Files, config: MkDocsConfig, cache: QRCache) -> None:
        """The printable notice of each event's next date (`notices/<id>.html`), with its QR codes, like the posters."""
        coming = self.directory.notices
        names = {deputy.id: deputy.name for deputy in self.content.deputies.values()}

        def codes(o: Occurrence) -> dict[str, tuple[str, str]]:
            return {r: (url, code_title(r, names)) for r, url in notice_codes(o.event, config.site_url).items()}

        wanted = {event_id: codes(o) for event_id, o in coming.items()}
        needed = sorted({code for found in wanted.values() for code in found.values()})
        paths = dict(zip(needed, cache.paths_for(needed, jobs=self._jobs(len(needed))), strict=True))
        for event_id, occurrence in coming.items():
            svgs = {role: paths[code] for role, code in wanted[event_id].items()}
            render = functools.partial(self._notice, occurrence, svgs, config.site_url)
            files.append(RenderedFile(config, urls.event_notice(event_id), render))

    def _notice(self, occurrence: Occurrence, svgs: dict[str, Path], site_url: str) -> str:
        event, content = occurrence.event, self.content
        qr = {role: path.read_text(encoding="utf-8") for role, path in svgs.items()}
        deputies = [content.deputies[d] for d in dict.fromkeys(event.deputies)]
        return render_notice(occurrence, content.stations[event.station], deputies, site_url=site_url, qr=qr)

    def _poster(self, station: Station, codes: dict[str, str], site_url: str) -> str:
        """A station's poster, made when MkDocs writes it (each carries its deputies' codes: a city's are 70 MB)."""
        deputies = self.directory.station_deputies.get(station.id, [])
        keys = [d.id for d in deputies] + [station_qr_key(station.id)]
        qr = {key: Path(codes[key]).read_text(encoding="utf-8") for key in keys}
        return render_poster(station, deputies, site_url=site_url, root="../", qr=qr, today=self.today)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._skeleton_variant(page) is None:
            return html
        page.toc = TableOfContents([anchor(TOC)])
        return CONTENT

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return deadlines.fill_promise(markdown)  # a hand-written page's {{ 答复时限 }}: the rule's own numbers

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.toc_item = env.get_template("partials/toc-item.html")
        env.globals["deadlines"] = deadlines  # the form's words on when an answer comes (partials/form.html)
        env.globals["browse"] = browse_lists(self.directory)  # the home page's lists for phones without JavaScript
        self.toc_cache: dict[tuple[TocEntry, ...], str] = {}
        search = config.plugins.get("material/search")
        self.search_index = search.search_index if search is not None and search.config.enabled else None
        return env

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        variant = self._skeleton_variant(page)
        if variant is not None:
            self.skeletons[variant] = output
        return output

    @event_priority(50)  # before the search plugin's: it writes the index these pages' entries go into
    def on_post_build(self, config: MkDocsConfig) -> None:
        site = self.site = Path(config.site_dir)
        self.markdown_pages = MarkdownPages(config)
        skeleton_toc = self._toc_html(TOC.children)
        self.filled = {variant: Skeleton(html, skeleton_toc) for variant, html in self.skeletons.items()}
        paths = [urls.deputy_page(deputy_id) for deputy_id in self.content.deputies] + list(self.entity_sources)
        paths += self.html_specs
        for entries in in_parallel(self._write_pages, paths, self._jobs(len(paths))):
            if self.search_index is not None:
                self.search_index.entries.extend(entries)
        log.info(messages.PLUGIN_ENTITY_PAGES.format(count=len(paths)))
        shutil.rmtree(site / skeleton_path(VARIANTS[0]).split("/")[0])
        add_pages_to_sitemap(site, config.site_url, paths)

    def _jobs(self, items: int) -> int:
        """Processes for `items` pieces of work: `jobs` or one a core; one under `mkdocs serve` (see `in_parallel`)."""
        return 1 if self.serving else min(self.config.jobs or os.cpu_count() or 1, max(items, 1))

    def _write_pages(self, paths: list[str]) -> list[dict]:
        """Fill and write the entity pages at `paths`; their search index entries."""
        index = None
        if self.search_index is not None:
            index = type(self.search_index)(**self.search_index.config)
            # Summaries repeat (levels and station names are shared by many deputies): segment each text once.
            index._segment_chinese = functools.lru_cache(maxsize=4096)(index._segment_chinese)
        for path in paths:
            page, meta = self._entity_page(path)
            target = self.site / path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.filled[variant_of(page)].fill(page, self._toc_html(page.toc.children)), "utf-8")
            if index is not None and path not in self.html_specs:  # events: not searched, 50,000 in a city
                index.add_entry_from_context(SearchablePage(page, searched_part(page), meta))
        return index.entries if index is not None else []

    def _entity_page(self, path: str) -> tuple[HtmlPage, dict]:
        if path in self.entity_sources:
            return self.markdown_pages.convert(path, self.entity_sources[path])
        if path in self.html_specs:
            return render_html(self.directory, self.html_specs[path]), {}
        return render_deputy(self.directory, self.content.deputies[path.split("/")[1]]), {}

    def refresh(self) -> bool:
        """The quick path of `serve` (mkdocs_edge/serve.py) after a change under content/: when only deputy files
        changed, and nothing that other pages show of them, write just their pages and the open data again.
        False when a full build is needed (anything else changed, an error, or no full build to start from)."""
        if not getattr(self, "filled", None) or not self.snapshot:
            return False
        now = content_snapshot(self.content.root)
        changed = sorted(path for path in now.keys() | self.snapshot.keys() if now.get(path) != self.snapshot.get(path))
        if not changed or not all(_DEPUTY_FILE.fullmatch(p) and p in self.snapshot and p in now for p in changed):
            return False
        deputies, problems = reload_deputies(self.content, [self.content.root / p for p in changed], self.today)
        if problems or len(deputies) != len(changed):
            return False
        for deputy in deputies.values():
            old = self.content.deputies.get(deputy.id)
            if old is None or _shown_elsewhere(old) != _shown_elsewhere(deputy):
                return False
        self.snapshot = now
        self.content.deputies.update(deputies)
        self._write_pages([urls.deputy_page(deputy_id) for deputy_id in deputies])
        for path, make in DATA_FILES.items():
            if path != urls.FINDER_INDEX:  # the finder shows only what `_shown_elsewhere` compares: unchanged
                (self.site / path).write_text(make(self.directory), encoding="utf-8")
        log.info(messages.PLUGIN_REFRESHED.format(count=len(deputies)))
        return True

    def _skeleton_variant(self, page: Page) -> str | None:
        for variant in VARIANTS:
            if page.file.src_uri == urls.source_of(skeleton_path(variant)):
                return variant
        return None

    def _toc_html(self, entries: tuple[TocEntry, ...]) -> str:
        """Material's markup of these headings; deputies of the same stations share one, so it is kept."""
        if entries not in self.toc_cache:
            if len(self.toc_cache) > 4096:
                self.toc_cache.clear()
            self.toc_cache[entries] = "\n".join(self.toc_item.render(toc_item=anchor(e)) for e in entries)
        return self.toc_cache[entries]

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        # the whole content folder (events, records, photos ... and a folder made while serve runs), pages included
        for path in (Path(config.docs_dir).parent, self._stats_path(config)):
            if path is not None and path.exists():
                server.watch(str(path))
        return server


_DEPUTY_FILE = re.compile(r"deputies/[^/]+\.yaml")


def _shown_elsewhere(deputy: Deputy) -> dict:
    """What pages other than a deputy's own show of the deputy (lists, posters, search) or MkDocs was given (photo)."""
    return deputy.model_dump(include={"name", "memberships", "stations", "photo"})
