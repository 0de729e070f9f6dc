"""A case answered by someone other than its handler (the office, a station worker or a deputy ticking 仍由我答复, the
staff tools' `reply`) tells the handler by e-mail, in the same append as the answer, through the outbox
(forms_api/cases/outbox.py): the reference and the back office's link, no name, phone or text. The handler's own
answer (the deputy it is assigned to) tells nobody. Real app, real store, a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from console_helpers import PHONES, add_event, client_for, console_app, csrf_token
from flask import Flask
from notify_helpers import at, make_worker, smtp_server, smtp_settings

from forms_api.staff.cli import main
from forms_api.store.folder import EventLog
from forms_api.store.notifying import Notifying

pytestmark = pytest.mark.usefixtures("no_forms_environment")
CAO = "2026-000001"  # to deputy cao-wenjie (account cao), nobody handles it yet
HANDED = "2026-000003"  # to station B (account zhan-b), handed to 县住建局 (account zhujian)
ANSWER = "路灯已修好，感谢反映。"
SITE_URL = "https://daibiao.example.org/"
MAIL_LOG = {"NOTIFY_EMAIL": "log", "SITE_URL": SITE_URL}  # e-mail on (its notices made), written to the log
TO_CAO = {"to_kind": "deputy", "to": "曹文杰", "deputy": "cao-wenjie", "deadline": "2099-01-01"}
TO_HOTLINE = {"to_kind": "hotline", "to": "12345", "deadline": "2099-01-01"}


@pytest.fixture
def appends(monkeypatch: pytest.MonkeyPatch) -> list[list[dict]]:
    """What each append through a notifying store (the console's, the staff tools') stored, one list a call."""
    made: list[list[dict]] = []
    original = Notifying.append

    def append(self: Notifying, decide: Any, *, durable: bool = True) -> list[dict]:
        stored = original(self, decide, durable=durable)
        made.append(stored)
        return stored

    monkeypatch.setattr(Notifying, "append", append)
    return made


def log(app: Flask) -> EventLog:
    return EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)


def console_answer(app: Flask, login: str, ref: str, **form: str) -> None:
    client = client_for(app, login)
    data = {"answer": ANSWER, "csrf_token": csrf_token(client, "/staff/")} | form
    assert client.post(f"/staff/cases/{ref}/answer", data=data).status_code == 303


def cli_answer(app: Flask, ref: str, *args: str) -> None:
    queue, site = str(app.config["QUEUE_DIR"]), str(app.config["SITE_DIR"])
    command = ["--queue", queue, "reply", ref, "--answer", ANSWER, "--yes", "--site", site, *args, "--by", "王科员"]
    result = CliRunner().invoke(main, command, env={f"FORMS_{key}": value for key, value in MAIL_LOG.items()})
    assert result.exit_code == 0, result.output


def the_answer(appends: list[list[dict]]) -> list[tuple]:
    """The one append that stored the answer: each event's type, and a notice's address, channel, template and
    params; every notice is the answer's (its case, its `by` and `at`)."""
    [stored] = [events for events in appends if any(event["type"] == "replied" for event in events)]
    replied = next(event for event in stored if event["type"] == "replied")
    shapes = []
    for event in stored:
        if event["type"] != "notice":
            shapes.append((event["type"],))
            continue
        assert [event[key] for key in ("ref", "by", "at")] == [replied[key] for key in ("ref", "by", "at")]
        shapes.append(("notice", event["to"], event["channel"], event["template"], event["params"]))
    return shapes


def told(address: str, ref: str) -> tuple:
    return ("notice", address, "email", "answered_by_other", {"ref": ref})


