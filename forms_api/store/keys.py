"""The folder store's keys: of the yearly evaluations (forms_api/cases/events.py `voter`), `evaluations.key`; and of
the back office's sessions, `console.key` (forms_api/store/accounts.py), made the same way.

The key is 32 random bytes kept as hex in `evaluations.key` in the queue folder, mode 0600, created on first use
(written to a temporary file, fsynced, then hard-linked into place, so two processes creating it at once agree on
one). A backup carries it and a restore puts it back (forms_api/store/backup.py): a queue restored without it could
no longer recognise this year's earlier evaluations.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from pathlib import Path

from forms_api.store.base import QueueUnavailable
from forms_api.store.files import fsync_dir, write_atomically

KEY_NAME = "evaluations.key"
CONSOLE_KEY_NAME = "console.key"
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")


def valid_key(text: object) -> bool:
    """Whether `text` is a key as stored: 64 lowercase hex digits (32 bytes)."""
    return isinstance(text, str) and bool(_KEY_RE.fullmatch(text))


def read_key(queue_dir: Path, name: str = KEY_NAME) -> str | None:
    """The key in hex, or None when the folder has none yet; QueueUnavailable if it exists but is unusable."""
    path = Path(queue_dir) / name
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueueUnavailable(f"cannot read {path}: {exc}") from exc
    if not valid_key(text):  # never replaced silently: a new key would forget every evaluation of this year
        raise QueueUnavailable(f"{path} is damaged: restore it from a backup")
    return text


def key(queue_dir: Path, name: str = KEY_NAME) -> bytes:
    """The queue folder's key `name`, created on first use (the folder must exist); QueueUnavailable when unusable."""
    queue_dir = Path(queue_dir)
    text = read_key(queue_dir, name)
    if text is not None:
        return bytes.fromhex(text)
    path = queue_dir / name
    tmp = queue_dir / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        write_atomically(tmp, [secrets.token_hex(32).encode("ascii") + b"\n"])
        try:
            os.link(tmp, path)  # fails if another process was first: then its key counts
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(queue_dir)
    except OSError as exc:
        raise QueueUnavailable(f"cannot create {path}: {exc}") from exc
    return bytes.fromhex(read_key(queue_dir, name) or "")


def install_key(queue_dir: Path, text: str) -> None:
    """Put a key (hex, from a backup) in place of the folder's own, atomically and 0600."""
    if not valid_key(text):
        raise ValueError("not an evaluations key")
    write_atomically(Path(queue_dir) / KEY_NAME, [text.encode("ascii") + b"\n"])
