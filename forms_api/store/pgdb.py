"""The PostgreSQL store's connection to its database: one psycopg_pool pool per URL and process, every database error
turned into the store's own (`QueueUnavailable`: 503 for the API, a Chinese line for staff), and the schema's version.

The schema is plain SQL files in forms_api/store/sql/ (`NNN_name.sql`), applied in order by `upgrade` (the staff tool
`python -m forms_api store upgrade`), each in the transaction that records its number in `schema_version`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool, PoolTimeout

from forms_api import messages
from forms_api.store.base import QueueUnavailable

SQL_DIR = Path(__file__).resolve().parent / "sql"
SCHEMES = ("postgresql://", "postgres://")
POOL_TIMEOUT = 3.0  # seconds a request waits for a connection before it gets a 503
CONNECT_TIMEOUT = 3  # seconds for one connection attempt (libpq's connect_timeout)
MAX_CONNECTIONS = 8  # per process and URL
UPGRADE_LOCK = 0x6D73_0001  # advisory lock keys of this schema (pg_advisory_xact_lock): 'ms' + a number
LOG_LOCK = 0x6D73_0002
ACCOUNTS_LOCK = 0x6D73_0003
DOCUMENTS_LOCK = 0x6D73_0004
NOTICE_LOCKS = 0x6D73_0005  # with hashtext(notice id): pg_try_advisory_lock(int, int), a key space of its own


def is_database_url(location: str) -> bool:
    """Whether a store location names a PostgreSQL database rather than a folder."""
    return location.startswith(SCHEMES)


def public_url(url: str) -> str:
    """The URL as staff may read it in messages and logs: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))


def migrations() -> list[tuple[int, Path]]:
    """The schema's SQL files by number."""
    found = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        number = path.name.split("_", 1)[0]
        if number.isdigit():
            found.append((int(number), path))
    return found


SCHEMA_VERSION = migrations()[-1][0]


class SchemaOutdated(QueueUnavailable):
    """The database's schema is older than this program's (or missing): `store upgrade` first. The message is the
    Chinese line for staff and the service's log."""


_LOCKING = "BEGIN; SELECT pg_advisory_xact_lock(%s); "  # then a query: the lock's key is the first parameter


class Begun:
    """A transaction in progress on `conn`, and the rows of the statement its first round trip ended with.
    `handed_on`: its connection went on to the next transaction (`Database.commit` with `ahead`)."""

    __slots__ = ("conn", "rows", "handed_on")

    def __init__(self, conn: psycopg.Connection, rows: list[tuple]) -> None:
        self.conn, self.rows, self.handed_on = conn, rows, False


