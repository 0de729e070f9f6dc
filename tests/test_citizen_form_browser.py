"""The message form and its receipt as a citizen walks them on a phone-sized chromium, with the built demo site and
the form service under real gunicorn, SMS on: going Back and sending again, leaving the page and coming back, a long
pasted text, and the tracking code on a narrow screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sms_provider import sms_provider
from test_e2e import DEPUTY, PHONE
from test_notify_browser import running

from forms_api.settings import SETTINGS

pytestmark = pytest.mark.browser

TEXT = "东溪路口的红绿灯坏了三天，早上送孩子上学过马路很危险，请尽快修好。"
SMS_SENTENCE = "您已选择有进展时短信通知"
MAX_TEXT = SETTINGS["MAX_TEXT"][0]  # the form service's limit: the one number the form shows


LIMIT = "30 per minute;300 per day"  # the default 5 a minute is fewer than this module sends


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with (
        sms_provider() as provider,
        running(tmp_path_factory.mktemp("citizen-form"), provider, FORMS_RATE_LIMIT=LIMIT) as (url, _),
    ):
        yield url


@pytest.fixture
def phone(chromium_browser, request: pytest.FixtureRequest) -> Iterator:
    """A phone (JavaScript on unless the test is parametrised with False); fails the test on a script error."""
    javascript = getattr(request, "param", True)
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.expected_errors = []
    yield page
    context.close()
    assert [e for e in errors if not any(e.startswith(x) for x in page.expected_errors)] == []


def open_form(page, base: str) -> None:
    """The deputy's page, scrolled to the form until the SMS box is offered."""
    page.goto(f"{base}deputies/{DEPUTY}/")
    page.get_by_label("联系电话").scroll_into_view_if_needed()
    page.get_by_label("有进展时短信通知我").wait_for()


def fill(page, text: str) -> None:
    page.get_by_label("内容（必填）").fill(text)
    page.get_by_label("称呼（可不填）").fill("李女士")
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label("我已阅读并同意").check()
    page.get_by_label("有进展时短信通知我").check()


def receipt_shown(page) -> tuple[str, str]:
    """(the code shown on /thanks/, the page's text)."""
    page.wait_for_url("**/thanks/")
    thanks = page.locator("#thanks")
    thanks.wait_for()
    return thanks.locator("[data-key=code]").text_content(), thanks.inner_text()


def test_sending_again_after_back_shows_the_same_receipt_and_a_reload_keeps_it(phone, base: str) -> None:
    open_form(phone, base)
    fill(phone, TEXT)
    phone.get_by_role("button", name="提交留言").click()
    code, first = receipt_shown(phone)
    assert code and SMS_SENTENCE in first
    phone.go_back()
    phone.get_by_label("有进展时短信通知我").wait_for()
    assert phone.get_by_label("内容（必填）").input_value() == TEXT  # the draft the browser restored
    phone.get_by_role("button", name="提交留言").click()
    again, second = receipt_shown(phone)
    assert again == code and "已经提交过" not in second and SMS_SENTENCE in second
    assert not phone.locator("#thanks-no-code").is_visible()  # 没有看到查询码？ is for a page without one
    phone.reload()
    assert receipt_shown(phone)[0] == code


def test_the_same_text_from_another_visit_gets_no_code_and_the_kept_receipt_stays(phone, base: str) -> None:
    """Only the page that sent a message gets its code: the same text sent from a new visit (a new request) is told
    it was received. The receipt this tab kept is not wiped by that answer: a reload shows it again."""
    text = TEXT.replace("红绿灯", "路灯")
    open_form(phone, base)
    fill(phone, text)
    phone.get_by_role("button", name="提交留言").click()
    code, _ = receipt_shown(phone)
    open_form(phone, base)  # a new visit to the page: a new history entry
    fill(phone, text)
    phone.get_by_role("button", name="提交留言").click()
    shown, page = receipt_shown(phone)
    assert not shown and code not in page and "您刚才已经提交过相同的留言" in page
    assert phone.locator("#thanks-no-code").is_visible()
    phone.reload()
    assert receipt_shown(phone)[0] == code


def test_the_sms_tick_is_kept_after_reading_the_privacy_note(phone, base: str) -> None:
    open_form(phone, base)
    fill(phone, TEXT.replace("红绿灯", "井盖"))
    phone.locator("#message-form").get_by_role("link", name="隐私说明").click()
    phone.wait_for_url("**/privacy/")
    phone.go_back()
    box = phone.get_by_label("有进展时短信通知我")
    box.wait_for()
    assert phone.get_by_label("我已阅读并同意").is_checked() and box.is_checked()
    phone.get_by_role("button", name="提交留言").click()
    assert SMS_SENTENCE in receipt_shown(phone)[1]


