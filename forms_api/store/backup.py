"""Backup and restore of the queue, the form service's only state, while the service runs.

- A backup is `Store.snapshot`: the log's complete lines copied under the shared lock (so no append is half in it,
  and every append acknowledged before it began is in it), written through a temporary file, fsynced, mode 0600.
  It is a JSON Lines file like the log itself: `mashang-queue-YYYYMMDDTHHMMSS.jsonl`.
- A restore replaces the log with a backup through `Store.rewrite`: under the exclusive lock, atomically. It refuses
  when the queue holds an event the backup does not (the queue is newer: restoring would lose those) unless forced.
  Events are compared by type, ref, time and actor, so a queue anonymised since the backup does not count as newer.
- The key of the yearly evaluations (`Store.evaluations_key`) is NEVER in a backup (issue 13): it stays in its own file
  (`Store.evaluations_key_file`, forms_api/store/keys.py), which the operator copies apart. A restore says whether that
  file is in place: without it, this year's evaluations restored could not be told from new ones by the same phone.
  A backup made by an earlier version carries the key as its first line, `{"key": "<hex>", "type": "evaluations_key"}`;
  a restore of it still puts the key into the key file (and never into the log), and says the old backup should go.
- The back office's accounts and reply templates (beside the queue) travel the same way, when given: one line each,
  `{"type": "accounts", "accounts": [...]}` and `{"type": "reply_templates", "templates": [...]}`. A restore puts
  back every account of the backup (an account made since, under another login, stays) and the templates.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from forms_api import messages
from forms_api.accounts.model import Account
from forms_api.accounts.templates import ReplyTemplate
from forms_api.cases import fold
from forms_api.store import pgdump
from forms_api.store.base import Accounts, QueueUnavailable, ReplyTemplates, Store
from forms_api.store.keys import valid_key
from forms_api.store.lines import encode_events, parse_line
from forms_api.store.pgdb import is_database_url, public_url

PREFIX = "mashang-queue-"
SUFFIX = ".jsonl"
KEY_TYPE = "evaluations_key"
DOCUMENTS = {"accounts": "accounts", "reply_templates": "templates"}  # a document line's type -> its list's key
_NAME_RE = re.compile(rf"^{re.escape(PREFIX)}\d{{8}}T\d{{6}}(?:-\d+)?{re.escape(SUFFIX)}$")


class BackupError(Exception):
    """A backup cannot be made or used; str(error) is the Chinese message for staff."""


class NewerQueue(BackupError):
    """The queue holds events the backup lacks: restoring would lose them."""


@dataclass
class Contents:
    events: int
    submissions: int
    evaluations: int = 0
    accounts: int = 0
    templates: int = 0
    dump: Path | None = None  # the PostgreSQL store's pg_dump beside the JSON lines (pgdump.py)


def contents(events: list[dict]) -> Contents:
    """What a list of events holds, for the staff's report of a backup or a restore."""
    state = fold(events)
    return Contents(events=len(events), submissions=len(state.submissions), evaluations=len(state.evaluations))


