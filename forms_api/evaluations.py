"""Constituents' yearly evaluation of a deputy: one per phone number, deputy and year, without keeping the number.

The log stores, instead of the phone number, `voter` = HMAC-SHA256(key, phone + deputy + year) in hex. The same
phone gives the same voter for the same deputy and year (so a second evaluation is refused), another deputy or year
gives another one, and without the key nobody can test phone numbers against the log.

The key is 32 random bytes kept as hex in `evaluations.key` in the queue folder, mode 0600, created on first use
(written to a temporary file, fsynced, then hard-linked into place, so two processes creating it at once agree on
one). `python -m forms_api backup` copies it into the backup file and `restore` puts it back (forms_api/backup.py):
a queue restored without it could no longer recognise this year's earlier evaluations.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
from pathlib import Path

from forms_api.queue import QueueUnavailable, write_atomically

KEY_NAME = "evaluations.key"
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")


def valid_key(text: str) -> bool:
    """Whether `text` is a key as stored: 64 lowercase hex digits (32 bytes)."""
    return isinstance(text, str) and bool(_KEY_RE.fullmatch(text))


def read_key(queue_dir: Path) -> str | None:
    """The key in hex, or None when the folder has none yet; QueueUnavailable if it exists but is unusable."""
    path = Path(queue_dir) / KEY_NAME
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueueUnavailable(f"cannot read {path}: {exc}") from exc
    if not valid_key(text):  # never replaced silently: a new key would forget every evaluation of this year
        raise QueueUnavailable(f"{path} is damaged: restore it from a backup")
    return text


def key(queue_dir: Path) -> bytes:
    """The queue folder's key, created on first use (the folder must exist); QueueUnavailable when unusable."""
    queue_dir = Path(queue_dir)
    text = read_key(queue_dir)
    if text is not None:
        return bytes.fromhex(text)
    path = queue_dir / KEY_NAME
    tmp = queue_dir / f".{KEY_NAME}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        write_atomically(tmp, [secrets.token_hex(32).encode("ascii") + b"\n"])
        try:
            os.link(tmp, path)  # fails if another process was first: then its key counts
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        fd = os.open(queue_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise QueueUnavailable(f"cannot create {path}: {exc}") from exc
    return bytes.fromhex(read_key(queue_dir) or "")


def install_key(queue_dir: Path, text: str) -> None:
    """Put a key (hex, from a backup) in place of the folder's own, atomically and 0600."""
    if not valid_key(text):
        raise ValueError("not an evaluations key")
    write_atomically(Path(queue_dir) / KEY_NAME, [text.encode("ascii") + b"\n"])


def voter(secret: bytes, phone: str, target: str, year: int) -> str:
    """The keyed hash standing for one phone number evaluating one deputy in one year (64 hex digits)."""
    message = "\x1f".join(("evaluation", phone, target, str(year))).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
