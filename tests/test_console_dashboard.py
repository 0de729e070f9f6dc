"""The dashboard (概览) of each role: the tiles of what it can see and do, no tile of the office's work it only waits
on or never sees (交办, 审核, a handler's result, 申请退回), and each tile's count the number of cases its link lists
for that account. Real app, real store, no mocks."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from console_helpers import ACCOUNTS, add_event, client_for, console_app
from flask import Flask

from forms_api import messages
from forms_api.cases import new_code, now
from forms_api.store.folder import EventLog

TILE = re.compile(r'<li><a href="([^"]+)"><span class="number">(\d+)</span>([^<]+)</a></li>')
TODAY = now().date().isoformat()
STATUS = ["待受理", "办理中", "逾期", "即将到期", "已答复", "已办结", "重新办理", "督办"]
OFFICE = [*STATUS, "待审核", "有办理结果待处理", "已催办", "申请退回待处理"]
# login -> {tile: count} in the order shown, over the cases of `more` and console_helpers.fill
EXPECTED = {
    "boss": dict(zip(OFFICE, (3, 4, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1), strict=True)),
    "zhan-a": dict(zip([*STATUS, *OFFICE[-3:]], (2, 3, 1, 1, 0, 1, 0, 0, 1, 2, 1), strict=True)),
    "zhan-b": dict(zip([*STATUS, *OFFICE[-3:]], (1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0), strict=True)),
    "cao": dict(zip(["写给您、尚未交办", *STATUS[1:], "已催办"], (1, 2, 1, 0, 0, 1, 0, 0, 1), strict=True)),
    "zhujian": dict(zip([*STATUS[1:], "已催办"], (2, 0, 1, 1, 1, 1, 1, 1), strict=True)),
}


def more(app: Flask) -> None:
    """Cases 5-11, so that every tile counts something for someone: to deputy 曹文杰 (station A) one he holds, overdue,
    urged, whose 申请退回 waits; one with his draft waiting for review, and one closed with its draft left over; to
    station A one handed to 县住建局, due today, with its result in and urged; to station B three handed to 县住建局:
    answered twice with two 不满意 (督办), answered and closed, reopened by a 不满意."""
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    cao = {"to_kind": "deputy", "to": "曹文杰", "deputy": "cao-wenjie"}
    zhujian = {"to_kind": "department", "to": "县住建局"}
    later = {"deadline": "2099-01-01"}
    answer, unsatisfied = ("replied", {"answer": "修好了。"}), ("rated", {"rating": messages.RATING_REOPENS})
    draft = ("drafted", {"answer": "已报修。"})
    cases = [
        (
            "deputy:cao-wenjie",
            cao | {"deadline": "2000-01-01"},
            [("urged", {}), ("return_asked", {"reason": "不归我"})],
        ),
        ("deputy:cao-wenjie", cao | later, [draft]),
        ("deputy:cao-wenjie", cao | later, [draft, ("closed", {})]),
        (
            "station:dongxi-zhan",
            zhujian | {"deadline": TODAY},
            [("noted", {"note": "已修", "result": True}), ("urged", {})],
        ),
        ("station:nanshan-zhan", zhujian | later, [answer, unsatisfied, answer, unsatisfied]),
        ("station:nanshan-zhan", zhujian | later, [answer, ("closed", {})]),
        ("station:nanshan-zhan", zhujian | later, [answer, unsatisfied]),
    ]
    for number, (target, assigned, steps) in enumerate(cases, start=5):
        ref = f"2026-{number:06d}"
        submitted = {"code": new_code(), "target": target, "category": "求助", "text": f"路灯坏了 第{number}件"}
        add_event(log, "submitted", ref, "citizen", **submitted, phone="", anonymous=False)
        add_event(log, "assigned", ref, "李办事员", **assigned)
        for kind, fields in steps:
            add_event(log, kind, ref, "citizen" if kind == "rated" else "李办事员", **fields)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    more(app)
    return app


def tiles(client) -> list[tuple[str, int, str]]:
    page = client.get("/staff/").get_data(as_text=True)
    return [(label, int(number), html.unescape(href)) for href, number, label in TILE.findall(page)]


@pytest.mark.parametrize("login", list(ACCOUNTS))
def test_each_role_sees_its_tiles_each_counting_what_its_link_lists(app, login):
    client = client_for(app, login)
    shown = tiles(client)
    assert {label: number for label, number, _ in shown} == EXPECTED[login]
    assert [label for label, _, _ in shown] == list(EXPECTED[login])  # in the office's order
    for label, number, href in shown:
        listed = client.get(href).get_data(as_text=True)
        assert f"共 {number} 条" in listed, (login, label, href)
        assert len(set(re.findall(r'href="/staff/cases/(2026-\d{6})"', listed))) == number, (login, label)


def test_a_handler_and_a_deputy_see_none_of_the_office_s_queues(app):
    """What a handler never sees (待受理) or only waits on (审核, its own result and 申请退回 awaiting the office) is
    no tile of its; a deputy's 待受理 are the cases written to them that they may answer, and say so."""
    office_only = {"待受理", "待审核", "有办理结果待处理", "申请退回待处理"}
    handler = {label for label, _, _ in tiles(client_for(app, "zhujian"))}
    assert not handler & office_only and {"办理中", "逾期", "已催办"} <= handler
    deputy = tiles(client_for(app, "cao"))
    assert not {label for label, _, _ in deputy} & office_only
    assert deputy[0] == ("写给您、尚未交办", 1, "/staff/cases?status=submitted")
    station = {label for label, _, _ in tiles(client_for(app, "zhan-a"))}
    assert "待审核" not in station and {"待受理", "有办理结果待处理", "申请退回待处理"} <= station
