"""The whole loop, end to end, with the real parts: the built demo site and the form service under real gunicorn on
loopback, a phone-sized chromium, and the staff tools as a real subprocess.

A citizen opens a deputy's page by the exact URL its QR code holds, leaves a message and gets a code; staff assign
and answer it; the citizen reads the answer on /track/ and rates it. Once with JavaScript, once without.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import wait_for
from test_build import decode_all

from forms_api import cases
from generator.cli import main as generator_main

ROOT = Path(__file__).resolve().parent.parent
DEPUTY = "wang-xiulan"
STAFF = "张办事员"
MESSAGE = "青禾大道与东溪路口的路灯坏了两个多星期，晚上过马路很危险，请尽快修复。"
PHONE = "13800138000"

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    def __init__(self, base: str, site: Path, queue: Path) -> None:
        self.base, self.site, self.queue = base, site, queue

    def staff(self, *args: str) -> str:
        command = [sys.executable, "-m", "forms_api", "--queue", str(self.queue), *args]
        env = {**os.environ, "FORMS_SITE_DIR": str(self.site)}  # as deployed: the staff tools read the built site
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def events(self) -> list[dict]:
        lines = (self.queue / "events.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    work = tmp_path_factory.mktemp("e2e")
    site, queue = work / "site", work / "queue"
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--out", str(site), "--site-url", base, "--today", "2026-11-28"]
    result = CliRunner().invoke(generator_main, [*args, "--strict"])
    assert result.exit_code == 0, result.output
    env = {
        **os.environ,
        "FORMS_BIND": f"127.0.0.1:{port}",
        "FORMS_QUEUE_DIR": str(queue),
        "FORMS_SITE_DIR": str(site),
        "FORMS_ACCESS_LOG": "",
        "FORMS_RATE_LIMIT": "30 per minute;300 per day",  # the default 5 a minute is fewer than this module sends
        "FORMS_LOOKUP_RATE_LIMIT": "120 per minute;1000 per day",  # the modules using it look up ~40 times a minute
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    server = subprocess.Popen([*gunicorn, f'forms_api.site:create_site_app("{site}")'], cwd=ROOT, env=env)
    try:
        wait_for(base + "api/health", server, "gunicorn")
        yield Service(base, site, queue)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def phone(chromium_browser, request):
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
    page.on("dialog", lambda dialog: errors.append(f"a dialog opened: {dialog.message}"))
    page.on("console", lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.expected_errors = []  # a test that breaks the network on purpose names what the browser will report
    yield page
    context.close()
    assert [e for e in errors if not any(e.startswith(x) for x in page.expected_errors)] == []


def qr_url(service: Service, browser, tmp_path: Path) -> str:
    """The URL printed on the poster: decoded from the deputy's QR code, not built by the test."""
    decoded = decode_all([service.site / "qr" / f"deputy-{DEPUTY}.svg"], browser, tmp_path)
    assert decoded == [f"{service.base}deputies/{DEPUTY}/"]
    return decoded[0]


def fill_message(page, text: str) -> None:
    page.get_by_label("内容（必填）").fill(text)
    page.get_by_label("称呼（可不填）").fill("李女士")
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="提交留言").click()


def staff_answers(service: Service, ref: str, answer: str) -> None:
    service.staff("assign", ref, "--to", "deputy", "--by", STAFF)
    service.staff("reply", ref, "--answer", answer, "--yes", "--by", STAFF)


