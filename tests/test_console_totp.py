"""The second factor (二次验证): enrolment through the console's page (QR code and grouped secret, one right code to
finish), the code asked after the password, wrong and replayed codes refused and counted toward the lockout, one
step of clock drift, STAFF_TOTP=office forcing office accounts to enrol, the office clearing a lost phone's factor
(console and CLI), CSRF on every new form. Codes computed with pyotp here; real app, real store, no mocks."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from click.testing import CliRunner
from console_helpers import PASSWORD, after_refusal, client_for, console_app, csrf_token, sign_in
from flask import Flask

from forms_api import messages
from forms_api.accounts import totp
from forms_api.accounts.model import LOCK_AFTER, Account
from forms_api.messages_console import ACCOUNT_TEXTS, STAFF_TEXTS, TOTP_TEXTS
from forms_api.staff.cli import main
from forms_api.store import open_accounts

TT = TOTP_TEXTS
T = messages.CONSOLE_TEXTS
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
AT = datetime(2026, 12, 6, 9, 0, 15, tzinfo=UTC)  # 15 s into a 30 s step


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def stored(app: Flask, login: str) -> Account:
    found = open_accounts(app.config).get(login)
    assert found is not None
    return found


def enrol(app: Flask, login: str, secret: str = SECRET) -> None:
    """Give `login` a second factor directly in the store (as a finished enrolment leaves it)."""
    open_accounts(app.config).change(login, lambda current: replace(current, totp_secret=secret))


def code(secret: str = SECRET, shift: int = 0) -> str:
    """The code of `secret` now, or `shift` steps later."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * shift))


def post_code(client, value: str):
    token = csrf_token(client, "/staff/signin/code")
    return client.post("/staff/signin/code", data={"code": value, "csrf_token": token})


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


# --- the rules, pure: a fixed moment, no clock ---------------------------------------------------------------------


def account(**fields) -> Account:
    base = Account("wang", "office", (), created="", changed="", state="active", totp_secret=SECRET)
    return replace(base, **fields)


