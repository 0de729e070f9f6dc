"""The PostgreSQL store's native backup (issue 15): `pg_dump` in its custom format beside the same JSON-lines export
the folder store writes, both from ONE snapshot of the database, and its restore with `pg_restore`.

- The dump and the JSON lines come from one exported snapshot (`pg_export_snapshot()` in a REPEATABLE READ
  transaction, `pg_dump --snapshot`): the two files hold the same events, whatever is appended meanwhile, so the JSON
  lines verify a restored dump byte for byte.
- The tools are those of the server's major version: `PG_BIN_DIR` when set, else Debian's
  `/usr/lib/postgresql/<major>/bin` (as tests/servers.py finds them), else the PATH. A pg_dump older than the server
  refuses to dump it; a newer one would work, but the dump then needs that newer pg_restore.
- The password of the URL never goes on a command line (where `ps` shows it): it is passed as PGPASSWORD.
- The evaluations' key is not in the database (forms_api/store/keys.py), so it is not in the dump either. Nor is the
  key that signs the console's sessions when FORMS_SECRET_KEY is unset (`store_keys`: the table's data is left out):
  whoever holds a backup must not be able to sign a session. A restored database makes a new one: staff sign in
  again, as after a restore of the JSON lines or a `store copy`.
- A restore runs `pg_restore --clean --if-exists --single-transaction` into the database: the tables are replaced
  whole, accounts and templates included, or nothing changes. `log_generation` then moves past every value an
  instance may have seen, so that running instances fold the restored log anew.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from forms_api.store.base import QueueUnavailable
from forms_api.store.files import fsync_dir, write_atomically

SUFFIX = ".pgdump"
DEBIAN_BIN = "/usr/lib/postgresql/{major}/bin"


class ToolMissing(QueueUnavailable):
    """No pg_dump / pg_restore of the server's version: `tool`, `major` for the message."""

    def __init__(self, tool: str, major: int) -> None:
        super().__init__(f"no {tool} for PostgreSQL {major}")
        self.tool, self.major = tool, major


class ToolFailed(QueueUnavailable):
    """pg_dump or pg_restore exited with an error; str(error) is its last line of stderr."""


def dump_path(jsonl: Path) -> Path:
    """Where the dump beside a backup's JSON lines goes: the same name, `.pgdump`."""
    return Path(jsonl).with_suffix(SUFFIX)


def tool(name: str, major: int, bin_dir: Path | None = None) -> str:
    """The binary `name` for a server of version `major` (see the module's docstring)."""
    folders = [Path(bin_dir)] if bin_dir else [Path(DEBIAN_BIN.format(major=major))]
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    if not bin_dir and (found := shutil.which(name)):
        return found
    raise ToolMissing(name, major)


def _command_line(url: str) -> tuple[str, dict[str, str]]:
    """The connection string without the password, and the environment carrying it."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()] or [f"exit code {done.returncode}"]
        raise ToolFailed(lines[-1])


def snapshot(url: str, dest: Path, prefix: list[bytes], *, dump: bool, bin_dir: Path | None = None) -> list[bytes]:
    """Write the events of the database at `url` as JSON lines to `dest` (after `prefix`, atomically, 0600) and,
    with `dump`, `pg_dump -Fc` of the whole database to dump_path(dest), from one snapshot; the event lines."""
    dest = Path(dest)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                (name,) = conn.execute("SELECT pg_export_snapshot()").fetchone() or ("",)
                rows = conn.execute("SELECT line FROM events ORDER BY id").fetchall()
                lines = [line.encode("utf-8") + b"\n" for (line,) in rows]
                if dump:
                    _dump(url, conn.info.server_version // 10000, name, dump_path(dest), bin_dir)
    except psycopg.Error as exc:
        raise QueueUnavailable(f"cannot read {dest.name}'s database: {exc}") from exc
    write_atomically(dest, [*prefix, *lines])
    return lines


def _dump(url: str, major: int, snapshot_name: str, target: Path, bin_dir: Path | None) -> None:
    conninfo, env = _command_line(url)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    command = [tool("pg_dump", major, bin_dir), "--format=custom", f"--snapshot={snapshot_name}", f"--file={tmp}"]
    command.append("--exclude-table-data=store_keys")  # the session key (see the module's docstring)
    try:
        tmp.touch(mode=0o600)
        os.chmod(tmp, 0o600)
        _run([*command, f"--dbname={conninfo}"], env)
        with open(tmp, "rb") as file:
            os.fsync(file.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)


def restore(url: str, path: Path, *, bin_dir: Path | None = None) -> None:
    """Replace the database at `url` by the dump at `path` in one transaction (see the module's docstring)."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            major = conn.info.server_version // 10000
            before = (0,)
            if conn.execute("SELECT to_regclass('log_generation')").fetchone() != (None,):
                before = conn.execute("SELECT generation FROM log_generation").fetchone() or (0,)
        conninfo, env = _command_line(url)
        options = ["--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner"]
        _run([tool("pg_restore", major, bin_dir), *options, f"--dbname={conninfo}", str(path)], env)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE log_generation SET generation = GREATEST(generation, %s) + 1", ((before or (0,))[0],))
    except psycopg.Error as exc:
        raise QueueUnavailable(f"cannot restore into the database: {exc}") from exc
