"""The only MkDocs-specific code: loads `content/`, registers the generated pages and files, watches content in `serve`.

`content/` is the parent of MkDocs' `docs_dir` (`content/pages`), so one setting in `mkdocs.yml` places both.
Everything this module registers is made by pure functions in `pages`, `exports`, `posters` and `qr`.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from . import messages, urls
from .exports import data_files
from .load import load_content
from .model import Content
from .pages import Directory, render_pages
from .posters import render_poster, station_qr_key
from .qr import QRCache

log = logging.getLogger("mkdocs.plugins.mashang")

INDEX_PAGES = {urls.source_of(p) for p in (urls.STATIONS_INDEX, urls.AREAS_INDEX, urls.LEVELS_INDEX, urls.TRACK)}


class MashangConfig(base.Config):
    cache_dir = c.Type(str, default=".cache")
    """QR codes are cached here between builds (relative to mkdocs.yml)."""
    today = c.Optional(c.Type(str))
    """Fix "today" (YYYY-MM-DD) for reproducible builds; by default the build date decides who is a current deputy."""


class MashangPlugin(BasePlugin[MashangConfig]):
    content: Content
    today: dt.date

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            raise PluginError(messages.PLUGIN_NO_SITE_URL)
        logging.getLogger("jieba").setLevel(logging.WARNING)  # its "Building prefix dict" lines are noise here
        self.today = dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today()
        root = Path(config.docs_dir).parent
        content, problems = load_content(root, self.today)
        for problem in problems:
            (log.warning if problem.warning else log.error)(messages.problem_line(problem))
        errors = sum(not p.warning for p in problems)
        if errors:
            raise PluginError(messages.PLUGIN_CONTENT_ERRORS.format(errors=errors))
        self.content = content
        self.cache_dir = Path(config.config_file_path or ".").parent / self.config.cache_dir
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        directory = Directory(self.content, self.today)
        for src, markdown in render_pages(directory).items():
            inclusion = InclusionLevel.UNDEFINED if src in INDEX_PAGES else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src, content=markdown, inclusion=inclusion))
        for path, text in data_files(directory).items():
            files.append(File.generated(config, path, content=text))
        self._add_photos(files, config)
        self._add_qr_codes_and_posters(files, config, directory)
        return files

    def _add_photos(self, files: Files, config: MkDocsConfig) -> None:
        records = [*self.content.deputies.values(), *self.content.stations.values()]
        for photo in sorted({r.photo for r in records if r.photo}):
            source = self.content.photos_dir / photo
            files.append(File.generated(config, urls.photo(photo), abs_src_path=str(source)))

    def _add_qr_codes_and_posters(self, files: Files, config: MkDocsConfig, directory: Directory) -> None:
        cache = QRCache(self.cache_dir / "qr")
        codes: dict[str, str] = {}
        for deputy in self.content.deputies.values():
            url = urls.absolute(config.site_url, urls.deputy_page(deputy.id))
            path = cache.path_for(url, title=deputy.name)
            files.append(File.generated(config, urls.deputy_qr(deputy.id), abs_src_path=str(path)))
            codes[deputy.id] = str(path)
        for station in self.content.stations.values():
            url = urls.absolute(config.site_url, urls.station_page(station.id))
            path = cache.path_for(url, title=station.name)
            files.append(File.generated(config, urls.station_qr(station.id), abs_src_path=str(path)))
            codes[station_qr_key(station.id)] = str(path)
        log.info(messages.PLUGIN_QR_SUMMARY.format(generated=cache.generated, reused=cache.reused))
        for station in self.content.stations.values():
            deputies = directory.station_deputies.get(station.id, [])
            keys = [d.id for d in deputies] + [station_qr_key(station.id)]
            qr = {key: Path(codes[key]).read_text(encoding="utf-8") for key in keys}
            html = render_poster(station, deputies, site_url=config.site_url, root="../", qr=qr, today=self.today)
            files.append(File.generated(config, urls.station_poster(station.id), content=html))

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        root = Path(config.docs_dir).parent
        for path in (root / "areas.yaml", root / "deputies", root / "stations", root / "photos"):
            if path.exists():
                server.watch(str(path))
        return server
