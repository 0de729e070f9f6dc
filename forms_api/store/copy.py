"""Moving a queue from one store to another (a folder to PostgreSQL when an office outgrows one server, or back), and
upgrading a store's schema: `python -m forms_api store copy | upgrade` (forms_api/staff/stores.py).

A copy takes a consistent snapshot of the source (Store.snapshot), refuses a destination that already holds events,
writes the events through the destination's atomic rewrite, together with the accounts and the reply templates, and
then reads the destination back: the same number of events and the same SHA-256 of their JSON lines, or it fails.
The console's session key is not copied (staff sign in again after a move). The evaluations' key is in neither
store: it stays in its file (EVALUATIONS_KEY_FILE, forms_api/store/keys.py), which both stores use; a key an
earlier version kept inside the source is first moved out into the file beside it.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from forms_api import messages
from forms_api.store.accounts import AccountFile
from forms_api.store.base import Accounts, QueueMissing, QueueUnavailable, ReplyTemplates, Store
from forms_api.store.folder import EventLog
from forms_api.store.lines import encode_events, parse_line
from forms_api.store.pgdb import SCHEMA_VERSION, is_database_url, public_url, upgrade
from forms_api.store.pgshared import PostgresAccounts, PostgresTemplates
from forms_api.store.postgres import PostgresLog
from forms_api.store.templates import TemplateFile


class CopyError(Exception):
    """A copy refused or failed to verify; str(error) is the Chinese message for staff."""


@dataclass
class Copied:
    events: int
    accounts: int
    templates: int
    digest: str  # SHA-256 (hex) of the events' JSON lines, the same on both sides


@dataclass
class Upgraded:
    location: str
    before: int | None  # None: a folder store, nothing to upgrade
    after: int


def _store(location: str, *, create: bool, key_file: Path | None = None) -> Store:
    if is_database_url(location):
        return PostgresLog(location, key_file=key_file)
    return EventLog(Path(location), create=create)


def _accounts(location: str) -> Accounts:
    return PostgresAccounts(location) if is_database_url(location) else AccountFile(Path(location))


def _templates(location: str) -> ReplyTemplates:
    return PostgresTemplates(location) if is_database_url(location) else TemplateFile(Path(location))


def shown(location: str) -> str:
    return public_url(location) if is_database_url(location) else location


def digest(store: Store) -> tuple[int, str, bytes]:
    """A store's events from one snapshot: their count, the SHA-256 of their JSON lines, and the lines."""
    with tempfile.TemporaryDirectory(prefix="mashang-copy-") as folder:
        path = Path(folder) / "events.jsonl"
        store.snapshot(path)
        data = path.read_bytes()
    events = [event for line in data.split(b"\n")[:-1] if (event := parse_line(line)) is not None]
    payload = encode_events(events)
    return len(events), hashlib.sha256(payload).hexdigest(), payload


def copy(source: str, dest: str, *, key_file: Path | None = None) -> Copied:
    """Copy the queue at `source` to `dest` (each a folder or a postgresql:// URL); see the module's docstring.
    `key_file`: the evaluations' key file of a database source (a folder's is beside it)."""
    try:
        origin = _store(source, create=False, key_file=key_file)
    except QueueMissing as exc:
        raise CopyError(messages.STORE_COPY_NO_SOURCE.format(source=shown(source))) from exc
    target = _store(dest, create=True)
    if next(iter(target.scan()), None) is not None:
        raise CopyError(messages.STORE_COPY_NOT_EMPTY.format(dest=shown(dest)))
    count, sha, payload = digest(origin)
    events = [parse_line(line) for line in payload.split(b"\n")[:-1]]
    try:  # moves an earlier version's key out of the source into its key file; never into `dest`
        origin.evaluations_key(create=False)
    except QueueUnavailable:
        pass  # left where it is (no key file, or another key in it): nothing lost, and nothing copied
    target.rewrite(lambda current: events)
    accounts = _accounts(source).all()
    into = _accounts(dest)
    for account in accounts:
        into.change(account.login, lambda current, account=account: account)
    templates = _templates(source).all()
    _templates(dest).change(lambda current: templates)
    found, found_sha, _ = digest(target)
    if (found, found_sha) != (count, sha):
        raise CopyError(messages.STORE_COPY_MISMATCH.format(dest=shown(dest), count=count, found=found))
    return Copied(events=count, accounts=len(accounts), templates=len(templates), digest=sha)


def upgrade_store(location: str) -> Upgraded:
    """Bring the database at `location` to this program's schema (idempotent); a folder needs nothing."""
    if not is_database_url(location):
        return Upgraded(location=location, before=None, after=SCHEMA_VERSION)
    before, after = upgrade(location)
    return Upgraded(location=public_url(location), before=before, after=after)
