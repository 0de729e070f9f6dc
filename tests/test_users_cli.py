"""`python -m forms_api users ...`: exact output, what is stored (hashes only, 0600), and the refusals."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from forms_api.accounts.passwords import password_problem, token_hash
from forms_api.cases import parse_at
from forms_api.staff.cli import main
from forms_api.staff.text import moment_text
from forms_api.store import open_accounts

BASE = "https://example.org/"
LINK = re.compile(r"^https://example\.org/staff/invite/([A-Za-z0-9_-]{43})$")


SITE = {
    "deputies.json": {
        "deputies": [
            {"id": "cao-wenjie", "name": "曹文杰", "current": True, "stations": ["dongxi-zhan"]},
            {"id": "li-former", "name": "李离任", "current": False},
        ]
    },
    "stations.json": {
        "stations": [{"id": "dongxi-zhan", "name": "东溪代表联络站"}, {"id": "nanshan-zhan", "name": "南山代表联络站"}]
    },
}


@pytest.fixture
def users(tmp_path: Path):
    queue = tmp_path / "queue"
    (tmp_path / "site" / "data").mkdir(parents=True)
    for name, data in SITE.items():
        (tmp_path / "site" / "data" / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    clean = {name: None for name in ("FORMS_QUEUE_DIR", "FORMS_SITE_URL", "FORMS_INVITATION_HOURS")}
    clean["FORMS_SITE_DIR"] = str(tmp_path / "site")

    def invoke(*args: str, env: dict | None = None):
        return CliRunner().invoke(main, ["--queue", str(queue), "users", *args], env=clean | (env or {}))

    invoke.queue = queue
    return invoke


def stored(queue: Path, login: str):
    return open_accounts({"QUEUE_DIR": queue}).get(login)


def until(queue: Path, login: str) -> str:
    return moment_text(parse_at(stored(queue, login).invitation_expires))


def test_add_prints_a_one_use_link_and_keeps_only_its_hash(users):
    result = users("add", "Boss", "--role", "office", "--base-url", BASE)
    assert (result.exit_code, result.stderr) == (0, "")
    first, link, *rest = result.stdout.split("\n")
    assert rest == [""]
    assert first == (
        f"已创建账号 boss（代表工作机构）。请把下面的邀请链接交给本人，用它设置密码；链接只能用一次，"
        f"{until(users.queue, 'boss')} 前有效："
    )
    token = LINK.match(link)[1]
    account = stored(users.queue, "boss")
    assert (account.role, account.scope, account.state, account.password_hash) == ("office", (), "invited", None)
    assert account.invitation_hash == token_hash(token)
    text = (users.queue / "accounts.json").read_text(encoding="utf-8")
    assert token not in text and json.loads(text)["accounts"][0]["login"] == "boss"
    assert os.stat(users.queue / "accounts.json").st_mode & 0o777 == 0o600
    hours = parse_at(account.invitation_expires) - parse_at(account.created)
    assert hours.total_seconds() == 72 * 3600


def test_site_url_and_invitation_hours_from_the_settings(users):
    env = {"FORMS_SITE_URL": "https://example.org", "FORMS_INVITATION_HOURS": "24"}
    result = users(
        "add", "zhan-a", "--role", "station", "--station", "dongxi-zhan", "--station", "nanshan-zhan", env=env
    )
    assert result.exit_code == 0 and LINK.match(result.stdout.splitlines()[1])
    account = stored(users.queue, "zhan-a")
    assert account.stations == ("dongxi-zhan", "nanshan-zhan")
    assert (parse_at(account.invitation_expires) - parse_at(account.created)).total_seconds() == 24 * 3600


def test_list_disable_reset_unlock(users):
    assert users("add", "boss", "--role", "office", "--base-url", BASE).exit_code == 0
    assert users("add", "cao", "--role", "deputy", "--deputy", "cao-wenjie", "--base-url", BASE).exit_code == 0
    assert users("add", "zhujian", "--role", "handler", "--handler", "县住建局", "--base-url", BASE).exit_code == 0
    add = ("add", "zhan", "--role", "station", "--station", "dongxi-zhan", "--station", "nanshan-zhan")
    assert users(*add, "--base-url", BASE).exit_code == 0
    listing = users("list")  # names from the site's data, as the back office shows them
    invited = {
        login: f"待设置密码（邀请 {until(users.queue, login)} 前有效）" for login in ("boss", "cao", "zhan", "zhujian")
    }
    assert listing.stdout == (
        "登录名   角色            范围                                   状态\n"
        f"boss     代表工作机构    全部留言                               {invited['boss']}\n"
        f"cao      代表            代表 曹文杰                            {invited['cao']}\n"
        f"zhan     联络站工作人员  联络站 东溪代表联络站、南山代表联络站  {invited['zhan']}\n"
        f"zhujian  承办单位        县住建局                               {invited['zhujian']}\n"
        "共 4 个账号。\n"
    )
    no_site = users("list", "--site", str(users.queue.parent / "no-site")).stdout.splitlines()  # ids without data
    assert [line.split()[2:4] for line in no_site[2:4]] == [
        ["代表", "cao-wenjie"],
        ["联络站", "dongxi-zhan、nanshan-zhan"],
    ]
    assert users("disable", "cao").stdout == "已停用账号 cao，其已登录的会话立即失效。\n"
    assert stored(users.queue, "cao").state == "disabled"
    old = stored(users.queue, "boss").invitation_hash
    reset = users("reset", "boss", "--base-url", BASE)
    first, link = reset.stdout.splitlines()
    assert first == (
        "已重置账号 boss 的密码，原密码和已登录的会话作废。"
        f"新的邀请链接只能用一次，{until(users.queue, 'boss')} 前有效："
    )
    assert stored(users.queue, "boss").invitation_hash == token_hash(LINK.match(link)[1]) != old
    assert users("unlock", "boss").stdout == "账号 boss 没有被锁定。\n"
    accounts = open_accounts({"QUEUE_DIR": users.queue})
    accounts.change("boss", lambda account: account.__class__(**{**account.__dict__, "locked": True, "failed": 6}))
    assert users("unlock", "boss").stdout == "已解锁账号 boss。\n"
    assert (stored(users.queue, "boss").locked, stored(users.queue, "boss").failed) == (False, 0)
    assert users("list").stdout.splitlines()[2].endswith("已停用")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "a", "--role", "office"],
            "登录名“a”不可用：请用 2 至 32 个小写字母、数字、点、下划线或连字符，以字母或数字开头。",
        ),
        (
            ["add", "citizen", "--role", "office"],
            "登录名“citizen”不可用：请用 2 至 32 个小写字母、数字、点、下划线或连字符，以字母或数字开头。",
        ),
        (
            ["add", "boss", "--role", "office", "--station", "x"],
            "office 角色看全部留言，不能加 --station、--deputy 或 --handler。",
        ),
        (
            ["add", "zhan", "--role", "station"],
            "station 角色请用 --station 写明所属联络站编号（小写字母、数字和连字符，可写多个），不能加其他范围。",
        ),
        (
            ["add", "cao", "--role", "deputy", "--deputy", "a", "--station", "b"],
            "deputy 角色请用 --deputy 写明一个代表编号（小写字母、数字和连字符），不能加其他范围。",
        ),
        (
            ["add", "zj", "--role", "handler"],
            "handler 角色请用 --handler 写明单位名称（不含控制字符，64 字以内），不能加其他范围。",
        ),
        (
            ["add", "bad", "--role", "station", "--station", "hecheng", "--base-url", BASE],
            "网站上没有编号为 hecheng 的联络站。请写网站上联络站的编号。",
        ),
        (
            ["add", "bad", "--role", "station", "--station", "dongxi-zhan", "--station", "dongxi", "--base-url", BASE],
            "网站上没有编号为 dongxi 的联络站（您要找的是不是 dongxi-zhan？）。请写网站上联络站的编号。",
        ),
        (
            ["add", "bad", "--role", "deputy", "--deputy", "cao-wenjei", "--base-url", BASE],
            "网站上没有编号为 cao-wenjei 的现任代表（您要找的是不是 cao-wenjie？）。请写网站上现任代表的编号。",
        ),
        (
            ["add", "bad", "--role", "deputy", "--deputy", "li-former", "--base-url", BASE],
            "网站上没有编号为 li-former 的现任代表。请写网站上现任代表的编号。",
        ),
        (["disable", "nobody"], "没有账号 nobody。"),
        (["reset", "nobody", "--base-url", BASE], "没有账号 nobody。"),
        (["unlock", "nobody"], "没有账号 nobody。"),
    ],
)
def test_refusals(users, args, message):
    users("add", "seed", "--role", "office", "--base-url", BASE)
    before = (users.queue / "accounts.json").read_bytes()
    if args[0] == "add":
        args = [*args, "--base-url", BASE]
    result = users(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"错误：{message}\n")
    assert (users.queue / "accounts.json").read_bytes() == before


def test_add_twice_and_without_an_address(users):
    assert users("add", "boss", "--role", "office", "--base-url", BASE).exit_code == 0
    twice = users("add", "boss", "--role", "office", "--base-url", BASE)
    assert twice.stderr == "错误：账号 boss 已存在；要重新生成邀请链接，请用 users reset boss。\n"
    nowhere = users("add", "other", "--role", "office")
    assert (
        nowhere.stderr
        == "错误：请用 --base-url 或环境变量 FORMS_SITE_URL 给出后台所在网站的地址（如 https://example.org/）。\n"
    )
    bad = users("add", "other", "--role", "office", "--base-url", "ftp://x")
    assert bad.exit_code == 1 and "--base-url: 'ftp://x' is not a URL" in bad.stderr
    assert stored(users.queue, "other") is None


def test_production_hashes_passwords_at_owasp_strength_or_more() -> None:
    """The tests' cheap argon2 parameters (conftest.py) stay in the tests: the package's own hasher uses argon2id with
    at least OWASP's minimum (19 MiB, 2 passes)."""
    code = "from forms_api.accounts.passwords import hash_password; print(hash_password('a-long-password'))"
    hashed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    found = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$\S+\n", hashed)
    assert found, hashed
    memory_kib, passes, _ = map(int, found.groups())
    assert memory_kib >= 19 * 1024 and passes >= 2


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("1234567890", "weak"),  # accepted before a walk-through tried it
        ("13800138000", "weak"),
        ("abcdefghijkl", "weak"),
        ("POIUYTREWQ", "weak"),
        ("aaaabbbbaaaa", "weak"),
        ("wang-office", "weak"),
        ("short1", "short"),
        ("青禾县人大2026年春", None),
        ("correct-horse-7", None),
    ],
)
def test_weak_passwords_are_refused(password: str, problem: str | None) -> None:
    assert password_problem(password, "wang-office") == problem