def test_citizen_with_javascript(service: Service, phone, chromium_browser, tmp_path: Path) -> None:
    phone.goto(qr_url(service, chromium_browser, tmp_path))
    assert phone.locator("h1").first.text_content() == "王秀兰"
    fill_message(phone, MESSAGE)
    phone.wait_for_url("**/thanks/#code=*")
    code = phone.locator("#thanks [data-key=code]").text_content()
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    assert len(code) >= 22 and ref.startswith("20")
    submitted = [e for e in service.events() if e["type"] == "submitted" and e["ref"] == ref]
    assert len(submitted) == 1
    assert submitted[0]["target"] == f"deputy:{DEPUTY}" and submitted[0]["text"] == MESSAGE

    # staff text is shown as text: even markup in an answer never runs on the citizen's page
    answer = "已联系县住建局，路灯已于本周修复。<img src=x onerror=alert(1)><script>alert(2)</script>"
    staff_answers(service, ref, answer)

    phone.locator("#thanks").get_by_role("link", name="查询办理进度").click()  # the code rides in the fragment
    result = phone.locator("#track-result")
    result.wait_for()
    assert result.locator("[data-key=answer]").text_content() == answer
    assert result.locator("[data-key=answer] img, [data-key=answer] script").count() == 0
    assert result.locator("[data-key=status_label]").text_content() == "已答复"
    assert code not in phone.url  # the fragment is dropped from the address bar

    # what the no-JavaScript status page shows: target (by name, from the site's open data), handler, timeline
    target = result.locator("[data-key=target]")
    target.get_by_role("link", name="王秀兰").wait_for()
    assert target.text_content() == "王秀兰（代表）"
    assert target.get_by_role("link").get_attribute("href") == f"{service.base}deputies/{DEPUTY}/"
    result.locator("[data-key=handled_by]", has_text="人大代表：王秀兰").wait_for()
    assert result.locator("[data-key=closed_at]").is_hidden()  # not closed: no 办结时间 row
    steps = result.locator("[data-key=timeline] li").evaluate_all("lis => lis.map(li => li.firstChild.textContent)")
    due = cases.deadline_for(cases.now().date())  # the 交办 says the answer's deadline it set
    assigned = f"交办（答复期限 {due.year}年{due.month}月{due.day}日）"
    assert [step.split(" ", 2)[-1] for step in steps] == ["提交留言", assigned, "答复"]
    assert result.locator("[data-key=timeline] li .answer").all_text_contents() == [answer]  # every answer stays

    # no rating is chosen for the citizen: a tap on 提交评价 alone makes the browser ask for one
    ratings = phone.locator("#rating-form input[name=rating]")
    assert ratings.evaluate_all("inputs => inputs.filter(i => i.checked).length") == 0
    phone.get_by_role("button", name="提交评价").click()
    assert phone.locator("#rating-form input[name=rating]:invalid").count() == 3
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator(".rating-form__status", has_text="感谢您的评价").wait_for()
    result.locator("[data-key=rating]", has_text="满意").wait_for()
    rated = [e for e in service.events() if e["type"] == "rated" and e["ref"] == ref]
    assert [(e["rating"], e["by"]) for e in rated] == [("满意", "citizen")]
    show = service.staff("show", ref)
    assert answer in show and STAFF in show and PHONE not in show


@pytest.mark.parametrize("phone", [False], indirect=True)
def test_citizen_without_javascript(service: Service, phone, chromium_browser, tmp_path: Path) -> None:
    phone.goto(qr_url(service, chromium_browser, tmp_path))
    fill_message(phone, MESSAGE + "（不用 JavaScript 提交）")  # the same text again would be a duplicate
    code = phone.locator("#tracking-code").text_content()
    ref = phone.locator("#reference").text_content()
    assert len(code) >= 22 and ref.startswith("20")
    assert code not in phone.url

    answer = "经核实，该路段路灯由乡政府负责，已转交并修复。"
    staff_answers(service, ref, answer)

    phone.goto(service.base + "track/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询", exact=True).click()
    assert phone.locator("dd.answer").text_content() == answer
    phone.get_by_label("不满意").check()
    phone.get_by_label("评价意见").fill("路灯修了两天又坏了。")
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_role("status").wait_for()
    assert "重新办理" in phone.content()
    statuses = service.staff("show", ref)
    assert "重新办理" in statuses and "不满意" in statuses
    service.staff("reply", ref, "--answer", "路灯已更换为新灯具。", "--yes", "--by", STAFF)  # answered twice
    phone.goto(service.base + "track/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询", exact=True).click()
    phone.locator("li .answer").nth(1).wait_for()  # the answer page, not the form still shown while it loads
    assert phone.locator("li .answer").all_text_contents() == [answer, "路灯已更换为新灯具。"]


