"""The store of the event log: one interface (`Store`), one way to open it from the settings (`open_store`).

Today's store is a folder (forms_api/store/folder.py); a second one (PostgreSQL, issue 15) implements the same
`Store` and is chosen here, so that the service, the staff tools, statistics, retention and backups never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forms_api.store.base import Decision, QueueMissing, QueueUnavailable, Store
from forms_api.store.folder import EventLog

__all__ = ["Decision", "QueueMissing", "QueueUnavailable", "Store", "open_store"]


def open_store(settings: Mapping[str, Any], *, create: bool = True, freeze_gc_every: int = 0) -> Store:
    """The store the settings name (QUEUE_DIR, QUEUE_FSYNC); `create=False` raises QueueMissing rather than start an
    empty one; `freeze_gc_every` is for the long-running service (see EventLog)."""
    return EventLog(
        Path(settings["QUEUE_DIR"]),
        fsync=settings["QUEUE_FSYNC"],
        freeze_gc_every=freeze_gc_every,
        create=create,
    )
