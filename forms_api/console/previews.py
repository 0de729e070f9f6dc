"""A results file's rows between its preview and its import (交办与反馈), kept on the server: too big for the session's
cookie, and a preview that is a POST's answer is what Back cannot show again (Chromium's ERR_CACHE_MISS). So the
upload keeps the rows under a random id and redirects to the preview's own page (a GET, shown again by Back or a
reload), and the import posts only the id.

A preview is bound to the account that uploaded it and read for PREVIEW_SECONDS; older ones are deleted when a new
one is kept. It is kept where the store keeps its documents: with PostgreSQL in the database (every instance shows
it, store/pgshared.PostgresPreviews), with a queue folder as a file of mode 0600 in its `import-previews/`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from flask import current_app

from forms_api import cases
from forms_api.store import location
from forms_api.store.pgdb import is_database_url
from forms_api.store.pgshared import PostgresPreviews

PREVIEW_SECONDS = 3600
FOLDER = "import-previews"
_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")


class _PreviewFolder:
    """The previews of a queue folder: one file each in `import-previews/`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER

    def put(self, ident: str, record: dict, expired_before: float) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in self.folder.glob("*.json"):
            try:
                if old.stat().st_mtime < expired_before:
                    old.unlink()
            except FileNotFoundError:  # another request deleted it first
                pass
        data = json.dumps(record, ensure_ascii=False)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with os.fdopen(os.open(self.folder / f"{ident}.json", flags, 0o600), "w") as out:
            out.write(data)

    def get(self, ident: str) -> object:
        try:
            return json.loads((self.folder / f"{ident}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _previews() -> _PreviewFolder | PostgresPreviews:
    where = location(current_app.config)
    return PostgresPreviews(where) if is_database_url(where) else _PreviewFolder(Path(where))


def keep(by: str, preview: dict[str, Any]) -> str:
    """Keep `preview` (JSON values: the file's name, rows, errors) for the account `by`; its id."""
    moment = cases.now().timestamp()
    ident = secrets.token_urlsafe(18)
    _previews().put(ident, {"by": by, "until": moment + PREVIEW_SECONDS, "preview": preview}, moment - PREVIEW_SECONDS)
    return ident


def kept(ident: str, by: str) -> dict[str, Any] | None:
    """The preview `ident` the account `by` made, while it lasts; else None (unknown, expired, another's)."""
    if not _ID.match(ident):
        return None
    data = _previews().get(ident)
    if not isinstance(data, dict) or data.get("by") != by or data.get("until", 0) < cases.now().timestamp():
        return None
    return data["preview"]
