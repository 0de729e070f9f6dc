"""`assign`/`transfer --to department` in the staff tools name the department as a handler account does, by the
console's rule (forms_api/accounts/units.py): a name no account has is refused in the staff tools' words, with the
close units or else the known ones, unless `--new-unit` says the unit has no account yet. Real store, real accounts."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import events
from console_helpers import after_refusal, client_for, console_app, csrf_token
from flask import Flask

from forms_api.accounts.model import Account
from forms_api.accounts.units import MAX_LISTED, UnknownUnit, handler_units, unit_name
from forms_api.messages_cases import CLI_UNIT_TEXTS, UNIT_TEXTS
from forms_api.staff.cli import main
from forms_api.store import open_accounts

pytestmark = pytest.mark.usefixtures("no_forms_environment")
FREE = "2026-000002"  # to station A, nobody handles it yet
OTHER_FREE = "2026-000004"  # to deputy han-sumei, nobody handles it yet
HANDED = "2026-000003"  # handed to 县住建局, whose account is zhujian
COMMAND = {"assign": FREE, "transfer": HANDED}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def cli(app: Flask, command: str, ref: str, *args: str) -> Result:
    base = ["--queue", str(app.config["QUEUE_DIR"]), command, ref]
    return CliRunner().invoke(main, [*base, "--to", "department", *args, "--by", "李办事员"])


def refused(result: Result, message: str) -> bool:
    return (result.exit_code, result.stdout, result.stderr) == (1, "", f"错误：{message}\n")


def add_handler(app: Flask, login: str, unit: str) -> None:
    """A handler account invited (no password needed to name a unit)."""
    account = Account(login, "handler", (unit,), created="2026-01-01T00:00:00+08:00", changed="")
    open_accounts(app.config).change(login, lambda current: account)


@pytest.mark.parametrize("command", ["assign", "transfer"])
def test_a_name_no_handler_account_has_is_refused_naming_the_close_one(app, command):
    before = events(app)
    result = cli(app, command, COMMAND[command], "--name", "住建局")
    assert refused(result, CLI_UNIT_TEXTS["unknown_close"].format(name="住建局", close="县住建局"))
    assert "--new-unit" in result.stderr
    assert events(app) == before


@pytest.mark.parametrize("command", ["assign", "transfer"])
def test_a_unit_without_an_account_goes_only_with_new_unit(app, command):
    before = events(app)
    add_handler(app, "shuiwu", "县水务局")
    result = cli(app, command, COMMAND[command], "--name", "县公安局")
    assert refused(result, CLI_UNIT_TEXTS["unknown"].format(name="县公安局", units="县住建局、县水务局"))
    assert events(app) == before
    result = cli(app, command, COMMAND[command], "--name", "县公安局", "--new-unit")
    assert result.exit_code == 0, result.output
    assert "职能部门 县公安局" in result.stdout
    last = events(app)[-1]
    assert (last["type"], last["to_kind"], last["to"]) == ("assigned", "department", "县公安局")


def test_the_account_s_unit_goes_through_spelt_as_the_account_spells_it(app):
    result = cli(app, "assign", FREE, "--name", "县 住建局")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"已交办 {FREE}：职能部门 县住建局，")
    assert events(app)[-1]["to"] == "县住建局"
    assert FREE in client_for(app, "zhujian").get("/staff/cases").get_data(as_text=True)  # the handler sees it
    add_handler(app, "jiaotong", "县交通局")
    onward = cli(app, "transfer", FREE, "--name", "县 交通局", "--new-unit")  # an account's unit: as it spells it
    assert onward.exit_code == 0, onward.output
    assert (events(app)[-1]["to"], events(app)[-1]["handover"]) == ("县交通局", True)


@pytest.mark.parametrize("typed", ["县住建局", "县 住建局", "住建局", "县住建", "县交通局", "交通"])
def test_the_console_and_the_staff_tools_take_and_refuse_the_same_names(app, typed):
    """One rule, two clients: the console's 交办 and the staff tools' `assign` store the same name or both refuse,
    naming the same close units."""
    client = client_for(app, "boss")
    form = {"to_kind": "department", "name": typed, "csrf_token": csrf_token(client, "/staff/")}
    posted = client.post(f"/staff/cases/{FREE}/assign", data=form)
    result = cli(app, "assign", OTHER_FREE, "--name", typed)
    stored = {e["ref"]: e["to"] for e in events(app) if e["type"] == "assigned"}
    if result.exit_code == 0:
        assert posted.status_code == 303 and stored[FREE] == stored[OTHER_FREE] == "县住建局"
        return
    assert FREE not in stored and OTHER_FREE not in stored
    with pytest.raises(UnknownUnit) as unknown:
        unit_name(typed, ["县住建局"], confirmed=False)
    assert unknown.value.worded(UNIT_TEXTS) in html.unescape(after_refusal(client, posted))
    assert refused(result, unknown.value.worded(CLI_UNIT_TEXTS))


def test_with_no_handler_account_the_refusal_says_how_to_open_one(app):
    """A disabled account names no unit (as in the console): here none is left."""
    accounts = open_accounts(app.config)
    accounts.change("zhujian", lambda current: replace(current, state="disabled"))
    assert handler_units(accounts.all()) == []
    result = cli(app, "assign", FREE, "--name", "县住建局")
    assert refused(result, CLI_UNIT_TEXTS["no_units"].format(name="县住建局"))
    assert "users add" in result.stderr and "--new-unit" in result.stderr
    assert cli(app, "assign", FREE, "--name", "县住建局", "--new-unit").exit_code == 0


def test_many_units_are_counted_beyond_those_listed() -> None:
    units = [f"第{n:02d}局" for n in range(MAX_LISTED + 3)]
    said = UnknownUnit("县公安局", [], units).worded(CLI_UNIT_TEXTS)
    assert "、".join(units[:MAX_LISTED]) + CLI_UNIT_TEXTS["more"].format(count=MAX_LISTED + 3) in said
    assert units[MAX_LISTED] not in said


@pytest.mark.parametrize("to_kind", ["hotline", "deputy"])
def test_new_unit_is_for_departments_only(app, to_kind):
    before = events(app)
    base = ["--queue", str(app.config["QUEUE_DIR"]), "assign", FREE, "--to", to_kind, "--new-unit"]
    result = CliRunner().invoke(main, base)
    assert result.exit_code == 2 and CLI_UNIT_TEXTS["not_department"] in result.output
    assert events(app) == before


def test_the_help_says_when_new_unit_is_needed() -> None:
    for command in ("assign", "transfer"):
        shown = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
        assert "--new-unit" in shown and "该部门还没有承办单位账号" in shown
