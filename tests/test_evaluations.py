"""Constituents' yearly evaluation of a deputy (POST /api/evaluations): one per phone number, deputy and year, no
phone number in the queue, the key file and its way through backup and restore, retention, the fold and the staff's
statistics.
"""

from __future__ import annotations

import json
import re
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import events, make_app
from flask import Flask
from flask.testing import FlaskClient

from forms_api import cases, messages
from forms_api.cases import TZ, State, make_evaluation
from forms_api.staff.cli import main
from forms_api.store import QueueUnavailable, keys
from forms_api.store.folder import EventLog

pytestmark = pytest.mark.usefixtures("no_forms_environment")

PHONE = "13912345678"
GOOD = {
    "target": "deputy:cao-wenjie",
    "rating": "满意",
    "comment": "经常到联络站接待群众，反映的问题都有回音。",
    "phone": "139 1234 5678",
    "consent": True,
}
TWICE = messages.API_ERRORS["evaluated_twice"]


def evaluate(client: FlaskClient, **changes: Any) -> Any:
    body = {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}
    return client.post("/api/evaluations", json=body)


def queue_dir(app: Flask) -> Path:
    return Path(app.config["QUEUE_DIR"])


def key_path(app: Flask) -> Path:
    """The evaluations key file by default: beside the queue folder, never in it."""
    return queue_dir(app).parent / keys.KEY_NAME


def raw_queue(app: Flask) -> bytes:
    return b"".join(path.read_bytes() for path in queue_dir(app).iterdir() if path.is_file())


def this_year() -> int:
    return cases.now().year


# --- the endpoint -----------------------------------------------------------------------------------------------------
def test_evaluate_json(app: Flask, client: FlaskClient) -> None:
    response = evaluate(client)
    assert response.status_code == 201
    assert response.json == {"target": "deputy:cao-wenjie", "year": this_year(), "rating": "满意"}
    [event] = events(app)
    assert set(event) == {"type", "at", "by", "target", "year", "rating", "comment", "voter"}
    assert (event["type"], event["by"], event["target"]) == ("evaluated", "citizen", "deputy:cao-wenjie")
    assert event["year"] == this_year() == cases.parse_at(event["at"]).astimezone(TZ).year
    assert event["comment"] == GOOD["comment"]
    key = bytes.fromhex(keys.read_key_file(key_path(app)) or "")
    assert event["voter"] == cases.voter(key, PHONE, "deputy:cao-wenjie", this_year())
    assert "ref" not in event


def test_second_evaluation_same_phone_same_deputy_same_year_is_409(app: Flask, client: FlaskClient) -> None:
    assert evaluate(client).status_code == 201
    again = evaluate(client, phone="+86 139-1234-5678", rating="不满意", comment="")  # the same number, spelt otherwise
    assert again.status_code == 409
    assert again.json == {"error": TWICE}
    assert TWICE.startswith("这个手机号码今年已经评价过这位代表")
    assert len(events(app)) == 1


def test_another_deputy_or_phone_is_accepted(app: Flask, client: FlaskClient) -> None:
    assert evaluate(client).status_code == 201
    assert evaluate(client, target="deputy:han-sumei").status_code == 201
    assert evaluate(client, phone="13800138000").status_code == 201
    assert evaluate(client, target="deputy:han-sumei").status_code == 409
    voters = [event["voter"] for event in events(app)]
    assert len(voters) == len(set(voters)) == 3


def test_last_years_evaluation_does_not_count_this_year(app: Flask, client: FlaskClient) -> None:
    """An evaluation from last year by the same phone (hashed with the real key) leaves this year open; one from this
    year, stored the same way, closes it."""
    directory = queue_dir(app)
    key = bytes.fromhex(EventLog(directory).evaluations_key() or "")
    last = this_year() - 1
    voter = cases.voter(key, PHONE, "deputy:cao-wenjie", last)
    when = datetime(last, 6, 1, 10, 0, tzinfo=TZ)
    EventLog(directory).append(lambda state: make_evaluation("deputy:cao-wenjie", last, "不满意", voter, when))

    assert evaluate(client).status_code == 201
    assert evaluate(client).status_code == 409
    assert [(event["year"], event["rating"]) for event in events(app)] == [(last, "不满意"), (this_year(), "满意")]


def test_the_queue_never_holds_the_phone_number(app: Flask, client: FlaskClient) -> None:
    phones = ["13912345678", "13800138000", "15000001111"]
    for phone in phones:
        for target in ("deputy:cao-wenjie", "deputy:han-sumei"):
            assert evaluate(client, phone=phone, target=target, comment="").status_code == 201
            assert evaluate(client, phone=phone, target=target).status_code == 409
    data = raw_queue(app)  # every file in the queue folder: the log, the lock, the key
    for phone in phones:
        for spelling in (phone, phone[-8:], phone[3:], f"{phone[:3]} {phone[3:7]} {phone[7:]}"):
            assert spelling.encode() not in data
    assert len(events(app)) == 6


