"""The evaluations' key lives outside the store and its backups (issue 13): a backup alone cannot tell which phone
made an evaluation, an earlier version's key is moved out once, and one evaluation per voter holds through restarts
and restores with the key file in place. On both stores (the folder and the real PostgreSQL of tests/servers.py)."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from conftest import make_app, new_database, store_settings
from flask import Flask

from forms_api import cases
from forms_api.staff.cli import main
from forms_api.store import QueueUnavailable, keys, open_store
from forms_api.store.folder import EventLog

pytestmark = pytest.mark.usefixtures("no_forms_environment")

PHONE = "13912345678"
TARGET = "deputy:cao-wenjie"
EVALUATION = {"target": TARGET, "rating": "满意", "comment": "", "phone": PHONE, "consent": True}


def evaluate(app: Flask, phone: str = PHONE) -> int:
    return app.test_client().post("/api/evaluations", json=EVALUATION | {"phone": phone}).status_code


def cli(*args: str, key_file: Path | None = None) -> Any:
    env = {"FORMS_RETENTION_DAYS": None, "FORMS_STAFF": None, "FORMS_QUEUE_URL": None, "FORMS_QUEUE_DIR": None}
    env["FORMS_EVALUATIONS_KEY_FILE"] = None if key_file is None else str(key_file)
    return CliRunner().invoke(main, list(args), env=env)


def app_on(tmp_path: Path, queue_url: str, **config: Any) -> Flask:
    """An app on the store `queue_url`, with that store's key file (store_settings)."""
    settings = store_settings(queue_url)
    return make_app(tmp_path, QUEUE_URL=queue_url, EVALUATIONS_KEY_FILE=settings.get("EVALUATIONS_KEY_FILE"), **config)


def key_file_of(queue_url: str) -> Path:
    return open_store(store_settings(queue_url)).evaluations_key_file


def candidates(data: bytes) -> set[bytes]:
    """Everything in a backup that could serve as a key: every line, every JSON value and string in it, as bytes and,
    when hex, as the bytes it spells."""
    found: set[bytes] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(name)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            text = str(value)
            found.add(text.encode())
            try:
                found.add(bytes.fromhex(text))
            except ValueError:
                pass

    for line in data.splitlines():
        found.add(line)
        walk(json.loads(line))
    return found


def test_a_backup_holds_no_key_and_its_hashes_match_no_phone(queue_url: str, tmp_path: Path) -> None:
    app = app_on(tmp_path / "app", queue_url)
    for phone in (PHONE, "13800138000"):
        assert evaluate(app, phone) == 201
    backup = tmp_path / "backup.jsonl"
    result = cli("--queue", queue_url, "backup", str(backup), key_file=key_file_of(queue_url))
    assert result.exit_code == 0, result.output
    data = backup.read_bytes()
    key = keys.read_key_file(key_file_of(queue_url))
    assert key is not None and key.encode() not in data and b"evaluations_key" not in data
    voters = {json.loads(line)["voter"] for line in data.splitlines() if b'"evaluated"' in line}
    year = cases.now().year
    # the real key gives the stored hash (so the check below could fail); nothing in the backup does
    assert cases.voter(bytes.fromhex(key), PHONE, TARGET, year) in voters
    tried = candidates(data)
    assert len(tried) > 10
    assert not {cases.voter(secret, PHONE, TARGET, year) for secret in tried} & voters


def test_one_evaluation_per_voter_after_a_restart(queue_url: str, tmp_path: Path) -> None:
    assert evaluate(app_on(tmp_path / "one", queue_url)) == 201
    again = app_on(tmp_path / "two", queue_url)  # a new process: the key comes from its file
    assert evaluate(again) == 409 and evaluate(again, "13800138000") == 201


def test_restore_with_the_key_file_in_place_still_refuses_a_second_evaluation(
    queue_url: str, tmp_path: Path, postgres_server: Any
) -> None:
    assert evaluate(app_on(tmp_path / "app", queue_url)) == 201
    key_file = key_file_of(queue_url)
    backup = tmp_path / "backup.jsonl"
    assert cli("--queue", queue_url, "backup", str(backup), key_file=key_file).exit_code == 0
    # a new store elsewhere (a new database, a folder on another server) with the key file copied beside it
    target = new_database(postgres_server) if "://" in queue_url else str(tmp_path / "new-server" / "queue")
    copied = tmp_path / "new-server" / "evaluations.key"
    copied.parent.mkdir(exist_ok=True)
    copied.write_bytes(key_file.read_bytes())
    restored = cli("--queue", target, "restore", str(backup), key_file=copied)
    assert restored.exit_code == 0, restored.output
    assert "密钥" not in restored.output
    app = make_app(tmp_path / "restored", QUEUE_URL=target, EVALUATIONS_KEY_FILE=copied)
    assert evaluate(app) == 409 and evaluate(app, "13800138000") == 201


