"""The staff tools (`python -m forms_api ...`): exact output, one event per action, refusals, exports, statistics.

The queue is a real EventLog in tmp_path, filled with events appended the way the API appends them.
"""

from __future__ import annotations

import csv
import gettext
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
import click.core
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from forms_api import messages, messages_console, settings
from forms_api.cases import TZ, check, make_event, new_code
from forms_api.cases.outbox import SUBSCRIBED, outbox_event
from forms_api.staff.cli import main
from forms_api.staff.sheets import safe_cell
from forms_api.store import QueueUnavailable
from forms_api.store.folder import EventLog
from forms_api.store.lines import read_events

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-30"  # a Monday
NAMES = ("王小明", "赵六", "钱七", "孙八")
PHONES = ("13912345678", "010-12345678", "13800001111", "13700002222")


def at(day: int, hour: int = 9, minute: int = 30) -> str:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ).isoformat()


def add(log: EventLog, kind: str, ref: str, by: str, when: str, **fields) -> None:
    """Append one event as the API and the staff tools do: checked under the lock, inside decide."""

    def decide(state):
        check(state.submissions.get(ref), kind)
        return make_event(kind, ref, by, when, **fields)

    log.append(decide)


def submit(log: EventLog, ref: str, when: str, target: str, category: str, text: str, **fields) -> None:
    values = {"name": None, "phone": "13912345678", "anonymous": False} | fields
    add(log, "submitted", ref, "citizen", when, code=new_code(), target=target, category=category, text=text, **values)


def fill(log: EventLog) -> None:
    """Five cases in every state; on 2026-11-30 two are overdue (000004 by 4 days, 000001 by 3)."""
    text1 = "小区门口路灯坏了三个月，晚上出行很不安全，老人孩子经常摔倒，希望尽快修好。"
    submit(log, "2026-000001", at(23), "deputy:zhang-san", "求助", text1, name=NAMES[0], phone=PHONES[0])
    add(
        log,
        "assigned",
        "2026-000001",
        "李办事员",
        at(23, 14, 0),
        to_kind="department",
        to="县住建局",
        deadline="2026-11-27",
    )
    submit(
        log,
        "2026-000002",
        at(24, 10, 0),
        "station:qingshi-zhan",
        "建议",
        "希望在青石街道增设一个公交站点。",
        phone=PHONES[1],
    )
    submit(log, "2026-000003", at(16, 9, 0), "deputy:lin-xiaoyang", "意见", "菜市场周边占道经营严重。", name=NAMES[1])
    add(log, "assigned", "2026-000003", "李办事员", at(17), to_kind="hotline", to="12345", deadline="2026-11-24")
    add(log, "replied", "2026-000003", "李办事员", at(20, 21, 0), answer="已转城管部门整治。")
    add(log, "rated", "2026-000003", "citizen", at(21), rating="满意", comment="处理及时")
    add(log, "closed", "2026-000003", "王科长", at(22), reason="已答复并获满意评价")
    submit(
        log, "2026-000004", at(19), "deputy:zhang-san", "其他", "学校门口早高峰拥堵。", name=NAMES[2], phone=PHONES[2]
    )
    submit(
        log,
        "2026-000005",
        at(18, 9, 0),
        "deputy:zhang-san",
        "求助",
        "楼道堆放杂物存在消防隐患。",
        name=NAMES[3],
        phone=PHONES[3],
    )
    add(
        log,
        "assigned",
        "2026-000005",
        "李办事员",
        at(18, 11, 0),
        to_kind="deputy",
        to="zhang-san",
        deadline="2026-11-25",
    )
    add(log, "noted", "2026-000005", "李办事员", at(19), note="已电话联系物业")
    add(log, "replied", "2026-000005", "李办事员", at(26, 21, 0), answer="物业已清理。")
    add(log, "rated", "2026-000005", "citizen", at(27), rating="不满意", comment="没有清理干净")