def test_key_file_is_private_and_made_once(app: Flask, client: FlaskClient) -> None:
    assert not key_path(app).exists()
    evaluate(client)
    assert not (queue_dir(app) / keys.KEY_NAME).exists()  # outside the queue folder (issue 13)
    path = key_path(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", text)
    evaluate(client, target="deputy:han-sumei")
    assert path.read_text() == text
    assert sorted(p.name for p in queue_dir(app).iterdir() if p.name.endswith(".tmp")) == []


def test_damaged_key_is_503_never_replaced(app: Flask, client: FlaskClient) -> None:
    EventLog(queue_dir(app))
    path = key_path(app)
    path.write_text("not a key\n")
    response = evaluate(client)
    assert response.status_code == 503
    assert path.read_text() == "not a key\n" and events(app) == []
    with pytest.raises(QueueUnavailable):
        keys.key_file(path)


def test_form_post_without_javascript(app: Flask, client: FlaskClient) -> None:
    form = {**GOOD, "consent": "on", "website": ""}
    response = client.post("/api/evaluations", data=form)
    assert response.status_code == 201
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>评价已提交</h1>" in page
    assert "曹文杰" in page  # the deputy's name from the site's open data
    assert f'<dd id="evaluation-year">{this_year()} 年</dd>' in page
    assert '<dd id="evaluation-rating">满意</dd>' in page
    assert PHONE not in page
    assert len(events(app)) == 1

    again = client.post("/api/evaluations", data=form)
    assert again.status_code == 409
    assert again.mimetype == "text/html"
    assert TWICE in again.get_data(as_text=True)
    hints = (messages.PAGE_TEXTS["back_hint"], messages.PAGE_TEXTS["back_keep_hint"])
    assert not [hint for hint in hints if hint in again.get_data(as_text=True)]  # nothing to correct: no Back

    wrong = client.post("/api/evaluations", data={**form, "phone": "010-12345678", "consent": "off"})
    assert wrong.status_code == 400 and wrong.mimetype == "text/html"
    text = wrong.get_data(as_text=True)
    assert "<strong>手机号码</strong>：手机号码格式不正确：请填写 11 位手机号码。" in text  # as the field is called
    assert "<strong>同意隐私说明</strong>：请阅读并同意隐私说明后再提交。" in text
    assert len(events(app)) == 1


def test_honeypot_looks_accepted_and_stores_nothing(app: Flask, client: FlaskClient) -> None:
    response = evaluate(client, website="http://spam.example")
    assert response.status_code == 201
    assert response.json == {"target": "deputy:cao-wenjie", "year": this_year(), "rating": "满意"}
    assert events(app) == []
    assert evaluate(client).status_code == 201  # the real one is not blocked by the fake


INVALID = [
    ({"target": ...}, "target", "请选择留言对象。"),
    ({"target": "station:dongxi-zhan"}, "target", "年度满意度评价只针对人大代表，请从代表的页面评价。"),
    ({"target": "deputy:li-former"}, "target", "这位代表已离任，不再接收留言，请向所在地的代表联络站留言。"),
    ({"target": "deputy:nobody"}, "target", "找不到这位代表或这个联络站，请从代表或联络站的页面留言。"),
    ({"rating": ...}, "rating", "请选择评价：满意、基本满意或不满意。"),
    ({"rating": "很满意"}, "rating", "请选择评价：满意、基本满意或不满意。"),
    ({"comment": "长" * 501}, "comment", "评价意见不能超过 500 个字。"),
    ({"comment": "好\x1b[2J"}, "comment", "评价意见含有无法识别的字符（如控制字符），请删除后重试。"),
    ({"phone": ...}, "phone", "请填写手机号码。"),
    ({"phone": "010-12345678"}, "phone", "手机号码格式不正确：请填写 11 位手机号码。"),
    ({"phone": "12800138000"}, "phone", "手机号码格式不正确：请填写 11 位手机号码。"),
    ({"phone": "1" * 40}, "phone", "手机号码格式不正确：请填写 11 位手机号码。"),
    ({"phone": 13912345678}, "phone", "联系电话格式不正确。"),
    ({"consent": ...}, "consent", "请阅读并同意隐私说明后再提交。"),
    ({"consent": False}, "consent", "请阅读并同意隐私说明后再提交。"),
    ({"name": "李女士"}, "name", "不支持这一项，请使用网页上的表单提交。"),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), INVALID, ids=[f"{f}-{i}" for i, (_, f, _) in enumerate(INVALID)]
)
def test_invalid_field(app: Flask, client: FlaskClient, changes: dict, field: str, message: str) -> None:
    response = evaluate(client, **changes)
    assert response.status_code == 400
    assert response.json == {"errors": {field: message}}
    assert events(app) == []
    assert not key_path(app).exists()


