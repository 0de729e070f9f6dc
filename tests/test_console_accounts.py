"""The accounts page: an office account adds (the invitation link shown once), disables, resets and unlocks accounts
in the console, as `users add|disable|reset|unlock` do on the server; every role and nobody against every route;
CSRF on each form; scopes shown by name. Real app, real store, no mocks."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from console_helpers import (
    ACCOUNTS,
    PASSWORD,
    after_refusal,
    client_for,
    console_app,
    csrf_token,
    make_account,
    session_data,
    sign_in,
)
from flask import Flask

from forms_api import cases, messages
from forms_api.console.accounts import INVITED_MINUTES
from forms_api.messages_console import ACCOUNT_TEXTS, STAFF_TEXTS
from forms_api.store import open_accounts

T = messages.CONSOLE_TEXTS
AT = ACCOUNT_TEXTS
ROLES = (*ACCOUNTS, None)
LINK = re.compile(r'<p class="code">(http://localhost/staff/invite/[A-Za-z0-9_-]+)</p>')


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def post(client, path: str, data: dict | None = None, *, token: bool = True):
    form = dict(data or {}) | ({"csrf_token": csrf_token(client, "/staff/")} if token else {})
    return client.post(path, data=form)


ROUTES = {  # route -> (path, form, what the office gets)
    "list": ("/staff/accounts", None, 200),
    "add": ("/staff/accounts/add", {"login": "new.one", "role": "handler", "handler": "县水务局"}, 303),
    "disable": ("/staff/accounts/zhujian/disable", {"confirm": "1"}, 303),
    "reset": ("/staff/accounts/zhan-b/reset", {"confirm": "1"}, 303),
    "invitation": ("/staff/accounts/zhan-b/invitation", None, 200),
    "unlock": ("/staff/accounts/cao/unlock", {}, 302),
}


@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_every_account_route_for_every_role(app, login):
    client = client_for(app, login)
    for route, (path, form, office) in ROUTES.items():
        if form is None:
            response = client.get(path)
        else:
            token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
            response = client.post(path, data=form | {"csrf_token": token})
        want = 302 if login is None else office if ACCOUNTS[login][0] == "office" else 403
        assert response.status_code == want, (login, route)
        if login is None:
            assert response.headers["Location"].startswith("/staff/signin?next=")
    stored = {found.login: found for found in open_accounts(app.config).all()}
    changed = login is not None and ACCOUNTS[login][0] == "office"
    assert ("new.one" in stored) is changed and (stored["zhujian"].state == "disabled") is changed
    assert (stored["zhan-b"].state == "invited") is changed


def test_every_form_needs_its_csrf_token(app):
    office = client_for(app, "boss")
    for path, form, _ in ROUTES.values():
        if form is not None:
            refused = post(office, path, form, token=False)
            assert refused.status_code == 400 and T["csrf"] in refused.get_data(as_text=True), path
    assert "new.one" not in {found.login for found in open_accounts(app.config).all()}


def test_an_added_account_gets_its_link_once_and_signs_in_with_it(app):
    """POST/redirect/GET: the page the add is sent on to shows the link once; a reload of it (or Back) says where to get
    a new one, and never posts again (which would be refused: the account exists)."""
    office = client_for(app, "boss")
    added = post(office, "/staff/accounts/add", {"login": "Dongxi.Li", "role": "station", "station": "dongxi-zhan"})
    assert added.status_code == 303 and added.headers["Location"] == "/staff/accounts/dongxi.li/invitation"
    shown = office.get(added.headers["Location"])
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and AT["invitation"].split("{")[0] in page
    (link,) = LINK.findall(page)
    again = office.get(added.headers["Location"]).get_data(as_text=True)
    assert AT["invitation_gone"].format(login="dongxi.li") in again and "staff/invite/" not in again  # shown once
    assert AT["exists"].format(login="dongxi.li") not in again
    listing = office.get("/staff/accounts").get_data(as_text=True)
    assert link not in listing and link.rsplit("/", 1)[1] not in listing
    assert "联络站 东溪代表联络站" in listing and "代表 曹文杰" in listing  # scopes by name, not by id
    assert "dongxi-zhan" not in re.sub(r"<select.*?</select>", "", listing, flags=re.S)

    person = app.test_client()
    path = link.removeprefix("http://localhost")
    token = csrf_token(person, path)
    done = person.post(path, data={"password": PASSWORD, "password_again": PASSWORD, "csrf_token": token})
    assert done.status_code == 302 and person.get("/staff/cases").status_code == 200
    assert open_accounts(app.config).get("dongxi.li").stations == ("dongxi-zhan",)
    used = office.get(added.headers["Location"]).get_data(as_text=True)
    assert AT["invitation_used"].format(login="dongxi.li") in used and "生成新的链接" not in used


def test_the_link_waits_in_the_session_only_a_few_minutes_and_only_for_the_current_invitation(app, monkeypatch):
    """Not shown when the page is opened too late (the token left in the cookie meanwhile is dropped), nor when
    another reset made it stale; another office account's session never holds it."""
    office = client_for(app, "boss")
    added = post(office, "/staff/accounts/add", {"login": "late", "role": "handler", "handler": "县水务局"})
    later = cases.now() + timedelta(minutes=INVITED_MINUTES, seconds=1)
    with monkeypatch.context() as patched:
        patched.setattr(cases, "now", lambda: later)
        page = office.get(added.headers["Location"]).get_data(as_text=True)
    assert AT["invitation_gone"].format(login="late") in page and not LINK.findall(page)

    first = post(office, "/staff/accounts/zhan-b/reset", {"confirm": "1"})
    make_account(app, "boss2", "office", ())
    other = client_for(app, "boss2")
    assert not LINK.findall(other.get(first.headers["Location"]).get_data(as_text=True))
    post(other, "/staff/accounts/zhan-b/reset", {"confirm": "1"})  # a newer link: the first one is void
    page = office.get(first.headers["Location"]).get_data(as_text=True)
    assert AT["invitation_gone"].format(login="zhan-b") in page and not LINK.findall(page)
    assert office.get("/staff/accounts/nobody/invitation").status_code == 404