@pytest.mark.parametrize(("shift", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_one_step_of_clock_drift_either_way(shift, accepted):
    given = pyotp.TOTP(SECRET).at(AT + timedelta(seconds=30 * shift))
    new, ok = totp.attempt(account(), given, AT)
    assert ok is accepted
    assert new.failed == (0 if accepted else 1)
    assert new.totp_step == (pyotp.TOTP(SECRET).timecode(AT) + shift if accepted else 0)


def test_a_code_is_used_once_and_a_wrong_one_counts_until_the_lock():
    right = pyotp.TOTP(SECRET).at(AT)
    used, ok = totp.attempt(account(), right, AT)
    assert ok
    again, ok = totp.attempt(used, right, AT)
    assert not ok and again.failed == 1
    earlier, ok = totp.attempt(used, pyotp.TOTP(SECRET).at(AT - timedelta(seconds=30)), AT)
    assert not ok  # an older step than the one used: refused too
    later, ok = totp.attempt(again, pyotp.TOTP(SECRET).at(AT + timedelta(seconds=30)), AT)
    assert ok and later.failed == 0
    worn = account(failed=LOCK_AFTER - 1)
    locked, ok = totp.attempt(worn, "000000" if right != "000000" else "111111", AT)
    assert not ok and locked.locked
    assert totp.attempt(locked, right, AT) == (locked, False)  # locked: even the right code does nothing
    for bad in ("", "12345", "1234567", "abcdef"):
        assert totp.attempt(account(), bad, AT)[1] is False


def test_the_secret_stays_out_of_repr_and_is_grouped_for_typing():
    assert SECRET not in repr(account(totp_pending=SECRET))
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"
    uri = totp.provisioning_uri(SECRET, "wang")
    assert uri.startswith("otpauth://totp/") and f"secret={SECRET}" in uri and "wang" in uri


# --- the console -----------------------------------------------------------------------------------------------------


def test_enrol_then_sign_in_with_a_second_step(app):
    client = client_for(app, "zhan-a")
    page = client.get("/staff/totp").get_data(as_text=True)
    assert TT["not_enrolled"] in page and "<svg" not in page
    token = csrf_token(client, "/staff/totp")
    assert client.post("/staff/totp/start", data={"csrf_token": token}).status_code == 303
    secret = stored(app, "zhan-a").totp_pending
    assert secret is not None and stored(app, "zhan-a").totp_secret is None
    page = client.get("/staff/totp").get_data(as_text=True)
    assert "<svg" in page and totp.grouped(secret) in page and "<script" not in page
    wrong = "000000" if code(secret) != "000000" else "111111"
    refused = client.post("/staff/totp/confirm", data={"code": wrong, "csrf_token": token})
    assert refused.status_code == 400 and TT["confirm_failed"] in refused.get_data(as_text=True)
    assert stored(app, "zhan-a").failed == 1 and stored(app, "zhan-a").totp_secret is None
    done = client.post("/staff/totp/confirm", data={"code": code(secret), "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == "/staff/"
    found = stored(app, "zhan-a")
    assert found.totp_secret == secret and found.totp_pending is None and found.failed == 0
    page = client.get("/staff/totp").get_data(as_text=True)
    assert TT["enrolled"] in page and TT["rebind"] in page and TT["restart"] not in page
    assert secret not in client.get("/staff/totp").get_data(as_text=True)  # shown only while enrolling

    fresh = app.test_client()
    step = sign_in(fresh, "zhan-a")
    assert step.status_code == 200 and TT["code_lead"] in step.get_data(as_text=True)
    assert not signed_in(fresh)  # the password alone does not sign in
    assert post_code(fresh, code(secret, 1)).status_code == 302
    assert signed_in(fresh)


def test_wrong_and_replayed_codes_are_refused_and_count_toward_the_lockout(app):
    enrol(app, "zhan-a")
    client = app.test_client()
    assert sign_in(client, "zhan-a").status_code == 200
    assert post_code(client, code()).status_code == 302  # this step's code, now spent
    client.post("/staff/signout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert sign_in(client, "zhan-a").status_code == 200
    replayed = post_code(client, code())
    assert replayed.status_code == 401 and TT["code_failed"] in replayed.get_data(as_text=True)
    assert not signed_in(client) and stored(app, "zhan-a").failed == 1
    # a right password in between does not clear the count: only a right code does
    wrong = "000000" if "000000" not in (code(), code(shift=1), code(shift=-1)) else "999999"
    for _ in range(LOCK_AFTER - 2):
        assert sign_in(client, "zhan-a").status_code == 200
        assert post_code(client, wrong).status_code == 401
    assert stored(app, "zhan-a").failed == LOCK_AFTER - 1 and not stored(app, "zhan-a").locked
    assert sign_in(client, "zhan-a").status_code == 200
    assert post_code(client, wrong).status_code == 401
    assert stored(app, "zhan-a").locked
    assert sign_in(client, "zhan-a").status_code == 401  # locked: the password step refuses too
    assert post_code(client, code(shift=1)).status_code == 302 and not signed_in(client)  # no pending step left


def test_the_code_step_carries_the_page_to_return_to(app):
    enrol(app, "cao")
    client = app.test_client()
    token = csrf_token(client)
    form = {"login": "cao", "password": PASSWORD, "csrf_token": token}
    step = client.post("/staff/signin?next=/staff/cases", data=form)
    assert 'action="/staff/signin/code?next=/staff/cases"' in step.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', step.get_data(as_text=True))[1]  # a fresh session's
    done = client.post("/staff/signin/code?next=/staff/cases", data={"code": code(), "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"] == "/staff/cases"


def test_office_mode_forces_office_accounts_to_enrol_first(tmp_path):
    app = console_app(tmp_path)
    app.config["STAFF_TOTP"] = "office"
    office = client_for(app, "boss")
    for path in ("/staff/", "/staff/cases", "/staff/accounts"):
        sent = office.get(path)
        assert sent.status_code == 303 and sent.headers["Location"] == "/staff/totp", path
    token = csrf_token(office, "/staff/totp")
    add = {"login": "new.one", "role": "handler", "handler": "县水务局", "csrf_token": token}
    assert office.post("/staff/accounts/add", data=add).status_code == 303
    assert open_accounts(app.config).get("new.one") is None
    assert TT["required"] in office.get("/staff/totp").get_data(as_text=True)
    assert signed_in(client_for(app, "zhan-a"))  # other roles may, need not
    office.post("/staff/totp/start", data={"csrf_token": token})
    secret = stored(app, "boss").totp_pending
    assert office.post("/staff/totp/confirm", data={"code": code(secret), "csrf_token": token}).status_code == 303
    assert signed_in(office)


def test_off_mode_asks_no_code_and_offers_no_enrolment(tmp_path):
    app = make_off(tmp_path)
    enrol(app, "zhan-a")
    client = client_for(app, "zhan-a")  # the password alone signs in
    assert client.get("/staff/totp").status_code == 403
    assert TT["title"] not in client.get("/staff/").get_data(as_text=True)


def make_off(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    app.config["STAFF_TOTP"] = "off"
    from forms_api.console.service import Console  # the permission table follows the setting

    app.extensions["forms_api.console"] = Console.from_config(app.config)
    return app


def test_the_office_clears_a_lost_phone_s_second_factor(app, caplog):
    enrol(app, "zhan-a")
    before = stored(app, "zhan-a")
    office = client_for(app, "boss")
    page = office.get("/staff/accounts").get_data(as_text=True)
    assert ACCOUNT_TEXTS["totp_on"] in page and f"{ACCOUNT_TEXTS['totp_reset']} zhan-a" in page
    token = csrf_token(office, "/staff/accounts")
    unconfirmed = office.post("/staff/accounts/zhan-a/reset-totp", data={"csrf_token": token})
    assert ACCOUNT_TEXTS["not_confirmed"].format(login="zhan-a", action="清除二次验证") in after_refusal(
        office, unconfirmed
    )
    assert stored(app, "zhan-a") == before
    with caplog.at_level(logging.INFO):
        done = office.post("/staff/accounts/zhan-a/reset-totp", data={"csrf_token": token, "confirm": "1"})
    assert done.status_code == 303
    found = stored(app, "zhan-a")
    assert found.totp_secret is None and found.sessions == before.sessions + 1
    assert "boss cleared the second factor of zhan-a" in caplog.text and SECRET not in caplog.text
    page = office.get("/staff/accounts").get_data(as_text=True)
    assert ACCOUNT_TEXTS["totp_was_reset"].format(login="zhan-a") in page
    yourself = office.post("/staff/accounts/boss/reset-totp", data={"csrf_token": token, "confirm": "1"})
    assert ACCOUNT_TEXTS["not_yourself"] in after_refusal(office, yourself)
    assert sign_in(app.test_client(), "zhan-a").status_code == 302  # the password alone again, to enrol anew


def test_every_new_form_needs_its_csrf_token(app):
    enrol(app, "zhan-a")
    client = app.test_client()
    assert sign_in(client, "zhan-a").status_code == 200
    refused = client.post("/staff/signin/code", data={"code": code()})
    assert refused.status_code == 400 and not signed_in(client)
    office = client_for(app, "boss")
    for path in ("/staff/totp/start", "/staff/totp/confirm", "/staff/accounts/zhan-a/reset-totp"):
        assert office.post(path, data={"code": "123456"}).status_code == 400, path
    assert stored(app, "zhan-a").totp_secret == SECRET and stored(app, "boss").totp_pending is None


def test_users_reset_totp(app):
    enrol(app, "zhan-a")

    def run(*args: str):
        return CliRunner().invoke(main, ["--queue", str(app.config["QUEUE_DIR"]), "users", *args])

    result = run("reset-totp", "zhan-a")
    assert (result.exit_code, result.output) == (0, messages.USERS_TOTP_RESET.format(login="zhan-a") + "\n")
    assert stored(app, "zhan-a").totp_secret is None
    result = run("reset-totp", "zhan-a")
    assert (result.exit_code, result.output) == (0, messages.USERS_NO_TOTP.format(login="zhan-a") + "\n")
    result = run("reset-totp", "nobody")
    assert result.exit_code != 0 and messages.USERS_UNKNOWN.format(login="nobody") in result.output


def test_an_answer_typed_as_the_session_expired_survives_the_code_step(app):
    """The expired-session return (forms_api/console/drafts.py) carries the typed text through both steps."""
    from test_console_walkthrough import ANSWER, hidden, sign_in_from

    enrol(app, "boss")
    browser = app.test_client()
    expired = browser.post("/staff/cases/2026-000003/answer", data={"answer": ANSWER, "csrf_token": "old"})
    step = sign_in_from(browser, expired.get_data(as_text=True), "boss")
    page = step.get_data(as_text=True)
    assert step.status_code == 200 and TT["code_lead"] in page and hidden(page)["draft.answer"] == ANSWER
    action = html.unescape(re.search(r'<form method="post" action="([^"]*/signin/code[^"]*)"', page)[1])
    wrong = browser.post(action, data=hidden(page) | {"code": "12345"})  # too short: never right
    assert wrong.status_code == 401 and hidden(wrong.get_data(as_text=True))["draft.answer"] == ANSWER
    back = browser.post(action, data=hidden(wrong.get_data(as_text=True)) | {"code": code()})
    restored = back.get_data(as_text=True)
    assert back.status_code == 200 and STAFF_TEXTS["restored"] in restored
    textarea = re.search(r'<textarea id="answer-answer" name="answer"[^>]*>(.*?)</textarea>', restored, re.S)[1]
    assert html.unescape(textarea) == ANSWER