def test_repeated_message_with_javascript_says_it_was_already_sent(service: Service, phone) -> None:
    """The service answers a repeat with 200 and no code (the first one's is never given twice); /thanks/ says it
    was received, as the receipt does."""
    text = "石桥村东头的垃圾箱已经一周没人清运了，气味很大。"
    shown = []
    for _ in range(2):
        phone.goto(f"{service.base}deputies/{DEPUTY}/")
        fill_message(phone, text)
        phone.wait_for_url("**/thanks/")
        thanks = phone.locator("#thanks")
        shown.append((thanks.locator("[data-key=code]").text_content(), thanks.inner_text()))
    (first_code, first), (second_code, second) = shown
    assert first_code and first_code in first and not second_code and first_code not in second
    assert "您的留言已收到" in first and "只显示这一次" in first and "已经提交过" not in first
    assert "您刚才已经提交过相同的留言，我们已经收到，无需重复提交。" in second
    assert "您的留言已收到" not in second and "只显示这一次" not in second
    assert not re.search(r"\d{4}-\d{6}", second)  # no reference either: it and a phone number find the case
    assert len([e for e in service.events() if e["type"] == "submitted" and e.get("text") == text]) == 1


def test_a_message_whose_answer_was_lost_gets_its_code_on_the_second_tap(service: Service, phone) -> None:
    """On a weak network the message is stored but the answer never arrives: the page says the sending failed, the
    citizen taps again, and gets the code of the message that was stored (once)."""
    text = "禾城镇卫生院门口的路灯坏了，晚上看病的老人看不清台阶。"
    lost = []

    def lose_the_first_answer(route) -> None:
        if lost:
            route.continue_()
            return
        lost.append(route.fetch())  # the service stores it and answers; the phone never hears back
        route.abort("connectionreset")

    phone.route("**/api/submissions", lose_the_first_answer)
    phone.expected_errors.append("Failed to load resource: net::ERR_CONNECTION_RESET")
    phone.goto(f"{service.base}deputies/{DEPUTY}/")
    fill_message(phone, text)
    phone.locator(".message-form__status", has_text="提交失败").wait_for()
    assert lost[0].status == 201
    phone.get_by_role("button", name="提交留言").click()
    phone.wait_for_url("**/thanks/")
    code = phone.locator("#thanks [data-key=code]").text_content()
    assert code == lost[0].json()["tracking_code"]
    assert len([e for e in service.events() if e["type"] == "submitted" and e.get("text") == text]) == 1


def test_case_closed_without_an_answer_is_not_shown_as_pending(service: Service, phone) -> None:
    phone.goto(f"{service.base}deputies/{DEPUTY}/")
    fill_message(phone, "禾城镇卫生院门口的减速带松动了，车过时声音很大。")
    phone.wait_for_url("**/thanks/")
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    service.staff("close", ref, "--reason", "重复，见 2026-000001", "--tell", "unclear", "--by", STAFF)
    phone.locator("#thanks").get_by_role("link", name="查询办理进度").click()
    result = phone.locator("#track-result")
    result.wait_for()
    assert result.locator("[data-key=status_label]").text_content() == "已办结"
    # not "尚未答复，请耐心等待", and in the words of the service's own status page
    told = "该留言已办结，未作书面答复。原因：留言没有具体事项，也无法联系到您核实。"  # not the staff's own reason
    assert result.locator("[data-key=answer]").text_content() == told
    assert result.locator("[data-key=closed_at]").is_visible()
    assert re.fullmatch(r"20\d\d年\d{1,2}月\d{1,2}日 \d\d:\d\d", result.locator("[data-key=closed_at]").text_content())
    assert result.locator("[data-key=timeline] li").last.text_content().endswith(" 办结")
    assert result.locator("#rating-form").is_hidden()


