"""Backup and restore (`python -m forms_api backup | restore`): a consistent copy while 4 processes append, a restore
that gives back every acknowledged submission, and a restore that refuses to overwrite a newer queue.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from forms_api.cases import make_event, new_code
from forms_api.staff.cli import main
from forms_api.store.backup import load
from forms_api.store.folder import EventLog

FORK = multiprocessing.get_context("fork")
AT = "2026-11-28T10:00:00+08:00"
WRITERS, PER_WRITER = 4, 200
ENV = {"FORMS_RETENTION_DAYS": None}


def cli(*args: str):
    return CliRunner().invoke(main, list(args), env=ENV)


def submission(text: str):
    def decide(state):
        fields = {"target": "deputy:zhang-san", "category": "求助", "text": text, "phone": "13912345678"}
        return make_event("submitted", state.next_ref(2026), "citizen", AT, code=new_code(), anonymous=False, **fields)

    return decide


def _writer(directory: str, worker: int, out: str) -> None:
    """Append submissions; after each acknowledgement note its time (CLOCK_MONOTONIC is system-wide)."""
    log = EventLog(Path(directory))
    with open(out, "w") as acks:
        for n in range(PER_WRITER):
            (event,) = log.append(submission(f"进程 {worker} 的第 {n} 条留言"))
            acks.write(f"{time.monotonic()} {event['ref']} {event['code']}\n")
            acks.flush()


def acknowledged(tmp_path: Path) -> list[tuple[float, str]]:
    result = []
    for worker in range(WRITERS):
        for line in (tmp_path / f"acks-{worker}.txt").read_text().splitlines():
            moment, ref, code = line.split()
            result.append((float(moment), f"{ref} {code}"))
    return result


def test_backup_while_writers_append_restores_every_acknowledged_submission(tmp_path: Path) -> None:
    queue, backups = tmp_path / "queue", tmp_path / "backups"
    EventLog(queue)
    workers = [
        FORK.Process(target=_writer, args=(str(queue), worker, str(tmp_path / f"acks-{worker}.txt")))
        for worker in range(WRITERS)
    ]
    for process in workers:
        process.start()
    reader = EventLog(queue, fsync=False)
    while len(reader.state().submissions) < 50:
        time.sleep(0.001)
    taken = []
    for _ in range(3):
        began = time.monotonic()
        result = cli("--queue", str(queue), "backup", str(backups))
        assert result.exit_code == 0, result.output
        match = re.fullmatch(
            r"已备份 (\d+) 条记录（(\d+) 条留言）到 (\S+)（含个人信息，仅本人可读）。\n", result.output
        )
        assert match, result.output
        taken.append((began, Path(match[3]), int(match[2])))
        time.sleep(0.05)
    for process in workers:
        process.join(60)
    assert [process.exitcode for process in workers] == [0] * WRITERS
    acks = acknowledged(tmp_path)
    assert len(acks) == WRITERS * PER_WRITER
    assert 0 < taken[0][2] < WRITERS * PER_WRITER  # the first backup was taken while the writers wrote

    for n, (began, path, count) in enumerate(taken):
        assert re.fullmatch(r"mashang-queue-\d{8}T\d{6}(-\d+)?\.jsonl", path.name) and path.parent == backups
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        restored = tmp_path / f"restored-{n}"
        result = cli("--queue", str(restored), "restore", str(path))
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"已用 {path} 恢复留言队列 {restored}：{count} 条记录（{count} 条留言）。\n")
        assert stat.S_IMODE(restored.stat().st_mode) == 0o700
        assert stat.S_IMODE((restored / "events.jsonl").stat().st_mode) == 0o600
        assert (restored / "events.jsonl").read_bytes() == path.read_bytes()
        state = EventLog(restored).state()
        assert state.skipped_lines == 0 and state.ignored_events == 0 and len(state.submissions) == count
        held = {f"{sub.ref} {sub.code}" for sub in state.submissions.values()}
        before = {key for moment, key in acks if moment < began}
        assert before <= held, f"backup {n} lacks {len(before - held)} acknowledged submissions"
        assert held <= {key for _, key in acks}  # and holds nothing that was not acknowledged (no torn record)
    assert sorted(backups.iterdir()) == sorted(path for _, path, _ in taken)  # no temporary file left


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    directory = tmp_path / "queue"
    log = EventLog(directory, fsync=False)
    for n in range(3):
        log.append(submission(f"第 {n} 条留言，内容足够长。"))
    return directory


def test_restore_refuses_a_newer_queue(queue: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.jsonl"
    assert cli("--queue", str(queue), "backup", str(copy)).output.startswith(f"已备份 3 条记录（3 条留言）到 {copy}")
    EventLog(queue).append(submission("备份之后才提交的留言。"))
    log_file = queue / "events.jsonl"
    before, inode = log_file.read_bytes(), log_file.stat().st_ino

    result = cli("--queue", str(queue), "restore", str(copy))

    assert result.exit_code == 1
    assert result.output == (
        f"错误：拒绝恢复：留言队列 {queue} 中有 1 条记录不在这份备份中（最近一条在 {AT}），队列比备份新，"
        "恢复会丢失这些记录。请换用更新的备份；确要覆盖，请先用 backup 备份当前队列，再加 --force。\n"
    )
    assert log_file.read_bytes() == before and log_file.stat().st_ino == inode

    forced = cli("--queue", str(queue), "restore", str(copy), "--force")
    assert forced.exit_code == 0
    assert "注意：队列中原有的 1 条记录不在备份中，已被覆盖。" in forced.output
    assert log_file.read_bytes() == copy.read_bytes()


def test_restore_over_an_older_or_anonymised_queue_needs_no_force(queue: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.jsonl"
    cli("--queue", str(queue), "backup", str(older))
    EventLog(queue).append(submission("第四条留言，内容足够长。"))
    newer = tmp_path / "newer.jsonl"
    cli("--queue", str(queue), "backup", str(newer))
    cli("--queue", str(queue), "restore", str(older), "--force")  # the queue lost its last event

    result = cli("--queue", str(queue), "restore", str(newer))
    assert result.exit_code == 0, result.output
    assert len(EventLog(queue).state().submissions) == 4

    # a queue anonymised since the backup holds the same events: not newer
    log = EventLog(queue)
    log.rewrite(lambda events: [event | {"phone": ""} for event in events])
    assert cli("--queue", str(queue), "restore", str(newer)).exit_code == 0


def test_restore_applies_the_retention_period(tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    fields = {"target": "deputy:zhang-san", "category": "求助", "text": "很久以前的留言，电话 13912345678。"}
    fields |= {"name": "欧阳", "phone": "13912345678", "anonymous": False}
    events = [
        make_event("submitted", "2020-000001", "citizen", "2020-01-01T10:00:00+08:00", code=new_code(), **fields),
        make_event("closed", "2020-000001", "李办事员", "2020-01-02T10:00:00+08:00"),
    ]
    old.write_text("".join(json.dumps(event, ensure_ascii=False) + "\n" for event in events), encoding="utf-8")
    result = cli("--queue", str(tmp_path / "queue"), "restore", str(old))
    assert result.exit_code == 0, result.output
    assert "已匿名化 1 条办结满 365 天" in result.output
    data = (tmp_path / "queue" / "events.jsonl").read_bytes()
    assert "欧阳".encode() not in data and b"13912345678" not in data


@pytest.mark.parametrize(
    ("content", "line"), [(b'{"type":"submitted"}\n{"type":"clo', 2), (b'{"type":"submitted"}\nnot json\n', 2)]
)
def test_a_damaged_backup_is_refused(queue: Path, tmp_path: Path, content: bytes, line: int) -> None:
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(content)
    before = (queue / "events.jsonl").read_bytes()
    result = cli("--queue", str(queue), "restore", str(damaged), "--force")
    assert result.exit_code == 1
    assert result.output == f"错误：备份 {damaged} 已损坏：第 {line} 行不是完整的记录。请换用其他备份。\n"
    assert (queue / "events.jsonl").read_bytes() == before
    assert load(tmp_path / "queue" / "events.jsonl")  # the queue itself reads as a backup


def test_a_damaged_backup_leaves_no_new_queue_folder_behind(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(b"not json\n")
    result = cli("--queue", str(tmp_path / "new-queue"), "restore", str(damaged))
    assert result.exit_code == 1 and "已损坏" in result.output
    assert not (tmp_path / "new-queue").exists()


def test_an_empty_backup_is_refused_unless_forced(tmp_path: Path) -> None:
    """A copy cut short (a failed scp) is 0 bytes: restoring it is not "0 条记录" and done."""
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    queue = tmp_path / "new-queue"
    result = cli("--queue", str(queue), "restore", str(empty))
    assert result.exit_code == 1
    assert result.output == (
        f"错误：备份 {empty} 中没有任何记录（0 字节）：可能复制不完整，队列未改动。请核对文件大小后重新复制；"
        "确实要恢复成一个空的队列，请加 --force。\n"
    )
    assert not queue.exists()
    forced = cli("--queue", str(queue), "restore", str(empty), "--force")
    assert forced.exit_code == 0 and "0 条记录" in forced.output


def test_a_queue_folder_the_service_has_not_started_in_is_told_apart_from_a_missing_one(tmp_path: Path) -> None:
    """DEPLOY.md makes the queue folder before the service's first start: a backup timer firing then says so."""
    folder = tmp_path / "queue"
    folder.mkdir()
    result = cli("--queue", str(folder), "backup", str(tmp_path / "b"))
    assert result.exit_code == 1 and "已有，但还没有留言记录" in result.output and "mashang-forms" in result.output
    assert list(folder.iterdir()) == []  # nothing created that the service's user could not write


def test_missing_backup_and_missing_queue(queue: Path, tmp_path: Path) -> None:
    result = cli("--queue", str(queue), "restore", str(tmp_path / "nothing.jsonl"))
    assert (result.exit_code, result.output) == (1, f"错误：找不到备份文件 {tmp_path / 'nothing.jsonl'}。\n")
    result = cli("--queue", str(tmp_path / "nowhere"), "backup", str(tmp_path / "b"))
    assert result.exit_code == 1 and "找不到留言队列" in result.output and not (tmp_path / "b").exists()


def test_backup_keeps_the_newest(queue: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    for stamp in ("20261101T030000", "20261102T030000", "20261103T030000"):
        (folder / f"mashang-queue-{stamp}.jsonl").write_text("")
    result = cli("--queue", str(queue), "backup", str(folder), "--keep", "2")
    assert result.exit_code == 0 and result.output.endswith("已删除 2 份较早的备份。\n")
    names = sorted(path.name for path in folder.iterdir())
    assert names[0] == "mashang-queue-20261103T030000.jsonl" and names[2] == "notes.txt" and len(names) == 3