def test_a_long_pasted_text_is_kept_counted_and_refused_with_how_much_to_cut(phone, base: str) -> None:
    long_text = "请" * 2050 + "联系我：李女士。"
    open_form(phone, base)
    box = phone.get_by_label("内容（必填）")
    count = phone.locator("#message-text-count")
    assert box.get_attribute("data-max") == str(MAX_TEXT) and box.get_attribute("maxlength") is None
    assert f"5 至 {MAX_TEXT} 字" in phone.locator("#message-text-hint").inner_text()
    assert count.inner_text() == f"已写 0 字，最多 {MAX_TEXT} 字"
    box.fill(long_text)
    assert box.input_value() == long_text  # nothing cut
    expected = f"已写 2058 字，最多 {MAX_TEXT} 字，请删去 58 字"
    assert count.inner_text() == expected
    assert count.evaluate("el => !el.hidden && getComputedStyle(el).color") == "rgb(183, 28, 28)"
    said = phone.locator("#message-text-said")  # the polite status: told once the typing pauses
    assert said.get_attribute("aria-live") == "polite" and said.text_content() == ""
    phone.wait_for_function("document.getElementById('message-text-said').textContent !== ''")
    assert said.text_content() == expected
    phone.get_by_label("联系电话").fill(PHONE)
    phone.get_by_label("我已阅读并同意").check()
    phone.expected_errors.append("Failed to load resource: the server responded with a status of 400")
    phone.get_by_role("button", name="提交留言").click()
    error = phone.locator("#message-text-error")
    error.filter(has_text="删去").wait_for()
    assert error.inner_text() == f"留言内容太长：最多 {MAX_TEXT} 个字，现在是 2058 个字，请删去 58 个字后再提交。"
    assert box.get_attribute("aria-invalid") == "true" and box.input_value() == long_text
    assert phone.evaluate("document.activeElement.id") == "message-text"


@pytest.mark.parametrize("phone", [False], indirect=True)
def test_a_long_text_without_javascript_is_refused_with_how_much_to_cut_and_kept(phone, base: str) -> None:
    long_text = "请" * 2010
    phone.goto(f"{base}deputies/{DEPUTY}/")
    phone.get_by_label("内容（必填）").fill(long_text)
    phone.get_by_label("联系电话").fill(PHONE)
    phone.get_by_label("我已阅读并同意").check()
    phone.expected_errors.append("Failed to load resource: the server responded with a status of 400")
    phone.get_by_role("button", name="提交留言").click()
    phone.get_by_text("请删去 10 个字后再提交").wait_for()
    assert "现在是 2010 个字" in phone.locator("body").inner_text()
    phone.go_back()
    assert phone.get_by_label("内容（必填）").input_value() == long_text


# --- the tracking code on a narrow screen -----------------------------------------------------------------------------
SPLIT_GROUPS = """el => {
  // each character's line (its box's top), then the groups between dashes whose characters are not on one line
  const tops = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      tops.push([node.data[i], Math.round(range.getBoundingClientRect().top)]);
    }
  }
  const groups = [[]];
  tops.forEach(([ch, top]) => ch === "-" ? groups.push([]) : groups[groups.length - 1].push([ch, top]));
  return {
    lines: new Set(tops.map(t => t[1])).size,
    split: groups.filter(g => new Set(g.map(t => t[1])).size > 1).map(g => g.map(t => t[0]).join("")),
  };
}"""
CODE = "XGP6-1HY4-R8S4-8XCZ-PZTR"  # the tester's: its last character went alone to the next line


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_code_on_the_thank_you_page_breaks_only_between_its_groups(
    chromium_browser, base: str, elder: bool
) -> None:
    context = chromium_browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="zh-CN")
    if elder:
        context.add_init_script("localStorage.setItem('mashang.elder', '1')")
    page = context.new_page()
    page.route("**/api/receipt-picture", lambda route: route.fulfill(status=204))  # a made-up code: no picture
    try:
        page.goto(f"{base}thanks/#code={CODE}&ref=2026-000001&to=x")
        code = page.locator("#thanks [data-key=code]")
        code.wait_for()
        assert code.text_content() == CODE
        assert page.evaluate("document.documentElement.classList.contains('elder')") is elder
        for width in (360, 320, 300, 280):  # wider and narrower than the tester's phone: never a group split
            page.set_viewport_size({"width": width, "height": 740})
            layout = code.evaluate(SPLIT_GROUPS)
            assert layout["split"] == [], (width, layout)
        assert layout["lines"] > 1  # the narrowest does break the code: between groups
    finally:
        context.close()


def test_the_code_on_the_receipt_without_javascript_breaks_only_between_its_groups(chromium_browser, base: str) -> None:
    context = chromium_browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{base}deputies/{DEPUTY}/")
        page.get_by_label("内容（必填）").fill(TEXT.replace("红绿灯", "路牌"))
        page.get_by_label("联系电话").fill(PHONE)
        page.get_by_label("我已阅读并同意").check()
        page.get_by_role("button", name="提交留言").click()
        code = page.locator("#tracking-code")
        code.wait_for()
        assert len(code.text_content()) == 24
        for width in (360, 300, 240, 200):
            page.set_viewport_size({"width": width, "height": 740})
            layout = code.evaluate(SPLIT_GROUPS)
            assert layout["split"] == [], (width, layout)
        assert layout["lines"] > 1
    finally:
        context.close()
