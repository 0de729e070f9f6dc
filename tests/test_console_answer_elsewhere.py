"""Answering a case someone else handles (a department, the hotline, another deputy): the page says who has it and
whether a 办理结果 is in, and a station worker's or a deputy's answer goes only when they tick that they answer
anyway; the office, which answers from what the handlers did, is not asked."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from conftest import events
from console_helpers import add_event, after_refusal, client_for, console_app, csrf_token
from flask import Flask

from forms_api.messages_cases import CASE_TEXTS
from forms_api.store.folder import EventLog

HANDED = "2026-000003"  # to station B, handed to 县住建局
CAO = "2026-000001"  # to deputy cao-wenjie


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def log(app: Flask) -> EventLog:
    return EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)


def answer(app: Flask, login: str, ref: str, **form: str):
    client = client_for(app, login)
    data = {"answer": "路灯已修好。", "csrf_token": csrf_token(client, "/staff/")} | form
    return client, client.post(f"/staff/cases/{ref}/answer", data=data)


@pytest.mark.parametrize("with_result", [False, True])
def test_a_station_worker_answers_a_department_s_case_only_when_ticked(app, with_result):
    if with_result:
        add_event(log(app), "noted", HANDED, "zhujian", note="已更换灯泡。", result=True)
    shown = html.unescape(client_for(app, "zhan-b").get(f"/staff/cases/{HANDED}").get_data(as_text=True))
    result = CASE_TEXTS["has_result" if with_result else "no_result"]
    assert CASE_TEXTS["held_by"].format(holder="职能部门 县住建局", result=result) in shown
    assert shown.index('id="held-elsewhere"') < shown.index('id="answer-answer"')  # above the answer box
    before = len(events(app))
    client, response = answer(app, "zhan-b", HANDED)
    page = html.unescape(after_refusal(client, response))
    assert CASE_TEXTS["answer_elsewhere"].format(holder="职能部门 县住建局", result=result) in page
    assert "路灯已修好。" in page  # what was typed is kept
    assert len(events(app)) == before
    _, response = answer(app, "zhan-b", HANDED, answer_anyway="1")
    assert response.status_code == 303
    assert (events(app)[-1]["type"], events(app)[-1]["by"]) == ("replied", "zhan-b")


def test_a_deputy_answers_a_case_handed_elsewhere_only_when_ticked_and_their_own_freely(app):
    add_event(log(app), "assigned", CAO, "boss", to_kind="hotline", to="12345", deadline="2099-01-01")
    _, response = answer(app, "cao", CAO)
    assert response.status_code == 303 and events(app)[-1]["type"] == "assigned"  # refused: nothing written
    add_event(
        log(app), "assigned", CAO, "boss", to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline="2099-01-01"
    )
    page = client_for(app, "cao").get(f"/staff/cases/{CAO}").get_data(as_text=True)
    assert 'id="held-elsewhere"' not in page
    _, response = answer(app, "cao", CAO)
    assert response.status_code == 303 and events(app)[-1]["type"] == "replied"


def test_the_office_answers_from_the_handler_s_result_without_a_tick(app):
    page = client_for(app, "boss").get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert 'id="held-elsewhere"' not in page
    _, response = answer(app, "boss", HANDED)
    assert response.status_code == 303 and events(app)[-1]["type"] == "replied"
