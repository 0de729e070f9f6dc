"""What every store of the event log promises (the folder log today, PostgreSQL next: issue 15), and its errors.

Everything outside forms_api/store/ works through `Store` and opens one with `forms_api.store.open_store(settings)`;
nothing else knows which store runs, nor where or how it keeps the events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, TypeVar

from forms_api.accounts.model import Account
from forms_api.accounts.templates import ReplyTemplate
from forms_api.cases import State

Decision = dict | list[dict] | None
T = TypeVar("T")


class QueueUnavailable(Exception):
    """The log cannot be written (disk full, I/O error, failed fsync) or read: the API answers 503."""


class QueueMissing(QueueUnavailable):
    """No log where the settings say (a mistyped --queue): the staff tools refuse rather than show an empty queue."""


class Store(Protocol):
    """The append-only event log of the closed loop and the state folded from it, shared by every process.

    The invariants (unique references, the duplicate window, one evaluation per voter, checked transitions) hold
    because `decide` runs against the current state under the store's exclusive lock, before anything is written.
    """

    @property
    def location(self) -> str:
        """Where the events live, as staff name it in messages (a folder, a database URL)."""
        ...

    @property
    def writable(self) -> bool:
        """False once the store refuses writes until a restart (for /api/health)."""
        ...

    def state(self) -> State:
        """The folded state, caught up with every process's appends."""
        ...

    def query(self, read: Callable[[State], T]) -> T:
        """Run `read` on the caught-up state while no other thread of this process changes it."""
        ...

    def append(self, decide: Callable[[State], Decision], *, durable: bool = True) -> list[dict]:
        """Durably append the events `decide(state)` returns, decided under the exclusive lock; the events stored.

        `durable=False` (the notification worker's records): stored and visible to every reader at once, and kept if
        the process dies, but not waited for on disk (no fsync; PostgreSQL: no wait for the WAL flush), so a power
        cut may lose them until the log's next durable append or sync; for events whose loss only repeats work."""
        ...

    def scan(self) -> Iterator[dict]:
        """Every event, lock-free and tolerant (may stop short of an append in progress): for reports and previews."""
        ...

    def rewrite(self, transform: Callable[[list[dict]], Iterable[dict]]) -> int:
        """Replace every event by `transform(events)` under the exclusive lock, atomically (retention, restore)."""
        ...

    def snapshot(self, dest: Path, prefix: Iterable[bytes] = (), *, dump: bool = False) -> int:
        """A consistent copy of the events as JSON lines in the file `dest`, after the lines `prefix` (a backup);
        with `dump`, a store with a native dump writes it beside `dest` from the same snapshot (PostgreSQL:
        pg_dump's custom format in `dest` with the suffix `.pgdump`, forms_api/store/pgdump.py)."""
        ...

    def healthy(self) -> bool:
        """The store can take one more of the largest submissions now."""
        ...

    def claims(self) -> AbstractContextManager[Callable[[str], bool]]:
        """The notification worker's claims for one run: `claim(notice_id)` is True when this run may send the
        notice, False while another worker holds it; a claim lasts until the block ends or its worker dies, so two
        workers never send one notice at once (forms_api/notify/worker.py). The folder: one run at a time per queue
        (a lock file beside the log); PostgreSQL: an advisory lock per notice, so workers on several servers share
        the outbox."""
        ...

    @property
    def evaluations_key_file(self) -> Path | None:
        """The file holding the evaluations' key, outside the store (forms_api/store/keys.py)."""
        ...

    def evaluations_key(self, *, create: bool = True) -> str | None:
        """The secret (hex) behind the evaluations' voter hashes, kept in `evaluations_key_file`, never with the
        events; None if none yet."""
        ...

    def install_evaluations_key(self, text: str) -> None:
        """Put a key (from an earlier version's backup, which carried it) into `evaluations_key_file`."""
        ...


class Accounts(Protocol):
    """The back office's accounts, kept beside the event log (never in git), shared by every process.

    A change is decided against the current record under the store's exclusive lock (`change`), as appends are.
    """

    @property
    def location(self) -> str:
        """Where the accounts live, as staff name it in messages."""
        ...

    def get(self, login: str) -> Account | None:
        """The account `login` as stored now (read on every request: a disabled account stops at once)."""
        ...

    def all(self) -> list[Account]:
        """Every account, by login."""
        ...

    def change(self, login: str, decide: Callable[[Account | None], Account | None]) -> Account | None:
        """Store what `decide(current or None)` returns for `login` (None: leave it as it is), under the exclusive
        lock; the account as stored. Exceptions from `decide` propagate, nothing written."""
        ...

    def secret_key(self) -> str:
        """The secret (hex) that signs the console's session cookies, created on first use."""
        ...


class ReplyTemplates(Protocol):
    """The office's reply templates (答复模板), kept beside the accounts, shared by every process."""

    @property
    def location(self) -> str:
        """Where the templates live, as staff name it in messages."""
        ...

    def all(self) -> list[ReplyTemplate]:
        """Every template, in the office's order."""
        ...

    def change(self, decide: Callable[[list[ReplyTemplate]], list[ReplyTemplate] | None]) -> list[ReplyTemplate]:
        """Store what `decide(current)` returns (None: leave them), under the exclusive lock; the list as stored.
        Exceptions from `decide` propagate, nothing written."""
        ...
