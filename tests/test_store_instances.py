"""Several instances on one PostgreSQL database (issue 15): what one instance writes, every other sees at once; the
invariants hold across processes; a database outage is a 503 with the Chinese message, and the service heals by
itself when the database is back. Real servers throughout (tests/servers.py)."""

from __future__ import annotations

import io
import multiprocessing
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from conftest import make_app, store_settings
from console_helpers import PASSWORD, client_for, csrf_token, make_account, sign_in
from servers import Postgres
from test_api import GOOD, submit
from test_store import submit as submit_event

from forms_api import messages
from forms_api.cases import State, now
from forms_api.cases.actions import decision
from forms_api.staff.cli import main
from forms_api.store import open_store
from forms_api.store.pgdb import close_all, upgrade
from forms_api.store.postgres import PostgresLog

pytestmark = pytest.mark.usefixtures("no_forms_environment")
FORK = multiprocessing.get_context("fork")
PROCESSES, PER_PROCESS = 4, 50


def _append_many(url: str, worker: int) -> None:
    store = open_store(store_settings(url))
    for n in range(PER_PROCESS):
        store.append(submit_event(text=f"第 {worker} 号进程的第 {n} 条留言"))


def test_references_stay_unique_and_gapless_across_processes(pg_url: str) -> None:
    close_all()  # no pool of this process crosses the fork (each process makes its own)
    workers = [FORK.Process(target=_append_many, args=(pg_url, worker)) for worker in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    state = open_store(store_settings(pg_url)).state()
    assert sorted(state.submissions) == [f"2026-{n:06d}" for n in range(1, PROCESSES * PER_PROCESS + 1)]
    assert state.ignored_events == 0


def test_a_duplicate_is_caught_whichever_instance_receives_it(pg_url: str, tmp_path: Path) -> None:
    one, two = make_app(tmp_path / "one", QUEUE_URL=pg_url), make_app(tmp_path / "two", QUEUE_URL=pg_url)
    first = submit(one.test_client())
    again = submit(two.test_client())
    assert first.status_code == 201 and again.status_code == 200 and "tracking_code" not in again.json
    code = first.json["tracking_code"]
    assert two.test_client().get(f"/api/submissions/{code}").json["reference"] == first.json["reference"]


def test_a_disabled_or_locked_account_is_out_on_every_instance_at_once(pg_url: str, tmp_path: Path) -> None:
    one, two = make_app(tmp_path / "one", QUEUE_URL=pg_url), make_app(tmp_path / "two", QUEUE_URL=pg_url)
    make_account(one, "boss", "office", ())
    make_account(one, "zhan-a", "station", ("dongxi-zhan",))
    on_two = client_for(two, "zhan-a")  # made through one, signed in on two
    assert on_two.get("/staff/").status_code == 200
    env = {"FORMS_QUEUE_URL": pg_url, "FORMS_QUEUE_DIR": None}
    disabled = CliRunner().invoke(main, ["users", "disable", "zhan-a"], env=env)
    assert disabled.exit_code == 0, disabled.output
    assert on_two.get("/staff/").status_code == 302  # its next request: signed out
    assert sign_in(two.test_client(), "zhan-a").status_code != 302
    # six wrong passwords on one lock the account on two
    for _ in range(6):
        assert sign_in(one.test_client(), "boss", password="falsch-falsch-1").status_code != 302
    assert sign_in(two.test_client(), "boss", password=PASSWORD).status_code != 302


def test_an_import_preview_made_on_one_instance_is_shown_and_applied_on_another(pg_url: str, tmp_path: Path) -> None:
    """Behind nginx the upload's redirect may reach another server: the preview is kept in the database."""
    one, two = make_app(tmp_path / "one", QUEUE_URL=pg_url), make_app(tmp_path / "two", QUEUE_URL=pg_url)
    make_account(one, "boss", "office", ())
    ref = submit(one.test_client()).json["reference"]
    handed = {"to_kind": "department", "to": "县住建局", "deadline": "2099-12-11"}
    open_store(one.config).append(decision(ref, "assigned", "王科员", lambda sub: handed))
    rows = "\r\n".join(
        [
            "留言编号,工单号,办理结果,日期,承办单位",
            f"{ref},ZJ-9,已处理,{now().date()},县住建局",
            "2026-000404,ZJ-10,已处理,2026-12-01,县住建局",
            "",
        ]
    )
    on_one, on_two = client_for(one, "boss"), client_for(two, "boss")
    form = {
        "file": (io.BytesIO(rows.encode("utf-8")), "results.csv"),
        "csrf_token": csrf_token(on_one, "/staff/handover"),
    }
    posted = on_one.post("/staff/handover/import", data=form, content_type="multipart/form-data")
    assert posted.status_code == 303, posted.get_data(as_text=True)
    page = on_two.get(posted.headers["Location"]).get_data(as_text=True)
    assert "第 3 行：找不到留言 2026-000404。" in page, page  # the rows, read on the other server
    assert not list((tmp_path / "one").rglob("import-previews"))  # nothing left on the first server's disk
    assert client_for(two, None).get(posted.headers["Location"]).status_code == 302  # signed out: not shown
    ident = re.search(r'name="preview" value="([^"]+)"', page)
    assert ident is not None
    apply = {"csrf_token": csrf_token(on_two, "/staff/handover"), "preview": ident[1], "apply_good": "1"}
    assert on_two.post("/staff/handover/import/apply", data=apply).status_code == 303
    assert [e["ticket"] for e in open_store(one.config).scan() if e["type"] == "noted"] == ["ZJ-9"]


@pytest.fixture
def own_postgres() -> Iterator[Postgres]:
    """A server of this test's own, to stop and start without disturbing the others."""
    server = Postgres()
    upgrade(server.url())
    yield server
    close_all()
    server.close()


def test_a_database_outage_is_503_in_chinese_and_heals_by_itself(own_postgres: Postgres, tmp_path: Path) -> None:
    app = make_app(tmp_path, QUEUE_URL=own_postgres.url())
    client = app.test_client()
    before = submit(client)
    assert before.status_code == 201
    own_postgres.stop()
    during = submit(client, text="停电期间提交的留言：路灯还是不亮。")
    assert (during.status_code, during.json) == (503, {"error": messages.QUEUE_UNAVAILABLE})
    lookup = client.get(f"/api/submissions/{before.json['tracking_code']}")
    assert lookup.status_code == 503
    assert client.get("/api/health").status_code == 503
    own_postgres.start()
    after = submit(client, text="恢复之后提交的留言：路灯还是不亮。")
    assert after.status_code == 201, after.json
    assert after.json["reference"][5:] == "000002"  # the refused one took no number
    assert client.get(f"/api/submissions/{before.json['tracking_code']}").status_code == 200
    assert client.get("/api/health").status_code == 200
    assert len([event for event in open_store(store_settings(own_postgres.url())).scan()]) == 2
    assert GOOD["text"] in {event.get("text") for event in open_store(store_settings(own_postgres.url())).scan()}


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"still not {what} after 30 s"
        time.sleep(0.01)


def _lock_waiters(url: str) -> int:
    with psycopg.connect(url) as conn:
        query = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return conn.execute(query).fetchone()[0]


def test_a_group_begun_ahead_folds_what_another_instance_appended_meanwhile(pg_url: str) -> None:
    """The next group's transaction begun in the round trip of the previous group's COMMIT takes the lock after an
    instance that was waiting for it: it reads that instance's row with its own group's and decides on both."""
    one, two = PostgresLog(pg_url), PostgresLog(pg_url)
    one.append(submit_event(text="第一条"))
    deciding, go_on = threading.Event(), threading.Event()

    def held(state: State) -> dict:
        deciding.set()
        assert go_on.wait(30)
        return submit_event(text="等待中的一组")(state)

    stored: dict[str, list[dict]] = {}

    def append(name: str, log: PostgresLog, decide: Callable[[State], dict]) -> threading.Thread:
        thread = threading.Thread(target=lambda: stored.__setitem__(name, log.append(decide)))
        thread.start()
        return thread

    threads = [append("held", one, held)]
    assert deciding.wait(30)  # one's leader holds the lock, deciding
    threads += [append(f"queued {n}", one, submit_event(text=f"排队的第 {n} 条")) for n in range(3)]
    _until(lambda: len(one._groups.waiting) == 3, "queued")
    threads.append(append("two", two, submit_event(text="另一个实例的留言")))
    _until(lambda: _lock_waiters(pg_url) == 1, "waiting for the lock")
    requests = one._db.pool.get_stats().get("requests_num", 0)
    go_on.set()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    # the queued group went on with the transaction begun by the held group's COMMIT: no connection taken for it
    assert one._db.pool.get_stats().get("requests_num", 0) == requests
    refs = {name: events[0]["ref"] for name, events in stored.items()}
    assert refs["held"] == "2026-000002" and refs["two"] == "2026-000003"  # two had been waiting for the lock first
    assert sorted(refs[f"queued {n}"] for n in range(3)) == ["2026-000004", "2026-000005", "2026-000006"]
    fresh = PostgresLog(pg_url).state()
    for state in (one.state(), two.state(), fresh):
        assert {ref: sub.text for ref, sub in state.submissions.items()} == {
            ref: sub.text for ref, sub in fresh.submissions.items()
        }
        assert len(state.submissions) == 6 and state.ignored_events == 0 and state.events == 6


def test_a_rewrite_gives_up_a_group_begun_ahead(pg_url: str) -> None:
    """A rewrite waiting for this instance while a group's COMMIT begins the next group's transaction (which holds
    the lock) neither deadlocks nor loses an append, whichever thread the instance lets in first."""
    log = PostgresLog(pg_url)
    deciding, go_on = threading.Event(), threading.Event()

    def held(state: State) -> dict:
        deciding.set()
        assert go_on.wait(30)
        return submit_event(text="等待中的一组")(state)

    threads = [threading.Thread(target=log.append, args=(held,))]
    threads[0].start()
    assert deciding.wait(30)
    for n in range(2):
        threads.append(threading.Thread(target=log.append, args=(submit_event(text=f"排队的第 {n} 条"),)))
        threads[-1].start()
    _until(lambda: len(log._groups.waiting) == 2, "queued")
    threads.append(threading.Thread(target=log.rewrite, args=(lambda events: events,)))
    threads[-1].start()
    time.sleep(0.2)  # the rewrite waits for the instance (its leader deciding)
    go_on.set()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    assert sorted(log.state().submissions) == ["2026-000001", "2026-000002", "2026-000003"]
    assert sorted(PostgresLog(pg_url).state().submissions) == sorted(log.state().submissions)
