"""The built site and the form service on one origin, for the README's run command and the end-to-end tests.

In production nginx serves the static site and proxies /api/ to gunicorn (deploy/); this does the same job in one
process so that one command shows the whole product on localhost.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from forms_api.app import create_app

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class StaticSite:
    """WSGI middleware: paths under /api and /staff (the back office) go to the app, every other path to a file of the
    built site."""

    def __init__(self, app: WSGIApp, site_dir: Path) -> None:
        self.app = app
        self.site_dir = Path(site_dir).resolve()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path in ("/api", "/staff") or path.startswith(("/api/", "/staff/")):
            return self.app(environ, start_response)
        request = Request(environ)
        if request.method not in ("GET", "HEAD"):
            return Response("Method Not Allowed", 405, {"Allow": "GET, HEAD"})(environ, start_response)
        return self._file(path, environ)(environ, start_response)

    def _folder_location(self, folder: str) -> str:
        """The Location of a folder: from its normalised path under the site, percent-encoded, never from the
        request's spelling. "/%09/host/../.." was answered "/<tab>/host/../../", "/%5Chost/.." "/<backslash>host/../":
        browsers drop tabs and line breaks and read a backslash as a slash, so both went to "//host/", another site."""
        relative = Path(folder).relative_to(self.site_dir).as_posix()
        return "/" if relative == "." else "/" + quote(relative) + "/"

    def _file(self, path: str, environ: dict) -> Response:
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        resolved = safe_join(str(self.site_dir), relative)
        if resolved and os.path.isdir(resolved):
            return Response(status=301, headers={"Location": self._folder_location(resolved)})
        status = 200
        if not resolved or not os.path.isfile(resolved):
            resolved, status = str(self.site_dir / "404.html"), 404
            if not os.path.isfile(resolved):
                return Response("Not Found", 404, mimetype="text/plain")
        content_type = mimetypes.guess_type(resolved)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        handle = open(resolved, "rb")  # noqa: SIM115 - closed by the WSGI server through wrap_file
        body = wrap_file(environ, handle)
        response = Response(body, status=status, content_type=content_type, direct_passthrough=True)
        response.headers["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def create_site_app(site_dir: str = "site") -> WSGIApp:
    """`gunicorn 'forms_api.site:create_site_app("site")'`: the form service with the built site around it."""
    site = Path(site_dir).resolve()
    app = create_app({"SITE_DIR": str(site)} if "FORMS_SITE_DIR" not in os.environ else None)
    return StaticSite(app, site)