def test_an_old_folder_key_is_moved_out_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    queue = tmp_path / "queue"
    EventLog(queue)
    old = queue / keys.KEY_NAME
    old.write_text("ab" * 32 + "\n")
    voter = cases.voter(bytes.fromhex("ab" * 32), PHONE, TARGET, cases.now().year)
    EventLog(queue).append(lambda state: cases.make_evaluation(TARGET, cases.now().year, "满意", voter))
    app = make_app(tmp_path)
    with caplog.at_level(logging.WARNING, logger="forms_api"):
        assert evaluate(app) == 409  # the evaluation made with the old key still counts
    assert not old.exists()
    moved = tmp_path / keys.KEY_NAME
    assert moved.read_text() == "ab" * 32 + "\n" and stat.S_IMODE(moved.stat().st_mode) == 0o600
    assert f"moved the evaluations key out of {old} into {moved}" in caplog.text
    assert "ab" * 32 not in caplog.text
    backup = tmp_path / "backup.jsonl"
    assert cli("--queue", str(queue), "backup", str(backup)).exit_code == 0
    assert b"ab" * 32 not in backup.read_bytes()


def test_an_old_key_that_differs_from_the_file_stops_and_loses_nothing(tmp_path: Path) -> None:
    queue = tmp_path / "queue"
    EventLog(queue)
    (queue / keys.KEY_NAME).write_text("ab" * 32 + "\n")
    (tmp_path / keys.KEY_NAME).write_text("cd" * 32 + "\n")
    with pytest.raises(QueueUnavailable, match="differs"):
        EventLog(queue).evaluations_key()
    assert (queue / keys.KEY_NAME).read_text() == "ab" * 32 + "\n"
    assert (tmp_path / keys.KEY_NAME).read_text() == "cd" * 32 + "\n"


def test_an_old_database_key_is_moved_out_once(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO store_keys (name, value) VALUES ('evaluations', %s)", ("ef" * 32,))
    key_file = tmp_path / "etc" / keys.KEY_NAME
    store = open_store(store_settings(pg_url, EVALUATIONS_KEY_FILE=key_file))
    assert store.evaluations_key(create=False) == "ef" * 32
    assert key_file.read_text() == "ef" * 32 + "\n"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT name FROM store_keys").fetchall() == []


def test_an_earlier_versions_backup_puts_its_key_into_the_key_file(tmp_path: Path) -> None:
    queue = tmp_path / "old" / "queue"
    EventLog(queue).append(lambda state: cases.make_evaluation(TARGET, cases.now().year, "满意", "0" * 64))
    backup = tmp_path / "old.jsonl"
    line = json.dumps({"key": "ab" * 32, "type": "evaluations_key"}, separators=(",", ":")).encode() + b"\n"
    backup.write_bytes(line + (queue / "events.jsonl").read_bytes())
    new = tmp_path / "new" / "queue"
    result = cli("--queue", str(new), "restore", str(backup))
    assert result.exit_code == 0, result.output
    key_file = new.parent / keys.KEY_NAME
    assert key_file.read_text() == "ab" * 32 + "\n"
    assert f"注意：这份备份是旧版本做的，含有年度评价的密钥，已放到 {key_file}。" in result.output
    assert b"evaluations_key" not in (new / "events.jsonl").read_bytes()


def test_copying_an_old_database_to_a_folder_moves_its_key_into_the_key_file_not_the_copy(
    pg_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO store_keys (name, value) VALUES ('evaluations', %s)", ("ef" * 32,))
    key_file = tmp_path / "etc" / keys.KEY_NAME
    folder = tmp_path / "back" / "queue"
    result = cli("store", "copy", "--from", pg_url, "--to", str(folder), key_file=key_file)
    assert result.exit_code == 0, result.output
    assert key_file.read_text() == "ef" * 32 + "\n"
    assert not (folder / keys.KEY_NAME).exists() and not (folder.parent / keys.KEY_NAME).exists()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT name FROM store_keys").fetchall() == []
