"""短信验证码 before SMS on progress (issue 14 point 4, NOTIFY_SMS_VERIFY): the real Alibaba and Tencent SDKs send
the code to a local stand-in for the provider; the form's submission, and the receipt page's 有进展时短信通知我
without JavaScript, are refused without a valid code; codes are limited per phone and per address, expire, allow a
few tries, are in no log and no store; they work across instances on either store with the limits in Redis."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from conftest import events, make_app, store_settings
from flask import Flask
from flask.testing import FlaskClient
from notify_helpers import SIGN, SMS_TEMPLATES
from servers import Redis
from sms_provider import Provider, sms_provider
from test_notify import GOOD, SMS_ON, submit

from forms_api import messages
from forms_api.cases.codes import new_code
from forms_api.security import wait_text
from forms_api.settings import ConfigError, workers_problem

pytestmark = pytest.mark.usefixtures("no_forms_environment")
VERIFY_ON = SMS_ON | {"NOTIFY_SMS_VERIFY": "on", "SMS_TEMPLATES": SMS_TEMPLATES | {"verify": "SMS_1005"}}
ERRORS = messages.FIELD_ERRORS
PHONE = "13800138000"


@pytest.fixture
def provider() -> Iterator[Provider]:
    with sms_provider() as endpoint:
        yield endpoint


def verifying_app(tmp_path: Path, provider: Provider, **more: Any) -> Flask:
    return make_app(tmp_path, **(VERIFY_ON | {"SMS_ENDPOINT": provider.url} | more))


def sent_code(provider: Provider) -> str:
    """The code in the last SMS the provider received (Alibaba's params are a dict, Tencent's a list)."""
    params = provider.texts()[-1].params
    [code] = params.values() if isinstance(params, dict) else params
    assert re.fullmatch(r"[0-9]{6}", code)
    return code


def ask(client: FlaskClient, phone: str = "138 0013 8000", **environ: str) -> Any:
    return client.post("/api/verify", json={"phone": phone}, environ_overrides=environ)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- off by default ---------------------------------------------------------------------------------------------------
def test_off_by_default_nothing_changes(tmp_path: Path, provider: Provider) -> None:
    client = make_app(tmp_path, **SMS_ON, SMS_ENDPOINT=provider.url).test_client()
    assert client.get("/api/features").json == {"notify": {"sms": True}}
    assert submit(client, notify=True).status_code == 201  # no code asked
    refused = submit(client, text="另一条留言，路口的红绿灯坏了。", notify=True, verify_code="123456")
    assert refused.json == {"errors": {"verify_code": ERRORS["unknown_field"]}}
    off = ask(client)
    assert (off.status_code, off.json) == (409, {"error": ERRORS["verify_off"]})
    assert provider.texts() == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"NOTIFY_SMS": "log"}, "NOTIFY_SMS_VERIFY=on needs NOTIFY_SMS=aliyun or tencent (the log sender never"),
        ({"SMS_TEMPLATES": SMS_TEMPLATES}, "NOTIFY_SMS_VERIFY=on needs SMS_TEMPLATES for verify"),
        ({"NOTIFY_SMS_VERIFY": "maybe"}, "config['NOTIFY_SMS_VERIFY']: expected on or off (got 'maybe')"),
        ({"SITE_URL": ""}, "NOTIFY_SMS/NOTIFY_EMAIL need SITE_URL"),  # else every link in a notice is "/track/"
        ({"NOTIFY_SMS": "", "NOTIFY_SMS_VERIFY": "off", "NOTIFY_EMAIL": "log", "SITE_URL": ""}, "need SITE_URL"),
    ],
)
def test_settings_say_what_verification_lacks(tmp_path: Path, changes: dict, problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        make_app(tmp_path, **(VERIFY_ON | changes))


# --- the form's submission --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sender", ["aliyun", "tencent"])
def test_sms_is_accepted_only_with_the_code_sent_to_that_phone(
    tmp_path: Path, provider: Provider, sender: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="forms_api")  # ours at every level (urllib3 logs requests at DEBUG)
    app = verifying_app(tmp_path, provider, NOTIFY_SMS=sender, SMS_APP_ID="1400000001")
    client = app.test_client()
    assert client.get("/api/features").json == {"notify": {"sms": True, "verify": True}}
    missing = submit(client, notify=True)
    assert (missing.status_code, missing.json) == (400, {"errors": {"verify_code": ERRORS["verify_code_missing"]}})
    assert submit(client, notify=True, verify_code="12345").json == {
        "errors": {"verify_code": ERRORS["verify_code_invalid"]}
    }
    assert events(app) == []

    answer = ask(client)
    assert (answer.status_code, answer.json) == (200, {"sent": True, "seconds": 300})
    [sms] = provider.texts()
    assert (sms.phone, sms.sign, sms.template) == ((PHONE if sender == "aliyun" else "+86" + PHONE), SIGN, "SMS_1005")
    code = sent_code(provider)
    refused = submit(client, notify=True, verify_code=wrong(code))
    assert (refused.status_code, refused.json) == (400, {"errors": {"verify_code": ERRORS["verify_code_wrong"]}})
    other_phone = submit(client, phone="13900139000", notify=True, verify_code=code)
    assert other_phone.json == {"errors": {"verify_code": ERRORS["verify_code_wrong"]}}  # the code is that phone's
    assert events(app) == []
    accepted = submit(
        client, notify=True, verify_code=code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    )
    assert accepted.status_code == 201  # full-width digits from a phone keyboard too
    [event] = events(app)
    assert event["notify"] is True and code not in str(event)
    assert submit(client, text="路口的红绿灯坏了，请尽快修。").status_code == 201  # no SMS asked: no code

    landline = submit(client, text="菜市场的下水道堵了。", phone="010-12345678", notify=True)
    assert landline.json == {"errors": {"notify": ERRORS["notify_mobile"]}}  # no code for a landline either
    assert ask(client, "010-12345678").json == {"errors": {"phone": ERRORS["mobile_invalid"]}}
    assert code not in caplog.text and PHONE not in caplog.text
    kept = "".join(path.read_text(errors="replace") for path in (tmp_path / "queue").rglob("*") if path.is_file())
    assert code not in kept


def test_codes_are_limited_per_phone_expire_and_allow_a_few_tries(tmp_path: Path, provider: Provider) -> None:
    app = verifying_app(tmp_path, provider)
    client = app.test_client()
    assert ask(client).status_code == 200
    code = sent_code(provider)
    again = ask(client, "+86 138-0013-8000")  # the same phone however written
    assert again.status_code == 429 and 0 < int(again.headers["Retry-After"]) <= 60
    assert again.json == {"error": ERRORS["verify_too_often"].format(wait=wait_text(int(again.headers["Retry-After"])))}
    assert ask(client, "13900139000").status_code == 200  # another phone has its own count
    assert len(provider.texts()) == 2

    verifier = app.extensions["forms_api"].verifier
    verifier.clock = lambda: time.time() + 6 * 60  # six minutes on: the code has expired
    assert submit(client, notify=True, verify_code=code).json == {
        "errors": {"verify_code": ERRORS["verify_code_wrong"]}
    }
    verifier.clock = time.time
    for _ in range(4):  # with the one above, five wrong tries
        assert submit(client, notify=True, verify_code=wrong(code)).status_code == 400
    locked = submit(client, notify=True, verify_code=code)  # now not even the right one
    assert locked.json == {"errors": {"verify_code": ERRORS["verify_code_locked"]}}
    assert events(app) == []


def test_codes_are_limited_per_address(tmp_path: Path, provider: Provider) -> None:
    client = verifying_app(tmp_path, provider, RATELIMIT_ENABLED=True, RATE_LIMIT="2 per minute").test_client()
    assert ask(client, "12345").status_code == 400  # to correct: uses nothing up
    assert [ask(client, f"1390013900{n}").status_code for n in range(3)] == [200, 200, 429]
    assert ask(client, "13700137000", REMOTE_ADDR="198.51.100.9").status_code == 200  # another address


def test_a_provider_refusal_is_told_and_nothing_else_changes(tmp_path: Path, provider: Provider) -> None:
    client = verifying_app(tmp_path, provider).test_client()
    provider.errors.append("isv.BUSINESS_LIMIT_CONTROL")
    refused = ask(client)
    assert (refused.status_code, refused.json) == (503, {"error": ERRORS["verify_not_sent"]})
    assert provider.texts() == []


# --- the receipt page without JavaScript ------------------------------------------------------------------------------
def test_without_javascript_the_receipt_page_sends_the_code_and_takes_it(tmp_path: Path, provider: Provider) -> None:
    app = verifying_app(tmp_path, provider)
    client = app.test_client()
    assert client.post("/api/submissions", data={**GOOD, "consent": "on"}).status_code == 303
    [case] = events(app)
    page = client.get("/api/receipt").get_data(as_text=True)
    assert '<form method="post" action="/api/verify">' in page and 'name="verify_code"' not in page
    unverified = client.post("/api/notify", data={"code": case["code"]})
    assert unverified.status_code == 400 and ERRORS["verify_code_missing"] in unverified.get_data(as_text=True)

    assert client.post("/api/verify", json={"code": new_code()}).json == {
        "error": messages.API_ERRORS["code_not_found"]
    }
    sent = client.post("/api/verify", data={"code": case["code"]})
    assert (sent.status_code, sent.headers["Location"]) == (303, "/api/receipt")
    assert "Path=/api/receipt" in sent.headers["Set-Cookie"] and "HttpOnly" in sent.headers["Set-Cookie"]
    assert provider.texts()[-1].phone == PHONE  # the case's phone: nothing typed
    page = client.get("/api/receipt").get_data(as_text=True)
    assert 'name="verify_code"' in page and "重新获取验证码" in page
    code = sent_code(provider)
    refused = client.post("/api/notify", data={"code": case["code"], "verify_code": wrong(code)})
    assert refused.status_code == 400 and ERRORS["verify_code_wrong"] in refused.get_data(as_text=True)
    subscribed = client.post("/api/notify", data={"code": case["code"], "verify_code": code})
    assert subscribed.status_code == 200
    assert [e["type"] for e in events(app)] == ["submitted", "subscribed"]


def test_several_workers_need_shared_counters_for_the_codes() -> None:
    """The per-phone counts live where the rate limits' do: several workers must share them even with limits off."""
    off = {"FORMS_RATELIMIT_ENABLED": "false"}
    assert workers_problem(2, off) is None
    assert workers_problem(2, off | {"FORMS_NOTIFY_SMS_VERIFY": "on"}) == messages.WORKERS_NEED_SHARED_LIMITS.format(
        workers=2
    )
    shared = {"FORMS_NOTIFY_SMS_VERIFY": "on", "FORMS_RATELIMIT_STORAGE_URI": "redis://localhost:6379"}
    assert workers_problem(2, off | shared) is None


