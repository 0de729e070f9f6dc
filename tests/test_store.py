"""The store's contract (forms_api/store/base.py), run on BOTH stores through the parametrised `queue_url` fixture:
the folder log and PostgreSQL (a real server started by the tests). What only the folder store does (torn tails, a full
disk, a failing fsync, permissions) stays in tests/test_queue.py."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import store_settings
from console_helpers import implements

from forms_api.accounts.model import Account
from forms_api.accounts.templates import ReplyTemplate
from forms_api.cases import State, WorkflowError, check, make_event, new_code
from forms_api.store import Accounts, ReplyTemplates, Store, open_accounts, open_store, open_templates

AT = "2026-11-28T12:00:00+08:00"


def submit(text: str = "小区门口路灯坏了三个月，晚上出行很不安全。", code: str | None = None):
    """A `decide` that files one submission with the next reference, as the API does."""

    def decide(state: State) -> dict:
        ref = state.next_ref(2026)
        check(state.submissions.get(ref), "submitted")
        fields = {"target": "deputy:zhang-san", "category": "求助", "text": text, "phone": "13912345678"}
        return make_event("submitted", ref, "citizen", AT, code=code or new_code(), anonymous=False, **fields)

    return decide


def action(ref: str, event_type: str, **fields):
    def decide(state: State) -> dict:
        check(state.submissions.get(ref), event_type)
        return make_event(event_type, ref, "张办事员", AT, **fields)

    return decide


def another(queue_url: str) -> Store:
    """A second instance of the same store (another process's view: its own folded state)."""
    return open_store(store_settings(queue_url))


def lines(store: Store, tmp_path: Path) -> list[bytes]:
    dest = tmp_path / "snapshot.jsonl"
    store.snapshot(dest)
    data = dest.read_bytes()
    assert data == b"" or data.endswith(b"\n")
    return data.split(b"\n")[:-1]


def len_submissions(state: State) -> int:
    return len(state.submissions)


def test_the_store_is_a_store(store: Store) -> None:
    """Every method of the Store protocol, with the same parameters, on what open_store returns."""
    assert len([name for name in vars(Store) if not name.startswith("_")]) >= 10
    implements(type(store), Store)


def test_append_state_and_scan(store: Store, tmp_path: Path) -> None:
    (first,) = store.append(submit())
    assert first["ref"] == "2026-000001" and first["type"] == "submitted"
    stored = store.append(lambda state: [action("2026-000001", "noted", note="备注")(state), submit()(state)])
    assert [(event["type"], event["ref"]) for event in stored] == [
        ("noted", "2026-000001"),
        ("submitted", "2026-000002"),
    ]
    assert store.append(lambda state: None) == [] and store.append(lambda state: []) == []
    # all events of one append are decided against the state before it: a second submission would reuse the ref
    twice = store.append(lambda state: [submit()(state), submit()(state)])
    assert [event["ref"] for event in twice] == ["2026-000003", "2026-000003"]
    state = store.state()
    assert state.events == 4 and state.skipped_lines == 0 and state.ignored_events == 1  # the second 2026-000003
    assert list(store.scan()) == [first, *stored, *twice]
    line = lines(store, tmp_path)[0]
    assert line == json.dumps(first, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert "路灯".encode() in line  # UTF-8, not \\u escapes


def test_other_instances_catch_up(queue_url: str) -> None:
    one, two = another(queue_url), another(queue_url)
    one.append(submit())
    assert two.append(submit())[0]["ref"] == "2026-000002"
    assert one.append(submit())[0]["ref"] == "2026-000003"
    third = sorted(another(queue_url).state().submissions)
    assert sorted(one.state().submissions) == sorted(two.state().submissions) == third


def test_an_append_not_durable_is_stored_and_seen_at_once(store: Store, queue_url: str) -> None:
    """The notification worker's appends: not waited for on disk, otherwise like any other."""
    (lazy,) = store.append(submit(), durable=False)
    assert another(queue_url).append(submit())[0]["ref"] == "2026-000002"  # it saw the first one
    assert store.append(submit(), durable=False)[0]["ref"] == "2026-000003"
    assert [event["ref"] for event in another(queue_url).scan()] == [lazy["ref"], "2026-000002", "2026-000003"]


def test_decide_errors_write_nothing(store: Store, queue_url: str) -> None:
    store.append(submit())
    with pytest.raises(WorkflowError, match="该留言尚未答复，暂不能评价。"):
        store.append(action("2026-000001", "rated", rating="满意"))
    with pytest.raises(ValueError, match="event 1 is not a dict"):
        store.append(lambda state: [{"type": "noted"}, {"ref": "2026-000001"}])
    with pytest.raises(ValueError, match="cannot be stored as JSON"):
        store.append(lambda state: {"type": "noted", "note": float("nan")})
    with pytest.raises(ValueError, match="cannot be stored as JSON"):
        store.append(lambda state: {"type": "noted", "note": "\ud800"})
    assert len(list(store.scan())) == 1
    assert another(queue_url).append(submit())[0]["ref"] == "2026-000002"  # the lock was released


def test_decide_may_read_the_state(store: Store) -> None:
    store.append(submit())
    seen = []
    store.append(lambda state: seen.append(store.state() is state and store.query(len_submissions)) or None)
    assert seen == [1]


def test_decide_must_not_append(store: Store) -> None:
    with pytest.raises(RuntimeError, match="decide must return its events"):
        store.append(lambda state: store.append(submit()))
    with pytest.raises(RuntimeError, match="append must not be called from inside query"):
        store.query(lambda state: store.append(submit()))
    assert store.append(submit())[0]["ref"] == "2026-000001"


def test_line_breaks_inside_texts_stay_inside_one_line(store: Store, queue_url: str, tmp_path: Path) -> None:
    text = "第一行\n第二行\r\n第三行\u2028第四行\u2029第五行\x85第六行\x1c\x00"
    store.append(submit(text=text))
    (line,) = lines(store, tmp_path)
    assert len(line.decode().splitlines()) == 1
    assert another(queue_url).state().submissions["2026-000001"].text == text


def test_threads_share_one_instance(store: Store, queue_url: str) -> None:
    threads = [threading.Thread(target=lambda: [store.append(submit()) for _ in range(50)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(another(queue_url).state().submissions) == [f"2026-{n:06d}" for n in range(1, 201)]


def test_snapshot_is_a_copy_with_its_prefix(store: Store, tmp_path: Path) -> None:
    for _ in range(3):
        store.append(submit())
    dest = tmp_path / "backup" / "events.jsonl"
    dest.parent.mkdir()
    dest.write_text("old backup\n")
    assert store.snapshot(dest, prefix=[b'{"type":"first"}\n']) == 3
    data = dest.read_bytes().split(b"\n")
    assert data[0] == b'{"type":"first"}' and [json.loads(line) for line in data[1:-1]] == list(store.scan())
    assert [path.name for path in dest.parent.iterdir()] == ["events.jsonl"]  # no temporary file left
    assert dest.stat().st_mode & 0o777 == 0o600


def test_rewrite_is_seen_by_every_instance(queue_url: str) -> None:
    one, two = another(queue_url), another(queue_url)
    for _ in range(4):
        one.append(submit())
    one.append(action("2026-000002", "noted", note="内部"))
    assert two.state().events == 5

    def anonymise(events: list[dict]) -> list[dict]:
        return [
            event | {"phone": "", "text": "（已匿名）"} if event["type"] == "submitted" else event for event in events
        ]

    assert one.rewrite(anonymise) == 5
    assert {sub.text for sub in two.state().submissions.values()} == {"（已匿名）"}
    assert two.append(submit())[0]["ref"] == "2026-000005"
    assert one.state().submissions["2026-000005"].phone == "13912345678"
    assert one.rewrite(lambda events: events[:2]) == 2  # fewer events (a restore): every instance folds anew
    assert sorted(two.state().submissions) == ["2026-000001", "2026-000002"]
    assert one.append(submit())[0]["ref"] == "2026-000003"


def test_evaluations_key(store: Store, queue_url: str) -> None:
    assert store.evaluations_key(create=False) is None
    key = store.evaluations_key()
    assert len(key) == 64 and another(queue_url).evaluations_key(create=False) == key
    store.install_evaluations_key("ab" * 32)
    assert another(queue_url).evaluations_key() == "ab" * 32
    with pytest.raises(ValueError):
        store.install_evaluations_key("not a key")


def test_healthy_and_writable(store: Store) -> None:
    assert store.healthy() and store.writable
    assert store.location


def test_accounts_on_every_instance(queue_url: str) -> None:
    """Every method of the Accounts protocol; a change through one instance is seen by another at once."""
    one, two = open_accounts(store_settings(queue_url)), open_accounts(store_settings(queue_url))
    implements(type(one), Accounts)
    assert one.all() == [] and one.get("zhan-a") is None
    account = Account(login="zhan-a", role="station", scope=("dongxi-zhan",), created=AT, changed=AT)
    assert one.change("zhan-a", lambda current: account) == account
    assert two.get("zhan-a") == account and two.all() == [account]
    disabled = two.change("zhan-a", lambda current: replace(current, state="disabled", failed=3, sessions=1))
    assert one.get("zhan-a") == disabled and one.get("zhan-a") != account
    assert one.change("zhan-a", lambda current: None) == disabled  # None: nothing written
    with pytest.raises(ValueError, match="login never changes"):
        one.change("zhan-a", lambda current: replace(current, login="other"))
    assert one.secret_key() == two.secret_key() and len(one.secret_key()) == 64


def test_templates_on_every_instance(queue_url: str) -> None:
    one, two = open_templates(store_settings(queue_url)), open_templates(store_settings(queue_url))
    implements(type(one), ReplyTemplates)
    assert one.all() == []
    template = ReplyTemplate(title="路灯", text="您好，路灯已报修，三个工作日内修复。")
    assert one.change(lambda current: [*current, template]) == [template]
    assert two.all() == [template]
    assert two.change(lambda current: None) == [template]
    assert two.change(lambda current: []) == [] and one.all() == []


def test_a_second_factor_round_trips_through_every_store(queue_url: str, tmp_path: Path) -> None:
    """The TOTP fields (forms_api/accounts/totp.py) are kept like the password hash: stored, read back by another
    instance, and carried by a backup."""
    from datetime import UTC, datetime

    from forms_api.store.backup import backup

    one, two = open_accounts(store_settings(queue_url)), open_accounts(store_settings(queue_url))
    account = Account(login="boss", role="office", scope=(), created=AT, changed=AT, state="active")
    secret, pending = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    enrolled = replace(account, totp_secret=secret, totp_pending=pending, totp_step=59_000_000)
    one.change("boss", lambda current: enrolled)
    found = two.get("boss")
    assert found == enrolled and (found.totp_secret, found.totp_pending, found.totp_step) == (
        secret,
        pending,
        59_000_000,
    )
    assert secret not in repr(found) and pending not in repr(found)
    two.change("boss", lambda current: replace(current, totp_secret=None, totp_pending=None, totp_step=0))
    assert one.get("boss") == account
    one.change("boss", lambda current: enrolled)
    dest = tmp_path / "backup.jsonl"
    path, _ = backup(open_store(store_settings(queue_url), create=True), dest, datetime.now(UTC), accounts=one)
    carried = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if '"accounts"' in line]
    assert carried[0]["accounts"][0]["totp_secret"] == secret


def test_a_notice_is_claimed_by_one_run_at_a_time(queue_url: str) -> None:
    """The notification worker's claims (Store.claims): while one run holds a notice, another instance's run cannot
    have it (the folder makes it wait for the run to end, PostgreSQL says no at once); it can once the run ended."""
    one, two = open_store(store_settings(queue_url)), open_store(store_settings(queue_url))
    seen: list[bool] = []

    def other_run() -> None:
        with two.claims() as claim:
            seen.append(claim("notice-1"))

    with one.claims() as claim:
        assert claim("notice-1") and claim("notice-2")
        thread = threading.Thread(target=other_run)
        thread.start()
        thread.join(1)
        during = list(seen)
    thread.join()
    assert during in ([], [False])
    with two.claims() as claim:
        assert claim("notice-1")
