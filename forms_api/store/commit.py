"""Group commit's bookkeeping, shared by both stores: a call waiting for its group, the queue of calls that elects
one leader at a time (`Groups`), and the holder of a log's mutex."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from forms_api.cases import State
from forms_api.store.base import Decision


class Call:
    """One `append` waiting for its group's commit: its decide, then either the stored events or the error.

    A call that finds a leader at work parks on `wake` (a lock it holds); a leader releases it once the call's
    outcome is settled, or to hand it the lead (`lead` set) for the calls that queued meanwhile.
    """

    __slots__ = ("decide", "wake", "lead", "settled", "stored", "error", "payload")

    def __init__(self, decide: Callable[[State], Decision]) -> None:
        self.decide = decide
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
