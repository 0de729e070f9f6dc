"""`python -m generator serve`: MkDocs' development server with a quick path for the most common edit.

A full build of a city (20,000 deputies) takes half a minute or more; an editor who changes one deputy's bio wants to
see it at once. After each full build the mashang plugin (kept alive between builds: MkDocs reuses plugin instances
that have `on_startup`) knows the content files as they were; when only deputy files changed, and nothing other pages
show of them, `MashangPlugin.refresh` writes just those pages and the open data into the served folder. Anything else
gets MkDocs' full build, exactly as `mkdocs serve` does it, but into a second folder: the server switches to it only
when the build succeeded. A failed build (an error in content/) keeps the last good site served, with its errors laid
over every page; the fix reloads the page. (MkDocs' own server stalls every request until a build succeeds.)
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import signal
import tempfile
import threading
from os.path import isfile, join
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, MkDocsException
from mkdocs.livereload import LiveReloadServer, _serve_url

from .. import messages as m
from .errors import build_failure_reason

log = logging.getLogger("mkdocs.plugins.mashang")


class PreviewServer(LiveReloadServer):
    """MkDocs' live reload server that shows the errors of the last build, if it failed, over every page."""

    errors: tuple[str, ...] = ()

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        if not self.errors:
            return content
        at = content.rfind(b"</body>")
        at = len(content) if at < 0 else at
        return content[:at] + error_banner(self.errors).encode("utf-8") + content[at:]

    def error_page(self, code: int) -> bytes | None:
        """The site's 404 page; while a build has failed, with the errors (or alone, when no build has succeeded)."""
        page = join(self.root, f"{code}.html")
        content = None
        if code in (404, 500) and isfile(page):
            with open(page, "rb") as f:
                content = f.read()
        if self.errors:
            content = self._inject_js_into_html(content or m.SERVE_EMPTY_PAGE.encode("utf-8"), self._visible_epoch)
        return content


def error_banner(errors: tuple[str, ...]) -> str:
    """The errors as a panel fixed over the top of the page (inline: the page's own styles are not ours to rely on)."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in errors)
    return (
        '<div id="mashang-build-errors" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:10000;'
        "max-height:60vh;overflow:auto;margin:0;padding:12px 16px;background:#fff3f3;color:#7f0000;"
        'border-bottom:3px solid #b71c1c;font:14px/1.5 sans-serif;box-shadow:0 2px 8px rgb(0 0 0 / 0.3)">'
        f"<strong>{html.escape(m.SERVE_ERRORS_TITLE)}</strong>"
        f'<ul style="margin:6px 0 0;padding-left:20px;font-family:monospace;white-space:pre-wrap">{items}</ul></div>'
    )


class _Collector(logging.Handler):
    """Warnings and errors logged by the building thread (the server's threads log requests meanwhile)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            label = m.ERROR_LABEL if record.levelno >= logging.ERROR else m.WARNING_LABEL
            self.lines.append(label + record.getMessage())


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(config_file: Path, content_dir: Path | None, **overrides: object) -> None:
    """Build into a temporary folder, serve it with live reload, rebuild (quickly when possible) on every change;
    `content_dir` places MkDocs' docs_dir (its `pages/`)."""
    if content_dir is not None:
        overrides["docs_dir"] = str((content_dir / "pages").resolve())
    temp = Path(tempfile.mkdtemp(prefix="mashang-serve-"))
    sites = (str(temp / "a"), str(temp / "b"))
    # `kill` (SIGTERM) and a closed terminal (SIGHUP) stop the server as Ctrl-C does: the temporary folder goes too.
    stop_signals = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, _interrupt) for s in stop_signals}
    try:
        _serve(config_file, sites, overrides)
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        shutil.rmtree(temp, ignore_errors=True)


def _serve(config_file: Path, sites: tuple[str, str], overrides: dict[str, object]) -> None:
    def get_config(site_dir: str) -> MkDocsConfig:
        return load_config(config_file=str(config_file), site_dir=site_dir, **overrides)

    config = get_config(sites[0])
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)
    plugin = config.plugins["mashang"]

    def builder(config: MkDocsConfig | None = None) -> None:
        """Rebuild and switch to the new site; on failure keep the old one and show the errors. Never raises: MkDocs'
        server would make every request wait for a build that succeeds."""
        collector = _Collector()
        logging.getLogger("mkdocs").addHandler(collector)
        try:
            if config is None:
                if not server.errors and plugin.refresh():
                    return
                config = get_config(sites[1] if server.root == sites[0] else sites[0])
                config.site_url = serve_url
            shutil.rmtree(config.site_dir, ignore_errors=True)
            build(config, serve_url=serve_url)
        except Exception as error:  # MkDocs' Abort too (a ClickException)
            lines = collector.lines
            if not (isinstance(error, Abort) and isinstance(error.__context__, BuildError)):  # else logged already
                lines.append(m.ERROR_LABEL + build_failure_reason(error))
            server.errors = tuple(lines)
            if config is not None and config.site_dir != server.root:
                shutil.rmtree(config.site_dir, ignore_errors=True)
            log.error(m.SERVE_BUILD_FAILED, exc_info=not isinstance(error, MkDocsException))
            return
        finally:
            logging.getLogger("mkdocs").removeHandler(collector)
        old, server.root, server.errors = server.root, config.site_dir, ()
        if old != server.root:
            shutil.rmtree(old, ignore_errors=True)

    server = PreviewServer(builder=builder, host=host, port=port, root=sites[0], mount_path=mount_path)
    server.error_handler = server.error_page
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        server.serve()
    finally:
        server.shutdown()
        config.plugins.on_shutdown()


def content_snapshot(root: Path) -> dict[str, tuple[int, int]]:
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
