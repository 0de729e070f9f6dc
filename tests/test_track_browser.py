"""Tracking anyone can keep (issue 13, point 1) in real chromium at phone size, JavaScript on and off, against the
built demo site and the form service under real gunicorn (the `service` and `phone` fixtures of test_e2e.py).

A citizen looks a case up by 留言编号 + phone and by a code typed in lower case with its groups; the receipt's saved
picture decodes (zbarimg) to the tracking page, which opens the case; the opt-in list remembered on the phone; codes of
the old form; axe-core on the receipt and track pages. No URL the browser sends ever carries a tracking code.
"""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import test_e2e
from test_e2e import DEPUTY, PHONE, Service, fill_message, staff_answers
from test_site_browser import AXE, AXE_TAGS, _describe

from forms_api import cases, messages
from forms_api.store.folder import EventLog

pytestmark = pytest.mark.browser
service = test_e2e.service  # the fixtures: the demo site and the form service under gunicorn, a phone-sized page
phone = test_e2e.phone

OLD_CODE = "Qw3_-rTy0123456789abcdefGHIJKLmn"  # a code issued before: 32 URL-safe base64 characters


def sent_urls(page) -> list[str]:
    """Every URL the page sends from now on, without the fragment (which a browser never sends)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(urlsplit(request.url)._replace(fragment="").geturl()))
    return urls


def send(page, service: Service, text: str) -> None:
    page.goto(f"{service.base}deputies/{DEPUTY}/")
    fill_message(page, text)


def saved_picture(page, tmp_path: Path) -> tuple[Path, str]:
    """Tap 保存图片到手机 as a citizen would: the file the browser saves, and what its QR code says."""
    with page.expect_download() as download:
        page.get_by_role("link", name="保存图片到手机").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True)
    return path, decoded.stdout.strip()


def assert_no_axe_violations(page, name: str) -> None:
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert report["violations"] == [], f"{name}:\n{_describe(report['violations'])}"


def result_reference(page) -> str:
    result = page.locator("#track-result")
    result.wait_for()
    return result.locator("[data-key=reference]").text_content()


# --- JavaScript on ----------------------------------------------------------------------------------------------------
def test_the_saved_picture_opens_the_case_and_the_phone_remembers_it_only_when_asked(
    service: Service, phone, tmp_path: Path
) -> None:
    urls = sent_urls(phone)
    send(phone, service, "村口的桥栏杆断了一截，小孩上学经过很危险，请尽快修好。")
    phone.wait_for_url("**/thanks/")
    code = phone.locator("#thanks [data-key=code]").text_content()
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    assert code not in phone.url
    phone.reload()  # the receipt again (kept in this tab's sessionStorage), not an empty page
    assert phone.locator("#thanks [data-key=code]").text_content() == code
    picture = phone.locator("#receipt-picture img")
    picture.wait_for()
    assert ref in picture.get_attribute("alt") and code in picture.get_attribute("alt")
    assert phone.evaluate("localStorage.length") == 0  # nothing remembered on the phone unless asked
    assert_no_axe_violations(phone, "thanks")
    path, link = saved_picture(phone, tmp_path)
    assert path.name == f"留言回执-{ref}.png"
    assert link == f"{service.base}track/#code={code}"

    phone.get_by_label("在本机记住我的留言").check()
    saved = json.loads(phone.evaluate("localStorage.getItem('mashang.saved')"))
    assert saved == [{"code": code, "ref": ref}]

    phone.goto(link)  # as the phone's camera opens it
    assert result_reference(phone) == ref
    assert code not in phone.url
    assert phone.get_by_label("在本机记住我的留言").is_checked()
    remembered = phone.locator("#saved-cases")
    assert remembered.is_visible() and remembered.locator("li").count() == 1
    assert_no_axe_violations(phone, "track with a case and the remembered list")

    phone.reload()
    phone.get_by_role("button", name=f"查看 留言编号 {ref}").click()  # one tap, no typing
    assert result_reference(phone) == ref
    phone.get_by_role("button", name=f"忘记 留言编号 {ref}").click()
    assert remembered.is_hidden() and phone.evaluate("localStorage.getItem('mashang.saved')") is None
    assert not phone.get_by_label("在本机记住我的留言").is_checked()
    assert [url for url in urls if code in url or code.lower() in url] == []


def test_a_code_typed_in_lower_case_with_its_groups_finds_the_case(service: Service, phone) -> None:
    send(phone, service, "菜市场旁边的下水道堵了，一下雨就积水，请安排疏通。")
    phone.wait_for_url("**/thanks/")
    code = phone.locator("#thanks [data-key=code]").text_content()
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    phone.goto(f"{service.base}track/")
    phone.get_by_label("查询码", exact=True).fill(code.lower().replace("-", " "))
    phone.get_by_role("button", name="查询", exact=True).click()
    assert result_reference(phone) == ref


def test_an_empty_look_up_and_a_reference_as_the_code_are_told_in_our_words(service: Service, phone) -> None:
    """An empty 查询 gets the service's Chinese words under the button, not only the browser's bubble; a 留言编号 in
    the 查询码 box is pointed to the look-up by 编号 and phone, not answered 没有找到."""
    phone.expected_errors += ["400 ", "Failed to load resource: the server responded with a status of 400"]
    phone.goto(f"{service.base}track/")
    status = phone.locator("#track-form .track-form__status")
    phone.get_by_role("button", name="查询", exact=True).click()
    status.get_by_text(messages.FIELD_ERRORS["code_missing"]).wait_for()
    phone.get_by_label("查询码", exact=True).fill("2026-000001")
    phone.get_by_role("button", name="查询", exact=True).click()
    status.get_by_text(messages.FIELD_ERRORS["code_is_reference"]).wait_for()
    assert "没有找到" not in status.inner_text()


def test_a_case_under_supervision_reads_as_such_with_its_day(service: Service, phone) -> None:
    """After the second 不满意 the status row says 督办中 and a row says when, as the no-JS page does (not 已答复)."""
    send(phone, service, "健身广场的器材坏了好几件，老人锻炼不安全。")
    phone.wait_for_url("**/thanks/")
    code = phone.locator("#thanks [data-key=code]").text_content()
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    staff_answers(service, ref, "已通知街道维修。")
    facts = phone.locator(".track-result__facts")
    for answer in ("已更换损坏的器材。", None):
        phone.goto(f"{service.base}track/")
        phone.get_by_label("查询码", exact=True).fill(code)
        phone.get_by_role("button", name="查询", exact=True).click()
        assert result_reference(phone) == ref
        phone.get_by_label("不满意").check()
        phone.get_by_role("button", name="提交评价").click()
        phone.locator(".rating-form__status", has_text="感谢您的评价").wait_for()
        if answer:
            service.staff("reply", ref, "--answer", answer, "--yes", "--by", test_e2e.STAFF)
    facts.locator("[data-key=status_label]", has_text=messages.SUPERVISED_STATUS).wait_for()
    rated = [e for e in service.events() if e["type"] == "rated" and e["ref"] == ref]
    supervised_at = cases.parse_at(rated[-1]["at"]).astimezone(cases.TZ)
    day = f"{supervised_at.year}年{supervised_at.month}月{supervised_at.day}日 {supervised_at:%H:%M}"
    assert facts.locator("[data-key=supervised_at]").inner_text() == day
    assert facts.get_by_text("转入督办", exact=True).is_visible()


def test_reference_and_phone_find_the_case_and_rate_its_answer(service: Service, phone) -> None:
    send(phone, service, "老年活动中心的空调坏了，夏天老人没地方乘凉。")
    phone.wait_for_url("**/thanks/")
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    received = phone.locator("#thanks p", has_text="您的留言已收到").inner_text()
    assert received == "您的留言已收到，留言对象：王秀兰（代表）。"  # whom it went to
    assert phone.get_by_text("5 个工作日内答复").is_visible()
    staff_answers(service, ref, "空调已经维修，下周一恢复开放。")
    phone.goto(f"{service.base}track/")
    form = phone.locator("#track-form-reference")
    form.get_by_label("留言编号").fill(ref.replace("-", " "))
    form.get_by_label("留言时留的电话").fill("138 0013 8000")
    form.get_by_role("button", name="用编号和电话查询").click()
    assert result_reference(phone) == ref
    assert phone.locator("#remember").is_hidden()  # remembering needs the code, which this citizen does not have
    phone.get_by_label("基本满意").check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator(".rating-form__status", has_text="感谢您的评价").wait_for()
    rated = [e for e in service.events() if e["type"] == "rated" and e["ref"] == ref]
    assert [e["rating"] for e in rated] == ["基本满意"]

    phone.expected_errors += ["404 ", "Failed to load resource: the server responded with a status of 404"]
    form.get_by_label("留言时留的电话").fill("13800138001")
    form.get_by_role("button", name="用编号和电话查询").click()
    form.locator(".track-form__status", has_text="没有找到对应的留言").wait_for()
    assert phone.locator("#track-result").is_hidden()


def test_a_code_of_the_old_form_still_opens_its_case(service: Service, phone) -> None:
    def decide(state: cases.State) -> dict:
        ref = state.next_ref(2026)
        return cases.make_event(
            "submitted", ref, cases.CITIZEN, code=OLD_CODE, target=f"deputy:{DEPUTY}", category="意见",
            text="旧查询码的一条留言。", phone=PHONE, anonymous=False,
        )  # fmt: skip

    [event] = EventLog(service.queue).append(decide)
    phone.goto(f"{service.base}track/")
    phone.get_by_label("查询码", exact=True).fill(OLD_CODE)
    phone.get_by_role("button", name="查询", exact=True).click()
    assert result_reference(phone) == event["ref"]


def test_an_offline_case_and_its_two_deadlines_read_as_on_the_service_s_own_page(service: Service, phone) -> None:
    """With JavaScript as without: a case registered offline says how and when it came in (no 提交时间); before 交办
    the due day is the 交办期限 with what it means; after, it stays (with the day handed on) beside the 答复期限, and
    the timeline's 交办 says the deadline it set."""
    said = cases.now().date() - timedelta(days=3)
    code = cases.new_code()

    def decide(state: cases.State) -> dict:
        return cases.make_event(
            "submitted", state.next_ref(2026), "zhan-a", code=code, target=f"deputy:{DEPUTY}", category="求助",
            text="接待日反映：村口的桥栏杆松动了。", phone="", anonymous=False, channel="reception",
            said_on=said.isoformat(),
        )  # fmt: skip

    [event] = EventLog(service.queue).append(decide)
    facts = phone.locator(".track-result__facts")

    def look_up() -> None:
        phone.goto(f"{service.base}track/")
        phone.get_by_label("查询码", exact=True).fill(code)
        phone.get_by_role("button", name="查询", exact=True).click()
        assert result_reference(phone) == event["ref"]

    def zh(day) -> str:
        return f"{day.year}年{day.month}月{day.day}日"

    look_up()
    registered = cases.parse_at(event["at"]).astimezone(cases.TZ)
    told = f"接待日，{zh(said)} 收到；{zh(registered)} {registered:%H:%M} 登记"
    assert facts.locator("[data-key=registered_at]").inner_text() == told
    assert (
        facts.get_by_text("提交时间", exact=True).is_hidden() and facts.get_by_text("线下登记", exact=True).is_visible()
    )
    assign_by = cases.deadline_for(said)
    assert facts.locator("[data-key=assign_by]").inner_text() == zh(assign_by)
    assert facts.locator("[data-assign-hint]").is_visible() and facts.get_by_text("答复期限", exact=True).is_hidden()
    assert phone.locator("#track-timeline li").first.inner_text().endswith("线下登记（接待日）")

    service.staff("assign", event["ref"], "--to", "department", "--name", "县住建局", "--new-unit", "--by", "张办事员")
    look_up()
    answer_by = cases.deadline_for(cases.now().date())
    handed = zh(cases.now().date())
    assert facts.locator("[data-key=assign_by]").inner_text() == f"{zh(assign_by)}（{handed}已交办）"
    assert facts.locator("[data-assign-hint]").is_hidden()
    assert facts.locator("[data-key=deadline]").inner_text() == zh(answer_by)
    assert phone.locator("#track-timeline li").last.inner_text().endswith(f"交办（答复期限 {zh(answer_by)}）")


