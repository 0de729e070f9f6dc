"""Group commit's bookkeeping, shared by both stores: a call waiting for its group, the queue of calls that elects
one leader at a time (`Groups`), the holder of a log's mutex, and `FoldedLog`, the part of a log both stores share:
the state folded in this process and the leader's decide step."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from forms_api.cases import State
from forms_api.store import keys
from forms_api.store.base import Decision, T
from forms_api.store.lines import encode_events, parse_line


class Call:
    """One `append` waiting for its group's commit: its decide, then either the stored events or the error.

    A call that finds a leader at work parks on `wake` (a lock it holds); a leader releases it once the call's
    outcome is settled, or to hand it the lead (`lead` set) for the calls that queued meanwhile.
    """

    __slots__ = ("decide", "durable", "wake", "lead", "settled", "stored", "error", "payload")

    def __init__(self, decide: Callable[[State], Decision], durable: bool = True) -> None:
        self.decide, self.durable = decide, durable
        self.wake: threading.Lock | None = None
        self.lead = False
        self.settled = False  # stored or error is final
        self.stored: list[dict] = []
        self.error: BaseException | None = None
        self.payload = b""  # its events as lines, once decided

    def fail(self, error: BaseException) -> None:
        self.stored, self.error, self.settled = [], error, True


class Hold:
    """`with log._hold():` takes the log's re-entrant mutex and records the holding thread (restored on exit)."""

    __slots__ = ("log", "outer")

    def __init__(self, log: Any) -> None:
        self.log = log

    def __enter__(self) -> None:
        self.log._mutex.acquire()
        self.outer, self.log._holder = self.log._holder, threading.get_ident()

    def __exit__(self, *exc: object) -> None:
        self.log._holder = self.outer
        self.log._mutex.release()


class Groups:
    """Threads of one process calling `append` at once: the first leads and `commit`s every call queued by then as
    one group (one write and fsync, or one transaction); calls arriving meanwhile park until a leader has settled
    them, or hands the lead to the first of them. One wake-up per parked call, none for a call that found no leader.
    `interrupted()` is the error of a call its leader left unsettled. (The log passes its `commit` on each call, so
    that no reference cycle ties the log to its queue.)"""

    def __init__(self) -> None:
        self._calls = threading.Lock()
        self.waiting: list[Call] = []
        self.leading = False

    @property
    def queued(self) -> bool:
        """Whether calls wait for the next group (read without the queue's lock: a hint)."""
        return bool(self.waiting)

    def run(
        self, call: Call, commit: Callable[[list[Call]], None], interrupted: Callable[[], BaseException]
    ) -> list[dict]:
        """Commit `call` in a group; its stored events, or its error raised."""
        with self._calls:
            if self.leading:  # park until a leader has committed this call, or hands it the lead
                call.wake = threading.Lock()
                call.wake.acquire()
                self.waiting.append(call)
            else:
                self.leading = call.lead = True
        if call.wake is not None:
            call.wake.acquire()
        if call.lead:
            self._lead(call, commit, interrupted)
        if call.error is not None:
            raise call.error
        return call.stored

    def _lead(self, call: Call, commit: Callable[[list[Call]], None], interrupted: Callable[[], BaseException]) -> None:
        """Commit every queued call as one group (this one included), wake each, and pass the lead on to the first
        call that queued meanwhile (or give it up)."""
        with self._calls:
            group = [call, *(member for member in self.waiting if member is not call)]
            self.waiting = []
        successor = None
        try:
            commit(group)
        finally:
            with self._calls:
                if self.waiting:
                    successor = self.waiting[0]
                    successor.lead = True
                else:
                    self.leading = False
            for member in group:
                if not member.settled:
                    member.fail(interrupted())
                if member.wake is not None and member is not call:
                    member.wake.release()
            if successor is not None:
                successor.wake.release()


class FoldedLog:
    """The state folded from a log in this process, the mutex that guards it, and the group leader's decide step:
    what the folder store (folder.EventLog) and PostgreSQL (postgres.PostgresLog) share, with the evaluations' key
    file each names (`_key`, keys.py). Each store reads its own medium into `_fold` and commits a group its own way
    around `_decide` and `_settle`.

    `freeze_gc_every` is for a long-running process (the form service): every that many folded events, collect
    garbage once and then `gc.freeze()`, so that Python's cycle collector stops rescanning the folded state. The
    state of the whole log lives in memory, and each full collection would otherwise walk all of it while every
    thread waits (up to 46 ms at 13,000 submissions here, growing with the log). The state holds no reference cycles:
    frozen parts are still freed by reference counting when a rewrite replaces it.
    """

    def __init__(self, freeze_gc_every: int) -> None:
        self.freeze_gc_every = freeze_gc_every
        self._unfrozen = 0  # events folded since the last gc.freeze()
        self._mutex = threading.RLock()  # this process's threads, one at a time (a file or database lock is not)
        self._holder: int | None = None  # the thread holding _mutex (through _hold)
        self._deciding: int | None = None  # the thread inside `decide`, which may call state()
        self._state = State()
        self._groups = Groups()

    _key: keys.EvaluationsKey

    @property
    def evaluations_key_file(self) -> Path | None:
        return self._key.path

    def evaluations_key(self, *, create: bool = True) -> str | None:
        return self._key.get(create=create)

    def install_evaluations_key(self, text: str) -> None:
        self._key.install(text)

    def _hold(self) -> Hold:
        """This process's exclusive access to the state (re-entrant), remembering which thread holds it."""
        return Hold(self)

    def state(self) -> State:  # each store's own: caught up with every process's appends
        raise NotImplementedError

    def query(self, read: Callable[[State], T]) -> T:
        """Run `read` on the caught-up state while no other thread of this process changes it (`read` must not
        append)."""
        with self._hold():
            return read(self.state())

    def _fold(self, line: bytes) -> dict | None:
        self._unfrozen += 1
        event = parse_line(line)
        if event is None:
            self._state.skipped_lines += 1
        else:
            self._state.apply(event)
        return event

    def _fold_payload(self, payload: bytes) -> list[dict]:
        stored = [self._fold(line) for line in payload.split(b"\n")[:-1]]
        assert None not in stored, "encode_events wrote a line parse_line rejects"
        return stored

    def _freeze_if_due(self) -> None:
        """See `freeze_gc_every`. Called with no file or database lock held: the collection pauses this process only."""
        if self.freeze_gc_every and self._unfrozen >= self.freeze_gc_every:
            self._unfrozen = 0
            gc.collect()  # what is garbage now is freed, not frozen
            gc.freeze()

    def _decide(self, calls: list[Call]) -> list[Call]:
        """Run each call's decide in order on the state (under the store's exclusive lock), every call but the last
        having its events folded before the next decides ("ahead": if the commit then fails, the store folds anew);
        the calls that decided, their events in `payload` (a failing decide fails its call only)."""
        members: list[Call] = []
        for index, call in enumerate(calls):
            self._deciding = threading.get_ident()
            try:
                decided = call.decide(self._state)
                events = [] if decided is None else [decided] if isinstance(decided, dict) else list(decided)
                call.payload = encode_events(events)
            except Exception as exc:  # that call's own failure: the others go on
                call.fail(exc)
                continue
            finally:
                self._deciding = None
            members.append(call)
            if call.payload and index < len(calls) - 1:
                call.stored = self._fold_payload(call.payload)
        return members

    def _settle(self, members: list[Call]) -> None:
        """The group is committed: fold the events not folded ahead (the last call's) and settle every call."""
        for call in members:
            if call.payload and not call.stored:
                call.stored = self._fold_payload(call.payload)
            call.settled = True
