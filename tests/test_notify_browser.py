"""SMS notifications end to end in a real chromium (issue 14): the built demo site and the form service under real
gunicorn with the Tencent Cloud SDK pointed at a local endpoint; a citizen ticks 有进展时短信通知我, staff assign and
answer with the staff tools, the worker sends, and the endpoint receives the reference and the /track/ link."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from notify_helpers import SIGN, SMS_TEMPLATES
from servers import wait_for
from sms_provider import Provider, sms_provider
from test_e2e import DEPUTY, PHONE, STAFF, free_port

from generator.cli import main as generator_main

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


@contextmanager
def running(work: Path, provider: Provider, **more: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo site built into `work` and the form service on it under gunicorn, SMS through Tencent's SDK to
    `provider`, with the `FORMS_*` variables `more` adds: (its URL, its environment)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    site, queue = work / "site", work / "queue"
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--out", str(site), "--site-url", base, "--today", "2026-11-28"]
    result = CliRunner().invoke(generator_main, args)
    assert result.exit_code == 0, result.output
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    env |= {
        "FORMS_BIND": f"127.0.0.1:{port}",
        "FORMS_QUEUE_DIR": str(queue),
        "FORMS_SITE_DIR": str(site),
        "FORMS_SITE_URL": base,
        "FORMS_ACCESS_LOG": "",
        "FORMS_NOTIFY_SMS": "tencent",
        "FORMS_SMS_ENDPOINT": provider.url,
        "FORMS_SMS_SIGN_NAME": SIGN,
        "FORMS_SMS_TEMPLATES": ",".join(f"{k}={v}" for k, v in SMS_TEMPLATES.items()),
        "FORMS_SMS_ACCESS_KEY_ID": "test-id",
        "FORMS_SMS_ACCESS_KEY_SECRET": "test-secret",
        "FORMS_SMS_APP_ID": "1400000001",
        **more,
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    server = subprocess.Popen([*gunicorn, f'forms_api.site:create_site_app("{site}")'], cwd=ROOT, env=env)
    try:
        wait_for(base + "api/health", server, "gunicorn")
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Provider]]:
    with sms_provider() as provider, running(tmp_path_factory.mktemp("notify-e2e"), provider) as (base, env):
        yield base, env, provider


def run(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "forms_api", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_citizen_asks_for_sms_and_hears_of_the_answer(stack, chromium_browser) -> None:
    base, env, provider = stack
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{base}deputies/{DEPUTY}/")
        box = page.get_by_label("有进展时短信通知我")
        assert box.is_hidden()  # nothing asked of the service while the form is far below
        page.get_by_label("联系电话").scroll_into_view_if_needed()
        box.wait_for()  # shown as the citizen scrolls down the form, before touching it (the service sends SMS)
        assert page.evaluate("document.activeElement === document.body")  # nothing in the form was touched
        assert not box.is_checked()  # off by default
        page.get_by_label("内容（必填）").fill("东溪路口的路灯坏了，晚上过马路很危险，请尽快修复。")
        page.get_by_label("联系电话").fill(PHONE)
        page.get_by_label("我已阅读并同意").check()
        box.check()
        page.get_by_role("button", name="提交留言").click()
        page.wait_for_url("**/thanks/#code=*")
        page.locator("#thanks .thanks__sms", has_text="您已选择有进展时短信通知").wait_for()  # the choice confirmed
        code = page.locator("#thanks [data-key=code]").text_content()
        ref = page.locator("#thanks [data-key=ref]").text_content()
        staff_answer(env, ref, provider)
        # 退订 from the tracking page, the case looked up by reference and phone (no code kept): no SMS any more
        page.goto(f"{base}track/")
        page.locator("#track-reference").fill(ref)
        page.locator("#track-phone").fill(PHONE)
        page.locator("#track-form-reference").get_by_role("button").click()
        page.locator("#track-result").wait_for()
        page.get_by_role("button", name="停止给本手机号发短信（所有留言）").click()  # says it is for every case
        page.locator(".unsubscribe-form__status", has_text="已退订").wait_for()
        # looked up again with the code, as the receipt's link opens it: said, not offered again
        page.goto(f"{base}thanks/#code={code}")
        page.locator("#thanks").get_by_role("link", name="查询办理进度").click()
        page.locator("#track-result").wait_for()
        page.locator("#track-result .track-result__sms", has_text="已退订（本手机号不再收到短信）").wait_for()
        assert page.locator("#unsubscribe-form").is_hidden()
    finally:
        context.close()
    assert errors == []
    run(env, "close", ref, "--force", "--reason", "群众来电确认已修好", "--by", STAFF)
    assert "跳过 1 条" in run(env, "notify", "--at", "2026-12-07T10:05")
    assert len(provider.texts()) == 2
    assert all(code not in str(text.params) for text in provider.texts())


def test_a_citizen_who_never_asked_for_sms_is_not_offered_to_stop_it(stack, chromium_browser) -> None:
    """退订 is for a case whose citizen asked for SMS: without it the thank-you page says nothing of SMS, and the
    tracking page offers nothing to stop."""
    base, _, _ = stack
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{base}deputies/{DEPUTY}/")
        page.get_by_label("内容（必填）").fill("南山桥的栏杆松了，孩子上学经过很危险，请派人看看。")
        page.get_by_label("有进展时短信通知我").wait_for()  # offered, and left unticked
        page.get_by_label("联系电话").fill("13900139000")
        page.get_by_label("我已阅读并同意").check()
        page.get_by_role("button", name="提交留言").click()
        page.wait_for_url("**/thanks/#code=*")
        page.locator("#thanks [data-key=code]").wait_for()
        assert page.locator("#thanks .thanks__sms").is_hidden()
        page.locator("#thanks").get_by_role("link", name="查询办理进度").click()
        page.locator("#track-result").wait_for()
        page.locator("#track-result [data-key=status_label]", has_text="待受理").wait_for()
        page.wait_for_load_state("networkidle")  # whatever the page asks of the service has been answered
        assert page.locator("#unsubscribe-form").is_hidden() and "退订" not in page.inner_text("#track-result")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def staff_answer(env: dict[str, str], ref: str, provider: Provider) -> None:
    """Staff assign and answer (the staff tools); the worker sends both SMS, with the reference and /track/ link."""
    base = env["FORMS_SITE_URL"]
    run(env, "assign", ref, "--to", "department", "--name", "县住建局", "--new-unit", "--by", STAFF)
    run(env, "reply", ref, "--answer", "路灯已于本周修复。", "--yes", "--by", STAFF)
    assert provider.texts() == []  # the requests never wait for a send: the worker sends
    assert "已发送 2 条" in run(env, "notify", "--at", "2026-12-07T10:00")
    assigned, replied = provider.texts()
    assert (replied.phone, replied.sign, replied.template, replied.app_id) == (
        "+86" + PHONE,
        SIGN,
        "SMS_1002",
        "1400000001",
    )
    assert replied.params == [ref, f"{base}track/"]
    assert assigned.template == "SMS_1001" and assigned.params[:2] == [ref, "县住建局"]