def test_a_dissatisfied_rating_reopens_the_case_and_says_so(service: Service, phone) -> None:
    phone.goto(f"{service.base}deputies/{DEPUTY}/")
    fill_message(phone, "禾城镇东街的下水道堵了一个多月，雨天积水到膝盖。")
    phone.wait_for_url("**/thanks/")
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    code = phone.locator("#thanks [data-key=code]").text_content()
    staff_answers(service, ref, "已通知镇政府处理。")
    phone.locator("#thanks").get_by_role("link", name="查询办理进度").click()
    result = phone.locator("#track-result")
    result.locator("[data-key=answer]", has_text="已通知镇政府处理。").wait_for()
    phone.get_by_label("不满意（将重新办理）").check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator(".rating-form__status", has_text="感谢您的评价！我们会重新办理您的留言。").wait_for()
    result.locator("[data-key=status_label]", has_text="重新办理").wait_for()
    rated = [(e["type"], e.get("rating")) for e in service.events() if e["ref"] == ref][-1]
    assert rated == ("rated", "不满意")  # the rating itself reopens the case (workflow: RATING_REOPENS)
    # answered again: the timeline keeps both answers, each under its date
    service.staff("reply", ref, "--answer", "镇政府已疏通下水道。", "--yes", "--by", STAFF)
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询", exact=True).click()
    result.locator("[data-key=answer]", has_text="镇政府已疏通下水道。").wait_for()
    answers = result.locator("[data-key=timeline] li .answer").all_text_contents()
    assert answers == ["已通知镇政府处理。", "镇政府已疏通下水道。"]


def test_message_to_a_station(service: Service, phone) -> None:
    station = "hecheng-zhan"
    phone.goto(f"{service.base}stations/{station}/")
    phone.get_by_role("link", name="给联络站留言").click()
    fill_message(phone, "禾城镇联络站的接待时间能否在周六也安排一次？上班族平时来不了。")
    phone.wait_for_url("**/thanks/")  # the fragment with the code is read, then dropped from the address bar
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    submitted = [e for e in service.events() if e["type"] == "submitted" and e["ref"] == ref]
    assert [e["target"] for e in submitted] == [f"station:{station}"]


# --- the yearly evaluation of a deputy -------------------------------------------------------------------------------
def fill_evaluation(page, rating: str, phone: str) -> None:
    form = page.locator("#evaluation-form")
    form.get_by_label(rating, exact=True).check()
    form.get_by_label("评价意见").fill("经常到联络站接待群众，反映的问题都有回音。")
    form.get_by_label("手机号码").fill(phone)
    form.get_by_label("同意按隐私说明处理本次评价").check()
    form.get_by_role("button", name="提交年度评价").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "plain-form"])
def test_yearly_evaluation(service: Service, chromium_browser, javascript: bool) -> None:
    """Once accepted, then refused for the same phone; the queue gets one `evaluated` event and never the number."""
    evaluation_phone = "13700137000" if javascript else "13600136000"
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN", java_script_enabled=javascript
    )
    page = context.new_page()
    errors: list[str] = []
    api: list[int] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "409" not in m.text else None)
    page.on("response", lambda r: api.append(r.status) if "/api/evaluations" in r.url else None)
    before = len([e for e in service.events() if e["type"] == "evaluated"])
    try:
        page.goto(f"{service.base}deputies/{DEPUTY}/")
        assert page.get_by_role("heading", name="年度满意度评价").is_visible()
        fill_evaluation(page, "基本满意", evaluation_phone)
        if javascript:
            status = page.locator("#evaluation-form .message-form__status")
            status.filter(has_text="感谢您的评价").wait_for()
            assert page.url == f"{service.base}deputies/{DEPUTY}/"  # answered in place
        else:
            page.get_by_role("heading", name="评价已提交").wait_for()
            assert page.locator("#evaluation-rating").text_content() == "基本满意"
            assert "王秀兰" in page.content()
            page.go_back()

        fill_evaluation(page, "不满意", evaluation_phone)
        refusal = "这个手机号码今年已经评价过这位代表"
        if javascript:
            page.locator("#evaluation-form .message-form__status").filter(has_text=refusal).wait_for()
        else:
            page.get_by_role("heading", name="未能完成").wait_for()
            assert refusal in page.content()
        assert api == [201, 409]
        assert errors == []
    finally:
        context.close()
    evaluated = [e for e in service.events() if e["type"] == "evaluated"]
    assert len(evaluated) == before + 1
    assert (evaluated[-1]["target"], evaluated[-1]["rating"]) == (f"deputy:{DEPUTY}", "基本满意")
    assert evaluation_phone not in (service.queue / "events.jsonl").read_text(encoding="utf-8")