def test_foreign_origin_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/evaluations", json=GOOD, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert events(app) == []


def test_rate_limited_in_a_bucket_of_its_own(tmp_path: Path) -> None:
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="2 per minute").test_client()
    statuses = [evaluate(client, phone=f"1390000000{n}").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    submission = {"target": "deputy:cao-wenjie", "category": "意见", "text": "路灯坏了一个多月。"}
    submission |= {"phone": PHONE, "consent": True}
    assert client.post("/api/submissions", json=submission).status_code == 201


# --- the fold ---------------------------------------------------------------------------------------------------------
def voter(n: int = 0) -> str:
    return cases.voter(b"k" * 32, f"1390000000{n}", "deputy:zhang-san", 2026)


def test_fold_ignores_a_second_evaluation_by_the_same_voter_and_malformed_ones() -> None:
    state = State()
    at = "2026-03-01T10:00:00+08:00"
    good = make_evaluation("deputy:zhang-san", 2026, "满意", voter(), at, comment="好")
    assert state.apply(good) is True
    assert state.apply(good | {"rating": "不满意"}) is False  # the same voter again
    bad = [
        good | {"voter": voter(1), "target": "station:qingshi-zhan"},
        good | {"voter": voter(2), "target": "deputy:张三 13912345678"},
        good | {"voter": voter(3), "year": "2026"},
        good | {"voter": voter(4), "year": True},
        good | {"voter": voter(5), "rating": "很满意"},
        good | {"voter": voter(6), "at": "yesterday"},
        {k: v for k, v in good.items() if k != "target"} | {"voter": voter(7)},
    ]
    assert [state.apply(event) for event in bad] == [False] * len(bad)
    assert state.apply(good | {"voter": None, "comment": None}) is True  # purged ones are still counted
    assert [(e.target, e.year, e.rating) for e in state.evaluations] == [("deputy:zhang-san", 2026, "满意")] * 2
    assert state.submissions == {} and state.ignored_events == 8
    assert "好" not in repr(state.evaluations[0]) and voter() not in repr(state.evaluations[0])
    assert state.has_evaluated(voter()) and not state.has_evaluated(voter(1))


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("station:x", 2026, "满意", "0" * 64), "bad deputy target"),
        (("deputy:x", 26, "满意", "0" * 64), "bad year"),
        (("deputy:x", 2026, "好", "0" * 64), "rating must be one of"),
        (("deputy:x", 2026, "满意", "13912345678"), "voter must be a keyed hash"),
    ],
)
def test_make_evaluation_checks_its_fields(args: tuple, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        make_evaluation(*args)


def test_voter_depends_on_phone_deputy_year_and_key() -> None:
    key = b"k" * 32
    base = cases.voter(key, PHONE, "deputy:a", 2026)
    others = [
        cases.voter(key, "13912345679", "deputy:a", 2026),
        cases.voter(key, PHONE, "deputy:b", 2026),
        cases.voter(key, PHONE, "deputy:a", 2027),
        cases.voter(b"j" * 32, PHONE, "deputy:a", 2026),
    ]
    assert re.fullmatch(r"[0-9a-f]{64}", base) and base not in others and len(set(others)) == 4
    assert base == cases.voter(key, PHONE, "deputy:a", 2026)


# --- staff tools: list, export, stats, backup, restore, purge ---------------------------------------------------------
def cli(*args: str):
    return CliRunner().invoke(main, list(args), env={"FORMS_RETENTION_DAYS": None, "FORMS_STAFF": None})


@pytest.fixture
def mixed(app: Flask, client: FlaskClient) -> Path:
    """A queue with one message and three evaluations made through the API."""
    message = {"target": "deputy:cao-wenjie", "category": "意见", "text": "路灯坏了一个多月。", "phone": PHONE}
    assert client.post("/api/submissions", json=message | {"consent": True}).status_code == 201
    for n, rating in enumerate(["满意", "基本满意", "满意"]):
        assert evaluate(client, phone=f"1390000000{n}", rating=rating).status_code == 201
    return queue_dir(app)


def test_staff_list_export_and_stats_with_evaluations(mixed: Path, tmp_path: Path) -> None:
    listing = cli("--queue", str(mixed), "list")
    assert listing.exit_code == 0 and listing.stdout.splitlines()[-1] == "共 1 条，其中逾期 0 条。"
    out = tmp_path / "all.csv"
    assert cli("--queue", str(mixed), "export", "--all", "--out", str(out)).exit_code == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2
    result = cli("--queue", str(mixed), "stats")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "状态：待受理 1，办理中 0，已答复 0，已办结 0，重新办理 0，合计 1"
    assert lines[-1] == f"{this_year()} 年代表年度评价（共 3 次）：满意 2，基本满意 1，不满意 0"


def test_backup_never_carries_the_key_and_restore_beside_the_key_file_works(mixed: Path, tmp_path: Path) -> None:
    key_text = (mixed.parent / keys.KEY_NAME).read_text()
    copy = tmp_path / "backup.jsonl"
    result = cli("--queue", str(mixed), "backup", str(copy))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已备份 4 条记录（1 条留言）到 {copy}")
    assert key_text.strip().encode() not in copy.read_bytes() and b"evaluations_key" not in copy.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600

    restored = tmp_path / "restored"  # beside the same key file (the default: evaluations.key in tmp_path)
    result = cli("--queue", str(restored), "restore", str(copy))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已用 {copy} 恢复留言队列 {restored}：4 条记录（1 条留言）。\n")
    assert "密钥" not in result.output
    assert (restored / "events.jsonl").read_bytes() == copy.read_bytes()

    # the restored queue still refuses this year's second evaluation by the same phone
    app = make_app(tmp_path / "other", QUEUE_DIR=restored, EVALUATIONS_KEY_FILE=mixed.parent / keys.KEY_NAME)
    assert evaluate(app.test_client(), phone="13900000000").status_code == 409
    assert evaluate(app.test_client(), phone="13900000009").status_code == 201


def test_restore_without_the_key_file_says_what_to_do(mixed: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backup.jsonl"
    cli("--queue", str(mixed), "backup", str(copy))
    new = tmp_path / "new-server" / "queue"
    result = cli("--queue", str(new), "restore", str(copy))
    assert result.exit_code == 0
    key_file = new.parent / keys.KEY_NAME
    assert f"注意：这份备份含 3 条年度评价，而年度评价的密钥文件 {key_file} 不在这台机器上" in result.output
    assert f"请在启动服务前，把原服务器上的这个文件单独复制到 {key_file}" in result.output


def test_a_damaged_key_line_is_refused(mixed: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text('{"key":"short","type":"evaluations_key"}\n', encoding="utf-8")
    result = cli("--queue", str(tmp_path / "new"), "restore", str(damaged))
    assert result.exit_code == 1
    assert result.output == f"错误：备份 {damaged} 已损坏：第 1 行不是完整的记录。请换用其他备份。\n"


def test_purge_drops_comments_after_the_period_and_voters_once_the_year_is_over(tmp_path: Path) -> None:
    directory = tmp_path / "queue"
    log = EventLog(directory, fsync=False)
    given = [
        ("2025-03-01T10:00:00+08:00", 2025, "旧评价意见 13911112222"),  # > 365 days before 2026-11-28, year over
        ("2025-12-31T10:00:00+08:00", 2025, "去年年底的评价意见"),  # < 365 days: kept
        ("2026-01-02T10:00:00+08:00", 2026, None),
    ]
    for n, (when, year, comment) in enumerate(given):
        event = make_evaluation("deputy:zhang-san", year, "满意", voter(n), when, comment=comment)
        log.append(lambda state, event=event: event)
    before = (directory / "events.jsonl").read_bytes()

    dry = cli("--queue", str(directory), "purge", "--today", "2026-11-28", "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.splitlines()[-1] == (
        "将删除 1 条满 365 天的年度评价中的评价意见（评价年度已过的，也删除其去重标记）。"
    )
    assert (directory / "events.jsonl").read_bytes() == before

    result = cli("--queue", str(directory), "purge", "--today", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "已删除 1 条满 365 天的年度评价中的评价意见（评价年度已过的，也删除其去重标记）。"
    )
    stored = events_of(directory)
    assert (stored[0]["comment"], stored[0]["voter"]) == (None, None)
    assert (stored[0]["target"], stored[0]["year"], stored[0]["rating"]) == ("deputy:zhang-san", 2025, "满意")
    assert (stored[1]["comment"], stored[1]["voter"]) == ("去年年底的评价意见", voter(1))
    assert stored[2]["voter"] == voter(2)
    assert b"13911112222" not in (directory / "events.jsonl").read_bytes()
    assert len(EventLog(directory).state().evaluations) == 3

    # a short period reaches this year's evaluation: its voter stays until the year is over
    short = cli("--queue", str(directory), "purge", "--today", "2026-11-28", "--days", "30")
    assert short.exit_code == 0
    stored = events_of(directory)
    assert stored[1]["comment"] is None and stored[1]["voter"] is None  # 2025: over
    assert stored[2]["voter"] == voter(2)  # 2026: still needed to refuse a second one

    again = cli("--queue", str(directory), "purge", "--today", "2026-11-28", "--days", "30")
    assert again.exit_code == 0 and "年度评价" not in again.output


def events_of(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / "events.jsonl").read_bytes().splitlines()]
