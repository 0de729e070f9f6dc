"""Rating a second answer with JavaScript on, in real chromium at phone size against the built demo site and the
form service under real gunicorn (the `service` and `phone` fixtures of test_e2e.py, in a module of their own: the
look-ups and ratings count against the service's rate limit): a first 不满意 reopens the case, the second answer's
goes to 督办, and the choice and the thanks say which."""

from __future__ import annotations

import pytest
import test_e2e
from test_e2e import PHONE, STAFF, Service, staff_answers
from test_track_browser import result_reference, send

pytestmark = pytest.mark.browser
service = test_e2e.service
phone = test_e2e.phone


def test_the_second_answer_s_unsatisfied_says_it_goes_to_supervision(service: Service, phone) -> None:
    """A first 不满意 reopens the case; the second answer's goes to 督办: its choice and its thanks say so."""
    send(phone, service, "小区门口的路灯又坏了，晚上看不清路。")
    phone.wait_for_url("**/thanks/")
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    staff_answers(service, ref, "已通知物业维修。")
    phone.goto(f"{service.base}track/")
    form = phone.locator("#track-form-reference")
    form.get_by_label("留言编号").fill(ref)
    form.get_by_label("留言时留的电话").fill(PHONE)
    form.get_by_role("button", name="用编号和电话查询").click()
    assert result_reference(phone) == ref
    phone.get_by_label("不满意（将重新办理）").check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator(".rating-form__status", has_text="我们会重新办理").wait_for()
    service.staff("reply", ref, "--answer", "路灯已修复。", "--yes", "--by", STAFF)
    form.get_by_role("button", name="用编号和电话查询").click()
    phone.locator("[data-key=answer]", has_text="路灯已修复。").wait_for()
    phone.get_by_label("不满意（将转交代表工作机构督办）").check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator(".rating-form__status", has_text="已转交代表工作机构督办").wait_for()
    rated = [e["rating"] for e in service.events() if e["type"] == "rated" and e["ref"] == ref]
    assert rated == ["不满意", "不满意"]
