"""The folder store: the event log as an append-only JSON Lines file shared by every process of the service.

Rules (see ../shared/research/reliability.md):

- Writers take an exclusive `flock` on the sidecar `events.lock` (never on the data file: a rewrite's `os.replace`
  would swap the inode under waiting writers), catch up on what other processes appended, let `decide` choose the
  events against that current state, write them with ONE `os.write` on an O_APPEND descriptor, then `fsync`. Only
  then does `append` return, and only then may the API answer 201.
- Group commit: threads of one process that call `append` while another one is writing queue up; the next of them to
  lead takes every queued call, runs each `decide` in order (each sees the events decided before it in the group),
  writes the group's events with ONE `os.write` and fsyncs ONCE, all under the lock, and only then does any call of
  the group return. The group shares one fate: a failed write or fsync fails every call in it (nothing returned as
  stored that is not durable); an exception from one `decide` fails that call only.
- Disk full or a short write: the file is truncated back to its size before the write, so it always ends on a whole
  line, and `QueueUnavailable` is raised (503) to every call of the group; a later append works once space is freed.
  After a failed write the log commits one call at a time until a write succeeds again.
- A failed `fsync` is never retried: the kernel may already have dropped the dirty pages and marked them clean, so a
  second fsync would "succeed" without the data. This EventLog then refuses every further write until the process
  makes a new one (a restart).
- A crash mid-write can leave a torn last line without "\n". Readers stop at the last complete line. The next writer,
  under the lock, fences it off by writing "\n": the torn bytes become one line that every reader skips (counted in
  `State.skipped_lines`), or, if they were a whole record that only lacked its "\n", that record. Nothing is truncated.
- `state()` reads under a shared `flock`, so it never sees a write in progress nor bytes that are about to be
  truncated back; it waits at most for one append's fsync.
- Local file systems only: O_APPEND and flock are not reliable on NFS. Several hosts need another backend (DESIGN.md).
- Rewrites (archiving, anonymising) go through a temporary file, fsync, `os.replace`, fsync of the folder; every
  EventLog notices the new inode and folds the new file from the start.
- The key of the yearly evaluations lives in a file OUTSIDE the folder (forms_api/store/keys.py), never in a backup.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from forms_api.cases import State
from forms_api.store import keys
from forms_api.store.base import Decision, QueueMissing, QueueUnavailable
from forms_api.store.commit import Call, FoldedLog
from forms_api.store.files import create_private, fsync_dir, has_room, held, locked, write_atomically
from forms_api.store.lines import complete_lines, encode_events, parse_line, read_events

LOG_NAME = "events.jsonl"
LOCK_NAME = "events.lock"
CLAIMS_NAME = "notify.lock"  # the notification worker's: one run at a time per queue
# Write errors after which the file is still trustworthy: truncate back and accept writes again later.
_RECOVERABLE_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
READ_AHEAD = 4 << 20  # bytes a reader takes under the shared lock before it folds them
HEALTH_MIN_FREE_BYTES = 16 * 1024  # a submission of MAX_TEXT characters is at most ~9 KB on disk


def default_key_file(directory: Path) -> Path:
    """Where the evaluations' key of the queue folder `directory` lives unless a setting says: beside it, not in it."""
    return Path(directory).absolute().parent / keys.KEY_NAME


def _unlink_durably(path: Path) -> None:
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


