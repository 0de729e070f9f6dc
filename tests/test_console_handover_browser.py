"""The hand-over round trip in a real chromium at phone size, with and without JavaScript: the office prints a
交办单 (one A4 page), shows name and phone on it, downloads the hand-over sheet, imports a results file through the
preview and finds the case marked in the list; axe-core finds no WCAG 2.1 A/AA violation on these pages, and the
console's CSP (no `unsafe-inline`) reports nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_helpers import console_app, no_axe_violations, running, sign_in_page
from openpyxl import Workbook

from forms_api import messages_console
from forms_api.cases import now

pytestmark = pytest.mark.browser
X = messages_console.HANDOVER_TEXTS
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
HANDED = "2026-000003"


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    with running(console_app(tmp_path)) as url:
        yield url


def results(tmp_path: Path) -> Path:
    today = now().date().isoformat()
    workbook = Workbook()
    for row in [
        ["留言编号", "工单号", "办理结果", "日期", "承办单位"],
        [HANDED, "ZJ-1", "已更换路灯。", today, "县住建局"],
        ["2026-000001", "ZJ-2", "已处理", today, "县住建局"],
    ]:
        workbook.active.append(row)
    path = tmp_path / "results.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_round_trip_on_a_phone(chromium_browser, base, tmp_path, javascript):
    context = chromium_browser.new_context(**PHONE, java_script_enabled=javascript, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in_page(page, base, "boss")
    page.goto(f"{base}/staff/cases/{HANDED}")
    page.click(f"text={X['slip_link']}")
    assert page.inner_text("#reference") == HANDED and "13700002222" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f"button:has-text('{X['slip_personal_show']}')")
    assert "13700002222" in page.content() and "留言人3" in page.content()
    page.goto(f"{base}/staff/handover")
    page.fill("#handler", "县住建局")
    page.fill("#since", "2000-01-01")
    with page.expect_download() as download:
        page.click(f"button:has-text('{X['export']}')")
    assert download.value.suggested_filename.startswith("交办清单-县住建局-2000-01-01至")
    page.goto(f"{base}/staff/handover")
    page.set_input_files("#file", str(results(tmp_path)))
    page.click(f"button:has-text('{X['preview']}')")
    assert page.inner_text(".row-errors") == "第 3 行：留言 2026-000001 没有交办给“县住建局”（现在的承办：未交办）。"
    cells = page.eval_on_selector_all(
        ".preview-rows tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )
    assert cells == [["2", HANDED, "ZJ-1", "已更换路灯。", now().date().isoformat(), "县住建局"]]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # a card a row on a phone
    page.click(f"button:has-text('{X['apply']}')")
    assert X["refused"].format(errors=1) in page.inner_text("[role=alert]")
    page.check("input[name=apply_good]")
    page.click(f"button:has-text('{X['apply']}')")
    assert X["applied_some"].format(count=1, errors=1) in page.inner_text("[role=status]")
    page.go_back()  # to the preview: a page of its own (POST/redirect/GET), never Chromium's ERR_CACHE_MISS
    assert page.inner_text("h1") == X["preview_title"].format(name="results.xlsx")
    assert "此前已导入（跳过）1 行" in page.inner_text("[role=status]")
    page.goto(f"{base}/staff/cases?mark=result")
    assert page.inner_text(".cases .marker.result") == X["result_pending"]
    assert problems == []
    pdf_page = chromium_browser.new_context(storage_state=context.storage_state()).new_page()
    pdf_page.goto(f"{base}/staff/cases/{HANDED}/slip")
    pdf = pdf_page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1  # one page,
    assert re.findall(rb"/MediaBox\s*\[0 0 (\d+)\.?\d* (\d+)\.?\d*\]", pdf) == [(b"594", b"841")]  # A4 in points
    pdf_page.context.close()
    context.close()


def test_axe_finds_no_violation_on_the_round_trip_s_pages(chromium_browser, base, tmp_path):
    context = chromium_browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in_page(page, base, "boss")
    for path in (f"/staff/cases/{HANDED}/slip", "/staff/handover", "/staff/cases?mark=result", "/staff/"):
        page.goto(base + path)
        no_axe_violations(page)
    page.goto(f"{base}/staff/cases/{HANDED}/slip")
    page.click(f"button:has-text('{X['slip_personal_show']}')")
    no_axe_violations(page)
    page.goto(f"{base}/staff/handover")
    page.set_input_files("#file", str(results(tmp_path)))
    page.click(f"button:has-text('{X['preview']}')")
    no_axe_violations(page)
    context.close()
