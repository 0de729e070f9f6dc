"""The hand-over round trip in the staff tools (`handover sheet | import`, `urge`, `note --result`) and its pure
rules (forms_api/cases/handover.py): a fixture results file, as XLSX written by openpyxl and as CSV, with good and bad
rows; errors by row number; nothing applied when a row is bad unless --apply-good; a second import adds no event.
Real queue in tmp_path, no mocks."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from forms_api.cases import TZ, check, fold, make_event, new_code
from forms_api.cases.handover import import_key, plan, read_rows, result_pending, urges
from forms_api.messages_console import HANDOVER_ROW_ERRORS
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog
from forms_api.store.lines import read_events

TODAY = "2026-11-30"
HEADER = ["留言编号", "工单号", "办理结果", "日期", "承办单位"]
GOOD = [
    ["2026-000001", "GD-001", "已派人修复路灯。", datetime(2026, 11, 28), "县住建局"],  # a real date cell in XLSX
    ["2026-000002", "", "已转供电公司处理", "2026/11/29", "12345热线"],
]
BAD = [
    ["2026-000099", "GD-9", "某结果", "2026-11-28", "县住建局"],
    ["2026-000004", "GD-4", "结果", "2026-11-28", "县住建局"],
    ["2026-000003", "GD-3", "结果", "2026-11-28", "县住建局"],
    ["2026-000001", "GD-002", "", "2026-11-28", "县住建局"],
    ["2026-000001", "GD-003", "结果", "2026-13-01", "县住建局"],
    ["", "", "", "", ""],  # a blank row: skipped, not an error
    ["2026-000002", "GD-5", "结果", "2026-11-28", "县住建局"],
    ["2026-000001", "GD-001", "已派人修复路灯。", "2026-11-28", "县住建局"],  # the first row again: a repeat
    ["2026-000001", "GD-006", "结果", "2026-12-01", "县住建局"],
    ["2026-000001", "GD-007", "", "", "县住建局"],  # neither result nor date: not done yet, skipped, not an error
]
ERRORS = [
    "第 4 行：找不到留言 2026-000099。",
    "第 5 行：留言 2026-000004 没有交办给“县住建局”（现在的承办：未交办）。",
    "第 6 行：留言 2026-000003 已办结，不能再记录办理结果。",
    "第 7 行：“办理结果”为空。",
    "第 8 行：日期“2026-13-01”不是日期，应形如 2026-12-01。",
    "第 10 行：留言 2026-000002 没有交办给“县住建局”（现在的承办：12345热线）。",
    "第 12 行：日期 2026-12-01 晚于今天（2026-11-30）。",
]


def at(day: int, month: int = 11) -> str:
    return datetime(2026, month, day, 9, 30, tzinfo=TZ).isoformat()


def add(log: EventLog, kind: str, ref: str, when: str, by: str = "李办事员", **fields: object) -> None:
    def decide(state):
        check(state.submissions.get(ref), kind)
        return make_event(kind, ref, by, when, **fields)

    log.append(decide)


def fill(log: EventLog) -> None:
    """000001 with 县住建局 (overdue on 11-30), 000002 with the hotline, 000003 closed, 000004 with nobody, 000005
    handed to 县住建局 in October, 000006 with a deputy."""
    for number in range(1, 6):
        ref = f"2026-{number:06d}"
        contact = {"category": "求助", "text": f"路灯坏了 {ref}", "phone": "13912345678", "anonymous": False}
        add(log, "submitted", ref, at(16 + number), "citizen", code=new_code(), target="deputy:zhang-san", **contact)
    add(log, "assigned", "2026-000001", at(23), to_kind="department", to="县住建局", deadline="2026-11-27")
    add(log, "assigned", "2026-000002", at(24), to_kind="hotline", to="12345", deadline="2026-12-08")
    add(log, "assigned", "2026-000003", at(20), to_kind="department", to="县住建局", deadline="2026-11-27")
    add(log, "closed", "2026-000003", at(26))
    add(log, "assigned", "2026-000005", at(1, 10), to_kind="department", to="县住建局", deadline="2026-10-15")
    add(log, "submitted", "2026-000006", at(25), "citizen", code=new_code(), target="deputy:zhang-san", **contact)
    add(log, "assigned", "2026-000006", at(25), to_kind="deputy", to="张三", deadline="2026-12-02", deputy="zhang-san")


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    directory = tmp_path / "queue"
    fill(EventLog(directory, fsync=False))
    return directory


def events(queue: Path) -> list[dict]:
    return list(read_events(queue / "events.jsonl"))


@pytest.fixture
def run(queue: Path):
    runner = CliRunner()
    clean = {name: None for name in ("FORMS_QUEUE_DIR", "FORMS_STAFF", "FORMS_SITE_DIR", "FORMS_HOLIDAYS")}

    def invoke(*args: str):
        return runner.invoke(main, ["--queue", str(queue), *args], env=clean)

    return invoke


def results_file(tmp_path: Path, kind: str, rows: list[list[object]]) -> Path:
    """The fixture results file: XLSX written by openpyxl, or CSV (UTF-8 with BOM, as Excel saves it)."""
    path = tmp_path / f"results.{kind}"
    if kind == "xlsx":
        workbook = Workbook()
        for row in [HEADER, *rows]:
            workbook.active.append([value if value != "" else None for value in row])
        workbook.save(path)
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([HEADER, *[[str(value) for value in row] for row in rows]])
        path.write_bytes(buffer.getvalue().replace("2026-11-28 00:00:00", "2026-11-28").encode("utf-8-sig"))
    return path


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(run, queue, tmp_path, kind):
    before = events(queue)
    result = run("handover", "import", str(results_file(tmp_path, kind, GOOD + BAD)), "--today", TODAY, "--by", "boss")
    assert (result.exit_code, result.stdout) == (1, "")
    refused = "错误：文件中有 7 行有误，未导入任何一行。改正后重新导入，或加 --apply-good 只导入无误的行。"
    assert result.stderr.splitlines() == [*ERRORS, refused]
    assert events(queue) == before


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_apply_good_imports_the_good_rows_once(run, queue, tmp_path, kind):
    path = results_file(tmp_path, kind, GOOD + BAD)
    before = events(queue)
    first = run("handover", "import", str(path), "--apply-good", "--today", TODAY, "--by", "boss")
    assert first.exit_code == 0  # asked for: the good rows went in, and the bad ones are listed above
    assert (
        first.stdout == "已导入 2 条办理结果；跳过此前已导入的 1 行、尚无办理结果的 1 行。有误的 7 行（见上）未导入。\n"
    )
    assert first.stderr.splitlines() == ERRORS
    added = events(queue)[len(before) :]
    assert [(e["type"], e["ref"], e["by"], e["note"], e["result"]) for e in added] == [
        ("noted", "2026-000001", "boss", "已派人修复路灯。", True),
        ("noted", "2026-000002", "boss", "已转供电公司处理", True),
    ]
    assert [(e["ticket"], e["result_date"], e["handler"]) for e in added] == [
        ("GD-001", "2026-11-28", "县住建局"),
        ("", "2026-11-29", "12345热线"),
    ]
    assert added[0]["import_key"] == import_key("2026-000001", "GD-001", "已派人修复路灯。")
    again = run("handover", "import", str(path), "--apply-good", "--today", TODAY, "--by", "boss")
    assert (
        again.stdout == "已导入 0 条办理结果；跳过此前已导入的 3 行、尚无办理结果的 1 行。有误的 7 行（见上）未导入。\n"
    )
    assert events(queue) == [*before, *added]
    # the same rows in the other format, re-spaced, are the same rows: still nothing new
    other = results_file(
        tmp_path, "csv" if kind == "xlsx" else "xlsx", [[*GOOD[0][:2], "已派人 修复路灯。", *GOOD[0][3:]]]
    )
    assert (
        run("handover", "import", str(other), "--today", TODAY).stdout
        == "已导入 0 条办理结果；跳过此前已导入的 1 行、尚无办理结果的 0 行。\n"
    )
    assert events(queue) == [*before, *added]


def test_a_clean_file_imports_with_exit_code_0_and_shows_in_the_history(run, queue, tmp_path):
    result = run("handover", "import", str(results_file(tmp_path, "csv", GOOD)), "--today", TODAY, "--by", "boss")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "已导入 2 条办理结果；跳过此前已导入的 0 行、尚无办理结果的 0 行。\n",
        "",
    )
    shown = run("show", "2026-000001", "--today", TODAY).stdout
    assert "boss  办理结果（工单号 GD-001）" in shown
    # the department's result under its own heading, as the console's case page lists it, not among the notes
    results, notes = shown.split("\n办理结果：\n")[1].split("\n内部备注：")
    assert [line[20:] for line in results.split("\n")] == [  # after "  2026-12-07 10:00  ", when it was imported
        "县住建局（承办单位）（由 boss导入）  已派人修复路灯。（工单号 GD-001；办理日期 2026-11-28）"
    ]
    assert notes.startswith("无\n")
    run("note", "2026-000001", "--text", "已派人维修", "--result", "--by", "zhujian")
    run("note", "2026-000001", "--text", "已电话联系", "--by", "boss")
    shown = run("show", "2026-000001", "--today", TODAY).stdout
    results, notes = shown.split("\n办理结果：\n")[1].split("\n内部备注：\n")
    assert results.split("\n")[1].endswith("县住建局（承办单位）（由 zhujian录入）  已派人维修")
    # recorded by the department's own account, it is that account's, as the console shows it
    added = run("users", "add", "zhujian", "--role", "handler", "--handler", "县住建局", "--base-url", "https://x.org/")
    assert added.exit_code == 0, added.output
    shown = run("show", "2026-000001", "--today", TODAY).stdout
    results = shown.split("\n办理结果：\n")[1].split("\n内部备注：\n")[0]
    assert results.split("\n")[1].endswith("  zhujian  已派人维修")
    assert "已电话联系" in notes.split("\n办理经过：")[0] and "已派人" not in notes.split("\n办理经过：")[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "留言编号,工单号,办理结果,承办单位\n2026-000001,1,结果,县住建局\n".encode(),
            "第 1 行：缺少列：日期（第 1 行应为列名：留言编号、工单号、办理结果、日期、承办单位）。",
        ),
        (
            "留言编号,工单号,办理结果,日期,承办单位\n".encode("gb18030"),
            "第 1 行：文件中没有数据行（第 1 行应为列名：留言编号、工单号、办理结果、日期、承办单位）。",
        ),
    ],
    ids=["missing-column", "no-rows"],
)
def test_a_file_level_problem_is_row_1(run, queue, tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    result = run("handover", "import", str(path), "--today", TODAY)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == message


def test_a_gbk_csv_and_an_unreadable_file(run, queue, tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("留言编号,工单号,办理结果,日期,承办单位\n2026-000001,A1,已修复,2026-11-28,县住建局\n".encode("gbk"))
    assert run("handover", "import", str(gbk), "--today", TODAY).exit_code == 0
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run("handover", "import", str(broken), "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr == f"错误：{broken}：无法读取这个文件：请上传 XLSX 或 CSV（UTF-8 或 GBK 编码）文件。\n"


def test_the_sheet_lists_a_handler_s_open_cases_in_the_range_and_comes_back_as_a_results_file(run, queue, tmp_path):
    result = run("handover", "sheet", "--handler", "县住建局", "--since", "2026-11-01")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "留言编号,承办单位,交办日期,答复期限,类别,留言对象,留言内容,满意度,重办次数,工单号,办理结果,日期",
        "2026-000001,县住建局,2026-11-23,2026-11-27,求助,deputy:zhang-san,路灯坏了 2026-000001,,0,,,",
    ]
    october = run("handover", "sheet", "--handler", "县住建局", "--since", "2026-10-01", "--until", "2026-10-31")
    assert [line.split(",")[0] for line in october.stdout.splitlines()[1:]] == ["2026-000005"]
    reversed_ = run("handover", "sheet", "--handler", "县住建局", "--since", "2026-10-31", "--until", "2026-10-01")
    assert (reversed_.exit_code, reversed_.stderr) == (1, "错误：结束日期早于开始日期，请对调两个日期。\n")
    out = tmp_path / "sheet.xlsx"
    done = run("handover", "sheet", "--handler", "12345热线", "--since", "2026-11-01", "--out", str(out))
    assert done.stdout == f"已导出 1 条交办给 12345热线 的留言到 {out}。\n"
    workbook = load_workbook(out)
    sheet = workbook.active
    assert sheet.title == "交办清单"
    workbook.save(out)
    unfilled = run("handover", "import", str(out), "--today", TODAY, "--by", "boss")  # sent back before any result
    assert (unfilled.exit_code, unfilled.stdout) == (
        0,
        "已导入 0 条办理结果；跳过此前已导入的 0 行、尚无办理结果的 1 行。\n",
    )
    sheet["J2"], sheet["K2"], sheet["L2"] = "RX-77", "已处理", "2026-11-29"  # what the hotline fills in
    workbook.save(out)
    back = run("handover", "import", str(out), "--today", TODAY, "--by", "boss")
    assert (back.exit_code, back.stdout) == (0, "已导入 1 条办理结果；跳过此前已导入的 0 行、尚无办理结果的 0 行。\n")
    assert events(queue)[-1]["handler"] == "12345" and events(queue)[-1]["ticket"] == "RX-77"
    log = EventLog(queue, fsync=False)
    contact = {"category": "求助", "text": '=HYPERLINK("http://x")', "phone": "13912345678", "anonymous": False}
    add(log, "submitted", "2026-000007", at(27), "citizen", code=new_code(), target="deputy:zhang-san", **contact)
    add(log, "assigned", "2026-000007", at(27), to_kind="department", to="=县水务局", deadline="2026-12-04")
    formula = run("handover", "sheet", "--handler", "=县水务局", "--since", "2026-11-01").stdout.splitlines()[1]
    assert formula.startswith("2026-000007,'=县水务局,") and ',"\'=HYPERLINK(""http://x"")",' in formula
    xlsx_out = run("handover", "sheet", "--handler", "x", "--since", "2026-11-01", "--format", "xlsx")
    assert (xlsx_out.exit_code, xlsx_out.stderr) == (
        1,
        "错误：XLSX 文件不能输出到屏幕，请用 --out 指定文件，或改用 --format csv。\n",
    )


def test_urge_and_note_result_in_the_staff_tools(run, queue):
    assert run("urge", "2026-000002", "--today", TODAY, "--by", "boss").stderr == "错误：该留言尚未逾期，不能催办。\n"
    urged = run("urge", "2026-000001", "--today", TODAY, "--by", "boss")
    assert (urged.exit_code, urged.stdout) == (0, "已催办 2026-000001。\n")
    assert events(queue)[-1] | {"at": None} == {
        "type": "urged",
        "ref": "2026-000001",
        "by": "boss",
        "at": None,
        "deadline": "2026-11-27",
    }
    noted = run("note", "2026-000001", "--text", "已派人维修", "--result", "--by", "zhujian")
    assert (noted.exit_code, noted.stdout) == (0, "已为 2026-000001 记录办理结果。\n")
    last = events(queue)[-1]
    assert (last["type"], last["note"], last["result"], last["by"]) == ("noted", "已派人维修", True, "zhujian")
    plain = run("note", "2026-000001", "--text", "已电话联系", "--by", "boss")
    assert plain.stdout == "已为 2026-000001 添加内部备注。\n" and "result" not in events(queue)[-1]
    assert run("note", "2026-000003", "--text", "x", "--result").exit_code == 0  # a note is never refused
    assert run("urge", "2026-000009").exit_code == 1
    unassigned = run("urge", "2026-000004", "--today", "2099-01-01", "--by", "boss")  # overdue, handled by nobody
    assert unassigned.stderr == "错误：该留言尚未交办，没有可催办的承办者；请先交办。\n"


def test_the_markers_follow_the_case(queue):
    def case(extra: list[dict]):
        return fold([*read_events(queue / "events.jsonl"), *extra]).submissions["2026-000001"]

    result = make_event("noted", "2026-000001", "zhujian", at(28), note="已修复", result=True)
    note = make_event("noted", "2026-000001", "boss", at(28), note="内部")
    urge = make_event("urged", "2026-000001", "boss", at(28), deadline="2026-11-27")
    reply = make_event("replied", "2026-000001", "boss", at(29), answer="已修复")
    assert (result_pending(case([])), urges(case([]))) == (False, 0)
    assert (result_pending(case([note])), result_pending(case([result]))) == (False, True)
    assert urges(case([urge, urge])) == 2
    assert (result_pending(case([result, urge, reply])), urges(case([result, urge, reply]))) == (False, 0)
    reopen = make_event("reopened", "2026-000001", "boss", at(30), reason="未修好")
    assert result_pending(case([result, reply, reopen])) is False  # an old result belongs to the answered round


# Every row error paired with a row that makes it and its exact line; a key of HANDOVER_ROW_ERRORS without one fails.
ROW = {"ref": "2026-000001", "ticket": "GD-1", "result": "已修复", "day": "2026-11-28", "handler": "县住建局"}
ROW_CASES = {
    "no_rows": ([HEADER], "第 1 行：文件中没有数据行（第 1 行应为列名：留言编号、工单号、办理结果、日期、承办单位）。"),
    "missing_columns": (
        [HEADER[:3], ["2026-000001", "GD-1", "已修复"]],
        "第 1 行：缺少列：日期、承办单位（第 1 行应为列名：留言编号、工单号、办理结果、日期、承办单位）。",
    ),
    "too_many_rows": ([HEADER, *[list(ROW.values())] * 2001], "第 1 行：文件超过 2000 行，请分批导入。"),
    "empty": ({"handler": " "}, "第 2 行：“承办单位”为空。"),
    "control": ({"ticket": "GD\x1b[31m"}, "第 2 行：“工单号”含有换行或控制字符。"),
    "long": ({"result": "修" * 2001}, "第 2 行：“办理结果”超过 2000 个字。"),
    "bad_ref": ({"ref": "2026-1"}, "第 2 行：留言编号“2026-1”格式不对，应形如 2026-000123。"),
    "unknown_ref": ({"ref": "2026-000404"}, "第 2 行：找不到留言 2026-000404。"),
    "bad_date": ({"day": "11月28日"}, "第 2 行：日期“11月28日”不是日期，应形如 2026-12-01。"),
    "future_date": ({"day": "2026年12月1日"}, "第 2 行：日期 2026-12-01 晚于今天（2026-11-30）。"),
    "closed": ({"ref": "2026-000003"}, "第 2 行：留言 2026-000003 已办结，不能再记录办理结果。"),
    "not_handed": ({"handler": "县水务局"}, "第 2 行：留言 2026-000001 没有交办给“县水务局”（现在的承办：县住建局）。"),
    "before_handover": ({"day": "2026-11-22"}, "第 2 行：日期 2026-11-22 早于交办日期（2026-11-23）。"),
}
NOT_HANDED = [
    ({"ref": "2026-000006"}, "第 2 行：留言 2026-000006 没有交办给“县住建局”（现在的承办：人大代表 张三）。"),
    ({"ref": "2026-000004"}, "第 2 行：留言 2026-000004 没有交办给“县住建局”（现在的承办：未交办）。"),
    ({"ref": "2026-000002"}, "第 2 行：留言 2026-000002 没有交办给“县住建局”（现在的承办：12345热线）。"),
    ({"ref": "2026-000002", "handler": "12345"}, None),  # the hotline by its number or its name
    ({"ref": "2026-000002", "handler": "12345热线"}, None),
]


@pytest.mark.parametrize(
    ("key", "case"),
    [*ROW_CASES.items(), *(("not_handed", case) for case in NOT_HANDED)],
    ids=[*ROW_CASES, *(f"holder-{n}" for n in range(len(NOT_HANDED)))],
)
def test_every_row_error_says_which_row_and_why(queue, key, case):
    table, message = case
    if isinstance(table, dict):
        values = ROW | table
        table = [HEADER, [values["ref"], values["ticket"], values["result"], values["day"], values["handler"]]]
    rows, errors = read_rows(table)
    state = fold(read_events(queue / "events.jsonl"))
    found = plan(rows, state, date(2026, 11, 30), "boss")
    assert [str(error) for error in [*errors, *found.errors]] == ([message] if message else [])
    assert len(found.events) == (0 if message else 1)


def test_a_bad_row_lists_every_one_of_its_problems(queue):
    """A handler corrects a row once: every problem of it on the one line, not only the first."""
    values = ROW | {"ticket": "GD\x1b", "result": "", "day": "2026-11-20"}
    rows, _ = read_rows([HEADER, list(values.values())])
    found = plan(rows, fold(read_events(queue / "events.jsonl")), date(2026, 11, 30), "boss")
    assert [str(error) for error in found.errors] == [
        "第 2 行：“工单号”含有换行或控制字符。“办理结果”为空。日期 2026-11-20 早于交办日期（2026-11-23）。"
    ]
    assert found.events == []


def test_every_row_error_has_a_case():
    assert set(ROW_CASES) == set(HANDOVER_ROW_ERRORS)
