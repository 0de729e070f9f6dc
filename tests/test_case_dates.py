"""The dates a case shows, as a citizen and staff read them (walk findings): a case registered offline (线下登记) says
how it came in, the day the citizen said it and when it was registered, on the tracking page and the staff's, never a
提交时间 that is one while the history shows the other; the due day of a case nobody handles yet is named for what it
is, the office's day to hand it on by (交办期限), and stays after 交办 beside the answer's deadline set then, instead of
a 答复期限 that moved later without a word. Real app, real store, no mocks."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from conftest import events
from console_helpers import client_for, console_app, csrf_token
from flask import Flask
from test_console_intake import good

from forms_api import messages
from forms_api.cases import CITIZEN, TZ, deadline_for, fold, make_event, new_code, now, parse_at
from forms_api.staff.cli import main

P = messages.PAGE_TEXTS


@pytest.fixture
def app(tmp_path) -> Flask:
    return console_app(tmp_path)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def register(app: Flask, **changes: str) -> tuple[str, str, dict]:
    """An offline case a station worker registers: (reference, tracking code, its submitted event)."""
    client = client_for(app, "zhan-a")
    form = good(**changes) | {"csrf_token": csrf_token(client, "/staff/intake")}
    page = client.post("/staff/intake", data=form, follow_redirects=True).get_data(as_text=True)
    page = page.replace("<wbr>", "")  # the code's line breaks, after each dash
    ref, code = re.search(r'id="reference">([^<]+)<', page)[1], re.search(r'id="tracking-code">([^<]+)<', page)[1]
    return ref, code, [e for e in events(app) if e["type"] == "submitted"][-1]


def zh_date(day) -> str:
    return messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)


def status_page(app: Flask, found: dict) -> str:
    return text_of(app.test_client().post("/api/track", data=found, follow_redirects=True))


def test_an_offline_case_says_how_and_when_it_came_in_to_the_citizen(app):
    said = now().date() - timedelta(days=2)
    ref, code, event = register(app, channel="reception", said_on=said.isoformat())
    registered = parse_at(event["at"]).astimezone(TZ)
    page = status_page(app, {"code": code})
    told = P["offline_received"].format(
        channel="接待日", said=zh_date(said), registered=f"{zh_date(registered)} {registered:%H:%M}"
    )
    assert f"<dt>{P['offline']}</dt><dd>{told}</dd>" in page
    assert P["submitted_at"] not in page  # no 提交时间 naming the day said while the history shows the registration
    assert f"{registered:%H:%M} 线下登记（接待日）</li>" in page and "提交留言" not in page
    view = app.test_client().post("/api/track", json={"code": code}).json
    assert (view["channel"], view["channel_label"], view["submitted_at"]) == ("reception", "接待日", said.isoformat())
    assert view["registered_at"] == event["at"] and view["timeline"][0]["label"] == "线下登记（接待日）"
    online = app.test_client().post("/api/track", json={"reference": "2026-000001", "phone": "13912345678"}).json
    assert (online["channel"], online["registered_at"], online["timeline"][0]["label"]) == ("online", None, "提交留言")
    shown = status_page(app, {"reference": "2026-000001", "phone": "13912345678"})
    assert f"<dt>{P['submitted_at']}</dt>" in shown and P["offline"] not in shown


def test_an_offline_case_says_how_and_when_it_came_in_to_staff(app):
    said = now().date() - timedelta(days=2)
    ref, _, event = register(app, channel="phone", said_on=said.isoformat())
    registered = parse_at(event["at"]).astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    told = f"线下登记：电话，{said.isoformat()} 收到；{registered} 登记"
    page = text_of(client_for(app, "boss").get(f"/staff/cases/{ref}"))
    assert f"<dt>渠道</dt><dd>{told}</dd>" in page and "<dt>提交时间</dt>" not in page
    online = text_of(client_for(app, "boss").get("/staff/cases/2026-000001"))
    assert "<dt>提交时间</dt>" in online and "<dt>渠道</dt><dd>网上留言</dd>" in online
    shown = CliRunner().invoke(main, ["--queue", str(app.config["QUEUE_DIR"]), "show", ref]).stdout
    assert f"渠道：{told}" in shown and "提交时间" not in shown


def assign(app: Flask, ref: str) -> None:
    client = client_for(app, "boss")
    form = {"to_kind": "department", "name": "县住建局", "csrf_token": csrf_token(client, f"/staff/cases/{ref}")}
    assert client.post(f"/staff/cases/{ref}/assign", data=form).status_code == 303


def test_the_day_to_hand_a_case_on_by_stays_beside_the_answer_s_deadline_set_at_assignment(app):
    """12-08 became 12-14 under one name (答复期限) when the office assigned the case: now the first is the 交办期限,
    said to be so before, and kept (with the day it was handed on) after, beside the 答复期限 that 交办 set."""
    said = now().date() - timedelta(days=3)  # a working day in between: 交办 today sets a later deadline
    ref, code, _ = register(app, said_on=said.isoformat())
    assign_by, answer_by = deadline_for(said), deadline_for(now().date())
    assert answer_by > assign_by  # the walk's case: the answer's deadline is later than the day first shown
    before = app.test_client().post("/api/track", json={"code": code}).json
    assert (before["deadline"], before["deadline_kind"]) == (assign_by.isoformat(), "assign")
    assert before["assign_by"] == before["deadline"] and before["assigned_at"] is None
    page = status_page(app, {"code": code})
    assert f"<dt>{P['assign_by']}</dt><dd>{zh_date(assign_by)}</dd>" in page and P["assign_by_hint"] in page
    assert f"<dt>{P['deadline']}</dt>" not in page
    staff = text_of(client_for(app, "boss").get(f"/staff/cases/{ref}"))
    assert f"<dt>交办期限</dt><dd>{assign_by.isoformat()}</dd>" in staff
    listed = text_of(client_for(app, "boss").get("/staff/cases"))
    assert f"交办期限：<span>{assign_by.isoformat()}</span>" in listed
    shown = CliRunner().invoke(main, ["--queue", str(app.config["QUEUE_DIR"]), "show", ref]).stdout
    assert f"交办期限：{assign_by.isoformat()}" in shown

    assign(app, ref)
    after = app.test_client().post("/api/track", json={"code": code}).json
    assert (after["deadline"], after["deadline_kind"]) == (answer_by.isoformat(), "answer")
    assert after["assign_by"] == before["deadline"]  # the date the citizen saw stays, under its own name
    step = after["timeline"][-1]
    assert (step["type"], step["deadline"]) == ("assigned", answer_by.isoformat())
    page = status_page(app, {"code": code})
    handed = P["assigned_on"].format(day=zh_date(now().date()))
    assert f"<dt>{P['assign_by']}</dt><dd>{zh_date(assign_by)}{handed}</dd>" in page
    assert f"<dt>{P['deadline']}</dt><dd>{zh_date(answer_by)}</dd>" in page and P["assign_by_hint"] not in page
    assert P["step_deadline"].format(deadline=zh_date(answer_by)) + "</li>" in page
    staff = text_of(client_for(app, "boss").get(f"/staff/cases/{ref}"))
    assert f"<dt>答复期限</dt><dd>{answer_by.isoformat()}</dd>" in staff and "<dt>交办期限</dt>" not in staff
    assert f"答复期限 {answer_by.isoformat()}" in staff  # the staff's timeline says where it came from


@pytest.mark.parametrize("how", ["staff", "unsatisfied"])
def test_a_reopening_says_the_deadline_it_starts_on_the_timeline(how):
    """Reopened (by staff, or by a first 不满意), a case is due again from that day: its timeline's 重新办理 says the
    date, the one the page shows as 答复期限, so that this change too is explained where it happens."""
    ref, start = "2026-000001", datetime(2026, 11, 23, 9, 30, tzinfo=TZ)

    def event(kind: str, days: int, **fields: object) -> dict:
        return make_event(kind, ref, "张办事员" if kind != "rated" else CITIZEN, start + timedelta(days=days), **fields)

    sent = {"code": new_code(), "target": "deputy:zhang-san", "category": "求助", "text": "路灯坏了。", "phone": ""}
    log = [
        event("submitted", 0, **sent, anonymous=False),
        event("assigned", 1, to_kind="department", to="县住建局", deadline="2026-11-30"),
        event("replied", 2, answer="已修复。"),
        event("reopened", 3, reason="还是不亮。") if how == "staff" else event("rated", 3, rating="不满意"),
    ]
    view = fold(log).submissions[ref].public_view()
    redone = deadline_for((start + timedelta(days=3)).date())
    assert view["status"] == "reopened" and view["deadline"] == redone.isoformat()
    assert [step for step in view["timeline"] if step["type"] == "reopened"][-1]["deadline"] == view["deadline"]


def test_a_case_closed_unassigned_and_reopened_keeps_the_day_to_hand_it_on_by_it_showed():
    """Closed without 交办 (a duplicate, say) and reopened, a case is due to be handed on from the reopening: that is
    the 交办期限 the citizen read, and it stays that date after 交办 (not one counted from the first submission, which
    would move it earlier and make the office look late)."""
    ref, start = "2026-000001", datetime(2026, 11, 23, 9, 30, tzinfo=TZ)

    def event(kind: str, days: int, **fields: object) -> dict:
        return make_event(kind, ref, "张办事员", start + timedelta(days=days), **fields)

    sent = {"code": new_code(), "target": "deputy:zhang-san", "category": "求助", "text": "路灯坏了。", "phone": ""}
    log = [
        event("submitted", 0, **sent, anonymous=False),
        event("closed", 1),
        event("reopened", 8, reason="不是重复件。"),
    ]
    waiting = fold(log).submissions[ref].public_view()
    from_reopening = deadline_for((start + timedelta(days=8)).date())
    assert (waiting["deadline_kind"], waiting["assign_by"]) == ("assign", from_reopening.isoformat())
    log.append(event("assigned", 9, to_kind="department", to="县住建局", deadline="2026-12-11"))
    handed = fold(log).submissions[ref].public_view()
    assert (handed["deadline_kind"], handed["assign_by"]) == ("answer", from_reopening.isoformat())


def test_the_assign_by_day_says_it_is_not_the_answer_s():
    """Elders read 交办期限 as the day of their answer: the line under it says, first, that it is not, in plain words
    (工作人员, 代表或有关部门), and that the answer's deadline comes at 交办."""
    assert P["assign_by_hint"] == (
        "这不是答复日期：工作人员最迟在这一天把留言交给代表或有关部门办理；交办后会定下答复期限。"
    )


def test_the_tracking_page_with_javascript_says_the_dates_as_the_service_s_pages_do():
    """The site's /track/ page (generator/theme/track.html, filled by JavaScript) words the dates with copies of the
    service's texts (its no-JavaScript pages): one changed without the other would show an elder two wordings."""
    from pathlib import Path

    theme = (Path(__file__).resolve().parent.parent / "generator" / "theme" / "track.html").read_text(encoding="utf-8")
    keys = ("offline", "offline_received", "assign_by", "assign_by_hint", "assigned_on", "deadline", "step_deadline")
    assert [key for key in keys if P[key] not in theme] == []
