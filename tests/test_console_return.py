"""申请退回: the handler (or the deputy) holding a case says it is not theirs, with a reason; an internal event in the
case's history (the console's and `show`'s, never the citizen's); the dashboard's tile and the list's filter of
cases whose return was asked; the office's next 转办 or its explicit decline settles it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import events
from console_helpers import add_event, after_refusal, client_for, console_app, csrf_token
from flask import Flask

from forms_api import messages
from forms_api.cases import fold
from forms_api.messages_cases import CASE_TEXTS
from forms_api.messages_console import HANDOVER_DASHBOARD
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog

A = messages.ACTION_TEXTS
HANDED = "2026-000003"  # to station B, handed to 县住建局 (account zhujian)
CAO = "2026-000001"  # to deputy cao-wenjie
TILE = HANDOVER_DASHBOARD["returning"]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def post(app: Flask, login: str, ref: str, action: str, **form: str):
    client = client_for(app, login)
    return client, client.post(
        f"/staff/cases/{ref}/{action}", data={"csrf_token": csrf_token(client, "/staff/")} | form
    )


def tile(app: Flask, login: str = "boss") -> tuple[int, str]:
    page = client_for(app, login).get("/staff/").get_data(as_text=True)
    found = re.search(r'<a href="([^"]+)"><span class="number">(\d+)</span>' + TILE + "</a>", page)
    assert found is not None, page
    return int(found[2]), html.unescape(found[1])


def test_the_handler_asks_with_a_reason_and_the_office_sees_it(app):
    page = client_for(app, "zhujian").get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert 'id="return_ask"' in page and CASE_TEXTS["return_ask_hint"] in page
    before = len(events(app))
    client, response = post(app, "zhujian", HANDED, "return_ask", reason=" ")
    assert messages.STAFF_TEXT_EMPTY.format(what="原因") in after_refusal(client, response)
    assert len(events(app)) == before
    assert tile(app) == (0, "/staff/cases?mark=returning")

    _, response = post(app, "zhujian", HANDED, "return_ask", reason="路灯归城管局管")
    assert response.status_code == 303
    last = events(app)[-1]
    assert (last["type"], last["by"], last["reason"]) == ("return_asked", "zhujian", "路灯归城管局管")
    mine = client_for(app, "zhujian").get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert 'id="return_ask"' not in mine and CASE_TEXTS["return_waiting"] in mine  # asked once, waiting
    client, again = post(app, "zhujian", HANDED, "return_ask", reason="再问一次")
    assert messages.WORKFLOW_ERRORS["return_pending"] in html.unescape(after_refusal(client, again))

    assert tile(app) == (1, "/staff/cases?mark=returning")
    assert tile(app, "zhan-b")[0] == 1 and tile(app, "zhan-a")[0] == 0  # each sees the cases in its scope
    listed = client_for(app, "boss").get("/staff/cases?mark=returning").get_data(as_text=True)
    assert re.findall(r'href="/staff/cases/(2026-\d{6})"', listed) == [HANDED]
    office = html.unescape(client_for(app, "boss").get(f"/staff/cases/{HANDED}").get_data(as_text=True))
    assert "路灯归城管局管" in office and CASE_TEXTS["return_decide_hint"] in office and 'id="return_decline"' in office
    assert "zhujian（承办单位：县住建局） 申请退回：路灯归城管局管" in office  # the timeline


def test_a_handover_settles_it_and_the_history_keeps_it(app):
    post(app, "zhujian", HANDED, "return_ask", reason="路灯归城管局管")
    _, response = post(app, "boss", HANDED, "handover", to_kind="hotline", name="")
    assert response.status_code == 303
    assert tile(app)[0] == 0
    shown = CliRunner().invoke(main, ["--queue", str(Path(app.config["QUEUE_DIR"])), "show", HANDED])
    assert shown.exit_code == 0
    assert re.search(r"zhujian  申请退回：路灯归城管局管\n.*boss  转办：12345热线", shown.output)
    timeline = fold(events(app)).submissions[HANDED].public_view()["timeline"]
    assert [step["type"] for step in timeline] == ["submitted", "assigned", "assigned"]  # not the citizen's business


def test_the_office_declines_with_a_reason_and_the_handler_keeps_it(app):
    post(app, "zhujian", HANDED, "return_ask", reason="路灯归城管局管")
    _, response = post(app, "boss", HANDED, "return_decline", reason="灯杆在住建局的道路上")
    assert response.status_code == 303
    assert (events(app)[-1]["type"], events(app)[-1]["reason"]) == ("return_declined", "灯杆在住建局的道路上")
    assert tile(app)[0] == 0
    page = html.unescape(client_for(app, "zhujian").get(f"/staff/cases/{HANDED}").get_data(as_text=True))
    assert "不同意退回：灯杆在住建局的道路上" in page and 'id="return_ask"' in page  # may ask again
    declined = re.search(r'<div class="notice" id="return-declined"><p>(.*?)</p>', page)  # above the forms, not
    assert (
        declined is not None and "退回申请未获同意" in declined[1] and "灯杆在住建局的道路上" in declined[1]
    )  # only in 办理经过
    before = len(events(app))
    client, again = post(app, "boss", HANDED, "return_decline", reason="再说一次")  # nothing pending any more
    assert messages.WORKFLOW_ERRORS["return_none"] in html.unescape(after_refusal(client, again))
    assert len(events(app)) == before
    post(app, "zhujian", HANDED, "return_ask", reason="城管局已同意接手")  # asked again: that one is what shows
    page = html.unescape(client_for(app, "zhujian").get(f"/staff/cases/{HANDED}").get_data(as_text=True))
    assert 'id="return-declined"' not in page and 'id="return-pending"' in page


def test_a_deputy_asks_only_for_a_case_assigned_to_them(app):
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    add_event(log, "assigned", CAO, "boss", to_kind="hotline", to="12345", deadline="2099-01-01")
    page = client_for(app, "cao").get(f"/staff/cases/{CAO}").get_data(as_text=True)
    assert 'id="return_ask"' not in page  # addressed to cao, but the hotline handles it
    client, response = post(app, "cao", CAO, "return_ask", reason="不是我的选区")
    assert messages.WORKFLOW_ERRORS["return_not_yours"] in html.unescape(after_refusal(client, response))
    add_event(log, "assigned", CAO, "boss", to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline="2099-01-01")
    assert 'id="return_ask"' in client_for(app, "cao").get(f"/staff/cases/{CAO}").get_data(as_text=True)
    _, response = post(app, "cao", CAO, "return_ask", reason="不是我的选区")
    assert response.status_code == 303 and events(app)[-1]["type"] == "return_asked"
    assert A["return_ask"] == "申请退回"


def test_the_staff_tools_decline_it_as_the_console_does(app):
    queue = ["--queue", str(Path(app.config["QUEUE_DIR"]))]
    refused = CliRunner().invoke(main, [*queue, "decline-return", HANDED, "--reason", "仍归你们", "--by", "办公室"])
    assert (refused.exit_code, refused.stderr) == (1, f"错误：{messages.WORKFLOW_ERRORS['return_none']}\n")
    post(app, "zhujian", HANDED, "return_ask", reason="路灯归城管局管")
    args = [*queue, "decline-return", HANDED, "--reason", "灯杆在住建局的道路上", "--by", "办公室"]
    done = CliRunner().invoke(main, args)
    assert (done.exit_code, done.stdout) == (
        0,
        f"已处理 {HANDED} 的退回申请：不同意退回，仍由职能部门 县住建局办理。\n",
    )
    last = events(app)[-1]
    assert (last["type"], last["by"], last["reason"]) == ("return_declined", "办公室", "灯杆在住建局的道路上")
    assert tile(app)[0] == 0
