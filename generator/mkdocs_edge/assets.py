"""Our own scripts and stylesheets (the theme's `assets/*.js` and `*.css`) minified into the built site, once a build:
the sources in git keep their comments for the next reader, a phone downloads and parses only the code."""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


def minify_theme_assets(files: Files, config: MkDocsConfig) -> None:
    """Replace the content of each script and stylesheet under the custom theme's `assets/` by its minified text
    (MkDocs then writes it instead of copying the source); Material's own files are minified already."""
    if not config.theme.custom_dir:
        return
    assets = Path(config.theme.custom_dir).resolve() / "assets"
    for file in files:
        if file.abs_src_path is None or Path(file.abs_src_path).parent.resolve() != assets:
            continue
        minify = MINIFIERS.get(Path(file.src_uri).suffix)
        if minify is not None:
            file.content_string = minify(file.content_string)
