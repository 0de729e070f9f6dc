"""A results file's rows between its preview and its import (交办与反馈), kept on the server: too big for the session's
cookie, and a preview that is a POST's answer is what Back cannot show again (Chromium's ERR_CACHE_MISS). So the
upload keeps the rows under a random id and redirects to the preview's own page (a GET, shown again by Back or a
reload), and the import posts only the id.

A preview is a file of mode 0600 in `import-previews/` of the store's folder (QUEUE_DIR's with PostgreSQL), bound
to the account that uploaded it, read for PREVIEW_SECONDS; older ones are deleted when a new one is kept. With
several instances on different machines, a preview made on another one reads as expired (upload again).
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

PREVIEW_SECONDS = 3600
FOLDER = "import-previews"
_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")


def _folder() -> Path:
    settings = current_app.config
    where = location(settings)
    return Path(settings["QUEUE_DIR"] if is_database_url(where) else where) / FOLDER


def keep(by: str, preview: dict[str, Any]) -> str:
    """Keep `preview` (JSON values: the file's name, rows, errors) for the account `by`; its id."""
    folder, moment = _folder(), cases.now().timestamp()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        try:
            if old.stat().st_mtime < moment - PREVIEW_SECONDS:
                old.unlink()
        except FileNotFoundError:  # another request deleted it first
            pass
    ident = secrets.token_urlsafe(18)
    data = json.dumps({"by": by, "until": moment + PREVIEW_SECONDS, "preview": preview}, ensure_ascii=False)
    with os.fdopen(os.open(folder / f"{ident}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(data)
    return ident


def kept(ident: str, by: str) -> dict[str, Any] | None:
    """The preview `ident` the account `by` made, while it lasts; else None (unknown, expired, another's)."""
    if not _ID.match(ident):
        return None
    try:
        data = json.loads((_folder() / f"{ident}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("by") != by or data.get("until", 0) < cases.now().timestamp():
        return None
    return data["preview"]
