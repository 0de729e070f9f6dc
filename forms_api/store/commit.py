"""Group commit's bookkeeping for the folder store: a call waiting for its group, and the holder of the log's mutex."""

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
