"""Issue 13 point 2 and issue 12's 审核, through every door: the API and the citizen's status page, the staff tools
and the console obey the rules of forms_api/cases (an answer needs an assignment; closing waits for the rating
window unless forced; 转办 after an answer; the second 不满意 puts a case under 督办 and a third reopen is refused;
回访; the first deadline stays; an offline case counts from the day it was said; a deputy's answer awaits review).
Real app, real store, the real CLI; times are set in the events, never waited for."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import events, make_app
from console_helpers import ACCOUNTS, after_refusal, client_for, csrf_token, fill, make_account
from flask import Flask

from forms_api import cases, messages
from forms_api.cases import make_event
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog

W = messages.WORKFLOW_ERRORS
A = messages.ACTION_TEXTS
REF = "2026-000002"  # to station A (东溪), which zhan-a and boss see


def console(tmp_path: Path, **config: object) -> Flask:
    app = make_app(tmp_path, **config)
    fill(app)
    for login, (role, scope) in ACCOUNTS.items():
        make_account(app, login, role, scope)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console(tmp_path)


def append(app: Flask, kind: str, ref: str = REF, by: str = "李办事员", days_ago: float = 0, **fields) -> None:
    """One event as the tools append it, checked by the workflow (its state rules), dated `days_ago`."""
    at = cases.now() - timedelta(days=days_ago)

    def decide(state: cases.State) -> dict:
        cases.check(state.submissions.get(ref), kind)
        return make_event(kind, ref, by, at, **fields)

    EventLog(Path(app.config["QUEUE_DIR"]), fsync=False).append(decide)


def assign(app: Flask, ref: str = REF, days_ago: float = 0, deadline: str = "2099-01-01") -> None:
    append(app, "assigned", ref, days_ago=days_ago, to_kind="hotline", to="12345", deadline=deadline)


def assign_to_cao(app: Flask, ref: str = "2026-000001") -> None:
    """Case 1 assigned to the deputy it is addressed to, who answers it (one the hotline handles would need 仍由我答复:
    tests/test_console_answer_elsewhere.py)."""
    append(app, "assigned", ref, to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline="2099-01-01")


def cli(app: Flask, *args: str, env: dict[str, str] | None = None, input: str | None = None):
    base = ["--queue", str(app.config["QUEUE_DIR"])]
    return CliRunner().invoke(main, [*base, *args], env=env, input=input)


def post(app: Flask, login: str, action: str, form: dict, ref: str = REF):
    client = client_for(app, login)
    response = client.post(f"/staff/cases/{ref}/{action}", data=form | {"csrf_token": csrf_token(client, "/staff/")})
    response.signed_in = client  # a refusal is shown on the page the post goes back to
    return response


def code_of(app: Flask, ref: str = REF) -> str:
    return next(event["code"] for event in events(app) if event["type"] == "submitted" and event["ref"] == ref)


def track(app: Flask, ref: str = REF) -> dict:
    return app.test_client().post("/api/track", json={"code": code_of(app, ref)}).get_json()


def rate(app: Flask, rating: str, ref: str = REF):
    return app.test_client().post("/api/rating", json={"code": code_of(app, ref), "rating": rating})


def refused(response, code: str, **values: str) -> bool:
    return A["error"].format(message=W[code].format(**values)) in after_refusal(response.signed_in, response)


# --- an answer needs an assignment ------------------------------------------------------------------------------------


def test_an_unassigned_case_cannot_be_answered_by_any_door(app):
    before = events(app)
    result = cli(app, "reply", REF, "--answer", "已修复。", "--by", "甲")
    assert (result.exit_code, result.stderr) == (1, f"错误：{W['reply_unassigned']}\n")
    assert refused(post(app, "boss", "answer", {"answer": "已修复。"}), "reply_unassigned")
    assert events(app) == before and track(app)["answer"] is None
    page = client_for(app, "boss").get(f"/staff/cases/{REF}").get_data(as_text=True)
    assert 'id="answer"' not in page  # the form is offered once the case is assigned
    assign(app)
    assert 'id="answer"' in client_for(app, "boss").get(f"/staff/cases/{REF}").get_data(as_text=True)
    assert post(app, "boss", "answer", {"answer": "已修复。"}).status_code == 303
    assert track(app)["answer"] == "已修复。"


def test_the_staff_tools_show_what_will_be_published_and_ask_first(app):
    assign(app)
    before = events(app)
    declined = cli(app, "reply", REF, "--answer", "路灯已修复。\n谢谢。", "--by", "甲", input="n\n")
    preview = f"{messages.STAFF_PUBLISH_PREVIEW.format(ref=REF)}\n  路灯已修复。\n  谢谢。\n"
    assert declined.stdout == f"{preview}{messages.STAFF_PUBLISH_CONFIRM} [y/N]: n\n"
    assert (declined.exit_code, declined.stderr) == (1, f"错误：{messages.STAFF_NOT_PUBLISHED}\n")
    assert events(app) == before
    piped = cli(app, "reply", REF, "--answer", "-", "--by", "甲", input="路灯已修复。\n")
    assert (piped.exit_code, piped.stderr) == (1, f"错误：{messages.STAFF_STDIN_NEEDS_YES}\n")
    accepted = cli(app, "reply", REF, "--answer", "路灯已修复。\n谢谢。", "--by", "甲", input="y\n")
    assert accepted.exit_code == 0 and accepted.stdout.endswith(f"y\n已答复 {REF}。\n")
    assert track(app)["answer"] == "路灯已修复。\n谢谢。"


# --- closing waits for the rating window ------------------------------------------------------------------------------


def test_closing_an_unrated_answer_waits_for_the_window_unless_forced(app):
    assign(app)
    append(app, "replied", answer="已修复。", days_ago=1)
    ends = (cases.now() - timedelta(days=1)).date() + timedelta(days=7)
    window = {"days": "7", "from": messages.DATE_FORMAT.format(year=ends.year, month=ends.month, day=ends.day)}
    result = cli(app, "close", REF, "--by", "甲")
    assert result.exit_code == 1
    hint = "（命令行：close --force --reason 理由）"
    assert result.stderr == f"错误：{W['close_rating_window'].format(**window)}{hint}\n"
    no_reason = cli(app, "close", REF, "--force", "--by", "甲")
    assert (no_reason.exit_code, no_reason.stderr) == (1, "错误：原因不能为空。\n")
    page = client_for(app, "zhan-a").get(f"/staff/cases/{REF}").get_data(as_text=True)
    assert A["window_hint"].format(date=ends.isoformat()) in page and 'name="force" value="1"' in page
    assert refused(post(app, "zhan-a", "close", {"reason": "已处理"}), "close_rating_window", **window)
    assert [event["type"] for event in events(app)][-1] == "replied"
    forced = post(app, "zhan-a", "close", {"reason": "群众来电表示满意", "force": "1"})
    assert forced.status_code == 303
    last = events(app)[-1]
    assert (last["type"], last["forced"], last["reason"], last["by"]) == ("closed", True, "群众来电表示满意", "zhan-a")
    shown = cli(app, "show", REF)
    assert "办结：群众来电表示满意（强制办结）" in shown.stdout


@pytest.mark.parametrize("door", ["cli", "console"])
def test_a_forced_close_needs_a_reason_and_closes_at_once(app, door):
    assign(app)
    append(app, "replied", answer="已修复。")
    if door == "cli":
        assert cli(app, "close", REF, "--force", "--reason", "重复留言", "--by", "甲").exit_code == 0
    else:
        assert post(app, "boss", "close", {"reason": "重复留言", "force": "1"}).status_code == 303
    assert track(app)["status"] == "closed" and events(app)[-1]["forced"] is True


def test_after_the_window_or_a_rating_or_a_followup_call_closing_needs_no_force(tmp_path):
    app = console(tmp_path)
    for ref in ("2026-000001", "2026-000002", "2026-000004"):
        assign(app, ref)
    append(app, "replied", "2026-000001", answer="已修复。", days_ago=8)
    append(app, "replied", "2026-000002", answer="已修复。")
    append(app, "replied", "2026-000004", answer="已修复。")
    assert rate(app, "满意", "2026-000002").status_code == 200  # the citizen rated: through the API
    assert cli(app, "followup", "2026-000004", "--satisfaction", "基本满意", "--by", "甲").exit_code == 0
    for ref in ("2026-000001", "2026-000002", "2026-000004"):
        result = cli(app, "close", ref, "--by", "甲")
        assert result.exit_code == 0, result.output


def test_the_rating_window_is_a_setting(tmp_path):
    app = console(tmp_path, RATING_WINDOW_DAYS=0)
    assign(app)
    append(app, "replied", answer="已修复。")
    assert post(app, "boss", "close", {"reason": "已处理"}).status_code == 303
    other = console(tmp_path / "b")
    assign(other)
    append(other, "replied", answer="已修复。")
    assert cli(other, "close", REF, "--by", "甲").exit_code == 1
    assert cli(other, "close", REF, "--by", "甲", env={"FORMS_RATING_WINDOW_DAYS": "0"}).exit_code == 0


# --- 转办 after an answer; the public timeline keeps every answer -----------------------------------------------------


@pytest.mark.parametrize("door", ["cli", "console"])
def test_a_case_can_be_handed_on_after_an_answer_and_the_citizen_sees_both_answers(app, door):
    assign(app, days_ago=3, deadline=(cases.now().date() - timedelta(days=1)).isoformat())
    append(app, "replied", answer="已转交县交通局办理。", days_ago=2)
    plain = cli(app, "assign", REF, "--to", "department", "--name", "县交通局", "--new-unit", "--by", "甲")
    assert plain.stderr == f"错误：{W['assign_replied']}（命令行：transfer）\n"
    unit = {"to_kind": "department", "name": "县交通局", "new_unit": "1"}  # no handler account has it yet
    assert refused(post(app, "boss", "assign", unit), "assign_replied")
    if door == "cli":
        result = cli(app, "transfer", REF, "--to", "department", "--name", "县交通局", "--new-unit", "--by", "甲")
        assert result.exit_code == 0, result.output
    else:
        assert post(app, "zhan-a", "handover", unit).status_code == 303
    last = events(app)[-1]
    due = cases.deadline_for(cases.now().date())
    assert (last["type"], last["handover"], last["to"], last["deadline"]) == ("assigned", True, "县交通局", str(due))
    append(app, "replied", answer="县交通局已于本周增设公交站牌。")
    view = track(app)
    answers = [(step["type"], step.get("answer")) for step in view["timeline"] if step["type"] == "replied"]
    assert answers == [("replied", "已转交县交通局办理。"), ("replied", "县交通局已于本周增设公交站牌。")]
    page = (
        app.test_client().post("/api/track", data={"code": code_of(app)}, follow_redirects=True).get_data(as_text=True)
    )
    assert page.count('<div class="answer">') == 2 and '<div class="answer">已转交县交通局办理。</div>' in page


# --- 不满意 twice: 督办; a third reopen is refused --------------------------------------------------------------------


def test_the_second_unsatisfied_rating_puts_the_case_under_supervision(app):
    assign(app)
    append(app, "replied", answer="已转交相关部门。")
    first = rate(app, "不满意").get_json()
    assert first["status"] == "reopened"  # the first reopens, as before, and the citizen's timeline says so
    assert [step["label"] for step in first["timeline"]][-2:] == ["评价", "重新办理"]
    append(app, "replied", answer="已协调，仍在办理。")
    second = rate(app, "不满意").get_json()
    assert (second["status"], second["supervised"], second["can_rate"]) == ("replied", True, False)
    assert [step["label"] for step in second["timeline"]][-2:] == ["评价", messages.SUPERVISED_LABEL]
    page = (
        app.test_client().post("/api/track", data={"code": code_of(app)}, follow_redirects=True).get_data(as_text=True)
    )
    assert f"<dd>{messages.SUPERVISED_STATUS}</dd>" in page
    assert f"<dt>{messages.PAGE_TEXTS['supervised_at']}</dt>" in page
    office = client_for(app, "boss")
    case_page = office.get(f"/staff/cases/{REF}").get_data(as_text=True)
    assert A["supervised_hint"] in case_page and "不满意（转入督办）" in case_page
    listed = office.get("/staff/cases?status=all&supervised=1").get_data(as_text=True)
    assert set(re.findall(r'href="/staff/cases/(2026-\d{6})"', listed)) == {REF}
    dashboard = office.get("/staff/").get_data(as_text=True)
    assert re.search(r'supervised=1"><span class="number">1</span>督办</a>', dashboard)
    listed = cli(app, "list", "--supervised").stdout.splitlines()[1:-1]
    assert [line[:11] for line in listed] == [REF] and "已答复（督办）" in listed[0]
    assert "状态：已答复（督办）" in cli(app, "show", REF).stdout


def test_a_third_reopen_is_refused_by_every_door(app):
    assign(app)
    append(app, "replied", answer="一")
    assert rate(app, "不满意").status_code == 200  # reopen 1
    append(app, "replied", answer="二")
    assert rate(app, "不满意").get_json()["supervised"] is True  # 督办, no reopen
    assert cli(app, "reopen", REF, "--reason", "督办：请重新办理", "--by", "办公室").exit_code == 0  # reopen 2
    append(app, "replied", answer="三")
    before = events(app)
    result = cli(app, "reopen", REF, "--reason", "再来一次", "--by", "甲")
    assert (result.exit_code, result.stderr) == (1, f"错误：{W['reopen_limit']}\n")
    assert refused(post(app, "boss", "reopen", {"reason": "再来一次"}), "reopen_limit")
    assert 'id="reopen"' not in client_for(app, "boss").get(f"/staff/cases/{REF}").get_data(as_text=True)
    third = rate(app, "不满意").get_json()  # through the API: recorded, the case stays under 督办
    assert (third["status"], third["supervised"]) == ("replied", True)
    assert len(events(app)) == len(before) + 1


# --- 回访 -------------------------------------------------------------------------------------------------------------


def test_a_followup_call_is_recorded_by_staff_and_shown_to_the_citizen_without_what_was_said(app):
    result = cli(app, "followup", REF, "--satisfaction", "满意", "--by", "甲")
    assert (result.exit_code, result.stderr) == (1, f"错误：{W['followup_no_answer']}\n")
    assert refused(post(app, "zhan-a", "followup", {"satisfaction": "满意"}), "followup_no_answer")
    assign(app)
    append(app, "replied", answer="已修复。")
    done = cli(app, "followup", REF, "--satisfaction", "基本满意", "--note", "电话回访：灯已亮", "--by", "甲")
    assert done.stdout == f"已记录 {REF} 的回访：基本满意。\n"
    form = {"satisfaction": "满意", "note": "上门回访"}
    assert post(app, "zhan-a", "followup", form).status_code == 303
    assert [(e["type"], e["satisfaction"]) for e in events(app)[-2:]] == [("followed_up", "基本满意")] + [
        ("followed_up", "满意")
    ]
    bad = post(app, "zhan-a", "followup", {"satisfaction": "很好"})
    assert A["bad_satisfaction"] in after_refusal(bad.signed_in, bad)
    assert post(app, "cao", "followup", form, ref="2026-000001").status_code == 403  # a deputy does not record calls
    view = track(app)
    assert [step["label"] for step in view["timeline"]][-2:] == ["回访", "回访"]
    assert "电话回访" not in str(view) and "上门回访" not in str(view)
    assert "回访：基本满意（电话回访：灯已亮）" in cli(app, "show", REF).stdout


# --- the first deadline stays; an offline case counts from the day it was said ----------------------------------------


def test_reassigning_keeps_the_first_deadline_and_stats_count_against_it(app):
    assert cli(app, "assign", REF, "--to", "hotline", "--today", "2026-11-02", "--by", "甲").exit_code == 0
    first = events(app)[-1]["deadline"]
    assert first == "2026-11-09"
    to_new_unit = ("--to", "department", "--name", "县交通局", "--new-unit")
    again = cli(app, "assign", REF, *to_new_unit, "--today", "2026-11-20", "--by", "甲")
    assert again.exit_code == 0 and events(app)[-1]["deadline"] == first  # the overdue case stays overdue
    moved = cli(app, "assign", REF, "--to", "hotline", "--deadline", "2026-12-31", "--today", "2026-11-20")
    assert moved.stderr == f"错误：{W['assign_keeps_deadline'].format(deadline=first)}（命令行：transfer）\n"
    assert post(app, "zhan-a", "handover", {"to_kind": "hotline"}).status_code == 303
    assert events(app)[-1]["deadline"] == first
    again = post(app, "boss", "assign", {"to_kind": "hotline", "complex": "1"})
    assert "该留言已在办理中" in after_refusal(again.signed_in, again)
    append(app, "replied", answer="已处理。")  # answered today: long after 2026-11-09
    stats = cli(app, "stats").stdout
    assert "按期答复率：0.0%（已答复 1 件，其中 0 件在期限内首次答复）" in stats, stats


def test_stats_ignore_a_later_deadline_of_an_old_log(app):
    """A log written before the rule (a reassignment that moved the deadline) still counts the first deadline."""
    assign(app, days_ago=20, deadline=(cases.now().date() - timedelta(days=10)).isoformat())
    assign(app, days_ago=5, deadline=(cases.now().date() + timedelta(days=5)).isoformat())
    append(app, "replied", answer="已处理。")
    assert "其中 0 件在期限内首次答复" in cli(app, "stats").stdout


def test_an_offline_case_counts_from_the_day_the_citizen_said_it(app):
    said_on = cases.now().date() - timedelta(days=20)
    form = {"channel": "reception", "station": "dongxi-zhan", "deputy": "cao-wenjie", "said_on": said_on.isoformat()}
    form |= {"category": "求助", "text": "村口的桥栏杆松动了，老人孩子过桥很危险。", "name": "", "phone": ""}
    form |= {"late_ok": said_on.isoformat()}  # overdue at once: registered only when confirmed (test_console_intake)
    client = client_for(app, "zhan-a")
    page = client.post(
        "/staff/intake", data=form | {"csrf_token": csrf_token(client, "/staff/intake")}, follow_redirects=True
    )
    ref = re.search(r'id="reference">([^<]+)<', page.get_data(as_text=True))[1]
    view = track(app, ref)
    due = cases.deadline_for(said_on)
    assert (view["submitted_at"], view["deadline"]) == (said_on.isoformat(), due.isoformat())
    shown = cli(app, "show", ref).stdout
    assert f"，{said_on.isoformat()} 收到；" in shown and f"交办期限：{due.isoformat()} 逾期" in shown
    assert ref in cli(app, "list", "--overdue").stdout
    case_page = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert f"线下登记：接待日，{said_on.isoformat()} 收到；" in case_page
    append(app, "assigned", ref, to_kind="hotline", to="12345", deadline="2099-01-01")
    append(app, "replied", ref, answer="已加固。")
    stats = cli(app, "stats").stdout  # assigned when already late (a deadline from that day): it counts as late
    assert "按期答复率：0.0%（已答复 1 件，其中 0 件在期限内首次答复）" in stats and "中位数：20.0 天" in stats


# --- 审核: a deputy's answer waits for the office ---------------------------------------------------------------------


@pytest.fixture
def review(tmp_path: Path) -> Flask:
    app = console(tmp_path, STAFF_DEPUTY_REVIEW=True)
    assign_to_cao(app)
    return app


def test_with_review_a_deputys_answer_is_a_draft_the_citizen_does_not_see(review):
    ref = "2026-000001"
    deputy = client_for(review, "cao")
    assert A["answer_review_hint"] in deputy.get(f"/staff/cases/{ref}").get_data(as_text=True)
    response = post(review, "cao", "answer", {"answer": "桥栏杆已加固。"}, ref=ref)
    assert response.status_code == 303
    assert events(review)[-1]["type"] == "drafted"
    assert track(review, ref)["answer"] is None and "桥栏杆已加固" not in str(track(review, ref))
    assert refused(post(review, "cao", "answer", {"answer": "再答"}, ref=ref), "draft_pending")
    office = client_for(review, "boss")
    assert re.search(r'review=1"><span class="number">1</span>待审核</a>', office.get("/staff/").get_data(as_text=True))
    case_page = office.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert "桥栏杆已加固。" in case_page and 'id="approve"' in case_page and 'id="send_back"' in case_page
    assert post(review, "zhan-a", "approve", {}, ref=ref).status_code == 403  # the office reviews
    assert post(review, "boss", "send_back", {"note": "请写明加固日期"}, ref=ref).status_code == 303
    assert events(review)[-1]["type"] == "returned" and track(review, ref)["answer"] is None
    assert post(review, "cao", "answer", {"answer": "桥栏杆已于周三加固。"}, ref=ref).status_code == 303
    assert post(review, "boss", "approve", {}, ref=ref).status_code == 303
    last = events(review)[-1]
    assert (last["type"], last["approved"], last["drafted_by"], last["by"]) == ("replied", True, "cao", "boss")
    assert track(review, ref)["answer"] == "桥栏杆已于周三加固。"
    assert refused(post(review, "boss", "approve", {}, ref=ref), "reply_replied")


def test_the_staff_tools_approve_or_send_back_a_draft(review):
    ref = "2026-000001"
    result = cli(review, "approve", ref, "--by", "办公室")
    assert (result.exit_code, result.stderr) == (1, f"错误：{W['review_no_draft']}\n")
    assert post(review, "cao", "answer", {"answer": "草稿一"}, ref=ref).status_code == 303
    assert "待审核的答复（cao，" in cli(review, "show", ref).stdout
    assert cli(review, "send-back", ref, "--note", "请补充", "--by", "办公室").exit_code == 0
    assert post(review, "cao", "answer", {"answer": "草稿二"}, ref=ref).status_code == 303
    asked = cli(review, "approve", ref, "--by", "办公室", input="n\n")
    assert asked.exit_code == 1 and "  草稿二\n" in asked.stdout and track(review, ref)["answer"] is None
    approved = cli(review, "approve", ref, "--yes", "--by", "办公室")
    assert approved.stdout == f"已审核通过 {ref} 的答复，群众现在可以看到。\n"
    assert track(review, ref)["answer"] == "草稿二"
    assert "答复（审核通过 cao 的答复）" in cli(review, "show", ref).stdout


def test_without_review_a_deputys_answer_is_published_at_once(app):
    assign_to_cao(app)
    assert post(app, "cao", "answer", {"answer": "桥栏杆已加固。"}, ref="2026-000001").status_code == 303
    assert events(app)[-1]["type"] == "replied" and track(app, "2026-000001")["answer"] == "桥栏杆已加固。"
