"""A small JSON document beside the queue (the accounts, the reply templates), in the folder store's way.

Read under a shared `flock` on a sidecar lock file and re-parsed only when the file changed (inode, size, mtime);
every change is decided under the exclusive lock and written through a temporary file, fsync, `os.replace` and an
fsync of the folder (files.write_atomically), so a crash leaves the old file or the new one. Mode 0600.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from forms_api.store.base import QueueUnavailable
from forms_api.store.files import create_private, locked, write_atomically

T = TypeVar("T")


class JsonDocument(Generic[T]):
    """`directory`/`name` read with `load` (from the parsed JSON, None for an empty file) and written with `dump`;
    every failure is `unavailable` (never taken for an empty document). Thread-safe."""

    def __init__(
        self,
        directory: Path,
        name: str,
        *,
        load: Callable[[Any], T],
        dump: Callable[[T], Any],
        unavailable: type[QueueUnavailable],
    ) -> None:
        self.directory = Path(directory)
        self.path = self.directory / name
        self.lock_path = self.path.with_suffix(".lock")
        self._load, self._dump, self._unavailable = load, dump, unavailable
        self._cache: tuple[tuple[int, int, int], T] | None = None
        self._mutex = threading.Lock()
        try:
            create_private(self.directory, self.lock_path, self.path)
        except OSError as exc:
            raise unavailable(f"cannot create {self.path}: {exc}") from exc

    def _parse(self, fd: int) -> T:
        """The document in the open file, from the cache while its inode, size and mtime are unchanged."""
        stat = os.fstat(fd)
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._mutex:
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache[1]
        raw = os.pread(fd, stat.st_size, 0)
        try:
            value = self._load(json.loads(raw) if raw.strip() else None)
        except (ValueError, KeyError, TypeError) as exc:
            raise self._unavailable(f"{self.path} is damaged ({exc}): restore it from a backup") from exc
        with self._mutex:
            self._cache = (stamp, value)
        return value

    def read(self) -> T:
        try:
            with locked(self.lock_path, self.path, fcntl.LOCK_SH, os.O_RDONLY) as fd:
                return self._parse(fd)
        except OSError as exc:
            raise self._unavailable(f"cannot read {self.path}: {exc}") from exc

    def change(self, decide: Callable[[T], T | None]) -> T:
        """Store what `decide(current)` returns (None or an equal value: nothing written); the value as stored."""
        try:
            with locked(self.lock_path, self.path, fcntl.LOCK_EX, os.O_RDONLY) as fd:
                current = self._parse(fd)
                new = decide(current)
                if new is None or new == current:
                    return current
                text = json.dumps(self._dump(new), ensure_ascii=False, indent=1) + "\n"
                write_atomically(self.path, [text.encode("utf-8")])
                return new
        except OSError as exc:
            raise self._unavailable(f"cannot write {self.path}: {exc}") from exc
