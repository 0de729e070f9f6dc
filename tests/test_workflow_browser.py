"""The workflow's new steps in the console, in a real chromium at phone size, with and without JavaScript: a deputy's
answer waits for review (STAFF_DEPUTY_REVIEW), the office approves it from the dashboard's 待审核, a close inside the
rating window is refused until 强制办结 is ticked, a 回访 is recorded, and a case under 督办 is found by the list's
filter and handed on after its answer. axe-core finds no WCAG 2.1 A/AA violation on these pages; nothing is wider
than the phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_app
from console_helpers import ACCOUNTS, fill, make_account, running, sign_in_page

from forms_api import cases, messages
from forms_api.cases import make_event
from forms_api.store.folder import EventLog

pytestmark = pytest.mark.browser
A = messages.ACTION_TEXTS
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN", "bypass_csp": True}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, EventLog]]:
    app = make_app(tmp_path, STAFF_DEPUTY_REVIEW=True)
    fill(app)
    for login, (role, scope) in ACCOUNTS.items():
        make_account(app, login, role, scope)
    with running(app) as url:
        yield url, EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)


def checked(page, javascript: bool) -> None:
    """Nothing wider than the phone, and (axe-core runs in the page: with JavaScript) no axe-core violation."""
    page.wait_for_load_state()  # a page still being replaced after a click has no document to measure
    if javascript:
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations.map(v => v.id)"""
        )
        assert found == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_review_force_followup_and_supervision_on_a_phone(chromium_browser, served, javascript):
    base, log = served

    def phone(login: str):
        page = chromium_browser.new_context(**PHONE, java_script_enabled=javascript).new_page()
        sign_in_page(page, base, login)
        page.wait_for_url(f"{base}/staff/")
        return page

    ref = "2026-000001"
    office = phone("boss")
    office.goto(f"{base}/staff/cases/{ref}")
    assert office.locator("#answer").count() == 0  # nobody handles it yet
    office.locator("#assign").get_by_label("人大代表").check()
    office.locator("#assign").get_by_role("button", name="交办").click()
    office.get_by_text(f"已交办 {ref}").wait_for()

    deputy = phone("cao")
    deputy.goto(f"{base}/staff/cases/{ref}")
    deputy.get_by_text(A["answer_review_hint"]).wait_for()
    deputy.locator("#answer-answer").fill("桥栏杆已于周三加固，请放心通行。")
    deputy.locator("#answer").get_by_role("button", name="答复").click()
    deputy.get_by_text(A["done_drafted"].format(ref=ref)).wait_for()
    checked(deputy, javascript)

    office.goto(f"{base}/staff/")
    review = office.locator('a[href$="review=1"]')
    assert review.inner_text().split() == ["1", "待审核"]
    review.click()
    office.get_by_role("link", name=ref).click()
    office.wait_for_url(f"{base}/staff/cases/{ref}")
    checked(office, javascript)
    office.locator("#approve").get_by_role("button").click()
    office.get_by_text(A["done_approve"].format(ref=ref)).wait_for()

    office.locator("#close-reason").fill("已处理")
    office.locator("#close").get_by_role("button", name="办结").click()
    office.get_by_role("alert").filter(has_text="起才能办结").wait_for()
    checked(office, javascript)
    office.get_by_label(A["force"]).check()
    office.locator("#close-reason").fill("群众来电表示满意")
    office.locator("#close").get_by_role("button", name="办结").click()
    office.get_by_text(f"已办结 {ref}").wait_for()
    office.locator("#followup").get_by_label("基本满意").check()
    office.locator("#followup").get_by_role("button", name="回访").click()
    office.get_by_text(A["done_followup"].format(ref=ref)).wait_for()
    checked(office, javascript)

    other = "2026-000002"
    at = cases.now()
    steps = [("assigned", {"to_kind": "hotline", "to": "12345", "deadline": "2099-01-01"})]
    steps += [("replied", {"answer": "一"}), ("rated", {"rating": "不满意"})] * 2
    for kind, fields in steps:
        by = cases.CITIZEN if kind == "rated" else "李办事员"
        log.append(lambda state, kind=kind, fields=fields, by=by: make_event(kind, other, by, at, **fields))
    office.goto(f"{base}/staff/cases")
    office.locator("details.filters summary").click()  # the filters fold away on a phone, under the cases
    office.get_by_label(messages.FILTER_TEXTS["supervised"]).check()
    office.get_by_role("button", name=messages.CONSOLE_TEXTS["apply"]).click()
    office.get_by_role("link", name=other).click()
    office.get_by_text(A["supervised_hint"]).wait_for()
    office.locator("#handover").get_by_label("职能部门").check()
    office.locator("#handover-name").fill("县交通局")
    office.locator("#handover").get_by_label("该单位还没有账号，仍然转办").check()  # no handler account has it yet
    office.locator("#handover").get_by_role("button", name="转办").click()
    office.get_by_text(f"已转办 {other}").wait_for()
    checked(office, javascript)
