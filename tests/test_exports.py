"""The exports' closed-loop columns and the filter by handler (issue 13 point 5): the staff tools' `export` (and
`list`, which shares its filters) and the hand-over sheet, in the staff tools and in the console.

Real event logs in tmp_path, filled the way the API and the staff tools append; the files read back with csv and
openpyxl.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from console_helpers import add_event, client_for, console_app
from openpyxl import load_workbook

from forms_api import messages_console
from forms_api.cases import TZ, check, make_event, new_code
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog

TODAY = "2026-11-30"
LOOP = ["满意度", "重办次数"]


def at(day: int, hour: int = 9) -> str:
    return datetime(2026, 11, day, hour, 0, tzinfo=TZ).isoformat()


def add(log: EventLog, kind: str, ref: str, when: str, by: str = "李办事员", **fields: object) -> None:
    def decide(state):
        check(state.submissions.get(ref), kind)
        return make_event(kind, ref, by, when, **fields)

    log.append(decide)


def submit(log: EventLog, ref: str, when: str, text: str) -> None:
    fields = {"code": new_code(), "target": "station:qingshi-zhan", "category": "求助", "text": text}
    add(log, "submitted", ref, when, by="citizen", name=None, phone="13912345678", anonymous=False, **fields)


def handed(log: EventLog, ref: str, when: str, to_kind: str, to: str, **fields: object) -> None:
    add(log, "assigned", ref, when, to_kind=to_kind, to=to, deadline="2026-12-20", **fields)


def fill(log: EventLog) -> None:
    """Six cases: 000001 with 县住建局, answered, rated 不满意 (reopened), answered again and rated 不满意 (督办);
    000002 with 县住建局, closed after a 满意; 000003 with 县水务局; 000004 with the 12345 hotline; 000005 with
    deputy 张三 (by id), reopened by staff; 000006 nobody's."""
    for number, day in enumerate((20, 21, 22, 23, 24, 25), start=1):
        submit(log, f"2026-{number:06d}", at(day), f"第{number}件")
    handed(log, "2026-000001", at(20, 10), "department", "县住建局")
    add(log, "replied", "2026-000001", at(21), answer="已修。")
    add(log, "rated", "2026-000001", at(22), by="citizen", rating="不满意")
    add(log, "replied", "2026-000001", at(23), answer="已再修。")
    add(log, "rated", "2026-000001", at(24), by="citizen", rating="不满意")
    handed(log, "2026-000002", at(21, 10), "department", "县住建局")
    add(log, "replied", "2026-000002", at(22), answer="已办。")
    add(log, "rated", "2026-000002", at(23), by="citizen", rating="满意")
    add(log, "closed", "2026-000002", at(24), reason="满意")
    handed(log, "2026-000003", at(22, 10), "department", "县水务局")
    handed(log, "2026-000004", at(23, 10), "hotline", "12345")
    handed(log, "2026-000005", at(24, 10), "deputy", "张三", deputy="zhang-san")
    add(log, "replied", "2026-000005", at(25), answer="已答复。")
    add(log, "reopened", "2026-000005", at(26), reason="答复不完整")


@pytest.fixture
def run(tmp_path: Path):
    queue = tmp_path / "queue"
    fill(EventLog(queue, fsync=False))
    clean = {name: None for name in ("FORMS_QUEUE_DIR", "FORMS_STAFF", "FORMS_SITE_DIR", "FORMS_HOLIDAYS")}
    clean["FORMS_SITE_DIR"] = str(tmp_path / "no-site")

    def invoke(*args: str):
        return CliRunner().invoke(main, ["--queue", str(queue), *args], env=clean)

    return invoke


def exported(run, *args: str) -> list[list[str]]:
    result = run("export", "--out", "-", "--all", "--today", TODAY, *args)
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def test_every_case_is_exported_with_its_rating_and_reopens(run):
    """After the target's id and the channel, so that every older column keeps its place."""
    rows = exported(run)
    assert rows[0][-5:] == ["留言对象编号", "渠道", *LOOP, "交办期限"]  # the 交办期限 came after them
    assert sorted((row[0], *row[-3:-1]) for row in rows[1:]) == [
        ("2026-000001", "不满意", "1"),  # the second 不满意 put it under 督办: no second reopening
        ("2026-000002", "满意", "0"),
        ("2026-000003", "", "0"),
        ("2026-000004", "", "0"),
        ("2026-000005", "", "1"),  # reopened by staff
        ("2026-000006", "", "0"),
    ]


@pytest.mark.parametrize(
    ("handler", "refs"),
    [
        ("县住建局", ["2026-000001", "2026-000002"]),
        (" 县住建局 ", ["2026-000001", "2026-000002"]),
        ("县水务局", ["2026-000003"]),
        ("12345热线", ["2026-000004"]),
        ("12345", ["2026-000004"]),
        ("张三", ["2026-000005"]),
        ("zhang-san", ["2026-000005"]),
        ("县住建", []),
        ("未交办", []),
    ],
)
def test_a_handler_s_file_holds_only_its_cases(run, handler, refs):
    assert sorted(row[0] for row in exported(run, "--handler", handler)[1:]) == refs


def test_the_handler_filter_keeps_the_other_filters(run, tmp_path):
    assert [row[0] for row in exported(run, "--handler", "县住建局", "--supervised")[1:]] == ["2026-000001"]
    open_only = run("export", "--out", "-", "--handler", "县住建局", "--today", TODAY)
    assert [row[0] for row in csv.reader(io.StringIO(open_only.stdout))][1:] == ["2026-000001"]
    out = tmp_path / "zhujian.xlsx"
    assert run("export", "--out", str(out), "--all", "--handler", "县住建局").stdout == f"已导出 2 条留言到 {out}。\n"
    sheet = [[cell.value for cell in row] for row in load_workbook(out).active.iter_rows()]
    assert [(row[0], *row[-3:-1]) for row in sheet] == [
        ("编号", "满意度", "重办次数"),
        ("2026-000002", "满意", "0"),
        ("2026-000001", "不满意", "1"),
    ]
    listed = run("list", "--handler", "县水务局", "--today", TODAY)
    assert [line[:11] for line in listed.stdout.splitlines()[1:-1]] == ["2026-000003"]


def test_the_handover_sheet_shows_the_rating_and_reopens_before_the_columns_it_comes_back_with(run):
    result = run("handover", "sheet", "--handler", "县住建局", "--since", "2026-11-01")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [*messages_console.HANDOVER_SHEET_COLUMNS, *messages_console.HANDOVER_SHEET_RETURN]
    assert rows[0][7:] == ["满意度", "重办次数", "工单号", "办理结果", "日期"]
    assert [row[0] for row in rows[1:]] == ["2026-000001"]  # the open one
    assert rows[1][7:] == ["不满意", "1", "", "", ""]


def test_the_console_s_handover_sheet_has_them_too(tmp_path):
    app = console_app(tmp_path)
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    add_event(log, "replied", "2026-000003", "boss", answer="已处理。")
    add_event(log, "rated", "2026-000003", "citizen", rating="不满意")
    response = client_for(app, "boss").get("/staff/handover/sheet?handler=县住建局&since=2026-01-01&format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][7:9] == LOOP
    assert [(row[0], *row[7:9]) for row in rows[1:]] == [("2026-000003", "不满意", "1")]
