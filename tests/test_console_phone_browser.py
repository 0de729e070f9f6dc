"""The back office in a real chromium at phone size (390 px), as a walk through it found it: Back after a refused
form, with and without JavaScript (a refusal is POST/redirect/GET like a success, forms_api/console/refusals.py, so
the page it shows is a GET that Back can show again, never Chromium's ERR_CACHE_MISS), and links that stand alone
big enough for a finger."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import events
from console_helpers import console_app, no_axe_violations, running, sign_in_page
from flask import Flask

from forms_api import messages
from forms_api.accounts.templates import ReplyTemplate
from forms_api.cases import deadline_for, now
from forms_api.messages_console import ACCOUNT_TEXTS, INTAKE_TEXTS
from forms_api.store import open_templates

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
T, A = messages.CONSOLE_TEXTS, messages.ACTION_TEXTS


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


@pytest.fixture
def base(app: Flask) -> Iterator[str]:
    with running(app) as url:
        yield url


def shows_a_page(page, path: str) -> None:
    """The tab shows the console's page at `path`, not a browser error."""
    assert page.url.endswith(path) and not page.url.startswith("chrome-error:"), page.url
    assert page.locator("main").count() == 1, page.content()[:500]


def signed_in(chromium_browser, base: str, login: str, *, javascript: bool = True):
    context = chromium_browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in_page(page, base, login)
    return context, page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_after_a_refused_action_shows_a_page(chromium_browser, app, base, javascript):
    context, page = signed_in(chromium_browser, base, "boss", javascript=javascript)
    case = "/staff/cases/2026-000002"
    page.goto(base + case)
    before = events(app)
    page.check("#assign input[name=complex]")
    page.fill("#assign-deadline", "2099-03-01")
    page.click("#assign button[type=submit]")  # a department without its name: refused
    shows_a_page(page, case)  # the refusal is a GET of the case's page
    empty = messages.STAFF_TEXT_EMPTY.format(what="承办者名称")
    assert empty in page.inner_text("[role=alert]")
    assert page.is_checked("#assign input[name=complex]") and page.input_value("#assign-deadline") == "2099-03-01"
    page.click(f"text={T['back_to_list']}")
    shows_a_page(page, "/staff/cases")
    page.go_back()
    shows_a_page(page, case)
    page.reload()
    shows_a_page(page, case)
    assert empty not in page.content()  # shown once
    assert events(app) == before

    page.goto(f"{base}/staff/accounts")
    page.click("summary:has-text('停用 zhan-a')")
    page.click(f"button:has-text('{ACCOUNT_TEXTS['confirm'].format(action='停用', login='zhan-a')}')")
    shows_a_page(page, "/staff/accounts")
    assert messages.USERS_DISABLED.format(login="zhan-a") in page.content()
    page.goto(f"{base}/staff/accounts")
    page.fill("#new-login", "x")  # too short: refused, the form kept
    page.check("input[name=role][value=office]")
    page.click(f"button:has-text('{ACCOUNT_TEXTS['add']}') >> nth=-1")
    shows_a_page(page, "/staff/accounts")
    assert page.input_value("#new-login") == "x" and ACCOUNT_TEXTS["errors_lead"] in page.inner_text("[role=alert]")
    page.goto(f"{base}/staff/")
    page.go_back()
    shows_a_page(page, "/staff/accounts")
    context.close()


def test_a_station_worker_s_standalone_links_are_finger_sized(chromium_browser, base):
    """A case's reference in the list and the links alone on their line ("返回留言列表", "打印交办单") were 19 px
    tall: at least 44 px now; no page scrolls sideways."""
    context, page = signed_in(chromium_browser, base, "zhan-b")
    for path, link in [
        ("/staff/cases", ".cases li > a:first-child"),
        ("/staff/cases/2026-000003", "main p > a:only-child"),
        ("/staff/cases/2026-000003/slip", "main p > a:only-child"),
    ]:
        page.goto(base + path)
        heights = page.eval_on_selector_all(link, "links => links.map(a => a.getBoundingClientRect().height)")
        assert heights and min(heights) >= 44, (path, heights)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()


