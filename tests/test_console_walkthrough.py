"""What a walk through the back office at phone size found, each fixed with a test: the deputy picked by name (not a
typed pinyin id; namesakes told apart), a refusal shown at the top with what was typed kept, and more below.
Real app, real store, no mocks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import events
from console_helpers import client_for, console_app, csrf_token
from flask import Flask

from forms_api import messages
from forms_api.messages_console import STAFF_TEXTS

A = messages.ACTION_TEXTS
S = STAFF_TEXTS
# two namesakes at station A, a third at station B (besides cao-wenjie at A and han-sumei at B)
NAMESAKES = [
    {"id": "li-ming", "name": "李明", "current": True, "stations": ["dongxi-zhan"]},
    {"id": "li-ming-2", "name": "李明", "current": True, "stations": ["dongxi-zhan"]},
    {"id": "li-ming-nanshan", "name": "李明", "current": True, "stations": ["nanshan-zhan"]},
    {"id": "zhou-lan", "name": "周兰", "current": False, "stations": ["dongxi-zhan"]},  # a former deputy
]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    data = Path(app.config["SITE_DIR"]) / "data" / "deputies.json"
    site = json.loads(data.read_text(encoding="utf-8"))
    site["deputies"] += NAMESAKES
    data.write_text(json.dumps(site, ensure_ascii=False), encoding="utf-8")
    return app


def post(client, ref: str, action: str, data: dict):
    token = csrf_token(client, f"/staff/cases/{ref}")
    return client.post(f"/staff/cases/{ref}/{action}", data=dict(data) | {"csrf_token": token})


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    block = re.search(rf'<select id="{select_id}" name="deputy">(.*?)</select>', page, re.S)
    assert block, page
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block[1])


def test_the_picker_offers_the_deputies_of_the_cases_station_by_name(app):
    office = client_for(app, "boss")
    page = office.get("/staff/cases/2026-000002").get_data(as_text=True)  # to station A
    assert options(page, "assign-deputy") == [
        ("", S["deputy_pick_none"]),
        ("cao-wenjie", "曹文杰（东溪代表联络站）"),  # by id: pinyin order
        ("li-ming", "李明（东溪代表联络站），编号 li-ming"),  # namesakes at one station: the id tells them apart
        ("li-ming-2", "李明（东溪代表联络站），编号 li-ming-2"),
    ]
    page = office.get("/staff/cases/2026-000004").get_data(as_text=True)  # to deputy han-sumei of station B
    assert options(page, "assign-deputy") == [
        ("", S["deputy_pick_none"]),
        ("han-sumei", "韩素梅（南山代表联络站）"),
        ("li-ming-nanshan", "李明（南山代表联络站）"),
    ]
    assert '<option value="han-sumei" selected>' in page  # the case's own deputy, preselected
    assert "韩素梅（代表）" in page and "deputy:han-sumei" not in page  # the target by name, not by id


def test_a_deputy_typed_by_chinese_name_is_found_and_namesakes_are_asked_for(app):
    office = client_for(app, "boss")
    before = len(events(app))
    done = post(office, "2026-000002", "assign", {"to_kind": "deputy", "deputy": "", "deputy_other": "韩素梅"})
    assert done.status_code == 303
    assert (events(app)[-1]["deputy"], events(app)[-1]["to"]) == ("han-sumei", "韩素梅")

    before = len(events(app))
    several = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy_other": "李明"})
    page = several.get_data(as_text=True)
    assert several.status_code == 400 and len(events(app)) == before  # nothing written
    message = S["deputy_ambiguous"].format(
        name="李明",
        count=3,
        deputies="；".join(
            [
                "李明（东溪代表联络站），编号 li-ming",
                "李明（东溪代表联络站），编号 li-ming-2",
                "李明（南山代表联络站），编号 li-ming-nanshan",
            ]
        ),
    )
    assert message in page
    for unknown in ("王五", "周兰", "zhou-lan"):  # nobody of that name; a former deputy by name and by id
        refused = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy_other": unknown})
        assert refused.status_code == 400 and S["deputy_unknown"].format(name=unknown) in refused.get_data(as_text=True)
    assert len(events(app)) == before
    chosen = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy_other": "li-ming-nanshan"})
    assert chosen.status_code == 303 and events(app)[-1]["deputy"] == "li-ming-nanshan"


def test_a_refusal_shows_at_the_top_and_keeps_what_was_typed(app):
    office = client_for(app, "boss")
    form = {"to_kind": "department", "name": "", "complex": "1", "deadline": "2099-03-01"}  # a department needs a name
    refused = post(office, "2026-000002", "assign", form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    top = page.index('role="alert"')
    assert top < page.index('<div class="card">') < page.index('id="assign"')  # above the case, not 1000 px down
    assert '<a href="#assign">' + S["to_form"].format(action=A["assign"]) + "</a>" in page[top:]
    assign = page[page.index('id="assign"') : page.index("</form>", page.index('id="assign"'))]
    assert 'name="complex" value="1" checked' in assign and 'value="2099-03-01"' in assign
    assert 'value="department" checked' in assign and 'class="alert"' in assign  # the message beside the form too

    answer = post(office, "2026-000002", "answer", {"answer": "   "})
    assert answer.status_code == 400
    note = post(office, "2026-000002", "note", {"note": "\x07"})
    page = note.get_data(as_text=True)
    assert note.status_code == 400 and '<a href="#note">' in page
    assert 'name="complex" value="1" checked' not in page  # the assign form is as the case is, not as posted