def default_site(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make `path` the default site folder of the settings, which the staff tools and the service share."""
    monkeypatch.setitem(settings.SETTINGS, "SITE_DIR", (path, settings.resolve_path))


@pytest.fixture(autouse=True)
def no_default_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's own site/ (after a `mkdocs build`) must not change what these tests see."""
    default_site(monkeypatch, tmp_path / "no-default-site")


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    directory = tmp_path / "queue"
    fill(EventLog(directory, fsync=False))
    return directory


@pytest.fixture
def run(queue: Path):
    """Invoke the staff tools on the fixture queue with a clean environment; stdout and stderr kept apart."""
    runner = CliRunner()
    clean = {name: None for name in ("FORMS_QUEUE_DIR", "FORMS_STAFF", "FORMS_SITE_DIR", "FORMS_HOLIDAYS")}

    def invoke(*args: str, env: dict | None = None, input: str | None = None, color: bool = False):
        return runner.invoke(main, ["--queue", str(queue), *args], env=clean | (env or {}), input=input, color=color)

    return invoke


def events(queue: Path) -> list[dict]:
    return list(read_events(queue / "events.jsonl"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built site's open data: the deputies' and stations' ids and names (lin-xiaoyang's name is missing)."""
    data = tmp_path / "site" / "data"
    data.mkdir(parents=True)
    deputies = [{"id": "zhang-san", "name": "张三", "stations": ["qingshi-zhan"]}, {"id": "lin-xiaoyang"}]
    (data / "deputies.json").write_text(json.dumps({"deputies": deputies}), encoding="utf-8")
    stations = [{"id": "qingshi-zhan", "name": "青石联络站"}]
    (data / "stations.json").write_text(json.dumps({"stations": stations}), encoding="utf-8")
    return tmp_path / "site"


def test_a_setting_without_its_prefix_is_named_by_the_tools_too(run, caplog):
    """NOTIFY_CONTACTS=... without FORMS_ is read by neither the service nor the tools: the tools say so, without
    the value."""
    caplog.set_level("WARNING", logger="forms_api")
    result = run("list", env={"NOTIFY_CONTACTS": "/etc/mashang/contacts-secret.yaml"})
    assert result.exit_code == 0
    said = [r.getMessage() for r in caplog.records]
    assert said == [messages.UNPREFIXED_SETTING.format(name="NOTIFY_CONTACTS", right="FORMS_NOTIFY_CONTACTS")]
    assert "contacts-secret" not in "".join(said) + result.output


# --- list and show: exact output --------------------------------------------------------------------------------------

LIST_OPEN = """\
编号         状态      类别  渠道      留言对象              期限                           承办                内容
2026-000004  待受理    其他  网上留言  deputy:zhang-san      交办期限 2026-11-26 逾期 4 天  未交办              学校门口早高峰拥堵。
2026-000001  办理中    求助  网上留言  deputy:zhang-san      答复期限 2026-11-27 逾期 3 天  职能部门 县住建局   小区门口路灯坏了三个月，晚上出行很不安全，老人孩子经常摔倒，…
2026-000002  待受理    建议  网上留言  station:qingshi-zhan  交办期限 2026-12-01            未交办              希望在青石街道增设一个公交站点。
2026-000005  重新办理  求助  网上留言  deputy:zhang-san      答复期限 2026-12-04            人大代表 zhang-san  楼道堆放杂物存在消防隐患。
共 4 条，其中逾期 2 条。
"""  # noqa: E501


def test_list_open_cases_overdue_first(run):
    result = run("list", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == LIST_OPEN
    for personal in (*NAMES, *PHONES):
        assert personal not in result.output


def test_list_all_includes_closed(run):
    result = run("list", "--today", TODAY, "--all")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line[:11] for line in lines[1:-1]] == [
        "2026-000004",
        "2026-000001",
        "2026-000003",
        "2026-000002",
        "2026-000005",
    ]
    assert lines[3] == (
        "2026-000003  已办结    意见  网上留言  deputy:lin-xiaoyang   答复期限 2026-11-24            "
        "12345热线           菜市场周边占道经营严重。"
    )
    assert lines[-1] == "共 5 条，其中逾期 2 条。"


@pytest.mark.parametrize(
    ("args", "refs"),
    [
        (["--overdue"], ["2026-000004", "2026-000001"]),
        (["--status", "待受理"], ["2026-000004", "2026-000002"]),
        (["--status", "closed", "--status", "重新办理"], ["2026-000003", "2026-000005"]),
        (["--target", "deputy:zhang-san"], ["2026-000004", "2026-000001", "2026-000005"]),
        (["--target", "deputy:nobody"], []),
        (["--station", "qingshi-zhan"], ["2026-000002"]),
    ],
)
def test_list_filters(run, args, refs):
    result = run("list", "--today", TODAY, *args)
    assert result.exit_code == 0, result.output
    assert [line[:11] for line in result.stdout.splitlines()[1:-1]] == refs


def test_list_station_with_site_includes_its_deputies(run, tmp_path):
    data = tmp_path / "site" / "data"
    data.mkdir(parents=True)
    deputies = [{"id": "zhang-san", "stations": ["qingshi-zhan"]}, {"id": "lin-xiaoyang", "stations": ["other"]}]
    (data / "deputies.json").write_text(json.dumps({"deputies": deputies}), encoding="utf-8")
    result = run("list", "--today", TODAY, "--all", "--station", "qingshi-zhan", "--site", str(tmp_path / "site"))
    assert [line[:11] for line in result.stdout.splitlines()[1:-1]] == [
        "2026-000004",
        "2026-000001",
        "2026-000002",
        "2026-000005",
    ]
    by_env = run(
        "list", "--today", TODAY, "--all", "--station", "qingshi-zhan", env={"FORMS_SITE_DIR": str(tmp_path / "site")}
    )
    assert by_env.stdout == result.stdout
    missing = run("list", "--station", "qingshi-zhan", "--site", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1
    path = tmp_path / "nowhere" / "data" / "deputies.json"
    assert missing.stderr == f"错误：找不到 {path}：请先生成网站，或用 --site 指定已生成的网站目录。\n"


LIST_NAMED = """\
编号         状态      类别  渠道      留言对象              期限                           承办                内容
2026-000004  待受理    其他  网上留言  张三（代表）          交办期限 2026-11-26 逾期 4 天  未交办              学校门口早高峰拥堵。
2026-000001  办理中    求助  网上留言  张三（代表）          答复期限 2026-11-27 逾期 3 天  职能部门 县住建局   小区门口路灯坏了三个月，晚上出行很不安全，老人孩子经常摔倒，…
2026-000003  已办结    意见  网上留言  deputy:lin-xiaoyang   答复期限 2026-11-24            12345热线           菜市场周边占道经营严重。
2026-000002  待受理    建议  网上留言  青石联络站（联络站）  交办期限 2026-12-01            未交办              希望在青石街道增设一个公交站点。
2026-000005  重新办理  求助  网上留言  张三（代表）          答复期限 2026-12-04            人大代表 zhang-san  楼道堆放杂物存在消防隐患。
共 5 条，其中逾期 2 条。
"""  # noqa: E501


def test_list_shows_target_names_from_the_site(run, site, monkeypatch):
    """Names with their kind, as the status page shows them; the id where the site's data has no name."""
    result = run("list", "--today", TODAY, "--all", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert result.stdout == LIST_NAMED
    assert run("list", "--today", TODAY, "--all", env={"FORMS_SITE_DIR": str(site)}).stdout == LIST_NAMED
    default_site(monkeypatch, site)  # the service's default, <project>/site
    assert run("list", "--today", TODAY, "--all").stdout == LIST_NAMED


@pytest.mark.parametrize("damage", ["missing", "stations-missing", "broken"])
def test_target_names_fall_back_to_ids(run, site, damage):
    """Without usable site data staff see ids, and the command still works."""
    if damage == "missing":
        site = site.parent / "nowhere"
    elif damage == "stations-missing":
        (site / "data" / "stations.json").unlink()
    else:
        (site / "data" / "stations.json").write_text("{not json", encoding="utf-8")
    result = run("list", "--today", TODAY, "--site", str(site))
    assert (result.exit_code, result.stdout) == (0, LIST_OPEN)
    shown = run("show", "2026-000005", "--today", TODAY, "--site", str(site))
    assert (shown.exit_code, shown.stdout) == (0, SHOW_5)


def test_show_gives_the_target_name_and_id(run, site):
    result = run("show", "2026-000005", "--today", TODAY, "--site", str(site))
    assert result.exit_code == 0, result.output
    assert result.stdout == SHOW_5.replace("留言对象：deputy:zhang-san", "留言对象：张三（代表，deputy:zhang-san）")
    station = run("show", "2026-000002", "--today", TODAY, env={"FORMS_SITE_DIR": str(site)})
    assert "留言对象：青石联络站（联络站，station:qingshi-zhan）" in station.stdout.splitlines()
    unnamed = run("show", "2026-000003", "--today", TODAY, "--site", str(site))
    assert "留言对象：deputy:lin-xiaoyang" in unnamed.stdout.splitlines()


def test_export_gives_target_names_and_ids_last(queue, site, tmp_path):
    out, xlsx = tmp_path / "named.csv", tmp_path / "named.xlsx"
    base = ["--queue", str(queue), "export", "--all", "--today", TODAY, "--site", str(site)]
    assert CliRunner().invoke(main, [*base, "--out", str(out), "--personal"]).exit_code == 0
    rows = _csv_rows(out)
    assert rows[0][3] == "留言对象" and rows[0][9:] == [
        *("姓名", "电话", "留言对象编号", "渠道", "满意度", "重办次数", "交办期限")
    ]
    assert [(row[0], row[3], row[-5]) for row in rows[1:]] == [
        ("2026-000004", "张三（代表）", "deputy:zhang-san"),
        ("2026-000001", "张三（代表）", "deputy:zhang-san"),
        ("2026-000003", "deputy:lin-xiaoyang", "deputy:lin-xiaoyang"),
        ("2026-000002", "青石联络站（联络站）", "station:qingshi-zhan"),
        ("2026-000005", "张三（代表）", "deputy:zhang-san"),
    ]
    mismatch = CliRunner().invoke(main, [*base, "--format", "csv", "--out", str(xlsx)])
    assert mismatch.exit_code == 1 and not xlsx.exists()  # a CSV in a file named .xlsx would not open in Excel
    assert mismatch.output == "错误：--format csv 与文件名的 .xlsx 不符：请把文件名改为 .csv，或去掉 --format。\n"
    assert CliRunner().invoke(main, [*base, "--out", str(xlsx)]).exit_code == 0
    sheet = [[cell.value for cell in row] for row in load_workbook(xlsx).active.iter_rows()]
    assert sheet[0][-5:] == ["留言对象编号", "渠道", "满意度", "重办次数", "交办期限"]
    assert (sheet[4][3], sheet[4][-5]) == ("青石联络站（联络站）", "station:qingshi-zhan")


def test_site_defaults_like_the_service(run, site, tmp_path, monkeypatch):
    """--site, else FORMS_SITE_DIR (relative to the project folder, as the service reads it), else <project>/site;
    one option, the same for every command that has it."""
    from forms_api.settings import PROJECT_ROOT

    monkeypatch.undo()  # no_default_site's
    assert settings.SETTINGS["SITE_DIR"][0] == PROJECT_ROOT / "site"  # the staff tools' default is the service's
    default_site(monkeypatch, site)
    default = run("list", "--today", TODAY, "--station", "qingshi-zhan")
    assert [line[:11] for line in default.stdout.splitlines()[1:-1]] == [
        "2026-000004",
        "2026-000001",
        "2026-000002",
        "2026-000005",
    ]
    monkeypatch.chdir(tmp_path)
    relative = run("list", "--station", "qingshi-zhan", env={"FORMS_SITE_DIR": "var/no-such-site"})
    path = PROJECT_ROOT / "var" / "no-such-site" / "data" / "deputies.json"
    assert relative.exit_code == 1
    assert relative.stderr == f"错误：找不到 {path}：请先生成网站，或用 --site 指定已生成的网站目录。\n"
    sites = {name: command.params for name, command in main.commands.items()}
    sites = {name: [p for p in params if p.name == "site"] for name, params in sites.items()}
    assert sorted(name for name, params in sites.items() if params) == [
        "assign",
        "export",
        "list",
        "reply",
        "show",
        "transfer",
    ]
    assert {params[0].help for params in sites.values() if params} == {messages.STAFF_HELP["*.site"]}


def test_list_bad_status_is_a_usage_error(run):
    result = run("list", "--status", "done")
    assert result.exit_code == 2
    assert "未知的状态“done”" in result.stderr


def test_list_empty_queue(tmp_path):
    EventLog(tmp_path / "q", fsync=False)
    result = CliRunner().invoke(main, ["--queue", str(tmp_path / "q"), "list"])
    assert (result.exit_code, result.stdout) == (0, "共 0 条，其中逾期 0 条。\n")


SHOW_5 = """\
留言 2026-000005
状态：重新办理
留言对象：deputy:zhang-san
类别：求助
提交时间：2026-11-18 09:00
渠道：网上留言
姓名：（已隐去，加 --personal 显示）
电话：（已隐去，加 --personal 显示）
短信通知办理进展：否
公开时匿名：否
复杂件：否
承办：人大代表 zhang-san
答复期限：2026-12-04
留言内容：
  楼道堆放杂物存在消防隐患。
答复：
  物业已清理。
答复时间：2026-11-26 21:00
重新办理时间：2026-11-27 09:30
评价：不满意
评价意见：没有清理干净
内部备注：
  2026-11-19 09:30  李办事员  已电话联系物业
办理经过：
  2026-11-18 09:00  群众  提交留言
  2026-11-18 11:00  李办事员  交办：人大代表 zhang-san，答复期限 2026-11-25
  2026-11-19 09:30  李办事员  内部备注
  2026-11-26 21:00  李办事员  答复
  2026-11-27 09:30  群众  评价：不满意（重新办理）
"""

SHOW_3_PERSONAL = """\
留言 2026-000003
状态：已办结
留言对象：deputy:lin-xiaoyang
类别：意见
提交时间：2026-11-16 09:00
渠道：网上留言
姓名：赵六
电话：13912345678
短信通知办理进展：否
公开时匿名：否
复杂件：否
承办：12345热线
答复期限：2026-11-24
留言内容：
  菜市场周边占道经营严重。
答复：
  已转城管部门整治。
答复时间：2026-11-20 21:00
办结时间：2026-11-22 09:30
办结说明：已答复并获满意评价
评价：满意
评价意见：处理及时
内部备注：无
办理经过：
  2026-11-16 09:00  群众  提交留言
  2026-11-17 09:30  李办事员  交办：12345热线，答复期限 2026-11-24
  2026-11-20 21:00  李办事员  答复
  2026-11-21 09:30  群众  评价：满意
  2026-11-22 09:30  王科长  办结：已答复并获满意评价
"""


def test_show_hides_personal_data(run):
    result = run("show", "2026-000005", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == SHOW_5
    assert NAMES[3] not in result.output and PHONES[3] not in result.output


def test_show_personal(run):
    result = run("show", "2026-000003", "--personal", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == SHOW_3_PERSONAL


def test_show_personal_is_an_event_naming_the_viewer(run, queue):
    """Each showing of a name and phone appends `viewed` with who looked; the case is printed as before it, and the
    next `show` lists the showing in the history, while the citizen's timeline never does."""
    log = queue / "events.jsonl"
    before = list(read_events(log))
    assert run("show", "2026-000003", "--today", TODAY).exit_code == 0
    assert list(read_events(log)) == before  # no personal data shown, nothing to record
    result = run("show", "2026-000003", "--personal", "--by", "王科长", "--today", TODAY)
    assert (result.exit_code, result.stdout) == (0, SHOW_3_PERSONAL)
    after = list(read_events(log))
    assert after[:-1] == before
    assert {key: value for key, value in after[-1].items() if key != "at"} == {
        "type": "viewed",
        "ref": "2026-000003",
        "by": "王科长",
    }
    again = run("show", "2026-000003", "--today", TODAY).stdout.splitlines()
    assert again[-1].endswith("  王科长  查看姓名和电话")
    timeline = EventLog(queue, fsync=False).state().submissions["2026-000003"].public_view()["timeline"]
    assert "viewed" not in {step["type"] for step in timeline}


def test_show_says_whether_the_citizen_asked_for_sms(run, queue):
    """On the form (the submitted event's `notify`) or later (a `subscribed` event); the phone stays hidden."""
    log = EventLog(queue, fsync=False)
    submit(log, "2026-000006", at(25), "deputy:zhang-san", "求助", "路灯不亮。", phone=PHONES[2], notify=True)
    log.append(lambda state: outbox_event(SUBSCRIBED, "citizen", at(26), ref="2026-000004"))
    for ref, asked in (("2026-000006", "是"), ("2026-000004", "是"), ("2026-000001", "否")):
        result = run("show", ref, "--today", TODAY)
        assert f"短信通知办理进展：{asked}" in result.stdout.splitlines(), ref
        assert "电话：（已隐去，加 --personal 显示）" in result.stdout and PHONES[2] not in result.stdout


def test_show_overdue_and_unassigned(run):
    result = run("show", "2026-000002", "--personal", "--today", "2026-12-02")
    lines = result.stdout.splitlines()
    assert "姓名：（未填写）" in lines and "电话：010-12345678" in lines
    assert "承办：未交办" in lines and "交办期限：2026-12-01 逾期 1 天" in lines  # nobody handles it: the office's day
    assert "答复：无" in lines and "评价：无" in lines


@pytest.mark.parametrize("ref", ["2026-000099", "abc", "2026-1"])
def test_unknown_ref(run, ref):
    for args in (["show", ref], ["close", ref, "--by", "李办事员"], ["note", ref, "--text", "x", "--by", "李办事员"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr == f"错误：找不到编号为 {ref} 的留言，请核对编号（形如 2026-000123）。\n"


def test_missing_queue_is_an_error_and_not_created(tmp_path):
    result = CliRunner().invoke(main, ["--queue", str(tmp_path / "typo"), "list"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"错误：找不到留言队列 {tmp_path / 'typo'}：请用 --queue 或环境变量 FORMS_QUEUE_DIR 指定队列目录。\n"
    )
    assert not (tmp_path / "typo").exists()


def test_queue_from_environment(queue):
    result = CliRunner().invoke(main, ["list", "--today", TODAY], env={"FORMS_QUEUE_DIR": str(queue)})
    assert result.stdout == LIST_OPEN


def test_queue_unavailable(run, queue, monkeypatch):
    def fail(self, decide):
        raise QueueUnavailable("cannot write events.jsonl: No space left on device")

    monkeypatch.setattr(EventLog, "append", fail)
    result = run("close", "2026-000001", "--by", "李办事员")
    assert result.exit_code == 1
    assert result.stderr == "错误：留言队列无法使用：cannot write events.jsonl: No space left on device\n"


# --- actions: one event each ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fields", "says"),
    [
        (
            ["assign", "2026-000002", "--to", "department", "--name", "区交通局", "--new-unit", "--today", TODAY],
            {"type": "assigned", "to_kind": "department", "to": "区交通局", "deadline": "2026-12-07", "complex": False},
            "已交办 2026-000002：职能部门 区交通局，答复期限 2026-12-07。\n",
        ),
        (
            ["assign", "2026-000004", "--to", "deputy", "--today", "2026-11-30"],
            {"type": "assigned", "to_kind": "deputy", "to": "张三", "deadline": "2026-12-07"},
            "已交办 2026-000004：人大代表 张三，答复期限 2026-12-07。\n",
        ),
        (
            ["assign", "2026-000004", "--to", "hotline", "--deadline", "2026-12-31", "--today", "2026-11-30"],
            {"type": "assigned", "to_kind": "hotline", "to": "12345", "deadline": "2026-12-31"},
            "已交办 2026-000004：12345热线，答复期限 2026-12-31。\n",
        ),
        (
            ["reply", "2026-000001", "--answer", "  路灯已修复。  ", "--yes"],
            {"type": "replied", "answer": "路灯已修复。"},
            "已答复 2026-000001。\n",
        ),
        (["close", "2026-000001"], {"type": "closed"}, "已办结 2026-000001。\n"),
        (
            ["close", "2026-000001", "--reason", "重复留言"],
            {"type": "closed", "reason": "重复留言"},
            "已办结 2026-000001。\n",
        ),
        (
            ["reopen", "2026-000003", "--reason", "群众来电反映仍有占道"],
            {"type": "reopened", "reason": "群众来电反映仍有占道"},
            None,
        ),
        (
            ["note", "2026-000002", "--text", "已转交通局"],
            {"type": "noted", "note": "已转交通局"},
            "已为 2026-000002 添加内部备注。\n",
        ),
    ],
)
def test_each_action_appends_one_event(run, queue, site, args, fields, says):
    before = events(queue)
    result = run(*args, "--by", "李办事员", env={"FORMS_SITE_DIR": str(site)})
    assert result.exit_code == 0, result.output
    if says is not None:
        assert result.stdout == says
    after = events(queue)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    event = after[-1]
    assert event["ref"] == args[1] and event["by"] == "李办事员"
    assert {key: event.get(key) for key in fields} == fields
    if fields["type"] == "closed" and "reason" not in fields:
        assert "reason" not in event


def test_reply_from_stdin_and_file(run, queue, tmp_path):
    piped = run("reply", "2026-000001", "--answer", "-", "--yes", "--by", "甲", input="第一行\r\n第二行\n")
    assert piped.exit_code == 0
    assert events(queue)[-1]["answer"] == "第一行\n第二行"
    answer = tmp_path / "answer.txt"
    answer.write_text("已协调交通局。\n", encoding="utf-8")
    assert run("reply", "2026-000005", "--answer-file", str(answer), "--yes", "--by", "甲").exit_code == 0
    assert events(queue)[-1]["answer"] == "已协调交通局。"


def test_by_defaults_to_environment_then_login(run, queue, monkeypatch):
    assert run("note", "2026-000001", "--text", "一", env={"FORMS_STAFF": "环境里的人"}).exit_code == 0
    assert events(queue)[-1]["by"] == "环境里的人"
    monkeypatch.setattr("getpass.getuser", lambda: "login-name")
    assert run("note", "2026-000001", "--text", "二").exit_code == 0
    assert events(queue)[-1]["by"] == "login-name"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["close", "2026-000003"], "该留言已办结。"),
        (["reply", "2026-000003", "--answer", "再答"], "该留言已办结，不能再答复；如需继续办理，请先重新办理。"),
        (["assign", "2026-000003", "--to", "hotline"], "该留言已办结，不能交办；如需继续办理，请先重新办理。"),
        (["reopen", "2026-000001", "--reason", "再办"], "该留言仍在办理中，无需重新办理。"),
        (["assign", "2026-000002", "--to", "department"], "交办给职能部门时，请用 --name 写明部门名称。"),
        (["assign", "2026-000002", "--to", "deputy"], "这条留言的对象不是代表，交办给代表时请用 --name 写明代表姓名。"),
        (
            ["assign", "2026-000002", "--to", "hotline", "--deadline", "2026-11-01", "--today", TODAY],
            "答复期限 2026-11-01 早于今天（2026-11-30）。",
        ),
        (
            ["assign", "2026-000002", "--to", "hotline", "--deadline", "2027-01-30", "--today", TODAY],
            "答复期限 2027-01-30 晚于 60 天后（2027-01-29）：请核对日期。期限定下后不能再改；"
            "办理需要更长时间的，请按期答复办理进展，或标为复杂件。",
        ),
        (["reply", "2026-000002", "--answer", "  "], "答复内容不能为空。"),
        (["reply", "2026-000002"], "请用 --answer 或 --answer-file 给出答复内容（二者只用其一）。"),
        (["note", "2026-000002", "--text", "a\x1b[31mb"], "备注内容含有控制字符，请删除后重试。"),
        (
            ["note", "2026-000002", "--text", "ok", "--by", "citizen"],
            "办理人“citizen”不可用：不能为空、不能含控制字符，也不能是 citizen。",
        ),
    ],
)
def test_refused_actions_write_nothing(run, queue, args, message):
    before = events(queue)
    by = [] if "--by" in args else ["--by", "李办事员"]
    result = run(*args, *by)
    assert result.exit_code == 1
    assert (result.stdout, result.stderr) == ("", f"错误：{message}\n")
    assert events(queue) == before


def test_second_close_is_refused(run, queue):
    assert run("close", "2026-000001", "--by", "甲").exit_code == 0
    second = run("close", "2026-000001", "--by", "乙")
    assert (second.exit_code, second.stderr) == (1, "错误：该留言已办结。\n")
    assert [e["by"] for e in events(queue) if e["type"] == "closed" and e["ref"] == "2026-000001"] == ["甲"]


def test_concurrent_closes_store_one_event(queue):
    """Four processes close the same case at once: the check runs under the lock, so exactly one succeeds."""
    command = [sys.executable, "-m", "forms_api", "--queue", str(queue), "close", "2026-000002", "--by"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMS_")}
    processes = [
        subprocess.Popen([*command, f"staff-{n}"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for n in range(4)
    ]
    codes = sorted(process.wait(timeout=60) for process in processes)
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert codes == [0, 1, 1, 1]
    assert len([e for e in events(queue) if e["type"] == "closed" and e["ref"] == "2026-000002"]) == 1


def test_debug_shows_the_traceback(run):
    result = run("--debug", "close", "2026-000003", "--by", "甲")
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "WorkflowError"


def test_debug_help_says_which_errors_show_a_traceback(run):
    # A StaffError (here: no such case) is explained, never a traceback, with --debug too; the help says so.
    result = run("--debug", "show", "2026-999999")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：找不到编号为 2026-999999 的留言，请核对编号（形如 2026-000123）。\n",
    )
    assert isinstance(result.exception, SystemExit)
    help_text = "".join(run("--help").stdout.split())  # lines break between 汉字: compared without spaces
    assert "办理操作被拒绝或留言队列无法使用时，显示完整的Python调用栈" in help_text
    assert "找不到留言、参数或文件有误等错误仍只显示错误说明" in help_text


# --- deadlines --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "deadline"),
    [
        ([], "2026-12-04"),  # Friday + 5 working days: the next Friday, across the weekend
        (["--complex"], "2026-12-11"),  # + 10
        (["--holidays", "HOLIDAYS"], "2026-12-07"),  # one holiday on Tuesday 12-01
    ],
)
def test_assign_deadline_in_working_days(run, queue, tmp_path, extra, deadline):
    holidays = tmp_path / "holidays.json"
    holidays.write_text('["2026-12-01"]', encoding="utf-8")
    extra = [str(holidays) if arg == "HOLIDAYS" else arg for arg in extra]
    result = run("assign", "2026-000002", "--to", "hotline", "--today", "2026-11-27", *extra, "--by", "甲")
    assert result.exit_code == 0, result.output
    event = events(queue)[-1]
    assert (event["deadline"], event["complex"]) == (deadline, "--complex" in extra)


def test_holidays_from_environment_yaml_with_workdays(run, queue, tmp_path):
    holidays = tmp_path / "holidays.yaml"
    holidays.write_text("holidays: [2026-12-01, 2026-12-02]\nworkdays: [2026-11-29]\n", encoding="utf-8")
    result = run(
        "assign",
        "2026-000002",
        "--to",
        "hotline",
        "--today",
        "2026-11-27",
        "--by",
        "甲",
        env={"FORMS_HOLIDAYS": str(holidays)},
    )
    assert result.exit_code == 0, result.output
    assert events(queue)[-1]["deadline"] == "2026-12-07"  # 11-29 (Sun, worked), 11-30, 12-03, 12-04, 12-07


def test_bad_holidays_file(run, tmp_path):
    holidays = tmp_path / "holidays.yaml"
    holidays.write_text("- 2026-13-01\n", encoding="utf-8")
    result = run("assign", "2026-000002", "--to", "hotline", "--holidays", str(holidays), "--by", "甲")
    assert result.exit_code == 1
    assert result.stderr == f"错误：节假日文件 {holidays} 有误：“2026-13-01”不是日期（YYYY-MM-DD）\n"


def test_assign_complex_is_inherited(tmp_path, site):
    directory = tmp_path / "q"
    log = EventLog(directory, fsync=False)
    submit(log, "2026-000001", at(27), "deputy:zhang-san", "求助", "一件复杂的事情。", complex=True)
    args = ["--queue", str(directory), "assign", "2026-000001", "--to", "deputy", "--today", "2026-11-27", "--by", "甲"]
    args += ["--site", str(site)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert events(directory)[-1]["deadline"] == "2026-12-11"


def test_assign_to_deputy_shows_citizens_the_name(run, queue, site):
    assert run("assign", "2026-000004", "--to", "deputy", "--site", str(site), "--by", "甲").exit_code == 0
    assert events(queue)[-1]["to"] == "张三"
    view = EventLog(queue).state().submissions["2026-000004"].public_view()
    assert view["handled_by"] == {"kind": "deputy", "kind_label": "人大代表", "name": "张三"}
    before = events(queue)
    named = run("assign", "2026-000004", "--to", "deputy", "--name", "张三代表", "--site", str(site), "--by", "甲")
    refused = "错误：找不到现任代表“张三代表”：--name 请写代表的编号或完整姓名。\n"
    assert (named.exit_code, named.stderr) == (1, refused) and events(queue) == before  # never a name nobody has


def namesakes_site(tmp_path: Path) -> Path:
    """Two current deputies named 王秀兰 at two stations, one 李明远, and a former deputy."""
    data = tmp_path / "namesakes" / "data"
    data.mkdir(parents=True)
    deputies = [
        {"id": "wang-xiulan", "name": "王秀兰", "current": True, "stations": ["qingshi-zhan"]},
        {"id": "wang-xiulan-2", "name": "王秀兰", "current": True, "stations": ["dongxi-zhan"]},
        {"id": "li-mingyuan", "name": "李明远", "current": True, "stations": ["qingshi-zhan"]},
        {"id": "zhao-former", "name": "赵离任", "current": False},
    ]
    (data / "deputies.json").write_text(json.dumps({"deputies": deputies}), encoding="utf-8")
    stations = [{"id": "qingshi-zhan", "name": "青石联络站"}, {"id": "dongxi-zhan", "name": "东溪联络站"}]
    (data / "stations.json").write_text(json.dumps({"stations": stations}), encoding="utf-8")
    return tmp_path / "namesakes"


@pytest.mark.parametrize("command", ["assign", "transfer"])
@pytest.mark.parametrize("name", ["李明远", "li-mingyuan"])
def test_assign_to_a_deputy_named_or_by_id_stores_the_deputy(run, queue, tmp_path, command, name):
    """The deputy --name names (exact name or id) is the one whose account then sees the case: the event carries the
    id, the name citizens see is the site's."""
    ref = "2026-000002" if command == "assign" else "2026-000001"
    site = namesakes_site(tmp_path)
    result = run(command, ref, "--to", "deputy", "--name", name, "--site", str(site), "--by", "甲")
    assert result.exit_code == 0, result.output
    event = events(queue)[-1]
    assert (event["to_kind"], event["to"], event["deputy"]) == ("deputy", "李明远", "li-mingyuan")
    assert EventLog(queue).state().submissions[ref].assignee_deputy == "li-mingyuan"


@pytest.mark.parametrize("command", ["assign", "transfer"])
@pytest.mark.parametrize(
    ("name", "says"),
    [
        (
            "王秀兰",
            "有 2 位现任代表名叫“王秀兰”：王秀兰（青石联络站），编号 wang-xiulan；"
            "王秀兰（东溪联络站），编号 wang-xiulan-2。请用 --name 输入其中一位的编号。",
        ),
        ("王秀", "找不到现任代表“王秀”：--name 请写代表的编号或完整姓名。"),
        ("赵离任", "找不到现任代表“赵离任”：--name 请写代表的编号或完整姓名。"),
        ("zhao-former", "找不到现任代表“zhao-former”：--name 请写代表的编号或完整姓名。"),
    ],
)
def test_assign_to_an_ambiguous_or_unknown_deputy_is_refused(run, queue, tmp_path, command, name, says):
    ref = "2026-000002" if command == "assign" else "2026-000001"
    before = events(queue)
    result = run(command, ref, "--to", "deputy", "--name", name, "--site", str(namesakes_site(tmp_path)), "--by", "甲")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"错误：{says}\n")
    assert events(queue) == before


def test_assign_to_deputy_without_a_name_is_refused(run, queue, site, tmp_path):
    before = events(queue)
    missing = run("assign", "2026-000004", "--to", "deputy", "--site", str(tmp_path / "nowhere"), "--by", "甲")
    path = tmp_path / "nowhere" / "data" / "deputies.json"
    expected = (
        f"找不到 {path}，查不到代表 zhang-san 的姓名：请用 --name 写明代表姓名，或用 --site 指定已生成的网站目录。"
    )
    assert (missing.exit_code, missing.stdout, missing.stderr) == (1, "", f"错误：{expected}\n")
    assert events(queue) == before  # never the id in place of the name
    assert run("reopen", "2026-000003", "--reason", "再办", "--by", "甲").exit_code == 0  # lin-xiaoyang's case
    before = events(queue)
    unknown = run("assign", "2026-000003", "--to", "deputy", "--by", "甲", env={"FORMS_SITE_DIR": str(site)})
    path = site / "data" / "deputies.json"
    assert unknown.exit_code == 1
    assert unknown.stderr == f"错误：{path} 中没有代表 lin-xiaoyang 的姓名：请用 --name 写明代表姓名。\n"
    assert events(queue) == before


def test_assign_closed_case_to_deputy_says_it_is_closed(run, queue, tmp_path):
    result = run("assign", "2026-000003", "--to", "deputy", "--site", str(tmp_path / "nowhere"), "--by", "甲")
    assert (result.exit_code, result.stderr) == (1, "错误：该留言已办结，不能交办；如需继续办理，请先重新办理。\n")


# --- hostile text -----------------------------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1",
    "-1",
    "\t=1",
    "\r=1",
    "  =1+1",
    "\x1b[31m红色\x1b[0m",
    '"=HYPERLINK(""http://x"")',
]
NEUTRALISED = [
    "<script>alert(1)</script>",
    "'=cmd|' /C calc'!A0",
    "'@SUM(1+1)",
    "'+1",
    "'-1",
    "'\t=1",
    "'\n=1",
    "'  =1+1",
    "␛[31m红色␛[0m",
    '"=HYPERLINK(""http://x"")',
]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """One case per payload: the payload is its text, its answer and its name."""
    directory = tmp_path / "hostile"
    log = EventLog(directory, fsync=False)
    for n, payload in enumerate(PAYLOADS, start=1):
        ref = f"2026-{n:06d}"
        submit(log, ref, at(27), "deputy:zhang-san", "意见", payload, name=payload, phone=f"1390000{n:04d}")
        add(log, "assigned", ref, "甲", at(27, 9, 45), to_kind="hotline", to="12345", deadline="2026-12-04")
        add(log, "replied", ref, "甲", at(27, 10, 0), answer=payload)
    return directory


def test_safe_cell():
    assert [safe_cell(payload) for payload in PAYLOADS] == NEUTRALISED
    assert safe_cell("\x00=1") == "␀=1" and safe_cell(None) == "" and safe_cell("普通 - 文本") == "普通 - 文本"


def test_show_keeps_terminal_escapes_inert(tmp_path):
    directory = tmp_path / "q"
    log = EventLog(directory, fsync=False)
    text = "<script>alert(1)</script>\x1b[31m红色\x1b[0m\x1b]0;pwned\x07\r伪造一行\x9b2J\u202eabc\x7f\n第二行\t=1"
    submit(log, "2026-000001", at(27), "deputy:zhang-san", "意见", text, name="\x1b[2J王", phone="13900000000")
    add(log, "noted", "2026-000001", "甲\x1b[5m", at(27, 10, 0), note="\x1b[1m备注")
    result = CliRunner().invoke(main, ["--queue", str(directory), "show", "2026-000001", "--personal"], color=True)
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\x7f", "\t"):
        assert raw not in result.output
    lines = result.stdout.splitlines()
    assert "  <script>alert(1)</script>␛[31m红色␛[0m␛]0;pwned␇␊伪造一行\ufffd2J\ufffdabc␡" not in lines  # CR is no LF
    assert "  <script>alert(1)</script>␛[31m红色␛[0m␛]0;pwned␇␍伪造一行\ufffd2J\ufffdabc␡" in lines
    assert "  第二行 =1" in lines
    assert "姓名：␛[2J王" in lines
    assert "  2026-11-27 10:00  甲␛[5m  ␛[1m备注" in lines
    listing = CliRunner().invoke(main, ["--queue", str(directory), "list", "--today", TODAY], color=True)
    assert "\x1b" not in listing.output and "\r" not in listing.output


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_neutralises_formulas(hostile, tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["--queue", str(hostile), "export", "--out", str(out), "--all", "--personal"])
    assert result.exit_code == 0, result.output
    rows = _csv_rows(out)
    assert rows[0] == [
        *messages.STAFF_EXPORT_COLUMNS,
        *messages.STAFF_EXPORT_PERSONAL_COLUMNS,
        messages.STAFF_EXPORT_TARGET_ID,
        messages_console.EXPORT_CHANNEL,
        *messages_console.EXPORT_LOOP_COLUMNS,
        messages.STAFF_EXPORT_ASSIGN_BY,
    ]
    assert [row[7] for row in rows[1:]] == NEUTRALISED  # text
    assert [row[8] for row in rows[1:]] == NEUTRALISED  # answer
    assert [row[9] for row in rows[1:]] == NEUTRALISED  # name
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")) or cell.startswith("'")
            assert not cell.startswith(("\t", "\r"))


def test_xlsx_export_stores_no_formula(hostile, tmp_path):
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        main, ["--queue", str(hostile), "export", "--format", "xlsx", "--out", str(out), "--all"]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    header = [
        *messages.STAFF_EXPORT_COLUMNS,
        messages.STAFF_EXPORT_TARGET_ID,
        messages_console.EXPORT_CHANNEL,
        *messages_console.EXPORT_LOOP_COLUMNS,
        messages.STAFF_EXPORT_ASSIGN_BY,
    ]
    assert [cell.value for cell in rows[0]] == header
    assert [row[7].value for row in rows[1:]] == NEUTRALISED
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            assert cell.value is None or not str(cell.value).lstrip().startswith("=")


def test_export_personal_data_only_with_the_flag(queue, tmp_path):
    runner = CliRunner()
    plain_out, personal_out = tmp_path / "plain.csv", tmp_path / "personal.csv"
    assert runner.invoke(main, ["--queue", str(queue), "export", "--out", str(plain_out), "--all"]).exit_code == 0
    result = runner.invoke(main, ["--queue", str(queue), "export", "--out", str(personal_out), "--all", "--personal"])
    assert result.exit_code == 0
    assert result.stdout == f"已导出 5 条留言到 {personal_out}（含姓名和电话，文件仅本人可读；用完请删除）。\n"
    plain_text = plain_out.read_text(encoding="utf-8-sig")
    personal_text = personal_out.read_text(encoding="utf-8-sig")
    for value in (*NAMES, *PHONES):
        assert value not in plain_text
        assert value in personal_text
    assert os.stat(personal_out).st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_rows_and_filters(queue, tmp_path):
    out = tmp_path / "open.csv"
    args = ["--queue", str(queue), "export", "--out", str(out), "--overdue", "--today", TODAY]
    result = CliRunner().invoke(main, args)
    assert result.stdout == f"已导出 2 条留言到 {out}。\n"
    assert _csv_rows(out)[1:] == [
        [
            "2026-000004",
            "待受理",
            "其他",
            "deputy:zhang-san",
            "2026-11-19 09:30",
            "",  # 答复期限: set at 交办, which has not happened
            "未交办",
            "学校门口早高峰拥堵。",
            "",
            "deputy:zhang-san",
            "网上留言",
            "",
            "0",
            "2026-11-26",  # 交办期限: the office's day, the one it is overdue by
        ],
        [
            "2026-000001",
            "办理中",
            "求助",
            "deputy:zhang-san",
            "2026-11-23 09:30",
            "2026-11-27",
            "职能部门 县住建局",
            "小区门口路灯坏了三个月，晚上出行很不安全，老人孩子经常摔倒，希望尽快修好。",
            "",
            "deputy:zhang-san",
            "网上留言",
            "",
            "0",
            "2026-11-30",  # kept after 交办, beside the 答复期限 it set (the tracking page shows both)
        ],
    ]


def test_list_and_export_name_each_date_as_the_tracking_page_does(run, queue, tmp_path):
    """No header over both kinds of date: `list` names each row's, the exports give 答复期限 only the deadline 交办
    set and 交办期限 its own (last) column, kept after 交办: what each case's tracking page says (public_view)."""
    views = {ref: sub.public_view() for ref, sub in EventLog(queue, fsync=False).state().submissions.items()}
    listed = run("list", "--all", "--today", TODAY).stdout.splitlines()[1:-1]
    kinds = {"assign": "交办期限", "answer": "答复期限"}
    for line in listed:
        view = views[line[:11]]
        assert f"  {kinds[view['deadline_kind']]} {view['deadline']}" in line
    out = tmp_path / "dates.csv"
    assert run("export", "--all", "--today", TODAY, "--out", str(out)).exit_code == 0
    header, *rows = _csv_rows(out)
    assert (header[5], header[-1]) == ("答复期限", "交办期限")
    assert {row[0]: (row[5], row[-1]) for row in rows} == {
        ref: (view["deadline"] if view["deadline_kind"] == "answer" else "", view["assign_by"] or "")
        for ref, view in views.items()
    }
    assert sum(row[5] == "" for row in rows) == 2  # the two cases nobody handles yet


def test_export_personal_never_to_stdout(run):
    result = run("export", "--out", "-", "--personal")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "错误：含个人信息的导出不能输出到屏幕，请用 --out 指定文件。\n"
    csv_out = run("export", "--out", "-", "--status", "待受理", "--today", TODAY)
    assert csv_out.exit_code == 0
    assert [row[0] for row in csv.reader(io.StringIO(csv_out.stdout))] == ["编号", "2026-000004", "2026-000002"]


# --- stats ------------------------------------------------------------------------------------------------------------

STATS = """\
留言统计（截至 2026-11-30）
状态：待受理 2，办理中 1，已答复 0，已办结 1，重新办理 1，合计 5
逾期未答复：2
按期答复率：50.0%（已答复 2 件，其中 1 件在期限内首次答复）
首次答复用时中位数：6.5 天
评价（共 2 次）：满意 1，基本满意 0，不满意 1
渠道：网上留言 5，接待日 0，流动联络站 0，屋场恳谈会 0，电话 0，来信 0
"""


def test_stats(run):
    # 000003: answered 11-20 21:00, deadline 11-24, after 4.5 days; 000005: answered 11-26 21:00, deadline 11-25
    # (late), after 8.5 days. Median 6.5 days; 1 of 2 in time. Overdue on 11-30: 000004 and 000001.
    result = run("stats", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == STATS
    for personal in (*NAMES, *PHONES):
        assert personal not in result.output


def test_stats_empty_queue(tmp_path):
    EventLog(tmp_path / "q", fsync=False)
    result = CliRunner().invoke(main, ["--queue", str(tmp_path / "q"), "stats", "--today", TODAY])
    assert result.stdout.splitlines()[3:5] == [
        "按期答复率：-（已答复 0 件，其中 0 件在期限内首次答复）",
        "首次答复用时中位数：-",
    ]


# --- help -------------------------------------------------------------------------------------------------------------


def test_every_command_and_option_has_help():
    runner = CliRunner()
    assert main.help
    commands = [((name,), command) for name, command in main.commands.items()]
    for group in ("users", "handover", "store", "notify"):
        commands += [((group, name), command) for name, command in main.commands[group].commands.items()]
    for path, command in commands:
        assert command.help and command.short_help, path
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{path} {param.name}"
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert f"用法：main {' '.join(path)}" in result.output and command.help.splitlines()[0][:20] in result.output
        assert "Options:" not in result.output and "选项：" in result.output, path
    expected = [
        "approve",
        "assign",
        "backup",
        "close",
        "decline-return",
        "export",
        "followup",
        "handover",
        "list",
        "note",
        "notify",
        "purge",
    ]
    expected += ["reopen", "reply", "restore", "send-back", "show", "stats", "store", "transfer", "urge", "users"]
    assert sorted(main.commands) == expected
    assert sorted(main.commands["handover"].commands) == ["import", "sheet"]
    assert sorted(main.commands["notify"].commands) == ["digest", "status"]
    assert sorted(main.commands["users"].commands) == ["add", "disable", "list", "reset", "reset-totp", "unlock"]
    assert sorted(main.commands["notify"].commands) == ["digest", "status"]
    assert sorted(main.commands["store"].commands) == ["copy", "upgrade"]


def test_module_help_in_a_real_process():
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMS_")}
    result = subprocess.run(
        [sys.executable, "-m", "forms_api", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：python -m forms_api [OPTIONS] COMMAND [ARGS]...")
    assert "退出码" in result.stdout and "stats" in result.stdout
    args = [sys.executable, "-m", "forms_api", "reopen", "2026-000001"]
    wrong = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert (wrong.returncode, wrong.stdout) == (2, "")
    assert wrong.stderr == (
        "用法：python -m forms_api reopen [OPTIONS] REF\n查看帮助：python -m forms_api reopen --help\n\n"
        "错误：缺少选项 '--reason'。\n"
    )


# click's own texts: usage, help headings and usage errors in Chinese, exit code 2 as before.
@pytest.mark.parametrize(
    ("args", "usage", "error"),
    [
        (["reopen", "2026-000005"], "main reopen [OPTIONS] REF", "缺少选项 '--reason'。"),
        (
            ["assign", "2026-000002", "--to", "mayor"],
            "main assign [OPTIONS] REF",
            "'--to' 的值无效：不能是 'mayor'，可选：'deputy', 'department', 'hotline'。",
        ),
        (["lst"], "main [OPTIONS] COMMAND [ARGS]...", "没有 'lst' 这个命令。 是不是要用 'list'？"),
        (["list", "--no-such"], "main list [OPTIONS]", "没有 '--no-such' 这个选项。"),
        (["list", "extra"], "main list [OPTIONS]", "多余的参数：extra"),
        (["purge", "--days", "0"], "main purge [OPTIONS]", "'--days' 的值无效：0 不在允许的范围（x>=1）内。"),
        (["export", "--out", "."], "main export [OPTIONS]", "'--out' 的值无效：'.' 是目录，这里要的是文件。"),
    ],
    ids=["missing-option", "bad-choice", "unknown-command", "unknown-option", "extra-argument", "range", "directory"],
)
def test_usage_errors_in_chinese(run, args, usage, error):
    result = run(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    help_command = usage.split(" [")[0]
    assert result.stderr == f"用法：{usage}\n查看帮助：{help_command} --help\n\n错误：{error}\n"


def test_help_headings_in_chinese(run):
    result = run("--help")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "用法：main [OPTIONS] COMMAND [ARGS]..."
    assert "选项：" in lines and "命令：" in lines
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in result.stdout
    reopen = run("reopen", "--help").stdout
    assert "选项：" in reopen.splitlines() and "重新办理的原因。  [必填]" in reopen


def test_queue_from_the_environment_is_found_like_the_service_finds_it(tmp_path, monkeypatch):
    """A relative FORMS_QUEUE_DIR means the same folder for the staff tools as for the service: the project's."""
    from forms_api.settings import PROJECT_ROOT

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["list"], env={"FORMS_QUEUE_DIR": "var/no-such-queue"})
    assert result.exit_code == 1
    assert str(PROJECT_ROOT / "var" / "no-such-queue") in result.output


def test_importing_the_staff_tools_patches_nothing() -> None:
    """click's modules keep gettext's own functions until the staff tools run, and get them back afterwards."""
    code = (
        "import gettext, click.core, click.exceptions, forms_api.staff.cli; "
        "assert click.core._ is gettext.gettext and click.exceptions.ngettext is gettext.ngettext; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout == "ok\n", result.stderr
    assert CliRunner().invoke(main, ["no-such-command"]).stderr.startswith("用法：")
    assert click.core._ is gettext.gettext


def test_staff_tools_read_settings_through_the_service_loader(tmp_path: Path) -> None:
    """A bad FORMS_* value is reported as the service reports it, naming its source; the option overrides it."""
    EventLog(tmp_path / "queue", fsync=False)
    env = {"FORMS_QUEUE_DIR": str(tmp_path / "queue"), "FORMS_QUEUE_FSYNC": "maybe", "FORMS_STAFF": None}
    bad = CliRunner().invoke(main, ["list"], env=env)
    assert bad.exit_code == 1
    assert bad.stderr == (
        "错误：设置有误：invalid form service configuration:\nFORMS_QUEUE_FSYNC: expected true or false (got 'maybe')\n"
    )
    env["FORMS_QUEUE_FSYNC"] = "off"
    env["FORMS_QUEUE_DIR"] = ""
    empty = CliRunner().invoke(main, ["list"], env=env)
    assert empty.stderr == (
        "错误：设置有误：invalid form service configuration:\nFORMS_QUEUE_DIR: expected a folder path (got '')\n"
    )
    assert CliRunner().invoke(main, ["--queue", str(tmp_path / "queue"), "list"], env=env).exit_code == 0


def test_reply_as_the_addressed_deputy_takes_the_case_on(run, queue, tmp_path):
    """`reply --deputy`: the deputy a case is addressed to answers it unassigned, as in the console: an `assigned`
    event to them and the answer in one append; another deputy is refused, as the office is."""
    site = namesakes_site(tmp_path)
    deputies = json.loads((site / "data" / "deputies.json").read_text(encoding="utf-8"))
    deputies["deputies"].append({"id": "zhang-san", "name": "张三", "current": True, "stations": ["qingshi-zhan"]})
    (site / "data" / "deputies.json").write_text(json.dumps(deputies), encoding="utf-8")
    before = events(queue)
    other = run("reply", "2026-000004", "--answer", "已答复。", "--yes", "--deputy", "李明远", "--site", str(site))
    assert (other.exit_code, other.stderr) == (1, f"错误：{messages.WORKFLOW_ERRORS['reply_unassigned']}\n")
    assert events(queue) == before
    args = ["reply", "2026-000004", "--answer", "已答复。", "--yes", "--deputy", "张三", "--site", str(site)]
    result = run(*args, "--by", "张三")
    assert (result.exit_code, result.stdout) == (0, "已答复 2026-000004。\n")
    assigned, replied = events(queue)[len(before) :]
    assert (assigned["type"], assigned["to_kind"], assigned["to"], assigned["deputy"]) == (
        "assigned",
        "deputy",
        "张三",
        "zhang-san",
    )
    assert (replied["type"], replied["answer"], replied["by"]) == ("replied", "已答复。", "张三")
