"""Notifications in the back office (issue 14): offline intake offers the citizen's SMS choice as the site's form
does (only with an SMS sender, only to a mobile), and the office's dashboard shows notifications that failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import events, make_app
from console_helpers import ACCOUNTS, client_for, csrf_token, fill, make_account
from flask import Flask
from test_console_intake import good

from forms_api import messages_console, messages_notify
from forms_api.cases import outbox

I = messages_console.INTAKE_TEXTS  # noqa: E741


def console(tmp_path: Path, **config: str) -> Flask:
    app = make_app(tmp_path, **({"SITE_URL": "https://daibiao.example.org/"} | config))
    fill(app)
    for login, (role, scope) in ACCOUNTS.items():
        make_account(app, login, role, scope)
    return app


def register(app: Flask, **changes: str):
    client = client_for(app, "zhan-a")
    return client.post("/staff/intake", data=good(**changes) | {"csrf_token": csrf_token(client, "/staff/intake")})


@pytest.mark.parametrize("on", [True, False])
def test_intake_offers_sms_only_with_a_sender(tmp_path: Path, on: bool) -> None:
    app = console(tmp_path, **({"NOTIFY_SMS": "log"} if on else {}))
    form = client_for(app, "zhan-a").get("/staff/intake").get_data(as_text=True)
    assert ('name="notify"' in form) is on and (I["notify"] in form) is on
    assert register(app, notify="1").status_code == 303  # to the slip (POST/redirect/GET)
    submitted = [e for e in events(app) if e["type"] == "submitted"][-1]
    assert submitted.get("notify") is (True if on else None)


def test_intake_sms_needs_a_mobile(tmp_path: Path) -> None:
    app = console(tmp_path, NOTIFY_SMS="log")
    response = register(app, notify="1", phone="0731-12345678")
    assert response.status_code == 400
    assert I["notify_mobile"] in response.get_data(as_text=True)


def test_intake_with_sms_then_assigned_tells_the_citizen(tmp_path: Path) -> None:
    app = console(tmp_path, NOTIFY_SMS="log")
    assert register(app, notify="1").status_code == 303  # to the slip (POST/redirect/GET)
    ref = [e for e in events(app) if e["type"] == "submitted"][-1]["ref"]
    client = client_for(app, "boss")
    token = csrf_token(client, f"/staff/cases/{ref}")
    form = {"csrf_token": token, "to_kind": "department", "name": "县住建局"}  # 交办 by the office
    assert client.post(f"/staff/cases/{ref}/assign", data=form).status_code in (200, 303)
    tail = events(app)[-2:]
    assert [e["type"] for e in tail] == ["assigned", "notice"]
    assert (tail[1]["to"], tail[1]["template"]) == ("citizen", "assigned")
    page = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert "<h2>通知</h2>" in page and "短信“已交办”→ 留言人：待发</li>" in page
    assert "13912340000" not in page  # the phone only after the personal-data button, never in the notices
    store = app.extensions["forms_api"].store
    for attempt in (1, 2):
        store.append(
            lambda state, n=attempt: outbox.outbox_event(outbox.ATTEMPT, "notify", id=tail[1]["id"], attempt=n)
        )
    store.append(lambda state: outbox.outbox_event(outbox.FAILED, "notify", id=tail[1]["id"], error="aliyun: isv.X"))
    page = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert "短信“已交办”→ 留言人：失败（已发 2 次），最近一次失败：aliyun: isv.X</li>" in page


def test_the_office_sees_failed_notifications(tmp_path: Path) -> None:
    app = console(tmp_path, NOTIFY_SMS="log")
    store = app.extensions["forms_api"].store
    [note] = store.append(lambda state: outbox.notice("2026-000001", "citizen", "sms", "replied", {}, "t", None))
    store.append(lambda state: outbox.outbox_event(outbox.FAILED, outbox.WORKER, id=note["id"], error="x"))
    line = messages_notify.CONSOLE_FAILED.format(count=1)
    assert line in client_for(app, "boss").get("/staff/").get_data(as_text=True)
    assert line not in client_for(app, "zhan-a").get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("notify", ["1", ""], ids=["asked", "not-asked"])
def test_the_slip_confirms_the_sms_asked_for(tmp_path: Path, notify: str) -> None:
    """What the citizen takes home says that SMS were asked for, as the site's receipt does."""
    app = console(tmp_path, NOTIFY_SMS="log")
    client = client_for(app, "zhan-a")
    data = good(notify=notify) | {"csrf_token": csrf_token(client, "/staff/intake")}
    slip = client.post("/staff/intake", data=data, follow_redirects=True).get_data(as_text=True)
    assert 'id="tracking-code"' in slip and (I["slip_notify_on"] in slip) is bool(notify)
