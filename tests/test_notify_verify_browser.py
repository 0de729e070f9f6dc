"""短信验证码 end to end in a real chromium (issue 14 point 4): the built demo site and the form service under real
gunicorn with NOTIFY_SMS_VERIFY on and Tencent's SDK pointed at a local stand-in. With JavaScript, a citizen ticks
有进展时短信通知我, is asked for the code, gets it at the stand-in, types it and sends; staff answer and the SMS
arrives. Without JavaScript, the receipt page sends the code to the case's phone and takes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sms_provider import Provider, sms_provider
from test_e2e import DEPUTY, PHONE
from test_notify_browser import running, staff_answer
from test_notify_verify import sent_code, wrong

from forms_api import messages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Provider]]:
    templates = "assigned=SMS_1001,replied=SMS_1002,closed=SMS_1003,reopened=SMS_1004,verify=SMS_1005"
    more = {"FORMS_NOTIFY_SMS_VERIFY": "on", "FORMS_SMS_TEMPLATES": templates}
    with sms_provider() as provider, running(tmp_path_factory.mktemp("verify-e2e"), provider, **more) as (base, env):
        yield base, env, provider


def phone_page(chromium_browser, *, javascript: bool):
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return context, page


def stored(env: dict[str, str]) -> list[dict]:
    """The cases and subscriptions in the service's queue (the notices the worker would send left out)."""
    events = (Path(env["FORMS_QUEUE_DIR"]) / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [event for line in events if (event := json.loads(line))["type"] in ("submitted", "subscribed")]


def test_citizen_ticks_sms_gets_a_code_types_it_and_hears_of_the_answer(stack, chromium_browser) -> None:
    base, env, provider = stack
    context, page = phone_page(chromium_browser, javascript=True)
    try:
        page.goto(f"{base}deputies/{DEPUTY}/")
        page.get_by_label("内容（必填）").fill("桥头的护栏松了，孩子们上学要经过，很危险。")
        page.get_by_label("联系电话").fill(PHONE)
        page.get_by_label("我已阅读并同意").check()
        box = page.get_by_label("有进展时短信通知我")
        box.wait_for()
        field = page.get_by_label("短信验证码")
        assert field.is_hidden()  # asked for only once SMS is ticked
        box.check()
        field.wait_for()
        page.get_by_role("button", name="提交留言").click()  # without the code: told to get one
        page.locator("#message-verify-error", has_text=messages.FIELD_ERRORS["verify_code_missing"]).wait_for()
        page.get_by_role("button", name="获取验证码").click()
        page.locator("#message-verify-status", has_text="验证码已发送").wait_for()
        [sms] = provider.texts()
        assert (sms.phone, sms.template) == ("+86" + PHONE, "SMS_1005")
        code = sent_code(provider)
        field.fill(wrong(code))
        page.get_by_role("button", name="提交留言").click()
        page.locator("#message-verify-error", has_text=messages.FIELD_ERRORS["verify_code_wrong"]).wait_for()
        assert stored(env) == []
        field.fill(code)
        page.get_by_role("button", name="提交留言").click()
        page.wait_for_url("**/thanks/#code=*", timeout=60_000)  # a loaded CI machine took over 30 s once
        ref = page.locator("#thanks [data-key=ref]").text_content()
    finally:
        context.close()
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"] * 2
    [event] = stored(env)
    assert event["notify"] is True and code not in str(event)
    provider.received.clear()
    staff_answer(env, ref, provider)  # the SMS on progress reach the verified phone


def test_without_javascript_the_receipt_page_sends_the_code_and_takes_it(stack, chromium_browser) -> None:
    base, env, provider = stack
    provider.received.clear()
    context, page = phone_page(chromium_browser, javascript=False)
    try:
        page.goto(f"{base}deputies/{DEPUTY}/")
        assert page.get_by_label("有进展时短信通知我").is_hidden()  # without JavaScript: offered on the receipt
        page.get_by_label("内容（必填）").fill("村里的自来水这几天浑浊发黄，老人孩子不敢喝。（不用 JavaScript）")
        page.get_by_label("联系电话").fill("139 0013 9000")  # not the phone above: one code a minute to a phone
        page.get_by_label("我已阅读并同意").check()
        page.get_by_role("button", name="提交留言").click()
        assert urlsplit(page.url).path == "/api/receipt"
        with page.expect_navigation():
            page.get_by_role("button", name="获取验证码").click()
        page.get_by_label("验证码已发送").wait_for()  # the receipt again, now asking for the code
        assert urlsplit(page.url).path == "/api/receipt"
        code = sent_code(provider)
        assert provider.texts()[0].phone == "+8613900139000"  # the case's phone: nothing typed
        page.reload()  # no "resubmit the form?": the page again, no second SMS
        assert len(provider.texts()) == 1
        page.get_by_label("验证码已发送").fill(code)
        page.get_by_role("button", name="有进展时短信通知我").click()
        page.get_by_text("好的：这件留言有进展时").wait_for()
    finally:
        context.close()
    assert page.errors == []
    assert [e["type"] for e in stored(env)][-2:] == ["submitted", "subscribed"]