# --- several instances, either store ----------------------------------------------------------------------------------
def test_a_code_from_one_instance_is_taken_by_another(
    queue_url: str, redis_server: Redis, tmp_path: Path, provider: Provider
) -> None:
    """Nothing per code is kept: the store's evaluations key makes it, the shared counters (Redis) limit it."""
    redis.Redis.from_url(redis_server.url).flushall()
    shared = store_settings(queue_url, RATELIMIT_STORAGE_URI=redis_server.url, SMS_ENDPOINT=provider.url)
    one, two = (make_app(tmp_path / name, **(VERIFY_ON | shared)) for name in ("one", "two"))
    assert ask(one.test_client()).status_code == 200
    assert ask(two.test_client()).status_code == 429  # one code a minute to a phone, whichever instance asks
    code = sent_code(provider)
    for client, tries in ((one.test_client(), 3), (two.test_client(), 2)):
        for _ in range(tries):
            assert submit(client, notify=True, verify_code=wrong(code)).status_code == 400
    locked = submit(one.test_client(), notify=True, verify_code=code)  # five wrong tries over both
    assert locked.json == {"errors": {"verify_code": ERRORS["verify_code_locked"]}}
    redis.Redis.from_url(redis_server.url).flushall()
    assert submit(two.test_client(), notify=True, verify_code=code).status_code == 201
    for app in (one, two):  # the counters' connections, before the apps go
        app.extensions["forms_api"].verifier.limiter.storage.storage.close()
