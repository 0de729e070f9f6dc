"""The latest 办理结果 where the answer is written, in a real chromium at phone size, with and without JavaScript:
the badge leads to it, 用办理结果起草答复 brings the page back with it in the answer box after what was typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import events
from console_helpers import add_event, console_app, no_axe_violations, running, sign_in_page
from flask import Flask

from forms_api.messages_cases import CASE_TEXTS
from forms_api.messages_console import HANDOVER_TEXTS
from forms_api.store.folder import EventLog

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
CASE = "/staff/cases/2026-000003"  # handed to 县住建局


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    add_event(log, "noted", "2026-000003", "zhujian", note="已更换灯泡，路灯恢复照明。", result=True)
    return app


@pytest.fixture
def base(app: Flask) -> Iterator[str]:
    with running(app) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_answer_starts_from_the_latest_result(chromium_browser, app, base, javascript):
    context = chromium_browser.new_context(**PHONE, java_script_enabled=javascript, bypass_csp=True)  # for axe
    page = context.new_page()
    sign_in_page(page, base, "boss")
    page.goto(base + CASE)
    page.click(f"a.marker:has-text('{HANDOVER_TEXTS['result_pending']}')")
    assert page.url.endswith(CASE + "#latest-result")
    assert "已更换灯泡，路灯恢复照明。" in page.inner_text("#latest-result")
    if javascript:
        no_axe_violations(page)
    before = events(app)
    page.fill("#answer-answer", "您好：")
    page.click(f"button:has-text('{CASE_TEXTS['from_result']}')")
    assert page.url == base + CASE + "#answer"
    assert page.input_value("#answer-answer") == "您好：\n\n已更换灯泡，路灯恢复照明。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert events(app) == before  # nothing stored until the answer is sent
    context.close()
