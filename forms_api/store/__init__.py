"""The store of the event log: one interface (`Store`), one way to open it from the settings (`open_store`).

The back office's accounts have their own interface beside it (`Accounts`, `open_accounts`), kept in the same place.

Today's store is a folder (forms_api/store/folder.py); a second one (PostgreSQL, issue 15) implements the same
`Store` and is chosen here, so that the service, the staff tools, statistics, retention and backups never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forms_api.notify.config import channels
from forms_api.store.accounts import AccountFile, AccountsUnavailable
from forms_api.store.base import Accounts, Decision, QueueMissing, QueueUnavailable, ReplyTemplates, Store
from forms_api.store.folder import EventLog
from forms_api.store.notifying import Notifying
from forms_api.store.templates import TemplateFile

__all__ = [
    "Accounts",
    "AccountsUnavailable",
    "Decision",
    "QueueMissing",
    "QueueUnavailable",
    "ReplyTemplates",
    "Store",
    "open_accounts",
    "open_store",
    "open_templates",
]


def open_store(settings: Mapping[str, Any], *, create: bool = True, freeze_gc_every: int = 0) -> Store:
    """The store the settings name (QUEUE_DIR, QUEUE_FSYNC); `create=False` raises QueueMissing rather than start an
    empty one; `freeze_gc_every` is for the long-running service (see EventLog). With a sender configured
    (NOTIFY_SMS, NOTIFY_EMAIL), every append also appends the notices its events cause."""
    store: Store = EventLog(
        Path(settings["QUEUE_DIR"]),
        fsync=settings["QUEUE_FSYNC"],
        freeze_gc_every=freeze_gc_every,
        create=create,
    )
    on = channels(settings)
    return Notifying(store, on) if on.on else store  # type: ignore[return-value]


def open_accounts(settings: Mapping[str, Any], *, create: bool = True) -> Accounts:
    """The accounts beside the store the settings name (QUEUE_DIR); `create=False` raises QueueMissing when there is
    no queue there (a mistyped --queue)."""
    directory = Path(settings["QUEUE_DIR"])
    if not create and not directory.is_dir():
        raise QueueMissing(str(directory))
    return AccountFile(directory)


def open_templates(settings: Mapping[str, Any]) -> ReplyTemplates:
    """The office's reply templates beside the accounts (QUEUE_DIR)."""
    return TemplateFile(Path(settings["QUEUE_DIR"]))