class EventLog(FoldedLog):
    """The append-only log in `directory` (events.jsonl + events.lock), and the state folded from it.

    One instance per process is enough; its methods are thread-safe, and concurrent appends from its threads share
    writes and fsyncs (group commit). `fsync=False` is for tests and benchmarks only; `freeze_gc_every`: see
    commit.FoldedLog.
    """

    def __init__(
        self,
        directory: Path,
        *,
        fsync: bool = True,
        freeze_gc_every: int = 0,
        create: bool = True,
        key_file: Path | None = None,
    ) -> None:
        super().__init__(freeze_gc_every)
        self.directory = Path(directory)
        old_key = self.directory / keys.KEY_NAME  # where an earlier version kept it
        self._key = keys.EvaluationsKey(
            key_file or default_key_file(self.directory),
            str(old_key),
            lambda: keys.read_key_file(old_key),
            lambda: _unlink_durably(old_key),
        )
        self.path = self.directory / LOG_NAME
        self.lock_path = self.directory / LOCK_NAME
        self.fsync = fsync
        self._failure: str | None = None
        self._offset = 0  # bytes folded into _state: always the end of a complete line
        self._file_id: tuple[int, int] | None = None
        self._singly = False  # group commit one call at a time, after a failed write
        if not create:
            if not self.path.is_file():  # creating it would hide a mistyped folder behind an empty queue
                raise QueueMissing(str(self.directory))
            return
        try:
            create_private(self.directory, self.lock_path, self.path)
        except OSError as exc:
            raise QueueUnavailable(f"cannot create the event log in {self.directory}: {exc}") from exc

    @property
    def writable(self) -> bool:
        """False after a failed fsync (for /api/health): every append raises QueueUnavailable until a restart."""
        return self._failure is None

    @property
    def failure(self) -> str | None:
        return self._failure

    @property
    def location(self) -> str:
        return str(self.directory)

    def scan(self) -> Iterator[dict]:
        """Every event without taking the lock (the folder may sit on a read-only mount): complete lines only."""
        return read_events(self.path)

    def healthy(self) -> bool:
        """Writable, the folder takes a probe file now, and there is room for one more of the largest records."""
        try:
            return self.writable and has_room(self.directory, HEALTH_MIN_FREE_BYTES)
        except OSError:
            return False

    @contextlib.contextmanager
    def claims(self) -> Iterator[Callable[[str], bool]]:
        """One worker's run at a time (a second one waits for the first's to end): every notice is this run's."""
        with held(self.directory / CLAIMS_NAME):
            yield lambda notice_id: True

    def _locked(self, operation: int, data_flags: int) -> contextlib.AbstractContextManager[int]:
        """The sidecar flock held and a fresh descriptor of the data file (files.locked)."""
        return locked(self.lock_path, self.path, operation, data_flags)

    def _catch_up(self, fd: int) -> int:
        """Fold the complete lines appended since the last read, as they are read (the lock held); return the file's
        size."""
        size = self._size_from(fd)
        if size > self._offset:
            self._fold_lines(complete_lines(fd, self._offset, size))
        return size

    def _size_from(self, fd: int) -> int:
        """The file's size; the state emptied first if the file is new or was rewritten."""
        stat = os.fstat(fd)
        file_id = (stat.st_dev, stat.st_ino)
        if file_id != self._file_id or stat.st_size < self._offset:  # first read, or the file was rewritten
            self._state, self._offset, self._file_id = State(), 0, file_id
        return stat.st_size

    def _new_lines(self, fd: int) -> tuple[int, list[tuple[bytes, int]]]:
        """The file's size and the complete lines appended since the last read, about READ_AHEAD bytes of them at
        most, each with the offset past it (the state emptied first if the file is new or was rewritten)."""
        size = self._size_from(fd)
        if size == self._offset:  # nothing new (the usual case for a lone writer)
            return size, []
        end = min(size, self._offset + READ_AHEAD)
        lines = list(complete_lines(fd, self._offset, end))
        if not lines and end < size:  # one line longer than READ_AHEAD
            lines = list(complete_lines(fd, self._offset, size))
        return size, lines

    def _fold_lines(self, lines: Iterable[tuple[bytes, int]]) -> None:
        for line, end in lines:
            self._fold(line)
            self._offset = end

    def state(self) -> State:
        """Catch up and return the folded state: the new lines are read under a shared flock, a few MB at a time, and
        folded after it is released, so that a reader (the notification worker runs at a lower priority) never holds
        up an append for longer than a read of the file.

        The State is live: this instance's next call updates it. Threads sharing an instance should read it through
        `query` instead. Inside `decide` this returns the state being decided on, without locking again.
        """
        with self._hold():
            if self._deciding == threading.get_ident():
                return self._state
            try:
                while True:
                    with self._locked(fcntl.LOCK_SH, os.O_RDONLY) as fd:
                        size, lines = self._new_lines(fd)
                    self._fold_lines(lines)
                    if self._offset >= size or not lines:
                        break
            except OSError as exc:
                raise QueueUnavailable(f"cannot read {self.path}: {exc}") from exc
            self._freeze_if_due()
            return self._state

    def append(self, decide: Callable[[State], Decision], *, durable: bool = True) -> list[dict]:
        """Append the events `decide(state)` returns (a dict, a list, or None/[] for nothing) durably (`durable=False`:
        without waiting for the fsync, see base.Store.append; a durable call in its group fsyncs them all).

        `decide` runs under the exclusive lock against the state with every other process's appends and the events
        decided before it in its group, so its checks (cases.check, duplicates, next_ref) hold when the events are
        written; it must not do I/O and may run in the group leader's thread. Returns the events as stored once the
        group is fsynced. QueueUnavailable: nothing stored (or, after a failed fsync, unknown); exceptions from
        `decide` propagate, nothing of that call written."""
        if self._holder == threading.get_ident() and self._deciding != threading.get_ident():
            raise RuntimeError("append must not be called from inside query, snapshot or rewrite")
        self._check_writable()
        stored = self._groups.run(Call(decide, durable), self._commit, self._interrupted)
        self._freeze_if_due()
        return stored

    def _interrupted(self) -> QueueUnavailable:
        return QueueUnavailable(f"the append to {self.path} was interrupted")

    def _commit(self, calls: list[Call]) -> None:
        """Lead one group: decide, write and fsync the queued calls under the exclusive lock; record each outcome."""
        with self._hold():
            try:
                self._check_writable()
                with self._locked(fcntl.LOCK_EX, os.O_RDWR | os.O_APPEND) as fd:
                    size = self._catch_up(fd)
                    if size > self._offset:  # a torn tail: a writer died mid-write (we hold the lock, nobody writes)
                        self._write(fd, b"\n", size)
                        size = self._catch_up(fd)
                    for group in [[call] for call in calls] if self._singly else [calls]:
                        size = self._commit_group(fd, group, size)
            except (OSError, QueueUnavailable) as exc:  # opening, locking, reading, fencing, or a failed log
                if not isinstance(exc, QueueUnavailable):
                    exc = QueueUnavailable(f"cannot append to {self.path}: {exc}")
                for call in calls:
                    if not call.settled:
                        call.fail(exc)

    def _commit_group(self, fd: int, group: list[Call], size: int) -> int:
        """Decide each call in order, write the group in one os.write, fsync once; return the file's new size.

        Every call but the last has its events folded before the next one decides ("ahead"); if the write or the
        fsync then fails, the state is folded again from the file, which holds none of them (or, after a failed
        fsync, all of them).
        """
        if self._failure is not None:
            for call in group:
                call.fail(QueueUnavailable(self._failure))
            return size
        try:
            members = self._decide(group)
            payload = b"".join(call.payload for call in members)
            if not payload:
                self._settle(members)
                return size
            try:
                self._write(fd, payload, size)
            except QueueUnavailable:
                self._singly = True
                raise
            if self.fsync and any(call.durable for call in members):
                self._sync(fd)
        except BaseException as exc:
            if any(call.stored for call in group):  # folded ahead: the file lacks them (or has them without fsync)
                self._file_id = None
                size = self._catch_up(fd)
            error = exc if isinstance(exc, QueueUnavailable) else QueueUnavailable(f"cannot append to {self.path}")
            for call in group:
                if not call.settled:
                    call.fail(error)
            if not isinstance(exc, QueueUnavailable):
                raise
            return size
        self._singly = False
        self._settle(members)
        self._offset = size + len(payload)
        return self._offset

    def _write(self, fd: int, data: bytes, size: int) -> None:
        """One os.write of `data` at the end of a file of `size` bytes; on failure truncate back and raise."""
        try:
            written = os.write(fd, data)
        except OSError as exc:
            self._truncate(fd, size)
            if exc.errno not in _RECOVERABLE_WRITE_ERRORS:
                self._fail(f"writing {self.path} failed ({exc.strerror})")
            raise QueueUnavailable(f"cannot write {self.path}: {exc.strerror}") from exc
        if written != len(data):
            self._truncate(fd, size)
            raise QueueUnavailable(f"short write to {self.path} ({written} of {len(data)} bytes): disk full?")

    def _truncate(self, fd: int, size: int) -> None:
        try:
            os.ftruncate(fd, size)
            if self.fsync:
                os.fsync(fd)
        except OSError as exc:
            self._fail(f"cannot truncate {self.path} back to {size} bytes after a failed write ({exc.strerror})")

    def _sync(self, fd: int) -> None:
        try:
            os.fsync(fd)
        except OSError as exc:
            self._fail(f"fsync of {self.path} failed ({exc.strerror}); refusing writes until restarted")
            raise QueueUnavailable(self._failure) from exc

    def _check_writable(self) -> None:
        if self._deciding == threading.get_ident():  # a second flock from this process would wait for the first
            raise RuntimeError("decide must return its events, not write to the log itself")
        if self._failure is not None:
            raise QueueUnavailable(self._failure)

    def _fail(self, reason: str) -> None:
        if self._failure is None:
            self._failure = reason

    def snapshot(self, dest: Path, prefix: Iterable[bytes] = (), *, dump: bool = False) -> int:
        """Copy the log's complete lines to `dest` (atomically, fsynced) under a shared lock; return its events.

        For backups and deploys: the copy is a state the log really had, with no append half in it. `prefix`: whole
        lines written before the log's (not counted), e.g. the backup's accounts. `dump`: the folder has no other
        form to dump than these lines (the PostgreSQL store writes pg_dump's beside them).
        """
        dest = Path(dest)
        count = 0

        def lines(fd: int, size: int) -> Iterator[bytes]:
            nonlocal count
            yield from prefix
            for line, _ in complete_lines(fd, 0, size):
                count += parse_line(line) is not None
                yield line + b"\n"

        with self._hold(), self._locked(fcntl.LOCK_SH, os.O_RDONLY) as fd:
            write_atomically(dest, lines(fd, os.fstat(fd).st_size))
        return count

    def rewrite(self, transform: Callable[[list[dict]], Iterable[dict]]) -> int:
        """Replace the log by `transform(events)` (archiving, anonymising) under the exclusive lock; return the count.

        Unparsable lines are dropped; a torn tail is kept if it is a whole record (as fencing would). Atomic: a crash
        leaves the old file or the new one. Every EventLog folds the new file from its start on its next read.
        """
        with self._hold():
            self._check_writable()
            with self._locked(fcntl.LOCK_EX, os.O_RDONLY) as fd:
                size = os.fstat(fd).st_size
                events, whole = [], 0
                for line, end in complete_lines(fd, 0, size):
                    if (event := parse_line(line)) is not None:
                        events.append(event)
                    whole = end
                if whole < size and (event := parse_line(os.pread(fd, size - whole, whole))) is not None:
                    events.append(event)
                payload = encode_events(list(transform(events)))
                write_atomically(self.path, [payload])
            return payload.count(b"\n")
