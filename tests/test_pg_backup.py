"""`backup` on a PostgreSQL store writes pg_dump (custom format, the server's own version) beside the same JSON-lines
export a folder queue gets, from one snapshot; `restore` of the dump into a new database gives the same events, byte
for byte, and the same accounts (issue 15). Against the real PostgreSQL of tests/servers.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import new_database, store_settings
from servers import PG_BIN
from test_staff_cli import fill
from test_store_cli import _account, _template

from forms_api.cases import make_event
from forms_api.staff.cli import main
from forms_api.store import open_accounts, open_store, open_templates

pytestmark = pytest.mark.usefixtures("no_forms_environment")


def staff(*args: str, key_file: Path | None = None):
    env = {"FORMS_QUEUE_DIR": None, "FORMS_QUEUE_URL": None, "FORMS_STAFF": None, "FORMS_RETENTION_DAYS": None}
    env["FORMS_EVALUATIONS_KEY_FILE"] = None if key_file is None else str(key_file)
    return CliRunner().invoke(main, list(args), env=env)


def filled(url: str) -> None:
    """Cases with every kind of staff action, an evaluation (so a key exists), an account and a template, and the
    console's session key (in the database: FORMS_SECRET_KEY unset)."""
    settings = store_settings(url)
    store = open_store(settings)
    fill(store)
    assert store.evaluations_key() is not None
    open_accounts(settings).change("li", lambda current: _account("li"))
    open_templates(settings).change(lambda current: [_template()])
    assert len(open_accounts(settings).secret_key()) == 64


def test_backup_writes_pg_dump_and_json_lines_and_restores_into_a_new_database(
    pg_url: str, postgres_server, tmp_path: Path
) -> None:
    filled(pg_url)
    key_file = store_settings(pg_url)["EVALUATIONS_KEY_FILE"]
    result = staff("--queue", pg_url, "backup", str(tmp_path / "backups"), key_file=key_file)
    assert result.exit_code == 0, result.output
    [jsonl] = sorted((tmp_path / "backups").glob("mashang-queue-*.jsonl"))
    dump = jsonl.with_suffix(".pgdump")
    assert result.output.splitlines()[1] == (
        f"另有同一时刻的数据库转储 {dump}（pg_dump 自定义格式，仅本人可读），与上面的文件一起保管。"
    )
    assert dump.read_bytes().startswith(b"PGDMP") and dump.stat().st_mode & 0o077 == 0
    # the dump holds neither the evaluations key, nor the key that signs the console's sessions (whoever has a
    # backup must not be able to sign a session), nor a password (pg_restore prints it as SQL)
    sql = subprocess.run([str(PG_BIN / "pg_restore"), "-f", "-", str(dump)], capture_output=True, check=True).stdout
    assert key_file.read_text().strip().encode() not in sql and b"store_keys" in sql
    session_key = open_accounts(store_settings(pg_url)).secret_key()
    assert session_key.encode() not in sql

    # a new database, without even the schema: restore the dump, then the same events and accounts
    new = new_database(postgres_server, schema=False)
    restored = staff("--queue", new, "restore", str(dump), key_file=key_file)
    assert restored.exit_code == 0, restored.output
    count = sum(
        json.loads(line)["type"] not in ("accounts", "reply_templates") for line in jsonl.read_bytes().splitlines()
    )
    assert count > 10 and restored.output.startswith(f"已用 {dump} 恢复留言队列 {new}：{count} 条记录")
    again = tmp_path / "again.jsonl"
    assert staff("--queue", new, "backup", str(again), key_file=key_file).exit_code == 0
    assert again.read_bytes() == jsonl.read_bytes()  # byte-identical JSON lines, accounts and templates included
    assert open_accounts(store_settings(new)).all() == open_accounts(store_settings(pg_url)).all()
    assert open_templates(store_settings(new)).all() == [_template()]
    assert open_accounts(store_settings(new)).secret_key() != session_key  # a new one: staff sign in again


def test_restoring_a_dump_over_newer_events_is_refused_unless_forced(pg_url: str, tmp_path: Path) -> None:
    filled(pg_url)
    assert staff("--queue", pg_url, "backup", str(tmp_path / "b.jsonl")).exit_code == 0
    later = make_event("noted", "2026-000001", "李办事员", "2026-12-01T09:00:00+08:00", note="备份之后的备注")
    open_store(store_settings(pg_url)).append(lambda state: later)  # an event after the backup
    before = list(open_store(store_settings(pg_url)).scan())
    running = open_store(store_settings(pg_url))  # an instance that has folded the log up to the later event
    assert running.state().events == len(before)
    refused = staff("--queue", pg_url, "restore", str(tmp_path / "b.pgdump"))
    assert refused.exit_code == 1 and "拒绝恢复" in refused.output
    assert list(open_store(store_settings(pg_url)).scan()) == before
    forced = staff("--queue", pg_url, "restore", "--force", str(tmp_path / "b.pgdump"))
    assert forced.exit_code == 0, forced.output
    assert list(open_store(store_settings(pg_url)).scan()) == before[:-1]
    assert running.state().events == len(before) - 1  # it folds the restored log anew (log_generation moved on)


def test_a_dump_restores_only_into_a_database(pg_url: str, tmp_path: Path) -> None:
    filled(pg_url)
    assert staff("--queue", pg_url, "backup", str(tmp_path / "b.jsonl")).exit_code == 0
    result = staff("--queue", str(tmp_path / "queue"), "restore", str(tmp_path / "b.pgdump"))
    assert result.exit_code == 1
    assert "b.pgdump 是 PostgreSQL 数据库的转储，只能恢复到 postgresql:// 的队列" in result.output