def test_the_link_waits_in_the_session_cookie_encrypted(app):
    """The session cookie is signed, not encrypted: the token waiting there for the page that shows it is sealed, so
    a copied cookie or the browser's cookie store does not give the link away; the page still shows it."""
    office = client_for(app, "boss")
    added = post(office, "/staff/accounts/add", {"login": "sealed", "role": "handler", "handler": "县水务局"})
    cookie, kept = office.get_cookie("mashang_staff", path="/staff").value, session_data(app, office)
    page = office.get(added.headers["Location"]).get_data(as_text=True)
    (link,) = LINK.findall(page)
    token = link.rsplit("/", 1)[1]
    assert "sealed" in kept["invitations"] and token not in str(kept) and token not in cookie


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"login": "x", "role": "office"}, messages.USERS_BAD_LOGIN.format(login="x")),
        ({"login": "boss", "role": "office"}, AT["exists"].format(login="boss")),
        ({"login": "wu", "role": ""}, AT["bad_role"]),
        ({"login": "wu", "role": "station", "station": "no-such-zhan"}, AT["bad_station"]),
        ({"login": "wu", "role": "deputy", "deputy": ""}, AT["bad_deputy"]),
        ({"login": "wu", "role": "deputy", "deputy": "王五"}, STAFF_TEXTS["deputy_unknown_typed"].format(name="王五")),
        ({"login": "wu", "role": "handler", "handler": ""}, AT["bad_handler"]),
    ],
)
def test_a_bad_new_account_is_refused_with_what_to_correct_and_the_form_kept(app, form, message):
    office = client_for(app, "boss")
    before = open_accounts(app.config).all()
    page = after_refusal(office, post(office, "/staff/accounts/add", form))
    assert message in page and 'role="alert"' in page and AT["errors_lead"] in page
    assert open_accounts(app.config).all() == before
    if form["login"] == "wu":
        assert 'id="new-login" name="login" value="wu"' in page


