"""The folder store of the back office's accounts: `accounts.json` in the queue folder, mode 0600.

One JSON document, small (one record per staff member), kept as every document beside the queue is
(store/documents.py: shared lock to read, exclusive lock and an atomic replace to change). The sessions' key is
`console.key` beside it (forms_api/store/keys.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from forms_api.accounts.model import Account
from forms_api.store import keys
from forms_api.store.base import QueueUnavailable
from forms_api.store.documents import JsonDocument

ACCOUNTS_NAME = "accounts.json"


class AccountsUnavailable(QueueUnavailable):
    """The accounts file cannot be read, written or understood: never taken for an empty one."""


def _load(data: Any) -> dict[str, Account]:
    records = data["accounts"] if data is not None else []
    return {account.login: account for account in map(Account.from_json, records)}


def _dump(accounts: dict[str, Account]) -> dict[str, Any]:
    return {"accounts": [accounts[name].to_json() for name in sorted(accounts)]}


class AccountFile:
    """The accounts in `directory`/accounts.json; thread-safe, one instance per process is enough."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._document = JsonDocument(
            self.directory, ACCOUNTS_NAME, load=_load, dump=_dump, unavailable=AccountsUnavailable
        )
        self.path = self._document.path

    @property
    def location(self) -> str:
        return str(self.path)

    def get(self, login: str) -> Account | None:
        return self._document.read().get(login)

    def all(self) -> list[Account]:
        return sorted(self._document.read().values(), key=lambda account: account.login)

    def change(self, login: str, decide: Callable[[Account | None], Account | None]) -> Account | None:
        stored: list[Account | None] = []

        def change_one(accounts: dict[str, Account]) -> dict[str, Account] | None:
            current = accounts.get(login)
            new = decide(current)
            stored.append(current if new is None else new)
            if new is None or new == current:
                return None
            if new.login != login:
                raise ValueError("an account's login never changes")
            return {**accounts, login: new}

        self._document.change(change_one)
        return stored[0]

    def secret_key(self) -> str:
        return keys.key(self.directory, keys.CONSOLE_KEY_NAME).hex()