def document_line(kind: str, items: list[dict]) -> bytes:
    line = json.dumps({DOCUMENTS[kind]: items, "type": kind}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return line.encode("utf-8") + b"\n"


def split_documents(events: list[dict], path: Path) -> tuple[dict[str, list], list[dict]]:
    """The accounts and templates a backup carries (by line type) and its lines without them."""
    found: dict[str, list] = {}
    rest = []
    for number, event in enumerate(events, start=1):
        kind = event.get("type")
        if kind not in DOCUMENTS:
            rest.append(event)
        elif kind in found or not isinstance(event.get(DOCUMENTS[kind]), list):
            raise BackupError(messages.BACKUP_DAMAGED.format(path=path, line=number))
        else:
            found[kind] = event[DOCUMENTS[kind]]
    return found, rest


def split_key(events: list[dict], path: Path) -> tuple[str | None, list[dict]]:
    """The evaluations key a backup carries (None for none) and its events without it (and without documents)."""
    key = None
    rest = []
    for number, event in enumerate(split_documents(events, path)[1], start=1):
        if event.get("type") != KEY_TYPE:
            rest.append(event)
        elif key is None and valid_key(event.get("key")):
            key = event["key"]
        else:
            raise BackupError(messages.BACKUP_DAMAGED.format(path=path, line=number))
    return key, rest


def target_path(dest: Path, moment: datetime) -> Path:
    """Where a backup goes: a new time-stamped file in the folder `dest` (created if missing) when `dest` is a folder or
    has no suffix; else the file `dest` itself (`backup.jsonl`)."""
    if dest.suffix and not dest.is_dir():
        return dest
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = f"{PREFIX}{moment:%Y%m%dT%H%M%S}"
    path, n = dest / f"{stem}{SUFFIX}", 1
    while path.exists():
        path, n = dest / f"{stem}-{n}{SUFFIX}", n + 1
    return path


def backup(
    store: Store,
    dest: Path,
    moment: datetime,
    *,
    accounts: Accounts | None = None,
    templates: ReplyTemplates | None = None,
) -> tuple[Path, Contents]:
    """Snapshot `store` (with the accounts and templates given) into `dest` (a file, or a folder for a time-stamped
    file); read it back to count, check it."""
    path = target_path(Path(dest), moment)
    try:  # an earlier version's key, still inside the store, leaves it before any dump (keys.py)
        store.evaluations_key(create=False)
    except QueueUnavailable:
        pass  # left where it is: the JSON lines never hold it; the service's log says why it cannot move
    try:
        prefix = []
        if accounts is not None and (kept := [found.to_json() for found in accounts.all()]):
            prefix.append(document_line("accounts", kept))
        if templates is not None and (kept := [found.to_json() for found in templates.all()]):
            prefix.append(document_line("reply_templates", kept))
    except QueueUnavailable as exc:
        raise BackupError(messages.BACKUP_KEY_UNREADABLE.format(reason=exc)) from exc
    try:
        store.snapshot(path, prefix=prefix, dump=True)
    except OSError as exc:
        raise BackupError(messages.BACKUP_WRITE_FAILED.format(path=path, reason=exc.strerror or exc)) from exc
    except pgdump.ToolMissing as exc:
        raise BackupError(messages.PG_TOOL_MISSING.format(tool=exc.tool, major=exc.major)) from exc
    except QueueUnavailable as exc:
        raise BackupError(messages.BACKUP_DUMP_FAILED.format(reason=exc)) from exc
    lines = load(path)
    found, documents = contents(split_key(lines, path)[1]), split_documents(lines, path)[0]
    found.accounts, found.templates = len(documents.get("accounts", [])), len(documents.get("reply_templates", []))
    found.dump = pgdump.dump_path(path) if pgdump.dump_path(path).is_file() else None
    return path, found


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (by their time-stamped names) in `folder`; return the deleted ones."""
    backups = sorted(path for path in folder.iterdir() if _NAME_RE.match(path.name) and path.is_file())
    old = backups[: max(len(backups) - keep, 0)]
    for path in old:
        path.unlink()
        pgdump.dump_path(path).unlink(missing_ok=True)
    return old


def load(path: Path) -> list[dict]:
    """Every event of a backup file; BackupError if it cannot be read or any line is not an event (a damaged copy)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BackupError(messages.BACKUP_READ_FAILED.format(path=path, reason=exc.strerror or exc)) from exc
    if data and not data.endswith(b"\n"):
        raise BackupError(messages.BACKUP_DAMAGED.format(path=path, line=data.count(b"\n") + 1))
    events = []
    for number, line in enumerate(data.split(b"\n")[:-1], start=1):
        event = parse_line(line)
        if event is None:
            raise BackupError(messages.BACKUP_DAMAGED.format(path=path, line=number))
        events.append(event)
    return events


def _identity(event: dict) -> tuple:
    return tuple(str(event.get(key)) for key in ("type", "ref", "at", "by"))


@dataclass
class Restored:
    path: Path
    contents: Contents
    replaced: int  # events in the queue before
    lost: int  # of those, events the backup did not hold (only with force)
    key_missing: bool = False  # evaluations restored, but no key file for them (store.evaluations_key_file)
    key_from_backup: bool = False  # an earlier version's backup carried the key: put into the key file
    accounts: int = 0  # back-office accounts put back
    templates: int = 0  # reply templates put back


def read_backup(path: Path, *, force: bool = False) -> list[dict]:
    """The lines of the backup at `path` to restore, read before any queue is opened (so a refused file leaves no new
    folder behind); BackupError if damaged, or if it holds nothing at all (a copy cut short) unless `force`."""
    lines = load(path)
    if not lines and not force:
        raise BackupError(messages.BACKUP_NOTHING.format(path=path, size=Path(path).stat().st_size))
    return lines


def restore(
    store: Store,
    path: Path,
    lines: list[dict],
    *,
    force: bool = False,
    accounts: Accounts | None = None,
    templates: ReplyTemplates | None = None,
) -> Restored:
    """Replace the events of `store` by the backup at `path`, whose `lines` `read_backup` read (and put back the
    accounts and templates it holds into those given); see the module's docstring."""
    documents, _ = split_documents(lines, Path(path))
    try:
        kept = [Account.from_json(item) for item in documents.get("accounts", [])]
        written = [ReplyTemplate.from_json(item) for item in documents.get("reply_templates", [])]
    except ValueError as exc:
        raise BackupError(messages.BACKUP_DAMAGED.format(path=path, line=1)) from exc
    key, events = split_key(lines, Path(path))
    result = Restored(path=Path(path), contents=contents(events), replaced=0, lost=0)

    def transform(current: list[dict]) -> list[dict]:
        newer = Counter(map(_identity, current)) - Counter(map(_identity, events))
        result.replaced, result.lost = len(current), sum(newer.values())
        if newer and not force:
            latest = max((event.get("at") or "" for event in current if _identity(event) in newer), default="")
            raise NewerQueue(messages.RESTORE_NEWER.format(count=result.lost, latest=latest, queue=store.location))
        if key is not None:  # under the log's lock, once the restore is sure to go ahead
            try:
                store.install_evaluations_key(key)
                result.key_from_backup = True
            except OSError as exc:
                reason = exc.strerror or exc
                raise BackupError(messages.BACKUP_WRITE_FAILED.format(path=store.location, reason=reason)) from exc
        return events

    store.rewrite(transform)
    for found in kept if accounts is not None else []:
        accounts.change(found.login, lambda current, found=found: found)
        result.accounts += 1
    if templates is not None and written:
        templates.change(lambda current: written)
        result.templates = len(written)
    if key is None and result.contents.evaluations:
        try:
            result.key_missing = store.evaluations_key(create=False) is None
        except QueueUnavailable:
            result.key_missing = True
    return result


def is_dump(path: Path) -> bool:
    """Whether a backup file is the PostgreSQL store's pg_dump (restored by `restore_dump`)."""
    return Path(path).suffix == pgdump.SUFFIX


def _current_events(url: str) -> list[dict]:
    """The events in the database at `url`, none when it has no store schema yet (a new database)."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('events')").fetchone() == (None,):
                return []
            rows = conn.execute("SELECT line FROM events ORDER BY id").fetchall()
    except psycopg.Error as exc:
        raise QueueUnavailable(str(exc)) from exc
    return [event for (line,) in rows if (event := parse_line(line.encode("utf-8"))) is not None]


def restore_dump(url: str, path: Path, *, force: bool = False, bin_dir: Path | None = None) -> Restored:
    """Replace the database at `url` (schema, events, accounts, templates) by the pg_dump at `path`, then check the
    restored events against the JSON lines of the same backup beside it, byte for byte. As `restore`, refuses when
    the database holds events that backup lacks (or any event, when the JSON lines are missing) unless forced."""
    path = Path(path)
    if not is_database_url(url):
        raise BackupError(messages.RESTORE_DUMP_NEEDS_DATABASE.format(path=path))
    beside = path.with_suffix(SUFFIX)
    lines = load(beside) if beside.is_file() else None
    expected = None if lines is None else split_key(lines, beside)[1]
    current = _current_events(url)
    newer = Counter(map(_identity, current)) - Counter(map(_identity, expected or []))
    lost = sum(newer.values())
    if lost and not force:
        latest = max((event.get("at") or "" for event in current if _identity(event) in newer), default="")
        raise NewerQueue(messages.RESTORE_NEWER.format(count=lost, latest=latest, queue=public_url(url)))
    try:
        pgdump.restore(url, path, bin_dir=bin_dir)
    except pgdump.ToolMissing as exc:
        raise BackupError(messages.PG_TOOL_MISSING.format(tool=exc.tool, major=exc.major)) from exc
    except QueueUnavailable as exc:
        raise BackupError(messages.RESTORE_DUMP_FAILED.format(path=path, reason=exc)) from exc
    restored = _current_events(url)
    if expected is not None and encode_events(restored) != encode_events(expected):
        raise BackupError(messages.RESTORE_DUMP_MISMATCH.format(path=path, beside=beside))
    return Restored(path=path, contents=contents(restored), replaced=len(current), lost=lost)
