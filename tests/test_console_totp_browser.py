"""The second factor in a real chromium at phone size: an office account enrols from the page (the QR code is inline
SVG, the secret readable as text), signs out, signs in with password then code, and clears a colleague's factor on
the accounts page; the console's CSP (no `unsafe-inline`) reports nothing, nothing is wider than the phone, and
axe-core finds no WCAG 2.1 A/AA violation on the new pages. SHOTS=<folder> keeps a screenshot of each step."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyotp
import pytest
from console_helpers import console_app, running, sign_in_page
from test_console_handover_browser import PHONE, no_axe_violations

from forms_api.messages import CONSOLE_TEXTS
from forms_api.messages_console import ACCOUNT_TEXTS, TOTP_TEXTS
from forms_api.store import open_accounts

pytestmark = pytest.mark.browser
TT = TOTP_TEXTS
COLLEAGUE = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(params=["optional"])
def base(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    app = console_app(tmp_path)
    app.config["STAFF_TOTP"] = request.param
    open_accounts(app.config).change("zhan-a", lambda current: replace(current, totp_secret=COLLEAGUE))
    with running(app) as url:
        yield url


def shot(page, name: str) -> None:
    folder = os.environ.get("SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], page.url


@pytest.mark.parametrize("axe", [False, True], ids=["csp", "axe"])
def test_enrol_sign_in_and_clear_on_a_phone(chromium_browser, base, axe):
    context = chromium_browser.new_context(**PHONE, bypass_csp=axe)  # axe is injected as a script
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in_page(page, base, "boss")
    page.click(f"nav >> text={TT['title']}")
    shot(page, "1-totp-start")
    page.click(f"button:has-text('{TT['start']}')")
    assert page.locator(".qr-box svg").is_visible() and page.locator(".qr-box svg").bounding_box()["width"] >= 200
    fits(page)
    shot(page, "2-totp-qr")
    if axe:
        no_axe_violations(page)
    secret = page.inner_text(".secret").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click(f"button:has-text('{TT['confirm']}')")
    assert TT["done"] in page.inner_text("[role=status]")
    page.click(f"button:has-text('{CONSOLE_TEXTS['signout']}')")
    sign_in_page(page, base, "boss")
    assert page.url.endswith("/staff/signin") and TT["code_lead"] in page.inner_text("main")
    fits(page)
    shot(page, "3-code")
    if axe:
        no_axe_violations(page)
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))  # the next step's: the enrolling code is spent
    page.click(f"button:has-text('{TT['verify']}')")
    assert page.url.endswith("/staff/")
    page.goto(f"{base}/staff/accounts")
    fits(page)
    shot(page, "4-accounts")
    if axe:
        no_axe_violations(page)
    page.click(f"summary:has-text('{ACCOUNT_TEXTS['totp_reset']} zhan-a')")  # what it does, then a second button
    page.click(
        f"button:has-text('{ACCOUNT_TEXTS['confirm'].format(action=ACCOUNT_TEXTS['totp_reset'], login='zhan-a')}')"
    )
    assert ACCOUNT_TEXTS["totp_was_reset"].format(login="zhan-a") in page.inner_text("[role=status]")
    assert problems == []
    context.close()


@pytest.mark.parametrize("base", ["office"], indirect=True)
def test_office_mode_sends_an_office_account_to_enrol_on_a_phone(chromium_browser, base):
    context = chromium_browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    sign_in_page(page, base, "boss")
    assert page.url.endswith("/staff/totp") and TT["required"] in page.inner_text("[role=alert]")
    page.click(f"nav >> text={CONSOLE_TEXTS['nav_cases']}")
    assert page.url.endswith("/staff/totp")  # nothing else until it is bound
    page.click(f"button:has-text('{TT['start']}')")
    fits(page)
    shot(page, "5-office-required")
    no_axe_violations(page)
    context.close()