# --- JavaScript off ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("phone", [False], indirect=True)
def test_without_javascript_the_receipt_survives_a_reload_and_its_picture_opens_the_case(
    service: Service, phone, tmp_path: Path
) -> None:
    urls = sent_urls(phone)
    text = "小区的电梯经常停运，楼上的老人下不了楼。（不用 JavaScript）"
    send(phone, service, text)
    assert urlsplit(phone.url).path == "/api/receipt"
    code = phone.locator("#tracking-code").text_content()
    ref = phone.locator("#reference").text_content()
    with_axe = phone.context.browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    with_axe.add_cookies(phone.context.cookies())  # the receipt's cookie: axe-core needs JavaScript to run
    checked = with_axe.new_page()
    for path in ("api/receipt", "track/"):
        checked.goto(service.base + path)
        assert checked.locator("#tracking-code, #track-form").count() == 1  # the receipt itself, the track page
        assert_no_axe_violations(checked, path)
    with_axe.close()
    phone.reload()  # no "resubmit the form?": the receipt again, nothing posted twice
    assert phone.locator("#tracking-code").text_content() == code
    assert len([e for e in service.events() if e["type"] == "submitted" and e.get("text") == text]) == 1
    path, link = saved_picture(phone, tmp_path)
    assert link == f"{service.base}track/#code={code}"
    assert [url for url in urls if code in url] == []

    phone.goto(f"{service.base}track/")
    phone.get_by_label("查询码", exact=True).fill(code.lower())
    phone.get_by_role("button", name="查询", exact=True).click()
    assert ref in phone.locator("main").inner_text()

    staff_answers(service, ref, "已联系物业，电梯本周检修完毕。")
    phone.goto(f"{service.base}track/")
    phone.get_by_label("留言编号").fill(ref)
    phone.get_by_label("留言时留的电话").fill("+86 138 0013 8000")
    phone.get_by_role("button", name="用编号和电话查询").click()
    assert phone.locator("dd.answer").text_content() == "已联系物业，电梯本周检修完毕。"
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_role("status").wait_for()
    assert [e["rating"] for e in service.events() if e["type"] == "rated" and e["ref"] == ref] == ["满意"]


