"""The only MkDocs-specific code: loads `content/`, registers the generated pages and files, watches content in `serve`.

`content/` is the parent of MkDocs' `docs_dir` (`content/pages`), so one setting in `mkdocs.yml` places both.
Everything this module registers is made by pure functions in `pages`, `exports`, `posters`, `reports` and `qr`;
the form service's public figures are read (`stats`) only when the `stats` option names their file.

Deputy pages (20,000 in a city) do not go through MkDocs page by page: MkDocs renders two skeleton deputy pages (a
current and a former deputy) whose title, description, id, body and table of contents are slot tokens; every deputy
page is then that skeleton with the slots filled from `pages.render_deputy`. All deputy pages sit at the same depth,
so every relative URL in the skeleton holds for all of them. MkDocs still knows each deputy page as a file (links to it
resolve and are checked), and its search index gets each page's lead.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import html
import logging
import multiprocessing
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import jinja2
import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from . import messages, urls
from .exports import DATA_FILES, data_files
from .load import load_content, reload_deputies
from .model import Content, Deputy, Station
from .pages import DeputyPage, Directory, TocEntry, render_deputy, render_pages
from .posters import render_poster, station_qr_key
from .qr import QRCache
from .reports import render_report
from .stats import PublicStats, StatsError, read_stats

log = logging.getLogger("mkdocs.plugins.mashang")

INDEX_PAGES = {
    urls.source_of(p)
    for p in (urls.STATIONS_INDEX, urls.AREAS_INDEX, urls.LEVELS_INDEX, urls.TRACK, urls.STATS, urls.RECORDS)
}

SLOT = "mashangslot-"
"""Slot tokens in the skeleton deputy pages; `SLOT + "id"` and `SLOT + "formerid"` are the skeletons' deputy ids."""
_SLOTS = re.compile(SLOT + "([a-z]+)")
_SKELETONS = {"current": SLOT + "id", "former": SLOT + "formerid"}
_SKELETON_CONTENT = f'<h1 id="{SLOT}heading">{SLOT}body</h1>'


class DeputyPageFile(File):
    """A deputy page this plugin writes itself: known to MkDocs so that links to it resolve, never read or built."""

    def __init__(self, config: MkDocsConfig, deputy_id: str) -> None:
        path = urls.deputy_page(deputy_id)
        super().__init__(urls.source_of(path), None, config.site_dir, True, dest_uri=path + "index.html")
        self.inclusion = InclusionLevel.NOT_IN_NAV

    def is_documentation_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        pass


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


def _anchor(entry: TocEntry) -> AnchorLink:
    """A heading as MkDocs' table of contents holds it: its title is HTML (Material prints it as is), so escaped."""
    link = AnchorLink(html.escape(entry.title), entry.id, entry.level)
    link.children = [_anchor(child) for child in entry.children]
    return link


class Skeleton:
    """A rendered deputy page cut at its slots; `fill` puts one deputy's values in."""

    def __init__(self, html: str, toc_html: str) -> None:
        for part, count in ((_SKELETON_CONTENT, 1), (toc_html, 1)):
            if html.count(part) != count:
                raise PluginError(f"mashang: the theme changed: {part[:40]!r} found {html.count(part)} times")
        html = html.replace(_SKELETON_CONTENT, SLOT + "body").replace(toc_html, SLOT + "toc")
        self.parts = _SLOTS.split(html)
        unknown = set(self.parts[1::2]) - {"id", "formerid", "title", "desc", "heading", "body", "toc"}
        if unknown:
            raise PluginError(f"mashang: unknown slots {sorted(unknown)} in the skeleton deputy page")

    def fill(self, values: dict[str, str]) -> str:
        parts = self.parts
        return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))


class MashangConfig(base.Config):
    cache_dir = c.Type(str, default=".cache")
    """QR codes are cached here between builds (relative to mkdocs.yml)."""
    today = c.Optional(c.Type(str))
    """Fix "today" (YYYY-MM-DD) for reproducible builds; by default the build date decides who is a current deputy."""
    jobs = c.Optional(c.Type(int))
    """Processes that make deputy pages and QR codes; by default one a CPU core."""
    stats = c.Optional(c.Type(str))
    """The form service's public figures (`python -m forms_api stats --public`), relative to mkdocs.yml; by default
    none, and the pages show no message figures."""
    ranking = c.Type(bool, default=False)
    """Publish rankings: area pages list their deputies by points. Off, no page orders named deputies by points."""


