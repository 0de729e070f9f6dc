"""Staff read Chinese, never raw ids, logins alone or the API's JSON: the console's 404 under /staff/, who acted in a
case's timeline and on the 交办单 (an account's role and scope beside its login), an offline case's first step."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import events
from console_helpers import client_for, console_app, csrf_token
from flask import Flask
from test_console_intake import good

from forms_api import messages


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


@pytest.mark.parametrize("login", [None, "boss"])
def test_an_unknown_staff_page_is_the_console_s_chinese_404(app, login):
    response = client_for(app, login).get("/staff/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert messages.CONSOLE_TEXTS["not_found"] in text and '{"error"' not in text
    api = app.test_client().get("/api/no-such-route")
    assert api.status_code == 404 and api.is_json  # the public API answers as before


def test_an_offline_case_s_timeline_names_the_registration_and_who_made_it(app):
    worker = client_for(app, "zhan-a")
    token = csrf_token(worker, "/staff/intake")
    assert worker.post("/staff/intake", data=good() | {"csrf_token": token}).status_code == 303
    ref = events(app)[-1]["ref"]
    page = client_for(app, "boss").get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert "zhan-a（联络站工作人员：东溪代表联络站） 线下登记（接待日）" in page
    assert "提交留言" not in page


def test_the_handover_slip_names_who_handed_it_by_role(app):
    office = client_for(app, "boss")
    data = {"to_kind": "department", "name": "县水利局", "new_unit": "1", "csrf_token": csrf_token(office, "/staff/")}
    assert office.post("/staff/cases/2026-000002/assign", data=data).status_code == 303
    slip = office.get("/staff/cases/2026-000002/slip").get_data(as_text=True)
    assert "<td>boss（代表工作机构）</td>" in slip
    timeline = office.get("/staff/cases/2026-000002").get_data(as_text=True)
    assert "boss（代表工作机构） 交办" in timeline
