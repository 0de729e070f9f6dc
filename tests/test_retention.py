"""Retention (`python -m forms_api purge`): personal data of cases closed longer than the period is gone from every
file of the queue folder, everything else stays byte for byte, a second run changes nothing, and concurrent appends
are never lost while the log is rewritten.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from forms_api import messages
from forms_api.cases import TZ, check, make_event, new_code
from forms_api.cases.retention import mask_numbers, mask_text
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog

FORK = multiprocessing.get_context("fork")
TODAY = "2026-11-28"
STAFF = "李办事员"


def at(day: str, hour: int = 10) -> str:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ).isoformat()


def add(log: EventLog, kind: str, ref: str, when: str, by: str = STAFF, **fields) -> None:
    def decide(state):
        check(state.submissions.get(ref), kind)
        return make_event(kind, ref, by, when, **fields)

    log.append(decide)


def submit(log: EventLog, ref: str, when: str, text: str, name: str | None, phone: str) -> None:
    fields = {"target": "deputy:zhang-san", "category": "求助", "text": text, "name": name, "phone": phone}
    add(log, "submitted", ref, at(when), "citizen", code=new_code(), anonymous=False, **fields)


def answer_and_close(log: EventLog, ref: str, replied: str, closed: str, answer: str = "已转县住建局处理。") -> None:
    add(log, "assigned", ref, at(replied, 9), to_kind="department", to="县住建局", deadline=replied)
    add(log, "replied", ref, at(replied), answer=answer)
    add(log, "closed", ref, at(closed), reason="已答复")


# Old cases: every name and every spelling of every phone number here must be gone after the purge.
OLD_NAMES = ("欧阳明月", "司徒静")
OLD_SECRETS = (
    "欧阳明月",
    "13912340001",
    "139 1234 0001",
    "+86-139-1234-0001",
    "0571-87654321",
    "13600000002",
    "１３６００００００２",
    "司徒静",
    "010-12345678",
    "87651234",
    "33010219800101123",  # 17 digits of an ID card number (its last character may be X)
)
NEW_NAME, NEW_PHONE = "上官青", "13700000003"


def fill(log: EventLog) -> None:
    """Cases on 2026-11-28 with 365 days: 000001-000003 due, 000004-000007 not (recent, boundary, open, reopened)."""
    text1 = (
        "我是欧阳明月，电话 139 1234 0001，也可打 +86-139-1234-0001 或单位 0571-87654321，身份证 33010219800101123X。"
    )
    submit(log, "2025-000001", "2025-03-01", text1, "欧阳明月", "13912340001")
    answer_and_close(log, "2025-000001", "2025-03-05", "2025-03-10", answer="欧阳明月您好，路灯已修复。")
    add(log, "rated", "2025-000001", at("2025-03-11"), "citizen", rating="基本满意", comment="我的新号码 13600000002")
    add(log, "noted", "2025-000001", at("2025-03-12"), note="回访时留言人给了号码 １３６００００００２")
    submit(
        log,
        "2025-000002",
        "2025-06-01",
        "司徒静反映：楼下噪音扰民，座机 010-12345678，家里 87651234。",
        "司徒静",
        "01012345678",
    )
    answer_and_close(log, "2025-000002", "2025-06-03", "2025-11-28")  # exactly 365 days before TODAY: due
    submit(log, "2025-000003", "2025-07-01", "匿名反映：垃圾清运不及时。", None, "13800000009")
    answer_and_close(log, "2025-000003", "2025-07-02", "2025-07-03")
    # not due
    submit(log, "2025-000004", "2025-10-01", f"我是{NEW_NAME}，电话 {NEW_PHONE}。", NEW_NAME, NEW_PHONE)
    answer_and_close(log, "2025-000004", "2025-10-02", "2025-11-29")  # 364 days: kept
    submit(log, "2024-000001", "2024-01-05", "2024 年的留言，一直未办结，电话 13500000005。", "公孙未", "13500000005")
    submit(log, "2025-000005", "2025-01-05", "办结后又重新办理，电话 13500000006。", "慕容再", "13500000006")
    answer_and_close(log, "2025-000005", "2025-01-06", "2025-01-07")
    add(log, "reopened", "2025-000005", at("2025-02-01"), reason="群众来电要求继续办理")
    submit(log, "2026-000001", "2026-11-27", "新留言：路口红绿灯坏了，电话 13500000007。", "东方新", "13500000007")


DUE = {"2025-000001", "2025-000002", "2025-000003"}


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    directory = tmp_path / "queue"
    fill(EventLog(directory, fsync=False))
    return directory


def purge(queue: Path, *args: str):
    return CliRunner().invoke(main, ["--queue", str(queue), "purge", "--today", TODAY, *args], env={"FORMS_": None})


def lines_by_ref(queue: Path) -> dict[str, list[bytes]]:
    result: dict[str, list[bytes]] = {}
    for line in (queue / "events.jsonl").read_bytes().splitlines():
        result.setdefault(json.loads(line)["ref"], []).append(line)
    return result


def every_byte(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


def test_purge_removes_old_personal_data_everywhere_and_keeps_the_rest(queue: Path) -> None:
    before = lines_by_ref(queue)
    data = every_byte(queue)
    assert all(secret.encode() in data for secret in OLD_SECRETS)

    result = purge(queue)

    assert result.exit_code == 0, result.output
    assert result.output == (
        "已匿名化 3 条办结满 365 天（2025-11-28 及以前办结）的留言，改写 6 条记录；0 条此前已匿名化。\n"
        "未到期限，保持不变：已办结 1 条，未办结 3 条。\n"
    )
    assert sorted(path.name for path in queue.iterdir()) == ["events.jsonl", "events.lock"]
    data = every_byte(queue)
    for secret in OLD_SECRETS:
        assert secret.encode() not in data, secret
    assert b"33010219800101123" not in data and b"13800000009" not in data
    after = lines_by_ref(queue)
    assert {ref: lines for ref, lines in after.items() if ref not in DUE} == {
        ref: lines for ref, lines in before.items() if ref not in DUE
    }
    assert NEW_NAME.encode() in data and NEW_PHONE.encode() in data

    state = EventLog(queue).state()
    assert state.skipped_lines == 0 and state.ignored_events == 0
    first = state.submissions["2025-000001"]
    assert (first.name, first.phone, first.status) == (None, "", "closed")
    n, p = messages.MASK_NAME, messages.MASK_NUMBER
    assert first.text == f"我是{n}，电话 {p}，也可打 {p} 或单位 {p}，身份证 {p}X。"
    assert first.answer == f"{n}您好，路灯已修复。"
    assert first.rating_comment == f"我的新号码 {p}" and first.notes[0]["note"] == f"回访时留言人给了号码 {p}"
    assert first.history[0]["anonymised"] == TODAY
    assert state.submissions["2025-000002"].text == f"{n}反映：楼下噪音扰民，座机 {p}，家里 {p}。"
    assert state.submissions["2025-000003"].text == "匿名反映：垃圾清运不及时。"  # only name and phone go
    assert state.submissions["2025-000003"].code == json.loads(before["2025-000003"][0])["code"]  # lookups still work


def test_purge_is_idempotent_and_a_dry_run_changes_nothing(queue: Path) -> None:
    log_file = queue / "events.jsonl"
    original = log_file.read_bytes()
    dry = purge(queue, "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.startswith("试运行，未做任何修改：将匿名化 3 条办结满 365 天")
    assert log_file.read_bytes() == original

    assert purge(queue).exit_code == 0
    once, inode = log_file.read_bytes(), log_file.stat().st_ino
    again = purge(queue)
    assert again.exit_code == 0
    assert again.output.startswith("已匿名化 0 条办结满 365 天（2025-11-28 及以前办结）的留言，改写 0 条记录；3 条此前")
    assert log_file.read_bytes() == once and log_file.stat().st_ino == inode  # not even rewritten


def test_days_from_option_and_environment(queue: Path) -> None:
    result = purge(queue, "--days", "30", "--dry-run")
    assert "将匿名化 4 条办结满 30 天（2026-10-29 及以前办结）" in result.output
    result = CliRunner().invoke(
        main, ["--queue", str(queue), "purge", "--today", TODAY, "--dry-run"], env={"FORMS_RETENTION_DAYS": "30"}
    )
    assert "将匿名化 4 条办结满 30 天" in result.output
    bad = CliRunner().invoke(main, ["--queue", str(queue), "purge"], env={"FORMS_RETENTION_DAYS": "一年"})
    assert bad.exit_code == 1 and bad.output.startswith("错误：无法读取保存期限：")
    assert purge(queue, "--days", "0").exit_code == 2


def test_missing_queue_is_an_error(tmp_path: Path) -> None:
    result = purge(tmp_path / "nowhere")
    assert result.exit_code == 1 and "找不到留言队列" in result.output
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    "text",
    [
        "13912345678",
        "139-1234-5678",
        "139 1234 5678",
        "+86 139 1234 5678",
        "0086-13912345678",
        "（010）12345678",
        "0571-8765-4321",
        "021 87654321",
        "8765-4321",
        "12345678901234567",
        "１３９１２３４５６７８",
        "QQ号123456789",
    ],
)
def test_phone_like_numbers_are_masked(text: str) -> None:
    masked = mask_numbers(f"请拨{text}联系")
    assert not any(char.isdigit() for char in masked.replace(messages.MASK_NUMBER, "")), masked


@pytest.mark.parametrize(
    "text", ["2026-11-28", "2026年11月28日", "12345热线", "第 3 栋 502 室", "123456", "5 per minute", "1.5 万元"]
)
def test_dates_and_short_numbers_stay(text: str) -> None:
    assert mask_numbers(text) == text


def test_names_are_masked_longest_first() -> None:
    assert mask_text("欧阳明月和欧阳", ["欧阳", "欧阳明月", " "]) == f"{messages.MASK_NAME}和{messages.MASK_NAME}"


# --- a purge while 4 processes append ---------------------------------------------------------------------------------

WRITERS, PER_WRITER, OLD_CASES = 4, 150, 24


def _writer(directory: str, worker: int, out: str) -> None:
    log = EventLog(Path(directory))
    acked = []
    for n in range(PER_WRITER):

        def decide(state, n=n):
            ref = state.next_ref(2026)
            fields = {"target": "deputy:zhang-san", "category": "求助", "text": f"进程 {worker} 第 {n} 条留言"}
            return make_event(
                "submitted", ref, "citizen", at(TODAY), code=new_code(), anonymous=False, phone=NEW_PHONE, **fields
            )

        (event,) = log.append(decide)
        acked.append(event["ref"] + " " + event["code"])
    Path(out).write_text("\n".join(acked) + "\n")


def test_purge_while_writers_append_loses_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "queue"
    log = EventLog(directory, fsync=False)
    for day in range(1, OLD_CASES + 1):  # closed on 2025-01-01 ... 2025-01-24: one more is due each day in 2026
        ref, closed = f"2025-{day:06d}", f"2025-01-{day:02d}"
        submit(log, ref, closed, f"旧留言 {day}，请回电 1390000{day:04d}", f"旧名{day:02d}", f"1390000{day:04d}")
        answer_and_close(log, ref, closed, closed)
    workers = [
        FORK.Process(target=_writer, args=(str(directory), worker, str(tmp_path / f"acks-{worker}.txt")))
        for worker in range(WRITERS)
    ]
    for process in workers:
        process.start()
    reader = EventLog(directory, fsync=False)
    while len(reader.state().submissions) == OLD_CASES:  # the writers have begun
        time.sleep(0.001)
    reports, seen = [], []
    for day in range(1, OLD_CASES + 1):  # a rewrite per day, while the writers append
        today = date(2026, 1, day).isoformat()
        result = CliRunner().invoke(main, ["--queue", str(directory), "purge", "--days", "365", "--today", today])
        assert result.exit_code == 0, result.output
        reports.append(result.output.splitlines()[0])
        seen.append(len(reader.state().submissions))
    for process in workers:
        process.join(60)
    assert [process.exitcode for process in workers] == [0] * WRITERS
    assert all(report.startswith("已匿名化 1 条") for report in reports), reports
    assert len(set(seen)) > 1 and seen[0] < OLD_CASES + WRITERS * PER_WRITER, seen  # the rewrites met appends

    state = EventLog(directory).state()
    assert state.skipped_lines == 0 and state.ignored_events == 0
    acked = set()
    for worker in range(WRITERS):
        acked |= set((tmp_path / f"acks-{worker}.txt").read_text().splitlines())
    assert len(acked) == WRITERS * PER_WRITER
    stored = {f"{sub.ref} {sub.code}": sub for sub in state.submissions.values() if sub.ref.startswith("2026-")}
    assert set(stored) == acked  # every acknowledged append survived every rewrite, none twice
    assert {sub.phone for sub in stored.values()} == {NEW_PHONE}
    data = every_byte(directory)
    for day in range(1, OLD_CASES + 1):
        assert f"旧名{day:02d}".encode() not in data and f"1390000{day:04d}".encode() not in data
