"""The department's result where the answer is written: the latest 办理结果 right above the answer box, the
有办理结果待处理 badge linked to it, and an answer started from it without JavaScript (a button of the answer form:
the page comes back with the box filled, nothing in the URL, nothing stored)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from console_helpers import add_event, client_for, console_app, csrf_token
from flask import Flask

from forms_api.messages_cases import CASE_TEXTS
from forms_api.store.folder import EventLog

HANDED = "2026-000003"  # handed to 县住建局


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    add_event(log, "noted", HANDED, "zhujian", note="先派人查看。", result=True)
    add_event(log, "noted", HANDED, "zhujian", note="已更换灯泡，路灯恢复照明。", result=True)
    return app


def test_the_latest_result_sits_above_the_answer_box_and_the_badge_links_to_it(app):
    page = client_for(app, "boss").get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert re.search(r'<a class="marker result" href="#latest-result">', page)
    block = page[page.index('id="latest-result"') : page.index('id="answer-answer"')]  # before the answer box
    assert "已更换灯泡，路灯恢复照明。" in block and "先派人查看。" not in block
    assert page.index('id="answer"') < page.index('id="latest-result"')  # inside the answer form
    assert CASE_TEXTS["from_result"] in block


def test_the_handler_s_badge_links_to_the_results_list(app):
    page = client_for(app, "zhujian").get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert '<a class="marker result" href="#results">' in page and '<h2 id="results">' in page


def test_an_answer_starts_from_the_result_keeping_what_was_typed(app):
    client = client_for(app, "boss")
    data = {"answer": "您好：", "from_result": "1", "csrf_token": csrf_token(client, "/staff/")}
    response = client.post(f"/staff/cases/{HANDED}/template", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/cases/{HANDED}#answer"  # no text in the URL
    page = html.unescape(client.get(f"/staff/cases/{HANDED}").get_data(as_text=True))
    box = re.search(r'<textarea id="answer-answer"[^>]*>(.*?)</textarea>', page, re.S)
    assert box is not None and box[1] == "您好：\n\n已更换灯泡，路灯恢复照明。"
    again = {"answer": box[1], "from_result": "1", "csrf_token": csrf_token(client, "/staff/")}
    client.post(f"/staff/cases/{HANDED}/template", data=again)  # the button pressed a second time
    page = html.unescape(client.get(f"/staff/cases/{HANDED}").get_data(as_text=True))
    box = re.search(r'<textarea id="answer-answer"[^>]*>(.*?)</textarea>', page, re.S)
    assert box is not None and box[1] == "您好：\n\n已更换灯泡，路灯恢复照明。"  # not the result twice
