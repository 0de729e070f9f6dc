"""`python -m generator serve`: MkDocs' development server with a quick path for the most common edit.

A full build of a city (20,000 deputies) takes half a minute or more; an editor who changes one deputy's bio wants to
see it at once. After each full build the mashang plugin (kept alive between builds: MkDocs reuses plugin instances
that have `on_startup`) knows the content files as they were; when only deputy files changed, and nothing other pages
show of them, `MashangPlugin.refresh` writes just those pages and the open data into the served folder. Anything else
gets MkDocs' full build, exactly as `mkdocs serve` does it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from os.path import isfile, join
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer, _serve_url

log = logging.getLogger("mkdocs.plugins.mashang")


def serve(config_file: Path, **overrides: object) -> None:
    """Build into a temporary folder, serve it with live reload, rebuild (quickly when possible) on every change."""
    site_dir = tempfile.mkdtemp(prefix="mashang-serve-")

    def get_config() -> MkDocsConfig:
        return load_config(config_file=str(config_file), site_dir=site_dir, **overrides)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)
    plugin = config.plugins["mashang"]

    def builder(config: MkDocsConfig | None = None) -> None:
        if config is None:
            if plugin.refresh():
                return
            config = get_config()
            config.site_url = serve_url
        build(config, serve_url=serve_url)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path)

    def error_page(code: int) -> bytes | None:
        page = join(site_dir, f"{code}.html")
        if code in (404, 500) and isfile(page):
            with open(page, "rb") as f:
                return f.read()
        return None

    server.error_handler = error_page
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
