"""交办/转办 to a department names it as a handler account does (forms_api/console/units.py): suggested in the form,
a name no account has refused with the close ones named, unless staff confirm the unit has no account yet."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import events
from console_helpers import after_refusal, client_for, console_app, csrf_token
from flask import Flask

from forms_api.messages_cases import UNIT_TEXTS

FREE = "2026-000002"  # to station A, nobody handles it yet
HANDED = "2026-000003"  # handed to 县住建局, whose account is zhujian


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def act(app: Flask, ref: str, action: str, **form: str):
    client = client_for(app, "boss")
    data = {"to_kind": "department", "csrf_token": csrf_token(client, "/staff/")} | form
    return client, client.post(f"/staff/cases/{ref}/{action}", data=data)


@pytest.mark.parametrize("action, ref", [("assign", FREE), ("handover", HANDED)])
def test_a_name_no_handler_account_has_is_refused_naming_the_close_one(app, action, ref):
    before = len(events(app))
    client, response = act(app, ref, action, name="住建局" if action == "assign" else "县住建")
    page = html.unescape(after_refusal(client, response))
    typed = "住建局" if action == "assign" else "县住建"
    assert UNIT_TEXTS["unknown_close"].format(name=typed, close="县住建局") in page
    assert f'value="{typed}"' in page  # what was typed is kept in the form
    assert len(events(app)) == before


@pytest.mark.parametrize("action, ref", [("assign", FREE), ("handover", HANDED)])
def test_a_unit_without_an_account_goes_only_when_confirmed(app, action, ref):
    before = len(events(app))
    client, response = act(app, ref, action, name="县交通局")
    assert UNIT_TEXTS["unknown"].format(name="县交通局") in html.unescape(after_refusal(client, response))
    assert len(events(app)) == before
    _, response = act(app, ref, action, name="县交通局", new_unit="1")
    assert response.status_code == 303
    assert (events(app)[-1]["type"], events(app)[-1]["to"]) == ("assigned", "县交通局")


def test_the_account_s_unit_goes_through_spelt_as_the_account_spells_it(app):
    _, response = act(app, FREE, "assign", name="县 住建局")
    assert response.status_code == 303
    assert events(app)[-1]["to"] == "县住建局"
    listed = client_for(app, "zhujian").get("/staff/cases").get_data(as_text=True)
    assert FREE in listed  # the handler sees it


def test_the_form_suggests_the_accounts_units_only(app):
    """A name once confirmed for a unit without an account is not suggested: picked from the list, it would be
    refused without the box again (walk finding)."""
    act(app, FREE, "assign", name="县交通局", new_unit="1")
    page = client_for(app, "boss").get("/staff/cases/2026-000001").get_data(as_text=True)
    listed = re.search(r'<datalist id="assign-units">(.*?)</datalist>', page, re.S)
    assert listed is not None
    assert re.findall(r'<option value="([^"]+)">', listed[1]) == ["县住建局"]
    assert 'list="assign-units"' in page and UNIT_TEXTS["confirm_assign"] in page


def test_the_hotline_and_deputies_are_not_checked_against_the_accounts(app):
    _, response = act(app, FREE, "assign", to_kind="hotline", name="")
    assert response.status_code == 303 and events(app)[-1]["to_kind"] == "hotline"


@pytest.mark.parametrize("action, ref", [("assign", FREE), ("handover", HANDED)])
def test_a_department_typed_with_the_choice_left_on_the_deputy_is_refused_not_dropped(app, action, ref):
    """The form starts on 人大代表: a staff member who types 县住建局 and presses 交办 must not see the case go to the
    deputy with the name they typed silently dropped (walk finding)."""
    before = len(events(app))
    client, response = act(app, ref, action, to_kind="deputy", deputy="zhang-san", name="县住建局")
    page = html.unescape(after_refusal(client, response))
    assert UNIT_TEXTS["unit_with_deputy"].format(name="县住建局") in page
    assert len(events(app)) == before
