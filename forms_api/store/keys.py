"""Secret keys kept in files: the yearly evaluations' key (forms_api/cases/events.py `voter`) and the back office's
session key (`console.key` in the queue folder, forms_api/store/accounts.py).

A key is 32 random bytes kept as hex in a file of its own, mode 0600, created on first use (written to a temporary
file, fsynced, then hard-linked into place, so two processes creating it at once agree on one).

The evaluations' key lives OUTSIDE the store, in the file `EVALUATIONS_KEY_FILE` names (default `evaluations.key`
beside the queue folder, not in it), and never in a backup or a database dump (issue 13): whoever holds a backup
holds the voter hashes, and with the key could test every mobile number (~10^9) against them. `EvaluationsKey`
moves the key an earlier version kept inside the store (the queue folder's `evaluations.key`, the database's
`store_keys` row) out into that file, once, with a log line.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from forms_api.store.base import QueueUnavailable
from forms_api.store.files import fsync_dir, write_atomically

KEY_NAME = "evaluations.key"  # the default file beside the queue folder, and an earlier version's file inside it
CONSOLE_KEY_NAME = "console.key"
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")

log = logging.getLogger("forms_api")


def valid_key(text: object) -> bool:
    """Whether `text` is a key as stored: 64 lowercase hex digits (32 bytes)."""
    return isinstance(text, str) and bool(_KEY_RE.fullmatch(text))


def read_key_file(path: Path) -> str | None:
    """The key in the file `path` (hex), or None when there is none; QueueUnavailable if it is unusable."""
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueueUnavailable(f"cannot read {path}: {exc}") from exc
    if not valid_key(text):  # never replaced silently: a new key would forget every evaluation of this year
        raise QueueUnavailable(f"{path} is damaged: put the right key file back")
    return text


def place_key_file(path: Path, text: str) -> str:
    """Write the key `text` to `path` unless a key is there already (the first writer wins); the key in place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomically(tmp, [text.encode("ascii") + b"\n"])
        try:
            os.link(tmp, path)  # fails if another process was first: then its key counts
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(path.parent)
    except OSError as exc:
        raise QueueUnavailable(f"cannot create {path}: {exc}") from exc
    return read_key_file(path) or ""


def key_file(path: Path, *, create: bool = True) -> str | None:
    """The key in the file `path` (hex), created on first use when `create`."""
    text = read_key_file(path)
    if text is None and create:
        text = place_key_file(path, secrets.token_hex(32))
    return text


def key(queue_dir: Path, name: str = CONSOLE_KEY_NAME) -> bytes:
    """The queue folder's key `name`, created on first use (the folder must exist); QueueUnavailable when unusable."""
    return bytes.fromhex(key_file(Path(queue_dir) / name) or "")


def install_key_file(path: Path, text: str) -> None:
    """Put a key (hex) in the file `path`, replacing any, atomically and 0600."""
    if not valid_key(text):
        raise ValueError("not an evaluations key")
    Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(Path(path), [text.encode("ascii") + b"\n"])


class EvaluationsKey:
    """The evaluations' key of one store, in the file `path`, outside the store.

    `read_old` and `drop_old` reach the key an earlier version kept inside the store (at `old_location`): on first
    use it is moved into the file (written and fsynced before it is dropped), or, when the file holds another key,
    nothing is touched and QueueUnavailable says so (either key may be the one this year's evaluations were made with).
    """

    def __init__(
        self,
        path: Path | None,
        old_location: str,
        read_old: Callable[[], str | None],
        drop_old: Callable[[], None],
    ) -> None:
        self.path = None if path is None else Path(path)
        self._old_location = old_location
        self._read_old, self._drop_old = read_old, drop_old
        self._moved = False

    def _file(self) -> Path:
        if self.path is None:
            raise QueueUnavailable("no evaluations key file: set FORMS_EVALUATIONS_KEY_FILE")
        return self.path

    def _move_old(self) -> None:
        if self._moved:
            return
        old = self._read_old()
        if old is not None:
            path = self._file()
            current = read_key_file(path) or place_key_file(path, old)
            if current != old:
                raise QueueUnavailable(
                    f"{self._old_location} still holds an evaluations key that differs from the one in {path}:"
                    " keep the one this year's evaluations were made with, delete the other"
                )
            self._drop_old()
            log.warning("moved the evaluations key out of %s into %s (not in backups)", self._old_location, path)
        self._moved = True

    def get(self, *, create: bool = True) -> str | None:
        """The key (hex), moved out of the store first if an earlier version kept it there, created when `create`."""
        self._move_old()
        return key_file(self._file(), create=create)

    def install(self, text: str) -> None:
        """Put a key (from an earlier version's backup) in the file."""
        self._move_old()
        install_key_file(self._file(), text)