@pytest.mark.parametrize(
    ("ref", "handed_to", "answer", "stored"),
    [
        # a station worker ticking 仍由我答复 on a department's case; the office answering it from the result
        (HANDED, None, ("zhan-b", {"answer_anyway": "1"}), [("replied",), told("handler:县住建局", HANDED)]),
        (HANDED, None, ("boss", {}), [("replied",), told("handler:县住建局", HANDED)]),
        # a deputy ticking 仍由我答复 on a case handed to the hotline; the office answering a deputy's case
        (CAO, TO_HOTLINE, ("cao", {"answer_anyway": "1"}), [("replied",), told("handler:12345", CAO)]),
        (CAO, TO_CAO, ("boss", {}), [("replied",), told("deputy:cao-wenjie", CAO)]),
        # the handler's own answer, and the deputy who takes on a case addressed to them: nobody else to tell
        (CAO, TO_CAO, ("cao", {}), [("replied",)]),
        (CAO, None, ("cao", {}), [("assigned",), ("replied",)]),
        # the staff tools: the office's `reply`, and `reply --deputy` for the case's own deputy or over a department
        (HANDED, None, ("--cli",), [("replied",), told("handler:县住建局", HANDED)]),
        (CAO, TO_CAO, ("--cli", "--deputy", "cao-wenjie"), [("replied",)]),
        (HANDED, None, ("--cli", "--deputy", "曹文杰"), [("replied",), told("handler:县住建局", HANDED)]),
    ],
)
def test_the_handler_is_told_in_the_same_append_only_when_someone_else_answers(
    tmp_path, appends, ref, handed_to, answer, stored
):
    app = console_app(tmp_path, **MAIL_LOG)
    if handed_to is not None:
        add_event(log(app), "assigned", ref, "boss", **handed_to)
    if answer[0] == "--cli":
        cli_answer(app, ref, *answer[1:])
    else:
        console_answer(app, answer[0], ref, **answer[1])
    assert the_answer(appends) == stored
    notices = [e for e in log(app).scan() if e["type"] == "notice"]
    assert notices == [e for e in appends[-1] if e["type"] == "notice"]  # the answer's, and no other anywhere


@pytest.mark.parametrize(
    ("handed_to", "stored"), [(TO_CAO, [("replied",)]), (TO_HOTLINE, [("replied",), told("handler:12345", CAO)])]
)
def test_a_deputy_s_reviewed_answer_tells_the_handler_when_it_is_published(tmp_path, appends, handed_to, stored):
    """With 审核 on, the deputy's answer is a draft (nobody is told yet); the office's approval publishes it as the
    deputy's: their own case tells nobody, a case handed to the hotline tells the hotline."""
    app = console_app(tmp_path, **MAIL_LOG, STAFF_DEPUTY_REVIEW=True)
    add_event(log(app), "assigned", CAO, "boss", **handed_to)
    console_answer(app, "cao", CAO, answer_anyway="1")
    assert [e["type"] for e in appends[-1]] == ["drafted"]  # a draft: nobody told
    office = client_for(app, "boss")
    assert (
        office.post(f"/staff/cases/{CAO}/approve", data={"csrf_token": csrf_token(office, "/staff/")}).status_code
        == 303
    )
    assert the_answer(appends) == stored
    replied = next(e for e in log(app).scan() if e["type"] == "replied")
    assert (replied["approved"], replied["deputy"]) == (True, "cao-wenjie")  # the deputy's answer, approved


def test_the_handler_s_mail_holds_the_reference_and_the_link_and_no_personal_data(tmp_path, monkeypatch):
    with smtp_server(tmp_path) as box:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "smtp.pem"))
        contacts = tmp_path / "contacts.yaml"
        contacts.write_text("handler:县住建局: zhujian@example.org\noffice: office@example.org\n", encoding="utf-8")
        mail = smtp_settings(box) | {"NOTIFY_CONTACTS": str(contacts), "SITE_URL": SITE_URL}
        app = console_app(tmp_path, **mail)
        console_answer(app, "zhan-b", HANDED, answer_anyway="1")
        assert make_worker(app.config, at("2026-12-07T22:00")).run_once() == {"sent": 1}
    [message] = box.mails
    assert (message["To"], message["Subject"]) == ("zhujian@example.org", f"已由他人答复：{HANDED}")
    body = message.get_content()
    assert body.startswith(f"您承办的留言（编号 {HANDED}）已由他人答复，答复已向群众公开。\n")
    assert f"请登录后台查看：{SITE_URL}staff/cases/{HANDED}\n" in body
    [submitted] = [e for e in log(app).scan() if e["type"] == "submitted" and e["ref"] == HANDED]
    personal = [submitted["name"], PHONES[HANDED], submitted["text"], "路灯坏了", ANSWER, submitted["code"], "zhan-b"]
    for value in personal:
        assert value not in message.as_string() and value not in body, value
    [notice] = [e for e in log(app).scan() if e["type"] == "notice"]
    assert not any(value in json.dumps(notice, ensure_ascii=False) for value in personal[:5])
