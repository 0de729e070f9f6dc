"""`python -m forms_api store upgrade | copy` on a real PostgreSQL, and the same queue giving the same answers from
both stores: the staff tools' output, the public figures and the tracking page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_app, new_database, store_settings
from test_staff_cli import TODAY, fill

from forms_api import create_app
from forms_api.cases import make_event, new_code
from forms_api.staff.cli import main
from forms_api.store import SchemaOutdated, open_accounts, open_store, open_templates
from forms_api.store.folder import EventLog

CLEAN = {name: None for name in ("FORMS_QUEUE_DIR", "FORMS_QUEUE_URL", "FORMS_STAFF", "FORMS_SITE_DIR")}


def staff(*args: str):
    return CliRunner().invoke(main, list(args), env=CLEAN)


def test_upgrade_creates_the_schema_once(postgres_server) -> None:
    url = new_database(postgres_server, schema=False)
    shown = url  # no password in the test's URL: shown as it is
    first = staff("--queue", url, "store", "upgrade")
    assert (first.exit_code, first.output) == (0, f"数据库 {shown} 的结构已从第 0 版升级到第 1 版。\n")
    again = staff("--queue", url, "store", "upgrade")
    assert (again.exit_code, again.output) == (0, f"数据库 {shown} 的结构已是最新（第 1 版），未做修改。\n")


def test_upgrade_of_a_folder_does_nothing(tmp_path: Path) -> None:
    result = staff("--queue", str(tmp_path / "q"), "store", "upgrade")
    assert (result.exit_code, result.output) == (0, f"留言队列 {tmp_path / 'q'} 是目录，无需升级。\n")
    assert not (tmp_path / "q").exists()


def test_the_service_and_the_tools_refuse_an_old_schema(postgres_server, tmp_path: Path) -> None:
    url = new_database(postgres_server, schema=False)
    message = f"数据库 {url} 的结构是第 0 版，本程序需要第 1 版：请先运行 python -m forms_api store upgrade。"
    with pytest.raises(SchemaOutdated) as refused:
        make_app(tmp_path, QUEUE_URL=url)
    assert str(refused.value) == message
    result = staff("--queue", url, "list")
    assert (result.exit_code, result.output) == (1, f"错误：留言队列无法使用：{message}\n")
    assert staff("--queue", url, "store", "upgrade").exit_code == 0
    assert make_app(tmp_path, QUEUE_URL=url)


def test_a_password_never_shows(postgres_server) -> None:
    url = new_database(postgres_server, schema=False).replace("postgres@", "postgres:s3cret@")
    result = staff("--queue", url, "store", "upgrade")
    assert result.exit_code == 0 and "s3cret" not in result.output and "postgres:***@" in result.output


def big_queue(directory: Path, count: int) -> None:
    """`count` events: submissions and notes, plus an evaluation, an account and a template beside them."""
    log = EventLog(directory, fsync=False)
    at = "2026-11-28T12:00:00+08:00"
    for batch in range(count // 1000):
        events = []
        for n in range(500):
            ref = f"2026-{batch * 500 + n + 1:06d}"
            fields = {"target": "deputy:zhang-san", "category": "求助", "text": f"第 {n} 条留言：路灯坏了\u2028请修"}
            events.append(
                make_event("submitted", ref, "citizen", at, code=new_code(), anonymous=False, phone="139", **fields)
            )
            events.append(make_event("noted", ref, "李办事员", at, note="已电话联系"))
        log.append(lambda state, events=events: events)
    log.evaluations_key()
    settings = store_settings(str(directory))
    accounts = open_accounts(settings)
    accounts.change("li", lambda current: _account("li"))
    open_templates(settings).change(lambda current: [_template()])


def _account(login: str):
    from forms_api.accounts.model import Account

    return Account(login=login, role="office", scope=(), created="2026-11-01T00:00:00+08:00", changed="x")


def _template():
    from forms_api.accounts.templates import ReplyTemplate

    return ReplyTemplate(title="路灯", text="您好，路灯已报修。")


def test_copy_folder_to_postgresql_and_back_is_byte_identical(pg_url: str, tmp_path: Path) -> None:
    source, back = tmp_path / "queue", tmp_path / "back"
    big_queue(source, 10_000)
    there = staff("store", "copy", "--from", str(source), "--to", pg_url)
    assert there.exit_code == 0, there.output
    assert there.output.startswith(f"已从 {source} 复制 10000 条记录、1 个后台账号、1 个答复模板到 {pg_url}；核对一致")
    home = staff("store", "copy", "--from", pg_url, "--to", str(back))
    assert home.exit_code == 0, home.output
    assert there.output.rsplit("SHA-256", 1)[1] == home.output.rsplit("SHA-256", 1)[1]
    assert (back / "events.jsonl").read_bytes() == (source / "events.jsonl").read_bytes()
    # the evaluations key is in neither store: it stays in its file beside the folders, which both use
    assert (tmp_path / "evaluations.key").is_file()
    assert not (back / "evaluations.key").exists() and not (source / "evaluations.key").exists()
    assert open_accounts(store_settings(str(back))).all() == open_accounts(store_settings(str(source))).all()
    assert open_templates(store_settings(str(back))).all() == [_template()]


def test_copy_refuses_a_destination_with_events_and_a_missing_source(pg_url: str, tmp_path: Path) -> None:
    big_queue(tmp_path / "queue", 1000)
    assert staff("store", "copy", "--from", str(tmp_path / "queue"), "--to", pg_url).exit_code == 0
    again = staff("store", "copy", "--from", str(tmp_path / "queue"), "--to", pg_url)
    assert (again.exit_code, again.output) == (
        1,
        f"错误：目标 {pg_url} 中已有留言记录：为免混淆，只能复制到空的队列。\n",
    )
    missing = staff("store", "copy", "--from", str(tmp_path / "typo"), "--to", str(tmp_path / "new"))
    assert (missing.exit_code, missing.output) == (1, f"错误：找不到要复制的留言队列 {tmp_path / 'typo'}。\n")


STAFF_COMMANDS = [
    ("list", "--today", TODAY),
    ("list", "--all", "--today", TODAY),
    ("show", "2026-000001", "--today", TODAY),
    ("show", "2026-000005", "--today", TODAY),
    ("stats", "--today", TODAY),
    ("purge", "--dry-run", "--days", "1", "--today", TODAY),
]


def test_staff_tools_and_stats_say_the_same_on_both_stores(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "queue"
    fill(EventLog(folder, fsync=False))
    assert staff("store", "copy", "--from", str(folder), "--to", pg_url).exit_code == 0
    for command in STAFF_COMMANDS:
        on_folder, on_pg = staff("--queue", str(folder), *command), staff("--queue", pg_url, *command)
        assert on_folder.exit_code == on_pg.exit_code == 0, command
        assert on_folder.output == on_pg.output, command
    outputs = {}
    for name, where in (("folder", str(folder)), ("pg", pg_url)):
        out = tmp_path / f"{name}.json"
        result = staff("--queue", where, "stats", "--public", "--out", str(out), "--today", TODAY)
        assert result.exit_code == 0, result.output
        outputs[name] = json.loads(out.read_text(encoding="utf-8"))
        export = tmp_path / f"{name}.csv"
        assert staff("--queue", where, "export", "--all", "--today", TODAY, "--out", str(export)).exit_code == 0
        backup = tmp_path / f"{name}-backup.jsonl"
        assert staff("--queue", where, "backup", str(backup)).exit_code == 0
    assert outputs["folder"] == outputs["pg"]
    assert (tmp_path / "folder.csv").read_bytes() == (tmp_path / "pg.csv").read_bytes()
    assert (tmp_path / "folder-backup.jsonl").read_bytes() == (tmp_path / "pg-backup.jsonl").read_bytes()
    # retention anonymises in place on both, with the same report and the same result
    purged = [staff("--queue", where, "purge", "--days", "1", "--today", TODAY) for where in (str(folder), pg_url)]
    assert purged[0].exit_code == purged[1].exit_code == 0 and purged[0].output == purged[1].output
    assert "已匿名化 1 条" in purged[0].output
    after = [
        staff("--queue", where, "show", "2026-000003", "--personal", "--today", TODAY)
        for where in (str(folder), pg_url)
    ]
    assert after[0].output == after[1].output


def without_nonce(page: str) -> str:
    return re.sub(r'nonce="[^"]+"', 'nonce=""', page)


def test_tracking_answers_the_same_on_both_stores(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "queue"
    fill(EventLog(folder, fsync=False))
    assert staff("store", "copy", "--from", str(folder), "--to", pg_url).exit_code == 0
    codes = [sub.code for sub in open_store(store_settings(str(folder))).state().submissions.values()]
    apps = [make_app(tmp_path / "a", QUEUE_DIR=folder), make_app(tmp_path / "b", QUEUE_URL=pg_url)]
    for code in codes:
        answers = [app.test_client().get(f"/api/submissions/{code}") for app in apps]
        assert answers[0].status_code == answers[1].status_code == 200
        assert answers[0].get_json() == answers[1].get_json()
        pages = [app.test_client().post("/api/track", data={"code": code}, follow_redirects=True) for app in apps]
        assert pages[0].status_code == pages[1].status_code == 200
        assert without_nonce(pages[0].get_data(as_text=True)) == without_nonce(pages[1].get_data(as_text=True))


def test_create_app_names_a_bad_queue_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"config\['QUEUE_URL'\]: redis:// is no store"):
        create_app({"QUEUE_URL": "redis://localhost", "SITE_DIR": tmp_path})


def test_a_folder_backup_restores_into_postgresql_and_back(pg_url: str, tmp_path: Path) -> None:
    """backup and restore work the same on both stores: the file from a folder restores into the database, and the
    database's backup of it is the same file."""
    folder = tmp_path / "queue"
    fill(EventLog(folder, fsync=False))
    EventLog(folder).evaluations_key()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert staff("--queue", str(folder), "backup", str(first)).exit_code == 0
    restored = staff("--queue", pg_url, "restore", str(first))
    assert restored.exit_code == 0, restored.output
    assert restored.output.startswith(f"已用 {first} 恢复留言队列 {pg_url}：")
    assert staff("--queue", pg_url, "backup", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