def test_back_after_showing_name_and_phone_shows_the_case_without_them(chromium_browser, app, base):
    """The showing is POST/redirect/GET too: its page comes back on Back, and shows them no more (one showing, one
    `viewed` event)."""
    context, page = signed_in(chromium_browser, base, "boss")
    case = "/staff/cases/2026-000001"
    page.goto(base + case)
    page.click(f"button:has-text('{T['personal_show']}')")
    shows_a_page(page, case)
    assert "13912345678" in page.content() and events(app)[-1]["type"] == "viewed"
    page.click(f"text={T['back_to_list']}")
    page.go_back()
    shows_a_page(page, case)
    assert "13912345678" not in page.content()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_letter_without_a_phone_gets_a_slip_to_print_and_send(chromium_browser, base, tmp_path, javascript):
    """A letter (no phone): the slip on the worker's phone has the code and the QR code of /track/, says how to print
    it and that it goes back with the reply; printed, it is the slip alone, on one A6 page, and so is a reprint."""
    context, page = signed_in(chromium_browser, base, "zhan-a", javascript=javascript)
    page.goto(f"{base}/staff/intake")
    page.select_option("#channel", "letter")
    page.fill("#text", "来信反映：村口小桥的栏杆松动，老人孩子过桥危险，请派人修一修。")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#tracking-code").is_visible() and page.locator(".slip-qr svg").is_visible()
    assert page.inner_text("#slip-print") == INTAKE_TEXTS["slip_print"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    page.emulate_media(media="print")
    assert not page.locator("#slip-print").is_visible() and not page.locator("[role=status]").is_visible()
    assert page.locator("#tracking-code").is_visible() and page.locator(".slip-qr svg").is_visible()
    slip = page.url
    printed = chromium_browser.new_context(storage_state=context.storage_state()).new_page()  # a PDF as printed
    printed.goto(slip)
    assert printed.locator("#tracking-code").count() == 1
    assert a6_pages(printed.pdf(prefer_css_page_size=True), tmp_path / "slip.pdf") == 1
    printed.context.close()
    reprint = chromium_browser.new_context(**PHONE)  # printed again later, in another session: no code on it
    page = reprint.new_page()
    sign_in_page(page, base, "zhan-a")
    page.goto(slip)
    assert page.locator("#no-code").count() == 1 and page.locator("#tracking-code").count() == 0
    assert a6_pages(page.pdf(prefer_css_page_size=True), tmp_path / "reprint.pdf") == 1
    reprint.close()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_office_picks_the_receiving_deputy_from_the_station_s_list(chromium_browser, app, base, javascript):
    """The office chooses a station, asks for its deputies (列出该站代表), picks one from the list; what it typed is
    kept; Enter in a field registers the case (the form's first button is the hidden 登记, not the list button)."""
    context = chromium_browser.new_context(**PHONE, java_script_enabled=javascript, bypass_csp=True)  # for axe
    page = context.new_page()
    sign_in_page(page, base, "boss")
    page.goto(f"{base}/staff/intake")
    if javascript:  # axe runs as a script
        no_axe_violations(page)
    page.select_option("#station", "nanshan-zhan")
    page.fill("#text", "山路塌方了，请尽快派人清理。")
    with page.expect_navigation():
        page.get_by_role("button", name=INTAKE_TEXTS["pick_deputies"]).click()
    assert page.input_value("#text") == "山路塌方了，请尽快派人清理。"
    assert page.input_value("#station") == "nanshan-zhan"
    page.select_option("#deputy", "han-sumei")
    if javascript:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name=INTAKE_TEXTS["submit"]).click()
    assert page.locator("#tracking-code").count() == 1, page.content()[:800]
    assert [e["target"] for e in events(app) if e["type"] == "submitted"][-1] == "deputy:han-sumei"
    # typing the deputy instead, Enter in a field registers: the form's first button is a hidden 登记
    page.goto(f"{base}/staff/intake")
    page.select_option("#station", "nanshan-zhan")
    page.fill("#text", "河道里有垃圾，请清理。")
    page.fill("#deputy", "韩素梅")
    with page.expect_navigation():
        page.press("#deputy", "Enter")
    assert page.locator("#tracking-code").count() == 1, page.content()[:800]
    assert [e["text"] for e in events(app) if e["type"] == "submitted"][-1] == "河道里有垃圾，请清理。"
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_old_date_is_said_at_the_form_and_registered_once_confirmed(chromium_browser, app, base, javascript):
    """A station worker types a 反映日期 three weeks back: 登记 brings the form back with the warning (the date, its
    交办期限, 逾期 at once, what to do), everything typed still there and nothing stored; ticked, it registers, and
    the slip's page says to hand the case on now, with the way to it."""
    context = chromium_browser.new_context(**PHONE, java_script_enabled=javascript, bypass_csp=True)  # for axe
    page = context.new_page()
    sign_in_page(page, base, "zhan-a")
    page.goto(f"{base}/staff/intake")
    said_on = now().date() - timedelta(days=21)
    page.fill("#said_on", said_on.isoformat())
    page.select_option("#deputy", "cao-wenjie")
    page.fill("#text", "三周前接待日反映：村口小桥的栏杆松动，老人孩子过桥危险。")
    page.fill("#phone", "13912340000")
    page.check("input[name=consent]")
    before = events(app)
    with page.expect_navigation():
        page.get_by_role("button", name=INTAKE_TEXTS["submit"]).click()
    values = {"day": said_on.isoformat(), "deadline": deadline_for(said_on).isoformat(), "days": 5}
    assert page.inner_text("#late-warning") == INTAKE_TEXTS["late_past"].format(**values)
    assert page.locator("#late-warning").is_visible() and events(app) == before
    assert page.input_value("#said_on") == said_on.isoformat() and page.input_value("#deputy") == "cao-wenjie"
    assert page.input_value("#text").startswith("三周前接待日反映") and page.input_value("#phone") == "13912340000"
    assert page.is_checked("input[name=consent]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert page.locator("#phone").bounding_box()["height"] >= 44  # a field for a finger, as the others (it was 21 px)
    if javascript:
        no_axe_violations(page)
    page.get_by_label(INTAKE_TEXTS["late_past_confirm"].format(**values)).check()
    with page.expect_navigation():
        page.get_by_role("button", name=INTAKE_TEXTS["submit"]).click()
    ref = page.inner_text("#reference")
    assert [e["ref"] for e in events(app) if e["type"] == "submitted"][-1] == ref
    assert INTAKE_TEXTS["slip_late"].format(ref=ref, deadline=values["deadline"]) in page.inner_text("#slip-late")
    page.emulate_media(media="print")  # the citizen's slip says nothing of it
    assert not page.locator("#slip-late").is_visible() and page.locator("#tracking-code").is_visible()
    page.emulate_media(media="screen")
    with page.expect_navigation():
        page.click(f"#slip-late a:has-text('{INTAKE_TEXTS['slip_late_link']}')")
    assert page.url.endswith(f"/staff/cases/{ref}#assign") and page.locator("#assign").count() == 1
    context.close()


def a6_pages(pdf: bytes, path: Path) -> int:
    """The pages of a printed PDF, each checked to be A6 (105 × 148 mm: 297.64 × 419.53 pt), as pdfinfo reads it."""
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True, check=True)
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    assert sizes and all(abs(float(w) - 297.64) < 1 and abs(float(h) - 419.53) < 1 for w, h in sizes), info.stdout
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_reply_template_goes_after_what_was_typed(chromium_browser, app, base, javascript):
    """填入答复框 keeps the answer typed so far and adds the template after it, back at the answer form; nothing is
    stored until the answer is sent."""
    template = ReplyTemplate("已转职能部门", "您反映的问题已转交县住建局办理，我们会跟进并及时答复您。")
    open_templates(app.config).change(lambda current: [*current, template])
    context, page = signed_in(chromium_browser, base, "boss", javascript=javascript)
    case = "/staff/cases/2026-000003"  # handed to 县住建局: the office answers it
    page.goto(base + case)
    before = events(app)
    page.fill("#answer-answer", "王先生：\n路灯的问题，")
    page.select_option("#template", label=template.title)
    page.click(f"button:has-text('{A['templates_fill']}')")
    shows_a_page(page, case + "#answer")
    assert page.input_value("#answer-answer") == f"王先生：\n路灯的问题，\n\n{template.text}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert events(app) == before
    page.click("#answer button[type=submit]:not([formaction])")
    shows_a_page(page, case)
    assert events(app)[-1]["answer"] == f"王先生：\n路灯的问题，\n\n{template.text}"
    context.close()


