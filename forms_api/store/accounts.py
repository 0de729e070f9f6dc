"""The folder store of the back office's accounts: `accounts.json` in the queue folder, mode 0600.

One JSON document, small (one record per staff member), read under a shared `flock` on the sidecar `accounts.lock`
and re-parsed only when the file changed; every change is decided under the exclusive lock and written through a
temporary file, fsync, `os.replace` and an fsync of the folder (files.write_atomically), so a crash leaves the old
file or the new one. The sessions' key is `console.key` beside it (forms_api/store/keys.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from forms_api.accounts.model import Account
from forms_api.store import keys
from forms_api.store.base import QueueUnavailable
from forms_api.store.files import create_private, locked, write_atomically

ACCOUNTS_NAME = "accounts.json"
LOCK_NAME = "accounts.lock"


class AccountsUnavailable(QueueUnavailable):
    """The accounts file cannot be read, written or understood: never taken for an empty one."""


class AccountFile:
    """The accounts in `directory`/accounts.json; thread-safe, one instance per process is enough."""

    def __init__(self, directory: Path, *, create: bool = True) -> None:
        self.directory = Path(directory)
        self.path = self.directory / ACCOUNTS_NAME
        self.lock_path = self.directory / LOCK_NAME
        self._cache: tuple[tuple[int, int, int], dict[str, Account]] | None = None
        self._mutex = threading.Lock()
        if create:
            try:
                create_private(self.directory, self.lock_path, self.path)
            except OSError as exc:
                raise AccountsUnavailable(f"cannot create {self.path}: {exc}") from exc

    @property
    def location(self) -> str:
        return str(self.path)

    def _parse(self, fd: int) -> dict[str, Account]:
        """The accounts in the open file, from the cache while its inode, size and mtime are unchanged."""
        stat = os.fstat(fd)
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._mutex:
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache[1]
        raw = os.pread(fd, stat.st_size, 0)
        try:
            records = json.loads(raw)["accounts"] if raw.strip() else []
            accounts = {account.login: account for account in map(Account.from_json, records)}
        except (ValueError, KeyError, TypeError) as exc:
            raise AccountsUnavailable(f"{self.path} is damaged ({exc}): restore it from a backup") from exc
        with self._mutex:
            self._cache = (stamp, accounts)
        return accounts

    def _read(self) -> dict[str, Account]:
        try:
            with locked(self.lock_path, self.path, fcntl.LOCK_SH, os.O_RDONLY) as fd:
                return self._parse(fd)
        except OSError as exc:
            raise AccountsUnavailable(f"cannot read {self.path}: {exc}") from exc

    def get(self, login: str) -> Account | None:
        return self._read().get(login)

    def all(self) -> list[Account]:
        return sorted(self._read().values(), key=lambda account: account.login)

    def change(self, login: str, decide: Callable[[Account | None], Account | None]) -> Account | None:
        try:
            with locked(self.lock_path, self.path, fcntl.LOCK_EX, os.O_RDONLY) as fd:
                accounts = dict(self._parse(fd))
                current = accounts.get(login)
                new = decide(current)
                if new is None or new == current:
                    return current
                if new.login != login:
                    raise ValueError("an account's login never changes")
                accounts[login] = new
                records = [accounts[name].to_json() for name in sorted(accounts)]
                text = json.dumps({"accounts": records}, ensure_ascii=False, indent=1) + "\n"
                write_atomically(self.path, [text.encode("utf-8")])
                return new
        except OSError as exc:
            raise AccountsUnavailable(f"cannot write {self.path}: {exc}") from exc

    def secret_key(self) -> str:
        return keys.key(self.directory, keys.CONSOLE_KEY_NAME).hex()