class Database:
    """One pool of connections to `url` for this process (see `database`); thread-safe.

    Connections are in autocommit mode: a read is one statement (one snapshot, one round trip), a write an explicit
    BEGIN ... COMMIT. A connection broken since its last use (a database restart) shows itself on the first
    statement, before anything was decided or written: it is dropped and the statement run on another, so the
    service resumes by itself once the database is back, without a round trip to check every connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = public_url(url)
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=MAX_CONNECTIONS,
            timeout=POOL_TIMEOUT,
            kwargs={
                "connect_timeout": CONNECT_TIMEOUT,
                "application_name": "mashang-forms",
                "autocommit": True,
                "options": "-c jit=off",  # short statements: compiling one would cost more than running it
            },
            reconnect_timeout=0,  # keep trying to reconnect for as long as the process runs (never give up)
            open=False,
            name="mashang-forms",
        )
        self.pool.open(wait=False)
        self._checked = False

    def _failed(self, exc: Exception, error: type[QueueUnavailable]) -> QueueUnavailable:
        if isinstance(exc, PoolTimeout):
            return error(f"cannot reach the database {self.location}: {exc}")
        return error(f"database {self.location}: {type(exc).__name__}: {str(exc).strip()}")

    def read(self, query: str, params: tuple = (), error: type[QueueUnavailable] = QueueUnavailable) -> list[tuple]:
        """The rows of one statement (one snapshot); retried on another connection when the first was broken."""
        try:
            for attempt in range(MAX_CONNECTIONS + 1):
                with self.pool.connection() as conn:
                    try:
                        return conn.execute(query, params).fetchall()
                    except psycopg.OperationalError:
                        if not conn.broken or attempt == MAX_CONNECTIONS:
                            raise
            raise AssertionError("unreachable")
        except (PoolTimeout, psycopg.Error) as exc:
            raise self._failed(exc, error) from exc

    @contextmanager
    def transaction(
        self, error: type[QueueUnavailable] = QueueUnavailable, *, lock: int | None = None
    ) -> Iterator[psycopg.Connection]:
        """A connection in a transaction (holding the advisory lock `lock` when given), committed at the end of the
        block (unless the block committed itself), rolled back on an exception; every database error raises `error`
        (an exception of the block's own propagates as it is)."""
        begin = "BEGIN" if lock is None else f"BEGIN; SELECT pg_advisory_xact_lock({int(lock)})"
        with self._begin(begin, error) as begun:
            yield begun.conn

    @contextmanager
    def locked(self, lock: int, query: str, params: tuple, begun: Begun | None = None) -> Iterator[Begun]:
        """`transaction(lock=lock)` whose first round trip also runs `query` (one statement) with `params` once the
        lock is held; the transaction with the query's rows. One simple query: psycopg's client-side cursor binds the
        values, and the text stays the same from call to call, so psycopg parses it once (its cache is by text).
        `begun`: that transaction, begun already in the round trip of the previous holder's `commit` (no round trip
        here). The block ends it with `commit`, or it is committed at the end of the block."""
        with self._begin(_LOCKING + query, QueueUnavailable, (lock, *params), begun) as found:
            yield found

    def commit(
        self, begun: Begun, statement: str = "", params: tuple = (), ahead: tuple[int, str, tuple] | None = None
    ) -> tuple[list[tuple], Begun | None]:
        """End `begun` in ONE round trip: `statement` (optional; the rows of its first statement are returned), then
        COMMIT; with `ahead` (lock, query, params), also BEGIN the next transaction as `locked` does, in the same
        round trip. The rows, and the next transaction (the caller's to pass to `locked`, or to `release`). When
        this raises with `ahead` given, whether the COMMIT took place is unknown, as when a connection breaks
        during a COMMIT."""
        text = f"{statement}; COMMIT" if statement else "COMMIT"
        if ahead is not None:
            text += "; " + _LOCKING + ahead[1]
            params = (*params, ahead[0], *ahead[2])
        cursor = psycopg.ClientCursor(begun.conn).execute(text, params or None)
        rows = cursor.fetchall() if cursor.description else []
        if ahead is None:
            return rows, None
        while cursor.nextset():  # to the last statement's rows: the next transaction's query
            pass
        begun.handed_on = True
        return rows, Begun(begun.conn, cursor.fetchall())

    def release(self, begun: Begun) -> None:
        """Roll back a transaction begun ahead (`commit`) that no one will go on with, and return its connection."""
        try:
            if not begun.conn.broken:
                begun.conn.execute("ROLLBACK")
        except psycopg.Error:
            pass
        finally:
            self.pool.putconn(begun.conn)

    def _start(self, begin: str, params: tuple | None) -> Begun:
        """Run `begin` on a connection of the pool (another one when the first was broken); the last statement's
        rows."""
        for attempt in range(MAX_CONNECTIONS + 1):
            conn = self.pool.getconn()
            try:
                cursor = psycopg.ClientCursor(conn).execute(begin, params)
                while cursor.nextset():  # to the last statement's rows
                    pass
                return Begun(conn, cursor.fetchall() if cursor.description else [])
            except BaseException as exc:
                self.pool.putconn(conn)  # rolled back by the pool, or dropped when broken
                if isinstance(exc, psycopg.OperationalError) and conn.broken and attempt < MAX_CONNECTIONS:
                    continue  # nothing ran yet: try another connection
                raise
        raise AssertionError("unreachable")

    @contextmanager
    def _begin(
        self, begin: str, error: type[QueueUnavailable], params: tuple | None = None, begun: Begun | None = None
    ) -> Iterator[Begun]:
        try:
            found = self._start(begin, params) if begun is None else begun
            try:
                yield found
            except BaseException:
                if not found.handed_on and not found.conn.broken:
                    try:
                        found.conn.execute("ROLLBACK")
                    except psycopg.Error:
                        pass
                raise
            else:
                if not found.handed_on and found.conn.info.transaction_status != TransactionStatus.IDLE:
                    found.conn.execute("COMMIT")
            finally:
                if not found.handed_on:
                    self.pool.putconn(found.conn)
        except (PoolTimeout, psycopg.Error) as exc:
            raise self._failed(exc, error) from exc

    @contextmanager
    def claims(self) -> Iterator[Callable[[str], bool]]:
        """Session advisory locks by name for the block (`claim(name)`: taken now, or False while another session
        holds it), on one connection taken at the first claim; released together at the end, or by the database when
        the connection dies with its process."""
        with ExitStack() as stack:
            conns: list[psycopg.Connection] = []

            def claim(name: str) -> bool:
                try:
                    if not conns:
                        conns.append(stack.enter_context(self.pool.connection()))
                        stack.callback(self._unlock_all, conns[0])
                    query = "SELECT pg_try_advisory_lock(%s, hashtext(%s))"
                    return bool(conns[0].execute(query, (NOTICE_LOCKS, name)).fetchone()[0])
                except (PoolTimeout, psycopg.Error) as exc:
                    raise self._failed(exc, QueueUnavailable) from exc

            yield claim

    @staticmethod
    def _unlock_all(conn: psycopg.Connection) -> None:
        """Before the connection goes back to the pool: no lock of this session may outlive the block."""
        if not conn.broken:
            try:
                conn.execute("SELECT pg_advisory_unlock_all()")
            except psycopg.Error:
                conn.close()  # the pool drops a closed connection, and the database its locks

    def require_schema(self) -> None:
        """SchemaOutdated unless the database holds this program's schema (checked once per process)."""
        if self._checked:
            return
        with self.transaction() as conn:
            found = schema_version(conn)
        if found < SCHEMA_VERSION:
            raise SchemaOutdated(outdated_message(self.location, found))
        self._checked = True

    def close(self) -> None:
        self.pool.close()


def outdated_message(location: str, found: int) -> str:
    return messages.STORE_SCHEMA_OUTDATED.format(location=location, found=found, needed=SCHEMA_VERSION)


_databases: dict[tuple[int, str], Database] = {}
_databases_lock = threading.Lock()


def database(url: str) -> Database:
    """The pool of this process for `url` (a forked worker makes its own: connections never cross a fork)."""
    key = (os.getpid(), url)
    with _databases_lock:
        if key not in _databases:
            _databases[key] = Database(url)
        return _databases[key]


def close_all() -> None:
    """Close every pool of this process (tests, and tools that open many databases)."""
    with _databases_lock:
        for db in _databases.values():
            db.close()
        _databases.clear()


def schema_version(conn: psycopg.Connection) -> int:
    """The schema version recorded in the database, 0 when it has none yet."""
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def upgrade(url: str) -> tuple[int, int]:
    """Apply the SQL files the database lacks, in order, under an advisory lock (two upgrades at once take turns);
    idempotent. The versions before and after."""
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (UPGRADE_LOCK,))
            with conn.transaction():
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY)")
            before = schema_version(conn)
            for number, path in migrations():
                if number > before:
                    with conn.transaction():
                        conn.execute(path.read_text(encoding="utf-8"))
                        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))
            return before, schema_version(conn)
    except psycopg.Error as exc:
        raise QueueUnavailable(f"database {public_url(url)}: {type(exc).__name__}: {str(exc).strip()}") from exc
