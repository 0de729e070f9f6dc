"""The back office under /staff/: the permission matrix, scope in every list, CSRF, lockout, cookies, sessions that
end, inert citizen text, logged showings of personal data, one-use invitations. Real app, real store, no mocks."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import events, make_app
from console_helpers import (
    ACCOUNTS,
    PASSWORD,
    PHONES,
    SCOPE,
    client_for,
    console_app,
    csrf_token,
    fill,
    make_account,
    sign_in,
)
from flask import Flask

from forms_api import messages
from forms_api.accounts.access import PERMISSIONS, permissions
from forms_api.accounts.passwords import invite
from forms_api.cases import now, timestamp
from forms_api.staff.cli import main
from forms_api.store import open_accounts

T = messages.CONSOLE_TEXTS
REFS = sorted(SCOPE)
ROLES = (*ACCOUNTS, None)  # None: anonymous
LINKED = r'href="/staff/cases/(2026-\d{6})"'


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def expected(login: str | None, route: str, ref: str | None) -> int:
    """The matrix: 302 to sign in for nobody; 403 outside the role's actions or the account's scope; else 200
    (302 for the unlock, which goes back to the accounts page; 303 for the showing of name and phone, to the case's
    page that shows them)."""
    if login is None:
        return 302
    role = ACCOUNTS[login][0]
    action = {"case": "queue", "personal": "personal", "accounts": "accounts", "unlock": "accounts"}.get(route, "queue")
    action = HANDOVER_ROUTES.get(route, TOTP_ROUTES.get(route, action))
    if role not in PERMISSIONS[action] or (ref is not None and login not in SCOPE[ref]):
        return 403
    if route == "slip":  # a 交办单 only for the case handed to a department; 409 for the others
        return 200 if ref == "2026-000003" else 409
    # an import without a file: back to the hand-over page (303) saying so; a confirmation without a code: 400
    answers = {"unlock": 302, "personal": 303, "import": 303, "totp_start": 303, "totp_confirm": 400}
    return (answers | {"totp_reset": 303}).get(route, 200)


ROUTES = [("dashboard", None), ("cases", None), ("accounts", None), ("unlock", None)]
ROUTES += [(route, ref) for ref in REFS for route in ("case", "personal")]
# the hand-over round trip (forms_api/console/handover.py; its own matrix also in tests/test_console_handover.py)
HANDOVER_ROUTES = {"slip": "handover_slip", "handover": "handover_sheet", "sheet": "handover_sheet"}
HANDOVER_ROUTES["import"] = "handover_import"
ROUTES += [("handover", None), ("sheet", None), ("import", None), *(("slip", ref) for ref in REFS)]
# the second factor (forms_api/console/totp.py): one's own enrolment, and the office clearing another's
TOTP_ROUTES = {"totp": "totp", "totp_start": "totp", "totp_confirm": "totp", "totp_reset": "totp_reset"}
ROUTES += [(route, None) for route in TOTP_ROUTES]
POSTS = ("unlock", "personal", "import", "totp_start", "totp_confirm", "totp_reset")


@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_permission_matrix(app, login):
    client = client_for(app, login)
    token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
    for route, ref in ROUTES:
        path = {
            "dashboard": "/staff/",
            "cases": "/staff/cases?status=all",
            "accounts": "/staff/accounts",
            "unlock": "/staff/accounts/boss/unlock",
            "case": f"/staff/cases/{ref}",
            "personal": f"/staff/cases/{ref}/personal",
            "slip": f"/staff/cases/{ref}/slip",
            "handover": "/staff/handover",
            "sheet": "/staff/handover/sheet?handler=县住建局&since=2026-01-01",
            "import": "/staff/handover/import",
            "totp": "/staff/totp",
            "totp_start": "/staff/totp/start",
            "totp_confirm": "/staff/totp/confirm",
            "totp_reset": "/staff/accounts/zhan-b/reset-totp",
        }[route]
        if route in POSTS:
            response = client.post(path, data={"csrf_token": token})
        else:
            response = client.get(path)
        want = expected(login, route, ref)
        assert response.status_code == want, (login, route, ref)
        if login is None:
            assert response.headers["Location"].startswith("/staff/signin?next=")
        if want == 403:
            assert T["forbidden"] in response.get_data(as_text=True)


@pytest.mark.parametrize("login", list(ACCOUNTS))
def test_lists_searches_and_counts_stay_in_scope(app, login):
    client = client_for(app, login)
    mine = {ref for ref in REFS if login in SCOPE[ref]}
    for query in ("?status=all", "?status=all&q=路灯", "?status=all&q=第", "", "?status=submitted"):
        page = client.get(f"/staff/cases{query}").get_data(as_text=True)
        shown = set(re.findall(r"2026-\d{6}", page))
        assert shown <= mine, (login, query)
    assert set(re.findall(LINKED, client.get("/staff/cases?status=all").get_data(as_text=True))) == mine
    other = next((ref for ref in REFS if ref not in mine), None)
    if other is not None:  # searching for another account's reference finds nothing
        found = client.get(f"/staff/cases?status=all&q={other}").get_data(as_text=True)
        assert re.findall(LINKED, found) == [] and "共 0 条" in found
    dashboard = client.get("/staff/").get_data(as_text=True)
    total = sum(
        int(n)
        for n in re.findall(
            r'<span class="number">(\d+)</span>(?:待受理|写给您、尚未交办|办理中|已答复|已办结|重新办理)<', dashboard
        )
    )
    assert total == len(mine)


def test_personal_roles_are_a_setting(tmp_path):
    assert permissions(["office"])["personal"] == {"office"}
    app = make_app(tmp_path, STAFF_PERSONAL_ROLES="office,deputy")
    fill(app)
    make_account(app, "cao", "deputy", ("cao-wenjie",))
    make_account(app, "zhan-a", "station", ("dongxi-zhan",))
    deputy, station = client_for(app, "cao"), client_for(app, "zhan-a")
    assert (
        deputy.post("/staff/cases/2026-000001/personal", data={"csrf_token": csrf_token(deputy, "/staff/")}).status_code
        == 303
    )
    assert (
        station.post(
            "/staff/cases/2026-000001/personal", data={"csrf_token": csrf_token(station, "/staff/")}
        ).status_code
        == 403
    )


def test_every_showing_of_personal_data_is_an_event_with_the_viewer(app):
    office, station = client_for(app, "boss"), client_for(app, "zhan-a")
    for client in (office, station):  # a page without the button's POST shows no name or phone, and logs nothing
        page = client.get("/staff/cases/2026-000001").get_data(as_text=True)
        assert PHONES["2026-000001"] not in page and "留言人1" not in page and T["personal_show"] in page
    before = events(app)
    for login, client in (("boss", office), ("zhan-a", station)):
        shown = client.post("/staff/cases/2026-000001/personal", data={"csrf_token": csrf_token(client, "/staff/")})
        assert (shown.status_code, shown.headers["Location"]) == (303, "/staff/cases/2026-000001")
        last = events(app)[-1]  # logged before anything is shown
        assert (last["type"], last["ref"], last["by"]) == ("viewed", "2026-000001", login)
        page = client.get("/staff/cases/2026-000001").get_data(as_text=True)  # POST/redirect/GET: Back works
        assert PHONES["2026-000001"] in page and "留言人1" in page
        again = client.get("/staff/cases/2026-000001").get_data(as_text=True)  # one showing per event: once
        assert PHONES["2026-000001"] not in again and "留言人1" not in again
    assert len(events(app)) == len(before) + 2
    timeline = office.get("/staff/cases/2026-000001").get_data(as_text=True)
    entries = re.findall(r"<li>\d{4}-\d{2}-\d{2} \d{2}:\d{2} (\S+) 查看姓名和电话</li>", timeline)
    assert entries == ["boss（代表工作机构）", "zhan-a（联络站工作人员：东溪代表联络站）"]  # with who (role) and when
    public = app.extensions["forms_api"].store.state().submissions["2026-000001"].public_view()
    assert {step["type"] for step in public["timeline"]} == {"submitted"}
    deputy = client_for(app, "cao")  # a role the setting leaves out never sees them, and no event is added
    page = deputy.get("/staff/cases/2026-000001").get_data(as_text=True)
    assert PHONES["2026-000001"] not in page and T["personal_not_allowed"] in page
    assert len(events(app)) == len(before) + 2


def test_citizen_html_is_inert(app):
    client = client_for(app, "boss")
    for path in ("/staff/cases/2026-000002", "/staff/cases?status=all"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert "<script>alert(2)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(2)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "script-src" not in csp  # default-src 'none': no script runs at all
        assert page.count("<style nonce=") == 1 and "<script" not in page.replace("&lt;script", "")


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_posts_without_the_right_csrf_token_are_refused(app, token):
    client = client_for(app, "boss")
    data = {} if token is None else {"csrf_token": token}
    before = events(app)
    response = client.post("/staff/cases/2026-000001/personal", data=data)
    assert response.status_code == 400 and T["csrf"] in response.get_data(as_text=True)
    assert events(app) == before
    anonymous = app.test_client()
    signin = anonymous.post("/staff/signin", data={"login": "boss", "password": PASSWORD, **data})
    assert signin.status_code == 400 and T["csrf"] in signin.get_data(as_text=True)
    assert anonymous.get("/staff/").status_code == 302  # not signed in
    other = client_for(app, "zhan-a")  # another session's token does not fit this session
    stolen = csrf_token(other, "/staff/")
    assert client.post("/staff/cases/2026-000001/personal", data={"csrf_token": stolen}).status_code == 400


def test_the_public_api_needs_no_csrf_token(app):
    response = app.test_client().post("/api/track", json={"code": "x" * 30})
    assert response.status_code == 404


def strip(page: str) -> str:
    """A page without what changes on every answer (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", page)


def failed(client, login="zhan-a", password="wrong-password-1"):
    response = sign_in(client, login, password)
    assert response.status_code == 401
    return response.get_data(as_text=True)


def test_the_sixth_wrong_password_locks_until_the_office_unlocks(app):
    client = app.test_client()
    for _ in range(5):
        failed(client)
    assert sign_in(client, "zhan-a").status_code == 302  # five in a row do not lock; success starts again
    client.post("/staff/signout", data={"csrf_token": csrf_token(client, "/staff/")})
    for _ in range(5):
        failed(client)
    assert not open_accounts(app.config).get("zhan-a").locked
    page = failed(client)  # the 6th
    assert open_accounts(app.config).get("zhan-a").locked
    assert strip(failed(client, password=PASSWORD)) == strip(page)  # the right password no longer helps
    unknown = failed(app.test_client(), login="nobody")
    assert T["signin_failed"] in page  # the same answer for a login that does not exist
    assert strip(unknown).replace("nobody", "zhan-a") == strip(page)
    office = client_for(app, "boss")
    listing = office.get("/staff/accounts").get_data(as_text=True)
    assert "已锁定" in listing and "解锁 zhan-a" in listing
    done = office.post("/staff/accounts/zhan-a/unlock", data={"csrf_token": csrf_token(office, "/staff/accounts")})
    assert done.status_code == 302
    assert T["unlocked"].format(login="zhan-a") in office.get("/staff/accounts").get_data(as_text=True)
    assert sign_in(app.test_client(), "zhan-a").status_code == 302


def test_sign_in_is_throttled_per_address(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, SIGNIN_RATE_LIMIT="3 per minute")
    make_account(app, "boss", "office", ())
    client = app.test_client()
    for _ in range(3):
        failed(client, "boss")
    response = sign_in(client, "boss")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert re.search(r"操作太频繁，请 \d+ (秒|分钟)后再试。", response.get_data(as_text=True))
    assert app.test_client().get("/staff/signin").status_code == 200  # the form itself is not limited


def session_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("mashang_staff=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_flags(tmp_path):
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    make_account(app, "boss", "office", ())
    plain = sign_in(app.test_client(), "boss")
    cookie = session_cookie(plain)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # the demo on http://127.0.0.1 keeps working
    assert not [value for value in plain.headers.getlist("Set-Cookie") if "remember" in value]
    secure = app.test_client()
    token = csrf_token(secure)
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = secure.post(
        "/staff/signin",
        data={"login": "boss", "password": PASSWORD, "csrf_token": token},
        headers=https | {"Referer": "https://localhost/staff/signin"},
    )
    assert response.status_code == 302
    assert "Secure" in session_cookie(response)
    untrusted = make_app(tmp_path / "other")  # TRUSTED_PROXIES=0: the header is anybody's and counts for nothing
    make_account(untrusted, "boss", "office", ())
    client = untrusted.test_client()
    token = csrf_token(client)
    response = client.post(
        "/staff/signin", data={"login": "boss", "password": PASSWORD, "csrf_token": token}, headers=https
    )
    assert "Secure" not in session_cookie(response)


def test_a_disabled_account_stops_at_its_next_request(app):
    client = client_for(app, "zhan-a")
    assert client.get("/staff/").status_code == 200
    result = CliRunner().invoke(main, ["--queue", app.config["QUEUE_DIR"], "users", "disable", "zhan-a"])
    assert result.exit_code == 0, result.output
    response = client.get("/staff/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/signin")
    assert sign_in(app.test_client(), "zhan-a").status_code == 401


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app):
    client = client_for(app, "boss")
    copied = client.get_cookie("mashang_staff", path="/staff").value
    out = client.post("/staff/signout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert out.status_code == 302 and client.get("/staff/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("mashang_staff", copied, path="/staff")
    assert thief.get("/staff/").status_code == 302


def test_an_idle_session_ends(app):
    client = client_for(app, "boss")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction("/staff/") as session:
        session["seen"] = int((now() - timedelta(minutes=31)).timestamp())
    response = client.get("/staff/")
    assert (
        response.status_code == 302 and response.headers["Location"] == "/staff/signin?next=/staff/"
    )  # back where it was
    assert T["timed_out"] in client.get("/staff/signin").get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert app.permanent_session_lifetime == timedelta(minutes=30)  # the cookie's own expiry, STAFF_IDLE_MINUTES


def test_an_invitation_link_is_one_use_and_expires(app):
    accounts = open_accounts(app.config)
    tokens = {}

    def invited(login):
        def decide(current):
            account, tokens[login] = invite(current, now(), 72)
            return account

        accounts.change(login, decide)
        return f"/staff/invite/{tokens[login]}"

    link = invited("zhan-b")
    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200 and "zhan-b" in page.get_data(as_text=True)
    token = csrf_token(client, link)
    short = client.post(link, data={"csrf_token": token, "password": "kurz", "password_again": "kurz"})
    assert short.status_code == 400 and "密码太短" in short.get_data(as_text=True)
    new = "ein-neues-passwort-9"
    differ = client.post(link, data={"csrf_token": token, "password": new, "password_again": new + "x"})
    assert differ.status_code == 400 and T["passwords_differ"] in differ.get_data(as_text=True)
    done = client.post(link, data={"csrf_token": token, "password": new, "password_again": new})
    assert done.status_code == 302 and client.get("/staff/").status_code == 200
    again = app.test_client()
    assert again.get(link).status_code == 404
    assert T["invite_invalid"] in again.get(link).get_data(as_text=True)
    assert (
        again.post(
            link, data={"csrf_token": csrf_token(again), "password": "x" * 12, "password_again": "x" * 12}
        ).status_code
        == 404
    )
    assert sign_in(app.test_client(), "zhan-b", new).status_code == 302
    assert sign_in(app.test_client(), "zhan-b", PASSWORD).status_code == 401  # a reset ended the old password
    stale = invited("cao")
    accounts.change("cao", lambda current: replace(current, invitation_expires=timestamp(now() - timedelta(seconds=1))))
    assert app.test_client().get(stale).status_code == 404
    assert app.test_client().get("/staff/invite/" + "A" * 43).status_code == 404


def test_invitation_tokens_are_masked_in_logs():
    from forms_api.security import mask

    assert mask("GET /staff/invite/abcDEF-123_x HTTP/1.1") == "GET /staff/invite/{token} HTTP/1.1"