def test_a_deputy_account_by_chinese_name_and_disable_and_reset_end_sessions(app):
    office = client_for(app, "boss")
    added = post(office, "/staff/accounts/add", {"login": "cao2", "role": "deputy", "deputy": "曹文杰"})
    assert added.status_code == 303 and open_accounts(app.config).get("cao2").deputy == "cao-wenjie"

    station = client_for(app, "zhan-a")
    assert station.get("/staff/").status_code == 200
    assert post(office, "/staff/accounts/zhan-a/disable", {"confirm": "1"}).status_code == 303
    assert station.get("/staff/").status_code == 302  # its open session stopped at once
    assert sign_in(app.test_client(), "zhan-a").status_code == 401
    # a disabled account comes back through a new invitation
    again = post(office, "/staff/accounts/zhan-a/reset", {"confirm": "1"})
    assert again.status_code == 303 and open_accounts(app.config).get("zhan-a").state == "invited"

    deputy = client_for(app, "cao")
    reset = post(office, "/staff/accounts/cao/reset", {"confirm": "1"})
    assert reset.status_code == 303
    assert len(LINK.findall(office.get(reset.headers["Location"]).get_data(as_text=True))) == 1
    assert deputy.get("/staff/").status_code == 302 and sign_in(app.test_client(), "cao").status_code == 401

    for route in ("disable", "reset"):  # never the account that is signed in
        page = after_refusal(office, post(office, f"/staff/accounts/boss/{route}", {"confirm": "1"}))
        assert AT["not_yourself"] in page and AT["errors_lead"] not in page
    assert open_accounts(app.config).get("boss").state == "active"
    assert post(office, "/staff/accounts/nobody/disable", {"confirm": "1"}).status_code == 404


@pytest.mark.parametrize(("route", "label", "confirm"), [("disable", "停用", None), ("reset", "重置密码", "0")])
def test_disable_and_reset_change_nothing_until_confirmed(app, route, label, confirm):
    """Each is a disclosure with what it does and a second button: a post without its confirmation is refused (and
    goes back to the page, POST/redirect/GET) with the account as it was, its sessions alive."""
    office, station = client_for(app, "boss"), client_for(app, "zhan-a")
    before = open_accounts(app.config).all()
    page = office.get("/staff/accounts").get_data(as_text=True)
    summary = f"<summary>{label} zhan-a</summary>"
    assert summary in page
    disclosed = page[page.index(summary) : page.index("</details>", page.index(summary))]
    assert f'action="/staff/accounts/zhan-a/{route}"' in disclosed and 'name="confirm" value="1"' in disclosed
    assert AT["confirm"].format(action=label, login="zhan-a") in disclosed
    form = {} if confirm is None else {"confirm": confirm}
    shown = after_refusal(office, post(office, f"/staff/accounts/zhan-a/{route}", form))
    assert AT["not_confirmed"].format(login="zhan-a", action=label) in shown
    assert open_accounts(app.config).all() == before
    assert station.get("/staff/").status_code == 200