@pytest.mark.parametrize("phone", [False], indirect=True)
def test_without_javascript_back_and_reload_after_a_lookup_and_a_rating_show_the_case(service: Service, phone) -> None:
    """A look-up and a rating are answered POST/redirect/GET: Back and reload show the case again, never Chromium's
    ERR_CACHE_MISS or "resubmit the form?", and neither the reference's phone nor a code is in any URL."""
    urls = sent_urls(phone)
    send(phone, service, "公交站的雨棚漏雨，下雨天等车的人都淋湿了。（不用 JavaScript）")
    ref = phone.locator("#reference").text_content()
    answer = "已通知公交公司，本周内修好雨棚。"
    staff_answers(service, ref, answer)
    phone.goto(f"{service.base}track/")
    phone.get_by_label("留言编号").fill(ref)
    phone.get_by_label("留言时留的电话").fill("138 0013 8000")
    phone.get_by_role("button", name="用编号和电话查询").click()

    def shows_the_case(*, rated: bool) -> None:
        assert urlsplit(phone.url).path == "/api/status"
        assert phone.locator("dd.answer").text_content() == answer
        assert (phone.get_by_role("status").count() == 1) == rated  # 感谢您的评价

    shows_the_case(rated=False)
    phone.reload()
    shows_the_case(rated=False)
    phone.get_by_label("基本满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    shows_the_case(rated=True)
    phone.reload()
    shows_the_case(rated=True)
    phone.go_back()  # the page before the rating
    assert phone.locator("dd.answer").text_content() == answer
    phone.go_back()  # the tracking page
    assert urlsplit(phone.url).path == "/track/"
    phone.go_forward()
    assert phone.locator("dd.answer").text_content() == answer
    rated = [e["rating"] for e in service.events() if e["type"] == "rated" and e["ref"] == ref]
    assert rated == ["基本满意"]
    code = next(e["code"] for e in service.events() if e.get("ref") == ref and e["type"] == "submitted")
    assert [url for url in urls if PHONE in url or "0013" in url or ref in url or code in url] == []
