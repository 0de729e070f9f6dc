"""A deputy answers a case addressed to them that nobody handles yet: they take it on (an `assigned` event to
themselves) and answer in ONE append, so every answered case has an assignment; the office and a station still
assign first, and the page says why it shows them no answer form."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import events, make_app
from console_helpers import ACCOUNTS, after_refusal, client_for, csrf_token, fill, make_account
from flask import Flask

from forms_api import messages

A = messages.ACTION_TEXTS


def console(tmp_path: Path, **config: object) -> Flask:
    app = make_app(tmp_path, **config)
    fill(app)
    for login, (role, scope) in ACCOUNTS.items():
        make_account(app, login, role, scope)
    return app


@pytest.mark.parametrize(("review", "answer_type"), [(False, "replied"), (True, "drafted")])
def test_the_addressed_deputy_takes_the_case_on_and_answers(tmp_path, review, answer_type):
    app = console(tmp_path, STAFF_DEPUTY_REVIEW=review)
    deputy, office = client_for(app, "cao"), client_for(app, "boss")
    page = deputy.get("/staff/cases/2026-000001").get_data(as_text=True)  # to cao-wenjie, not assigned
    assert 'name="answer"' in page and A["answer_taken_on_hint"] in page
    token = csrf_token(deputy, "/staff/cases/2026-000001")
    before = events(app)
    sent = deputy.post("/staff/cases/2026-000001/answer", data={"answer": "路灯已报修。", "csrf_token": token})
    assert sent.status_code == 303
    assigned, answered = events(app)[len(before) :]
    assert (assigned["type"], assigned["by"], assigned["to_kind"]) == ("assigned", "cao", "deputy")
    assert (assigned["to"], assigned["deputy"]) == ("曹文杰", "cao-wenjie")
    assert (answered["type"], answered["by"], answered["answer"]) == (answer_type, "cao", "路灯已报修。")
    # the deadline starts as an office's assignment today would: case 4 (to han-sumei) assigned by the office
    office_token = csrf_token(office, "/staff/cases/2026-000004")
    data = {"to_kind": "deputy", "deputy": "han-sumei", "csrf_token": office_token}
    assert office.post("/staff/cases/2026-000004/assign", data=data).status_code == 303
    assert assigned["deadline"] == events(app)[-1]["deadline"]


@pytest.mark.parametrize(("login", "ref"), [("boss", "2026-000002"), ("zhan-a", "2026-000001")])
def test_the_office_and_a_station_still_assign_before_answering(tmp_path, login, ref):
    app = console(tmp_path)
    client = client_for(app, login)
    page = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert 'name="answer"' not in page and A["answer_needs_assignment"] in page  # says why, points to 交办
    token = csrf_token(client, f"/staff/cases/{ref}")
    before = events(app)
    refused = client.post(f"/staff/cases/{ref}/answer", data={"answer": "已答复。", "csrf_token": token})
    assert messages.WORKFLOW_ERRORS["reply_unassigned"] in after_refusal(client, refused)
    assert events(app) == before


def test_a_case_handled_elsewhere_is_never_taken_over(tmp_path):
    """Case 1 handed by the office to the hotline: the deputy it was written to answers without re-assigning it,
    once they tick that they answer a case the hotline handles (test_console_answer_elsewhere.py)."""
    app = console(tmp_path)
    office, deputy = client_for(app, "boss"), client_for(app, "cao")
    data = {"to_kind": "hotline", "csrf_token": csrf_token(office, "/staff/cases/2026-000001")}
    assert office.post("/staff/cases/2026-000001/assign", data=data).status_code == 303
    page = deputy.get("/staff/cases/2026-000001").get_data(as_text=True)
    assert A["answer_taken_on_hint"] not in page
    before = events(app)
    token = csrf_token(deputy, "/staff/cases/2026-000001")
    data = {"answer": "我来答。", "answer_anyway": "1", "csrf_token": token}
    sent = deputy.post("/staff/cases/2026-000001/answer", data=data)
    assert sent.status_code == 303 and [event["type"] for event in events(app)[len(before) :]] == ["replied"]
