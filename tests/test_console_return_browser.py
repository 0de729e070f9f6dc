"""申请退回 and 交办 to a department, in a real chromium at phone size without JavaScript (plain forms): the handler
asks, the office follows the dashboard's tile to the case and hands it on, refused first for a unit no account has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import events
from console_helpers import console_app, no_axe_violations, running, sign_in_page
from flask import Flask

from forms_api import messages
from forms_api.messages_cases import CASE_TEXTS, UNIT_TEXTS
from forms_api.messages_console import HANDOVER_DASHBOARD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
A = messages.ACTION_TEXTS
CASE = "/staff/cases/2026-000003"  # handed to 县住建局 (account zhujian)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


@pytest.fixture
def base(app: Flask) -> Iterator[str]:
    with running(app) as url:
        yield url


def signed_in(chromium_browser, base: str, login: str, *, javascript: bool):
    context = chromium_browser.new_context(**PHONE, java_script_enabled=javascript, bypass_csp=True)  # for axe
    page = context.new_page()
    sign_in_page(page, base, login)
    return context, page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_handler_asks_and_the_office_hands_it_on(chromium_browser, app, base, javascript):
    context, page = signed_in(chromium_browser, base, "zhujian", javascript=javascript)
    page.goto(base + CASE)
    page.fill("#return_ask-reason", "路灯归城管局管理")
    page.click(f"#return_ask button:has-text('{A['return_ask']}')")
    page.get_by_text(CASE_TEXTS["done_return_ask"].format(ref="2026-000003")).wait_for()
    assert CASE_TEXTS["return_waiting"] in page.inner_text("#return-pending")
    context.close()

    context, page = signed_in(chromium_browser, base, "boss", javascript=javascript)
    page.click(f"a:has-text('{HANDOVER_DASHBOARD['returning']}')")
    page.click("a[href='/staff/cases/2026-000003']")
    assert "路灯归城管局管理" in page.inner_text("#return-pending")
    if javascript:
        no_axe_violations(page)
    page.locator("#handover").get_by_label(A["to_department"]).check()
    page.fill("#handover-name", "城管局")
    page.click(f"#handover button:has-text('{A['handover']}')")
    assert UNIT_TEXTS["unknown"].format(name="城管局") in page.inner_text("#handover")
    assert page.input_value("#handover-name") == "城管局"  # kept, to correct or confirm
    page.locator("#handover").get_by_label(UNIT_TEXTS["confirm_handover"]).check()
    page.click(f"#handover button:has-text('{A['handover']}')")
    page.get_by_text("已转办 2026-000003").wait_for()
    assert events(app)[-1]["to"] == "城管局"
    page.goto(base + "/staff/")
    assert page.locator(f"a:has-text('{HANDOVER_DASHBOARD['returning']}') .number").inner_text() == "0"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
