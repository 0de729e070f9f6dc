"""What the PostgreSQL store keeps beside its events: the rows of a rewrite, the keys (`store_keys`), and the back
office's accounts, reply templates and import previews, so that every instance on one database knows every account
at once (a disabled account is refused everywhere on its next request) and shows a preview made on another."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import psycopg
from psycopg.types.json import Jsonb

from forms_api.accounts.model import Account
from forms_api.accounts.templates import ReplyTemplate
from forms_api.store.accounts import AccountsUnavailable
from forms_api.store.base import QueueUnavailable
from forms_api.store.pgdb import ACCOUNTS_LOCK, DOCUMENTS_LOCK, Begun, Database, database
from forms_api.store.templates import TemplatesUnavailable

__all__ = [
    "QueueUnavailable",
    "PostgresAccounts",
    "PostgresPreviews",
    "PostgresTemplates",
    "insert_lines",
    "replace_lines",
]

EVALUATIONS_KEY = "evaluations"
CONSOLE_KEY = "console"
TEMPLATES_DOCUMENT = "templates"
PREVIEW_DOCUMENT = "preview:"  # + the preview's id


# The lines as ONE text, split by the database (a JSON line holds no raw newline): psycopg would escape a text[]
# parameter's every quote with a Python regex, which cost about as much CPU as the rest of an append.
_INSERT = (
    "INSERT INTO events (line) SELECT line FROM unnest(string_to_array(%s, E'\\n')) WITH ORDINALITY AS t(line, n)"
    " ORDER BY n RETURNING id"
)


def insert_lines(conn: psycopg.Connection, lines: list[str]) -> list[int]:
    """Insert event lines in their order; their ids."""
    rows = conn.execute(_INSERT, ("\n".join(lines),)).fetchall()
    return [row_id for (row_id,) in rows]


def insert_and_commit(
    db: Database, begun: Begun, text: str, durable: bool = True, ahead: tuple[int, str, tuple] | None = None
) -> tuple[list[int], Begun | None]:
    """Insert the event lines of `text` (joined by newlines; none when empty) and commit, in one round trip (one
    simple query, bound by psycopg's client-side cursor); their ids, once committed (not `durable`: without waiting
    for the WAL's flush, which the WAL writer does within a few hundred milliseconds), and the next transaction begun
    in the same round trip when `ahead` asks for one (`Database.commit`)."""
    lazy = "" if durable else "; SET LOCAL synchronous_commit TO OFF"  # after the INSERT: its rows are the result
    statement, params = (_INSERT + lazy, (text,)) if text else ("", ())
    rows, following = db.commit(begun, statement, params, ahead)
    return [row_id for (row_id,) in rows], following


def replace_lines(
    conn: psycopg.Connection, rows: list[tuple[int, str]], kept: list[tuple[int, dict]], new: list[str]
) -> None:
    """A rewrite's rows: the parsed events `kept` of `rows` become `new` in place (same ids: retention anonymises)
    when as many, else every row is replaced (a restore); unparsable rows are dropped either way."""
    kept_ids = {row_id for row_id, _ in kept}
    dropped = [row_id for row_id, _ in rows if row_id not in kept_ids]
    if dropped:
        conn.execute("DELETE FROM events WHERE id = ANY(%s)", (dropped,))
    if len(new) == len(kept):
        old = {row_id: line for row_id, line in rows}
        changed = [(line, row_id) for (row_id, _), line in zip(kept, new, strict=True) if old[row_id] != line]
        if changed:
            with conn.cursor() as cursor:
                cursor.executemany("UPDATE events SET line = %s WHERE id = %s", changed)
        return
    conn.execute("DELETE FROM events")
    if new:
        insert_lines(conn, new)


def store_key(
    db: Database, name: str, *, create: bool = True, error: type[QueueUnavailable] = QueueUnavailable
) -> str | None:
    """The key `name` in hex, made on first use when `create` (two instances making it at once agree on one)."""
    with db.transaction(error) as conn:
        if create:
            conn.execute(
                "INSERT INTO store_keys (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                (name, secrets.token_hex(32)),
            )
        row = conn.execute("SELECT value FROM store_keys WHERE name = %s", (name,)).fetchone()
    return None if row is None else row[0]


def drop_key(db: Database, name: str) -> None:
    """Delete the key `name` (an earlier version's evaluations key, once moved out of the database: keys.py)."""
    with db.transaction() as conn:
        conn.execute("DELETE FROM store_keys WHERE name = %s", (name,))


class _InDatabase:
    """Kept in the database at `url`, whose schema is checked (once a process) before anything is read."""

    def __init__(self, url: str) -> None:
        self._db = database(url)
        self._db.require_schema()

    @property
    def location(self) -> str:
        return self._db.location


class PostgresAccounts(_InDatabase):
    """The accounts in the database at `url`: one row each, read on every request (no cache)."""

    def _load(self, record: object, login: str) -> Account:
        try:
            return Account.from_json(record)
        except (ValueError, KeyError, TypeError) as exc:
            raise AccountsUnavailable(f"the account {login!r} in {self.location} is damaged ({exc})") from exc

    def get(self, login: str) -> Account | None:
        rows = self._db.read("SELECT record FROM accounts WHERE login = %s", (login,), AccountsUnavailable)
        return self._load(rows[0][0], login) if rows else None

    def all(self) -> list[Account]:
        with self._db.transaction(AccountsUnavailable) as conn:
            rows = conn.execute('SELECT login, record FROM accounts ORDER BY login COLLATE "C"').fetchall()
        return sorted((self._load(record, login) for login, record in rows), key=lambda account: account.login)

    def change(self, login: str, decide: Callable[[Account | None], Account | None]) -> Account | None:
        with self._db.transaction(AccountsUnavailable, lock=ACCOUNTS_LOCK) as conn:
            row = conn.execute("SELECT record FROM accounts WHERE login = %s", (login,)).fetchone()
            current = None if row is None else self._load(row[0], login)
            new = decide(current)
            if new is None or new == current:
                return current
            if new.login != login:
                raise ValueError("an account's login never changes")
            conn.execute(
                "INSERT INTO accounts (login, record) VALUES (%s, %s)"
                " ON CONFLICT (login) DO UPDATE SET record = excluded.record",
                (login, Jsonb(new.to_json())),
            )
        return new

    def secret_key(self) -> str:
        key = store_key(self._db, CONSOLE_KEY, error=AccountsUnavailable)
        assert key is not None
        return key


class PostgresTemplates(_InDatabase):
    """The office's reply templates in the database at `url`, kept whole as one document."""

    def _read(self, conn: psycopg.Connection) -> list[ReplyTemplate]:
        row = conn.execute("SELECT body FROM documents WHERE name = %s", (TEMPLATES_DOCUMENT,)).fetchone()
        try:
            return [ReplyTemplate.from_json(item) for item in (row[0]["templates"] if row else [])]
        except (ValueError, KeyError, TypeError) as exc:
            raise TemplatesUnavailable(f"the templates in {self.location} are damaged ({exc})") from exc

    def all(self) -> list[ReplyTemplate]:
        with self._db.transaction(TemplatesUnavailable) as conn:
            return self._read(conn)

    def change(self, decide: Callable[[list[ReplyTemplate]], list[ReplyTemplate] | None]) -> list[ReplyTemplate]:
        with self._db.transaction(TemplatesUnavailable, lock=DOCUMENTS_LOCK) as conn:
            current = self._read(conn)
            new = decide(list(current))
            if new is None or list(new) == current:
                return current
            body = {"templates": [template.to_json() for template in new]}
            conn.execute(
                "INSERT INTO documents (name, body) VALUES (%s, %s)"
                " ON CONFLICT (name) DO UPDATE SET body = excluded.body",
                (TEMPLATES_DOCUMENT, Jsonb(body)),
            )
            return list(new)


class PostgresPreviews(_InDatabase):
    """The back office's import previews (forms_api/console/previews.py) in the database at `url`, one document
    each, so that a preview made through one instance is shown and applied through any other."""

    def put(self, ident: str, record: dict, expired_before: float) -> None:
        """Keep `record` (JSON values with its `until`) as `ident`, and drop the previews that ended before
        `expired_before` (a timestamp)."""
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM documents WHERE name LIKE %s AND (body->>'until')::float8 < %s",
                (PREVIEW_DOCUMENT + "%", expired_before),
            )
            conn.execute(
                "INSERT INTO documents (name, body) VALUES (%s, %s)", (PREVIEW_DOCUMENT + ident, Jsonb(record))
            )

    def get(self, ident: str) -> object:
        """The record kept as `ident`, or None."""
        rows = self._db.read("SELECT body FROM documents WHERE name = %s", (PREVIEW_DOCUMENT + ident,))
        return rows[0][0] if rows else None
