"""The PostgreSQL store: the event log as a table shared by every instance of the service (DESIGN.md, Scale).

Rules (the folder store's, forms_api/store/folder.py, kept by the database):

- `events` holds one event a row, its JSON line exactly as the folder store writes it (lines.encode_events), in the
  order of its identity column. The state is folded from it as the folder store folds its file (cases.State.apply)
  and refreshed incrementally: every read folds the rows with an id above the last one folded.
- `append` takes the log's transaction-level advisory lock, catches up with every instance's appends, lets `decide`
  choose the events against that state, inserts them and commits (synchronous_commit: durable when COMMIT returns);
  only then does it return, and the API answer 201. The lock is held until the commit, so appends commit in id
  order and a reader never sees a later id before an earlier one: folding by id misses nothing.
- Group commit, as in the folder store (commit.Groups): threads of one process that append while another one
  commits queue up, and the next leader decides them all in order (each seeing the events decided before it) in ONE
  transaction, ONE commit. A failed commit fails every call of the group; an exception from one `decide` only that
  call. Two round trips a group: BEGIN, the lock and the catch-up in one; the INSERT and COMMIT in another, each one
  simple query with its values bound by psycopg's client-side cursor (each wait for the socket gives up the GIL, and
  a busy service's request threads then hold the leader up). Under load, ONE: when calls are queued for the next
  group, the COMMIT's round trip also begins the next group's transaction (BEGIN, the lock, the catch-up after the
  last id folded before the INSERT), and the next leader goes on with it. The lock is taken again after the COMMIT,
  behind any instance already waiting for it: the catch-up then returns that instance's rows with this group's own
  (skipped: folded already). A rewrite in this process gives such a transaction up before it waits for the lock;
  a `query` of another thread that holds this process's mutex meanwhile keeps other instances waiting that long.
- A rewrite (retention, restore) runs in one transaction under the same lock: rows changed in place (same ids) when
  the count is unchanged, else replaced; either way `log_generation` is bumped and every instance folds anew.
- Any database error (an outage, a restart, a full disk) is `QueueUnavailable`: nothing stored, 503. The pool
  replaces broken connections, so the service resumes by itself when the database is back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from forms_api.cases import State
from forms_api.store import keys, pgdump, pgshared
from forms_api.store.base import Decision, QueueUnavailable
from forms_api.store.commit import Call, FoldedLog
from forms_api.store.files import write_atomically
from forms_api.store.lines import encode_events, parse_line
from forms_api.store.pgdb import LOG_LOCK, Begun, database

# The rows after an id, with the log's generation, in ONE statement (one snapshot): at least one row (NULLs for none).
_CATCH_UP = "SELECT g.generation, e.id, e.line FROM log_generation g LEFT JOIN events e ON e.id > %s ORDER BY e.id"


class PostgresLog(FoldedLog):
    """The event log in the database at `url`, and the state folded from it; thread-safe, one per process is enough.

    `freeze_gc_every`: see commit.FoldedLog."""

    def __init__(
        self, url: str, *, freeze_gc_every: int = 0, key_file: Path | None = None, pg_bin_dir: Path | None = None
    ) -> None:
        super().__init__(freeze_gc_every)
        self._url = url
        self.pg_bin_dir = pg_bin_dir  # pg_dump's folder (pgdump.tool), for backups
        self._db = database(url)
        self._db.require_schema()
        self._key = keys.EvaluationsKey(  # outside the database: a pg_dump never holds it (keys.py)
            key_file,
            f"{self._db.location} (store_keys)",
            lambda: pgshared.store_key(self._db, pgshared.EVALUATIONS_KEY, create=False),
            lambda: pgshared.drop_key(self._db, pgshared.EVALUATIONS_KEY),
        )
        self._last_id = 0
        self._generation: int | None = None
        self._begun: tuple[Begun, int] | None = None  # the next group's transaction, begun ahead; its catch-up's id

    @property
    def location(self) -> str:
        return self._db.location

    @property
    def writable(self) -> bool:
        """Always: a failed commit leaves nothing behind to refuse writes for (the database keeps its own log)."""
        return True

    def _catch_up(self, rows: list[tuple] | None = None, after: int = 0) -> None:
        """Fold the rows committed since the last read (all of them again after a rewrite): `rows`, the catch-up
        query's answer for the rows after `after`, when the caller has them (read under the log's lock), else read
        as one statement of its own."""
        for _ in range(2):
            if rows is None:
                after = self._last_id if self._generation is not None else 0
                rows = self._db.read(_CATCH_UP, (after,))
            if rows[0][0] == self._generation or after == 0:
                break
            self._generation, rows = None, None  # rewritten since: fold anew from the first row
        assert rows is not None
        if rows[0][0] != self._generation:
            self._state, self._last_id, self._generation = State(), 0, rows[0][0]
        for _, row_id, line in rows:
            if row_id is not None and row_id > self._last_id:  # begun ahead: the rows of the group before it too
                self._fold(line.encode("utf-8"))
                self._last_id = row_id

    def _interrupted(self) -> QueueUnavailable:
        return QueueUnavailable(f"the append to {self.location} was interrupted")

    def state(self) -> State:
        """The folded state, caught up; inside `decide`, the state being decided on."""
        with self._hold():
            if self._deciding == threading.get_ident():
                return self._state
            self._catch_up()
        self._freeze_if_due()
        return self._state

    def append(self, decide: Callable[[State], Decision], *, durable: bool = True) -> list[dict]:
        """Append what `decide(state)` returns, decided under the log's advisory lock on the caught-up state; the
        events stored, once committed (`durable=False`: without waiting for the WAL flush, see base.Store.append).
        QueueUnavailable: nothing stored (or, if the connection broke in the COMMIT's round trip, unknown: the next
        read shows it); exceptions from `decide` propagate, nothing written."""
        me = threading.get_ident()
        if self._deciding == me:
            raise RuntimeError("decide must return its events, not write to the log itself")
        if self._holder == me:
            raise RuntimeError("append must not be called from inside query, snapshot or rewrite")
        stored = self._groups.run(Call(decide, durable), self._commit, self._interrupted)
        self._freeze_if_due()
        return stored

    def _commit(self, calls: list[Call]) -> None:
        """Lead one group: decide every call in order and insert their events in one transaction under the lock.

        Every call but the last has its events folded before the next one decides ("ahead"); if the transaction then
        fails, the state is folded anew from the table on the next read. With calls queued for the next group, the
        COMMIT's round trip also begins the next group's transaction (the lock taken again, the rows after the last
        id folded read): the next leader goes on with it, one round trip a group under load."""
        with self._hold():
            begun, self._begun = self._begun, None
            try:
                after = begun[1] if begun else self._last_id if self._generation is not None else 0
                with self._db.locked(LOG_LOCK, _CATCH_UP, (after,), begun and begun[0]) as locked:
                    self._catch_up(locked.rows, after)
                    members = self._decide(calls)
                    payload = b"".join(call.payload for call in members).decode("utf-8")
                    durable = any(call.durable for call in members)
                    ahead = (LOG_LOCK, _CATCH_UP, (self._last_id,)) if self._groups.queued else None
                    ids, following = pgshared.insert_and_commit(self._db, locked, payload[:-1], durable, ahead)
            except BaseException as exc:
                if any(call.stored for call in calls):
                    self._generation = None  # folded ahead: the state holds events the table does not, fold anew
                error = exc if isinstance(exc, QueueUnavailable) else QueueUnavailable(f"cannot append: {exc!r}")
                for call in calls:
                    if not call.settled:
                        call.fail(error)
                if not isinstance(exc, Exception):
                    raise
                return
            if following is not None:
                self._begun = (following, self._last_id)
            self._settle(members)  # committed: no other append came between (the lock)
            if ids:
                self._last_id = max(ids)

    def _release_begun(self) -> None:
        """Give up the next group's transaction begun ahead (under `_hold`): before this thread waits for the lock."""
        if self._begun is not None:
            self._db.release(self._begun[0])
            self._begun = None

    def scan(self) -> Iterator[dict]:
        """Every event in order, from one snapshot of the table."""
        for (line,) in self._db.read("SELECT line FROM events ORDER BY id"):
            event = parse_line(line.encode("utf-8"))
            if event is not None:
                yield event

    def rewrite(self, transform: Callable[[list[dict]], Iterable[dict]]) -> int:
        """Replace the events by `transform(events)` in one transaction under the log's lock; the count."""
        with self._hold():
            self._release_begun()  # it holds the lock: the next leader waits for this thread's _hold
            with self._db.transaction(lock=LOG_LOCK) as conn:
                rows = conn.execute("SELECT id, line FROM events ORDER BY id").fetchall()
                parsed = [(row_id, parse_line(line.encode("utf-8"))) for row_id, line in rows]
                kept = [(row_id, event) for row_id, event in parsed if event is not None]
                new = encode_events(list(transform([event for _, event in kept]))).decode("utf-8").split("\n")[:-1]
                pgshared.replace_lines(conn, rows, kept, new)
                conn.execute("UPDATE log_generation SET generation = generation + 1")
            return len(new)

    def snapshot(self, dest: Path, prefix: Iterable[bytes] = (), *, dump: bool = False) -> int:
        """The events as JSON lines in `dest` (atomically, fsynced, 0600), from one snapshot: byte for byte what
        the folder store writes for the same events; with `dump`, pg_dump's beside it from the same snapshot."""
        if dump:
            lines = pgdump.snapshot(self._url, Path(dest), list(prefix), dump=True, bin_dir=self.pg_bin_dir)
        else:
            lines = [line.encode("utf-8") + b"\n" for (line,) in self._db.read("SELECT line FROM events ORDER BY id")]
            write_atomically(Path(dest), [*prefix, *lines])
        return sum(parse_line(line[:-1]) is not None for line in lines)

    def claims(self) -> contextlib.AbstractContextManager[Callable[[str], bool]]:
        """An advisory lock per notice (pgdb.NOTICE_LOCKS), held until the block ends: workers on any server."""
        return self._db.claims()

    def healthy(self) -> bool:
        """The database answers now."""
        try:
            return self._db.read("SELECT 1") == [(1,)]
        except QueueUnavailable:
            return False