def test_backup_and_restore_carry_the_accounts_and_reply_templates(app, tmp_path):
    """A move to a new server (docs/DEPLOY.md): `backup` on the old one, `restore` on the new: the staff sign in
    with the passwords they had, and the office's templates are there."""
    from click.testing import CliRunner

    from forms_api.accounts.templates import ReplyTemplate
    from forms_api.messages_console import BACKUP_CONSOLE, RESTORE_CONSOLE
    from forms_api.staff.cli import main
    from forms_api.store import open_templates

    written = [ReplyTemplate("已转部门", "已转交职能部门办理。"), ReplyTemplate("已修复", "问题已解决，谢谢。")]
    open_templates(app.config).change(lambda current: written)
    queue = Path(app.config["QUEUE_DIR"])
    made = CliRunner().invoke(main, ["--queue", str(queue), "backup", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    assert made.output.splitlines()[-1] == BACKUP_CONSOLE.format(accounts=len(ACCOUNTS), templates=2)
    (copy,) = (tmp_path / "backups").iterdir()
    assert copy.stat().st_mode & 0o777 == 0o600

    new = tmp_path / "new-server" / "queue"
    new.mkdir(parents=True)
    moved = CliRunner().invoke(main, ["--queue", str(new), "restore", str(copy)])
    assert moved.exit_code == 0, moved.output
    assert RESTORE_CONSOLE.format(accounts=len(ACCOUNTS), templates=2) in moved.output
    there = console_app_on(tmp_path, new)
    assert sign_in(there.test_client(), "zhan-a").status_code == 302  # the password it had
    assert open_templates(there.config).all() == written
    again = CliRunner().invoke(main, ["--queue", str(new), "list"])
    assert again.exit_code == 0 and "2026-000001" in again.output


def console_app_on(tmp_path: Path, queue: Path) -> Flask:
    from conftest import make_app

    return make_app(tmp_path / "new-server", QUEUE_DIR=queue)


def test_the_run_command_makes_a_demo_office_account_once_and_outside_git(tmp_path):
    """scripts/run.sh's demo_account step (the README's run command), on a fresh data folder and again."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    step = 'eval "$(sed -n "/^demo_account()/,/^}/p" scripts/run.sh)"; set -euo pipefail; demo_account'
    queue = tmp_path / "queue"  # no queue yet: the first run, before any message
    env = {**os.environ, "FORMS_QUEUE_DIR": str(queue), "FORMS_BIND": "127.0.0.1:8000"}
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout

    def run() -> list[str]:
        done = subprocess.run(["bash", "-c", step], cwd=root, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return done.stdout.splitlines()

    first = run()
    assert first[0] == "run: 后台 http://127.0.0.1:8000/staff/"
    assert re.fullmatch(r"run:   .*demo.* http://127\.0\.0\.1:8000/staff/invite/[A-Za-z0-9_-]{40,} .*", first[1])
    (account,) = open_accounts({"QUEUE_DIR": queue}).all()
    assert (account.login, account.role, account.state) == ("demo", "office", "invited")
    assert (queue / "accounts.json").stat().st_mode & 0o777 == 0o600
    second = run()
    assert "users reset demo" in second[1] and "invite/" not in second[1]  # no second account, no new link
    assert "还没有设置密码" in second[1]  # not "用 demo 账号登录": the invitation was never taken
    assert len(open_accounts({"QUEUE_DIR": queue}).all()) == 1
    assert subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout == status


def test_the_run_command_builds_the_site_for_the_address_it_serves(tmp_path):
    """With FORMS_BIND on another port, the demo's QR codes and links point at that port, not at mkdocs.yml's."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    for name in (".venv", "content", "generator", "forms_api", "mkdocs.yml"):
        (tmp_path / name).symlink_to(root / name)
    step = 'eval "$(sed -n "/^build()/,/^}/p" scripts/run.sh)"; set -euo pipefail; stats=var/public/stats.json; build'
    env = {**os.environ, "FORMS_QUEUE_DIR": str(tmp_path / "queue"), "FORMS_BIND": "127.0.0.1:8123"}
    script = f"cd {tmp_path} && bash -c '{step}'"
    done = subprocess.run(
        ["bash", "-c", script.replace("scripts/run.sh", str(root / "scripts/run.sh"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run: 还没有留言" in done.stdout and "错误" not in done.stdout
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>http://127.0.0.1:8123/" in sitemap and ":8000/" not in sitemap