def test_a_reload_after_adding_an_account_posts_nothing_and_a_form_s_address_is_a_page(chromium_browser, base):
    """The tester's walk without JavaScript: reloading the page with the new invitation link posted the form again
    ("账号 shiqiao 已存在", the link gone); now the link is shown once on a page of its own and a reload says how to get
    a new one. A form's address opened from history is a Chinese page with a way back, the citizen's side's too."""
    context, page = signed_in(chromium_browser, base, "boss", javascript=False)
    page.goto(f"{base}/staff/accounts")
    page.fill("#new-login", "shiqiao")
    page.check("input[name=role][value=station]")
    page.select_option("#new-station", "dongxi-zhan")
    page.click(f"button:has-text('{ACCOUNT_TEXTS['add']}') >> nth=-1")
    shows_a_page(page, "/staff/accounts/shiqiao/invitation")
    assert "/staff/invite/" in page.inner_text("#invitation .code")
    page.reload()
    shows_a_page(page, "/staff/accounts/shiqiao/invitation")
    assert ACCOUNT_TEXTS["invitation_gone"].format(login="shiqiao") in page.inner_text("#invitation")
    assert page.locator("#invitation .code").count() == 0 and "已存在" not in page.inner_text("main")

    opened = page.goto(f"{base}/staff/accounts/add")
    assert opened is not None and opened.status == 405 and T["not_a_page"] in page.inner_text("main")
    page.click(f"text={T['back_to'].format(page=T['accounts_title'])}")
    shows_a_page(page, "/staff/accounts")
    opened = page.goto(f"{base}/api/submissions")
    assert opened is not None and opened.status == 405
    assert messages.API_ERRORS["not_a_page"] in page.inner_text("main") and "{" not in page.inner_text("body")
    context.close()