class MashangPlugin(BasePlugin[MashangConfig]):
    content: Content
    today: dt.date

    serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            raise PluginError(messages.PLUGIN_NO_SITE_URL)
        logging.getLogger("jieba").setLevel(logging.WARNING)  # its "Building prefix dict" lines are noise here
        self.today = dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today()
        root = Path(config.docs_dir).parent
        self.snapshot = _snapshot(root)  # before reading: an edit during the build shows as a change afterwards
        content, problems = load_content(root, self.today)
        for problem in problems:
            (log.warning if problem.warning else log.error)(messages.problem_line(problem))
        errors = sum(not p.warning for p in problems)
        if errors:
            raise PluginError(messages.PLUGIN_CONTENT_ERRORS.format(errors=errors))
        self.content = content
        self.cache_dir = Path(config.config_file_path or ".").parent / self.config.cache_dir
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
        directory = self.directory = Directory(self.content, self.today, stats=self.stats, ranking=self.config.ranking)
        for src, markdown in render_pages(directory).items():
            inclusion = InclusionLevel.UNDEFINED if src in INDEX_PAGES else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src, content=markdown, inclusion=inclusion))
        for deputy_id in self.content.deputies:
            if deputy_id.startswith(SLOT):
                raise PluginError(f"mashang: deputy ids may not start with {SLOT!r}: {deputy_id}")
            files.append(DeputyPageFile(config, deputy_id))
        for kind, slot_id in _SKELETONS.items():
            meta = {"title": SLOT + "title", "description": SLOT + "desc", "search": {"exclude": True}}
            if kind == "current":
                meta["message_target"] = f"deputy:{slot_id}"
            source = "---\n" + yaml.safe_dump(meta) + "---\n\n" + SLOT + "body\n"
            src = urls.source_of(urls.deputy_page(slot_id))
            files.append(File.generated(config, src, content=source, inclusion=InclusionLevel.NOT_IN_NAV))
        self.skeletons: dict[str, str] = {}
        for path, make in DATA_FILES.items():  # made when written: open data of a city is tens of megabytes
            files.append(RenderedFile(config, path, functools.partial(make, directory)))
        self._add_photos(files, config)
        self._add_qr_codes_and_posters(files, config, directory)
        self._add_reports(files, config, directory)
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

    def _poster(self, station: Station, codes: dict[str, str], site_url: str) -> str:
        """A station's poster, made when MkDocs writes it (each carries its deputies' codes: a city's are 70 MB)."""
        deputies = self.directory.station_deputies.get(station.id, [])
        keys = [d.id for d in deputies] + [station_qr_key(station.id)]
        qr = {key: Path(codes[key]).read_text(encoding="utf-8") for key in keys}
        return render_poster(station, deputies, site_url=site_url, root="../", qr=qr, today=self.today)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._skeleton_kind(page) is None:
            return html
        page.toc = TableOfContents([_anchor(self._skeleton_toc)])
        return _SKELETON_CONTENT

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.toc_item = env.get_template("partials/toc-item.html")
        self.toc_cache: dict[tuple[TocEntry, ...], str] = {}
        search = config.plugins.get("material/search")
        if search is not None and search.config.enabled:
            self.search_index = search.search_index
            for entries in self._in_parallel(self._search_entries):
                search.search_index.entries.extend(entries)
        return env

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        kind = self._skeleton_kind(page)
        if kind is not None:
            self.skeletons[kind] = output
        return output

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = self.site = Path(config.site_dir)
        toc_html = self._toc_html(self._skeleton_toc.children)
        self.filled = {kind: Skeleton(html, toc_html) for kind, html in self.skeletons.items()}
        written = sum(self._in_parallel(self._write_deputy_pages))
        log.info(messages.PLUGIN_DEPUTY_PAGES.format(count=written))
        for slot_id in _SKELETONS.values():
            shutil.rmtree(site / urls.deputy_page(slot_id))
        self._add_deputies_to_sitemap(site, config)

    def _in_parallel(self, work: Callable[[list[str]], T]) -> list[T]:
        """`work` over all deputy ids, split among forked processes (one a core) when it pays; results in order.

        Forked children see this plugin as it is; `mkdocs serve` runs builds beside its server threads, so it never
        forks and does the work here.
        """
        ids = list(self.content.deputies)
        jobs = min(self._jobs(len(ids)), len(ids) // 500)
        if jobs < 2:
            return [work(ids)]
        size = -(-len(ids) // jobs)
        chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
        global _PARALLEL_WORK
        _PARALLEL_WORK = work
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                return list(pool.map(_run_parallel_work, chunks))
        finally:
            _PARALLEL_WORK = None

    def _jobs(self, items: int) -> int:
        """Processes for `items` pieces of work: `jobs` or one a core; one under `mkdocs serve` (see `_in_parallel`)."""
        return 1 if self.serving else min(self.config.jobs or os.cpu_count() or 1, max(items, 1))

    def _search_entries(self, ids: list[str]) -> list[dict]:
        index = type(self.search_index)(**self.search_index.config)
        # Summaries repeat (a level and a station name are shared by many deputies): segment each text once.
        index._segment_chinese = functools.lru_cache(maxsize=4096)(index._segment_chinese)
        for deputy_id in ids:
            page = render_deputy(self.directory, self.content.deputies[deputy_id], lead_only=True)
            index.add_entry_from_context(_SearchablePage(page))
        return index.entries

    def _write_deputy_pages(self, ids: list[str]) -> int:
        for deputy_id in ids:
            page = render_deputy(self.directory, self.content.deputies[deputy_id])
            skeleton = self.filled["current" if page.message_target else "former"]
            target = self.site / page.path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(skeleton.fill(self._slot_values(page, deputy_id)), encoding="utf-8")
        return len(ids)

    def refresh(self) -> bool:
        """The quick path of `serve` (generator/serve.py) after a change under content/: when only deputy files
        changed, and nothing that other pages show of them, write just their pages and the open data again.
        False when a full build is needed (anything else changed, an error, or no full build to start from)."""
        if not getattr(self, "filled", None):
            return False
        now = _snapshot(self.content.root)
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
        self._write_deputy_pages(list(deputies))
        for path, text in data_files(self.directory).items():
            (self.site / path).write_text(text, encoding="utf-8")
        log.info(messages.PLUGIN_REFRESHED.format(count=len(deputies)))
        return True

    @property
    def _skeleton_toc(self) -> TocEntry:
        return TocEntry(1, SLOT + "heading", SLOT + "title", (TocEntry(2, SLOT + "section", SLOT + "section"),))

    def _skeleton_kind(self, page: Page) -> str | None:
        for kind, slot_id in _SKELETONS.items():
            if page.file.src_uri == urls.source_of(urls.deputy_page(slot_id)):
                return kind
        return None

    def _toc_html(self, entries: tuple[TocEntry, ...]) -> str:
        """Material's markup of these headings; deputies of the same stations share one, so it is kept."""
        if entries not in self.toc_cache:
            if len(self.toc_cache) > 4096:
                self.toc_cache.clear()
            self.toc_cache[entries] = "\n".join(self.toc_item.render(toc_item=_anchor(e)) for e in entries)
        return self.toc_cache[entries]

    def _slot_values(self, page: DeputyPage, deputy_id: str) -> dict[str, str]:
        return {
            "id": deputy_id,
            "formerid": deputy_id,
            "title": html.escape(page.title),
            "desc": html.escape(page.description),
            "heading": page.toc.id,
            "body": page.body,
            "toc": self._toc_html(page.toc.children),
        }

    def _add_deputies_to_sitemap(self, site: Path, config: MkDocsConfig) -> None:
        """MkDocs wrote the skeletons into the sitemap: each becomes the entries of the deputies it stands for."""
        sitemap = site / "sitemap.xml"
        if not sitemap.exists():
            return
        text = sitemap.read_text(encoding="utf-8")
        for kind, slot_id in _SKELETONS.items():
            loc = urls.absolute(config.site_url, urls.deputy_page(slot_id))
            match = re.search(r"[ \t]*<url>\s*<loc>" + re.escape(loc) + r"</loc>.*?</url>\n", text, re.S)
            if match is None:
                raise PluginError(f"mashang: {loc} is missing from sitemap.xml")
            entries = [
                match[0].replace(loc, urls.absolute(config.site_url, urls.deputy_page(deputy.id)))
                for deputy in self.content.deputies.values()
                if self.directory.is_current(deputy) == (kind == "current")
            ]
            text = text[: match.start()] + "".join(entries) + text[match.end() :]
        sitemap.write_text(text, encoding="utf-8")
        packed = sitemap.with_suffix(".xml.gz")
        if packed.exists():
            mtime = int.from_bytes(packed.read_bytes()[4:8], "little")  # keep MkDocs' reproducible timestamp
            with gzip.GzipFile(packed, mode="wb", mtime=mtime) as out:
                out.write(text.encode("utf-8"))

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        root = Path(config.docs_dir).parent
        watched = [root / "areas.yaml", root / "deputies", root / "stations", root / "photos"]
        watched += [root / "records", root / "scoring.yaml", self._stats_path(config)]
        for path in watched:
            if path is not None and path.exists():
                server.watch(str(path))
        return server


_DEPUTY_FILE = re.compile(r"deputies/[^/]+\.yaml")


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` (relative POSIX path) with its modification time and size."""
    found: dict[str, tuple[int, int]] = {}
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.is_file():
                    stat = entry.stat()
                    found[Path(entry.path).relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def _shown_elsewhere(deputy: Deputy) -> dict:
    """What pages other than a deputy's own show of the deputy (lists, posters, search) or MkDocs was given (photo)."""
    return deputy.model_dump(include={"name", "memberships", "stations", "photo"})


T = TypeVar("T")
_PARALLEL_WORK: Callable[[list[str]], object] | None = None


def _run_parallel_work(ids: list[str]) -> object:
    assert _PARALLEL_WORK is not None, "set by MashangPlugin._in_parallel before it forks"
    return _PARALLEL_WORK(ids)


class _SearchablePage:
    """What Material's search index reads of a page: the top of a deputy's page (name and summary), nothing else."""

    def __init__(self, page: DeputyPage) -> None:
        self.content = page.body
        self.toc = TableOfContents([_anchor(page.toc)])
        self.url = page.path
        self.title = page.title
        self.meta: dict[str, object] = {}
