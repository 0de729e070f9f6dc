"""The dates a case shows, as a citizen and staff read them (walk findings): a case registered offline (线下登记) says
how it came in, the day the citizen said it and when it was registered, on the tracking page and the staff's, never a
提交时间 that is one while the history shows the other. Real app, real store, no mocks."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import events
from console_helpers import client_for, console_app, csrf_token
from flask import Flask
from test_console_intake import good

from forms_api import messages
from forms_api.cases import TZ, now, parse_at
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
