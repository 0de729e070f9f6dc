"""The store of the event log: one interface (`Store`), one way to open it from the settings (`open_store`).

The back office's accounts have their own interface beside it (`Accounts`, `open_accounts`), kept in the same place.

Two stores implement them: a folder (forms_api/store/folder.py, the default) and PostgreSQL
(forms_api/store/postgres.py, pgshared.py), chosen here by ONE setting, `QUEUE_URL` (`postgresql://...` or a folder;
empty: `QUEUE_DIR`), so that the service, the staff tools, statistics, retention and backups never know which runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forms_api.notify.config import channels
from forms_api.store.accounts import AccountFile, AccountsUnavailable
from forms_api.store.base import Accounts, Decision, QueueMissing, QueueUnavailable, ReplyTemplates, Store
from forms_api.store.folder import EventLog, default_key_file
from forms_api.store.notifying import Notifying
from forms_api.store.pgdb import SchemaOutdated, database, is_database_url
from forms_api.store.pgshared import PostgresAccounts, PostgresTemplates
from forms_api.store.postgres import PostgresLog
from forms_api.store.templates import TemplateFile

__all__ = [
    "Accounts",
    "AccountsUnavailable",
    "Decision",
    "QueueMissing",
    "QueueUnavailable",
    "ReplyTemplates",
    "SchemaOutdated",
    "Store",
    "check_store",
    "evaluations_key_file",
    "open_accounts",
    "open_store",
    "open_templates",
]


def location(settings: Mapping[str, Any]) -> str:
    """The store the settings name: QUEUE_URL when set (a database URL or a folder), else QUEUE_DIR."""
    return str(settings.get("QUEUE_URL") or settings["QUEUE_DIR"])


def evaluations_key_file(settings: Mapping[str, Any]) -> Path | None:
    """The file of the evaluations' key (forms_api/store/keys.py): EVALUATIONS_KEY_FILE when set, else
    `evaluations.key` beside the queue folder (QUEUE_DIR's for a database), never inside it."""
    if settings.get("EVALUATIONS_KEY_FILE"):
        return Path(settings["EVALUATIONS_KEY_FILE"])
    where = location(settings)
    folder = settings.get("QUEUE_DIR") if is_database_url(where) else where
    return None if not folder else default_key_file(Path(folder))


def open_store(settings: Mapping[str, Any], *, create: bool = True, freeze_gc_every: int = 0) -> Store:
    """The store the settings name (QUEUE_URL or QUEUE_DIR, QUEUE_FSYNC, EVALUATIONS_KEY_FILE); `create=False`
    raises QueueMissing rather than start an empty folder; `freeze_gc_every` is for the long-running service (see
    EventLog). A database whose schema is older than this program's raises SchemaOutdated (a QueueUnavailable). With
    a sender configured (NOTIFY_SMS, NOTIFY_EMAIL), every append also appends the notices its events cause."""
    where = location(settings)
    key_file = evaluations_key_file(settings)
    store: Store
    if is_database_url(where):
        bin_dir = Path(settings["PG_BIN_DIR"]) if settings.get("PG_BIN_DIR") else None
        store = PostgresLog(where, freeze_gc_every=freeze_gc_every, key_file=key_file, pg_bin_dir=bin_dir)
    else:
        fsync = settings["QUEUE_FSYNC"]
        store = EventLog(Path(where), fsync=fsync, freeze_gc_every=freeze_gc_every, create=create, key_file=key_file)
    on = channels(settings)
    return Notifying(store, on) if on.on else store  # type: ignore[return-value]


def open_accounts(settings: Mapping[str, Any], *, create: bool = True) -> Accounts:
    """The accounts beside the store the settings name; `create=False` raises QueueMissing when there is no queue
    folder there (a mistyped --queue)."""
    where = location(settings)
    if is_database_url(where):
        return PostgresAccounts(where)
    directory = Path(where)
    if not create and not directory.is_dir():
        raise QueueMissing(str(directory))
    return AccountFile(directory)


def open_templates(settings: Mapping[str, Any]) -> ReplyTemplates:
    """The office's reply templates beside the accounts."""
    where = location(settings)
    return PostgresTemplates(where) if is_database_url(where) else TemplateFile(Path(where))


def check_store(settings: Mapping[str, Any]) -> None:
    """At the service's start: SchemaOutdated when the settings name a database with an older schema (the service
    must not start); nothing when the database cannot be reached now (requests get 503 until it can)."""
    where = location(settings)
    if not is_database_url(where):
        return
    try:
        database(where).require_schema()
    except SchemaOutdated:
        raise
    except QueueUnavailable:
        pass
