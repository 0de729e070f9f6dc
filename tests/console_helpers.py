"""Shared by the console's tests: a site whose stations have deputies, accounts made through the store, sign-in."""

from __future__ import annotations

import inspect
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import make_app
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from forms_api.accounts.model import Account
from forms_api.accounts.passwords import accept, invite
from forms_api.cases import check, make_event, new_code, now
from forms_api.store import open_accounts
from forms_api.store.folder import EventLog

PASSWORD = "richtig-pferd-7"
SITE = {
    "deputies.json": {
        "deputies": [
            {"id": "cao-wenjie", "name": "曹文杰", "current": True, "stations": ["dongxi-zhan"]},
            {"id": "han-sumei", "name": "韩素梅", "current": True, "stations": ["nanshan-zhan"]},
        ]
    },
    "stations.json": {
        "stations": [{"id": "dongxi-zhan", "name": "东溪代表联络站"}, {"id": "nanshan-zhan", "name": "南山代表联络站"}]
    },
}
# login -> (role, scope)
ACCOUNTS = {
    "boss": ("office", ()),
    "zhan-a": ("station", ("dongxi-zhan",)),
    "zhan-b": ("station", ("nanshan-zhan",)),
    "cao": ("deputy", ("cao-wenjie",)),
    "zhujian": ("handler", ("县住建局",)),
}
PHONES = {"2026-000001": "13912345678", "2026-000002": "13800001111", "2026-000003": "13700002222"}
PHONES["2026-000004"] = "13600003333"
# ref -> the accounts that may see it
SCOPE = {
    "2026-000001": {"boss", "zhan-a", "cao"},  # to deputy cao-wenjie, of station A
    "2026-000002": {"boss", "zhan-a"},  # to station A
    "2026-000003": {"boss", "zhan-b", "zhujian"},  # to station B, handed to 县住建局
    "2026-000004": {"boss", "zhan-b"},  # to deputy han-sumei, of station B
}


def write_site(site: Path) -> None:
    for name, data in SITE.items():
        (site / "data" / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def add_event(log: EventLog, kind: str, ref: str, by: str, **fields: object) -> None:
    def decide(state):
        check(state.submissions.get(ref), kind)
        return make_event(kind, ref, by, **fields)

    log.append(decide)


def fill(app: Flask) -> None:
    """Four cases, one per row of SCOPE; every text says 路灯 (for searches) and carries markup."""
    write_site(Path(app.config["SITE_DIR"]))
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    targets = ["deputy:cao-wenjie", "station:dongxi-zhan", "station:nanshan-zhan", "deputy:han-sumei"]
    for number, target in enumerate(targets, start=1):
        ref = f"2026-{number:06d}"
        text = f"路灯坏了 <script>alert({number})</script><img src=x onerror=alert(1)> 第{number}件"
        add_event(
            log,
            "submitted",
            ref,
            "citizen",
            code=new_code(),
            target=target,
            category="求助",
            text=text,
            name=f"留言人{number}",
            phone=PHONES[ref],
            anonymous=False,
        )
    add_event(log, "assigned", "2026-000003", "李办事员", to_kind="department", to="县住建局", deadline="2099-01-01")


def make_account(app: Flask, login: str, role: str, scope: tuple[str, ...], password: str = PASSWORD) -> Account:
    """An active account with `password`, made the way an accepted invitation makes one."""
    moment = now()

    def decide(current: Account | None) -> Account:
        invited, _ = invite(Account(login, role, scope, created="2026-01-01T00:00:00+08:00", changed=""), moment, 1)
        return accept(invited, password, moment)

    account = open_accounts(app.config).change(login, decide)
    assert account is not None
    return account


def console_app(tmp_path: Path, **config: object) -> Flask:
    """An app (with `config`'s settings) with the four cases of `fill` and an account for each row of ACCOUNTS."""
    app = make_app(tmp_path, **config)
    fill(app)
    for login, (role, scope) in ACCOUNTS.items():
        make_account(app, login, role, scope)
    return app


def implements(ours: type, protocol: type) -> None:
    """Every member of `protocol` on `ours`, a property as a property, each method with the same parameters: what
    a second store (PostgreSQL, issue 15) must match too."""
    members = [name for name in vars(protocol) if not name.startswith("_")]
    assert len(members) >= 3
    for name in members:
        found = getattr(ours, name)
        if isinstance(found, property):
            assert isinstance(vars(protocol)[name], property), name
            continue
        assert list(inspect.signature(found).parameters) == list(inspect.signature(vars(protocol)[name]).parameters)


def csrf_token(client: FlaskClient, path: str = "/staff/signin") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match[1]


def sign_in(client: FlaskClient, login: str, password: str = PASSWORD):
    return client.post("/staff/signin", data={"login": login, "password": password, "csrf_token": csrf_token(client)})


def sign_in_page(page, base: str, login: str, password: str = PASSWORD) -> None:
    """Sign in on the console's sign-in page in a browser (Playwright `page`), as a person does."""
    page.goto(f"{base}/staff/signin")
    submit_sign_in(page, login, password)


def submit_sign_in(page, login: str, password: str = PASSWORD) -> None:
    """Fill and send the sign-in form the page shows, and wait for the page it leads to (the dashboard, the TOTP
    code's page, the refusal, or the page the sign-in was asked for)."""
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def client_for(app: Flask, login: str | None) -> FlaskClient:
    """A test client signed in as `login` (None: nobody)."""
    client = app.test_client()
    if login is not None:
        assert sign_in(client, login).status_code == 302
    return client


def session_data(app: Flask, client: FlaskClient) -> dict:
    """The console's session as its cookie holds it: signed, not encrypted, so anyone holding the cookie can read it."""
    cookie = client.get_cookie("mashang_staff", path="/staff")
    assert cookie is not None
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def after_refusal(client: FlaskClient, response) -> str:
    """The page a refused form leads to (POST/redirect/GET, forms_api/console/refusals.py): the post answered 303,
    the page it goes back to shows the refusal."""
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:2000])
    shown = client.get(response.headers["Location"])
    assert shown.status_code == 200
    return shown.get_data(as_text=True)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def no_axe_violations(page) -> None:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"""
    )
    assert found == [], page.url


@contextmanager
def running(app: Flask) -> Iterator[str]:
    """`app` served on a free port of 127.0.0.1 by werkzeug in a thread, for a real browser; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
