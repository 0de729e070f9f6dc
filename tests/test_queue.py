"""The folder store against real processes and real file systems: concurrency, SIGKILL, torn tails, a full disk, a
failing fsync, permissions. Nothing here mocks the file system.

Mount-based tests (a small tmpfs, a loop device) need root and skip with the reason when the kernel refuses.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import random
import shutil
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from forms_api.cases import State, WorkflowError, check, make_event, new_code
from forms_api.store import QueueUnavailable
from forms_api.store.folder import EventLog
from forms_api.store.lines import encode_events, parse_line, read_events

AT = "2026-11-28T12:00:00+08:00"
FORK = multiprocessing.get_context("fork")


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


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n")
    return data.split(b"\n")[:-1]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


# --- basics (the contract both stores keep: tests/test_store.py) ------------------------------------------------------


def test_unparsable_lines_anywhere_are_skipped_and_counted(tmp_path):
    good = [submit(code=f"{n}" * 32)(State()) | {"ref": f"2026-00000{n}"} for n in range(1, 4)]
    garbage = [b"", b"not json", b"[1,2]", b'{"no":"type"}', b'{"type":7}', b"\xff\xfe{}", b"[" * 100_000, b"{" + b"}"]
    lines = [encode_events([good[0]]), *[line + b"\n" for line in garbage], encode_events(good[1:])]
    (tmp_path / "events.jsonl").write_bytes(b"".join(lines))
    assert list(read_events(tmp_path / "events.jsonl")) == good
    state = EventLog(tmp_path).state()
    assert sorted(state.submissions) == ["2026-000001", "2026-000002", "2026-000003"]
    assert state.skipped_lines == len(garbage) and state.events == 3


def test_permissions(tmp_path):
    old = os.umask(0o000)
    try:
        log = EventLog(tmp_path / "var" / "queue")
    finally:
        os.umask(old)
    log.append(submit())
    assert stat.S_IMODE(log.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.lock_path.stat().st_mode) == 0o600
    snapshot = tmp_path / "backup.jsonl"
    assert log.snapshot(snapshot) == 1
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600


def test_an_existing_folder_is_used_as_it_is(tmp_path):
    tmp_path.chmod(0o750)
    EventLog(tmp_path).append(submit())
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "events.jsonl").stat().st_mode) == 0o600


def test_unusable_folder(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(QueueUnavailable, match="cannot create the event log"):
        EventLog(tmp_path / "file" / "queue")


def test_snapshot_is_a_consistent_copy(tmp_path):
    log = EventLog(tmp_path / "queue")
    for _ in range(3):
        log.append(submit())
    with open(log.path, "ab") as file:
        file.write(b'{"type":"submitted","ref":"2026-0')  # a torn tail
    dest = tmp_path / "backup" / "events.jsonl"
    dest.parent.mkdir()
    dest.write_text("old backup\n")
    assert log.snapshot(dest) == 3
    assert dest.read_bytes() == log.path.read_bytes().rsplit(b"\n", 1)[0] + b"\n"
    assert [path.name for path in dest.parent.iterdir()] == ["events.jsonl"]  # no temporary file left
    assert len(EventLog(dest.parent).state().submissions) == 3


def test_a_reader_folds_a_few_mb_at_a_time_with_the_lock_released(tmp_path, monkeypatch):
    """A reader (the notification worker, at a lower priority) holds the shared lock only to read new lines, never
    while folding them: a writer can take the exclusive lock while it folds. Read in pieces, the state is the same."""
    import fcntl  # noqa: PLC0415 - this test alone takes the lock by hand

    import forms_api.store.folder as folder  # noqa: PLC0415

    writer, reader = EventLog(tmp_path), EventLog(tmp_path)
    for i in range(30):
        writer.append(submit(f"第{i}条：小区门口路灯坏了三个月，晚上出行很不安全。"))
    monkeypatch.setattr(folder, "READ_AHEAD", 1000)  # a few lines a piece
    free_while_folding: list[bool] = []
    fold_lines = EventLog._fold_lines

    def watched(self, lines):
        with open(self.lock_path, "rb") as other:  # noqa: PTH123 - a second open file: its own flock
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free_while_folding.append(True)
                fcntl.flock(other, fcntl.LOCK_UN)
            except BlockingIOError:
                free_while_folding.append(False)
        fold_lines(self, lines)

    monkeypatch.setattr(EventLog, "_fold_lines", watched)
    state = reader.state()
    assert len(free_while_folding) > 5 and all(free_while_folding)
    assert state.events == 30 and sorted(state.submissions) == sorted(writer.state().submissions)


def test_rewrite_is_seen_by_every_instance(tmp_path):
    one, two = EventLog(tmp_path), EventLog(tmp_path)
    for _ in range(4):
        one.append(submit())
    one.append(action("2026-000002", "noted", note="内部"))
    assert two.state().events == 5
    inode = one.path.stat().st_ino

    def anonymise(events: list[dict]) -> list[dict]:
        return [
            event | {"phone": "", "text": "（已匿名）"} if event["type"] == "submitted" else event for event in events
        ]

    assert one.rewrite(anonymise) == 5
    assert one.path.stat().st_ino != inode
    assert {sub.text for sub in two.state().submissions.values()} == {"（已匿名）"}
    assert two.append(submit())[0]["ref"] == "2026-000005"
    assert one.state().submissions["2026-000005"].phone == "13912345678"
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


# --- concurrency: 8 processes x 500 submissions, and a 9th doing staff work -------------------------------------------

WORKERS, PER_WORKER = 8, 500


def _submitter(directory: str, worker: int, out: str) -> None:
    log = EventLog(Path(directory))
    acked = []
    for n in range(PER_WORKER):
        (event,) = log.append(submit(text=f"第 {worker} 号进程的第 {n} 条留言"))
        acked.append(f"{event['ref']} {event['code']}")
    Path(out).write_text("\n".join(acked) + "\n")


def _staff(directory: str, stop, out: str) -> None:
    log, rng, done = EventLog(Path(directory)), random.Random(3), 0

    def decide(state: State) -> dict | None:
        if not state.submissions:
            return None
        sub = state.submissions[f"2026-{rng.randint(1, len(state.submissions)):06d}"]
        event_type = {"submitted": "assigned", "assigned": "replied", "replied": "closed"}.get(sub.status, "noted")
        fields = {
            "assigned": {"to_kind": "department", "to": "县住建局", "deadline": "2026-12-04"},
            "replied": {"answer": "已处理"},
            "closed": {},
            "noted": {"note": "已回访"},
        }[event_type]
        check(sub, event_type)
        return make_event(event_type, sub.ref, "张办事员", AT, **fields)

    while not stop.is_set():
        done += len(log.append(decide))
    Path(out).write_text(str(done))


def test_concurrent_processes(tmp_path):
    directory = tmp_path / "queue"
    EventLog(directory)
    stop = FORK.Event()
    staff = FORK.Process(target=_staff, args=(str(directory), stop, str(tmp_path / "staff.txt")))
    workers = [
        FORK.Process(target=_submitter, args=(str(directory), worker, str(tmp_path / f"acks-{worker}.txt")))
        for worker in range(WORKERS)
    ]
    staff.start()
    started = time.perf_counter()
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    elapsed = time.perf_counter() - started
    stop.set()
    staff.join(60)
    assert [process.exitcode for process in [*workers, staff]] == [0] * (WORKERS + 1)

    lines = lines_of(directory / "events.jsonl")
    events = [json.loads(line) for line in lines]  # every line parses
    submitted = [event for event in events if event["type"] == "submitted"]
    staff_actions = int((tmp_path / "staff.txt").read_text())
    assert len(submitted) == WORKERS * PER_WORKER == 4000
    assert len(events) == 4000 + staff_actions and staff_actions > 0
    refs = [event["ref"] for event in submitted]
    assert refs == [f"2026-{n:06d}" for n in range(1, 4001)]  # unique and gapless, in file order
    assert len({event["code"] for event in submitted}) == 4000
    acked = set()
    for worker in range(WORKERS):
        acked |= set((tmp_path / f"acks-{worker}.txt").read_text().split("\n")[:-1])
    assert acked == {f"{event['ref']} {event['code']}" for event in submitted}
    first_staff = next(index for index, event in enumerate(events) if event["type"] != "submitted")
    assert first_staff < len(events) - staff_actions  # staff work was interleaved with the submissions

    # every event was valid against the state it was decided on: replaying with the checks never refuses
    replay = State()
    for event in events:
        check(replay.submissions.get(event["ref"]), event["type"])
        assert replay.apply(event)
    state = EventLog(directory).state()
    assert len(state.submissions) == 4000 and state.skipped_lines == 0 and state.ignored_events == 0
    print(f"\n{len(events)} fsynced appends from 9 processes in {elapsed:.2f} s: {len(events) / elapsed:.0f} appends/s")


# --- group commit: concurrent appends of one process share one write and one fsync -----------------------------------


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.001)


def in_one_group(log: EventLog, decides: list, durable: list[bool] | None = None) -> list[tuple[str, object]]:
    """Append each of `decides` from its own thread so that they form ONE group, queued in list order (`durable`:
    each call's, durable if not given).

    A first append holds the lead (its decide waits, then writes nothing) until every other call is queued; the next
    leader then takes them all. Returns ("ok", stored events) or ("error", exception) per decide.
    """
    results: list[tuple[str, object]] = [("none", None)] * len(decides)
    release = threading.Event()

    def hold(state: State) -> None:
        release.wait(30)

    def run(index: int, decide) -> None:
        try:
            results[index] = ("ok", log.append(decide, durable=durable[index] if durable else True))
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = ("error", error)

    holder = threading.Thread(target=lambda: log.append(hold))
    holder.start()
    _wait_for(lambda: log._groups.leading, "the holder to lead")
    threads = []
    for index, decide in enumerate(decides):
        threads.append(threading.Thread(target=run, args=(index, decide)))
        threads[-1].start()
        _wait_for(lambda n=index + 1: len(log._groups.waiting) == n, f"call {index} to queue")
    release.set()
    for thread in [holder, *threads]:
        thread.join(60)
    return results


@pytest.fixture
def fsyncs(monkeypatch) -> list[int]:
    """Count real fsyncs of the log file (the call goes through to the kernel)."""
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return calls


def test_a_group_is_decided_in_order_written_once_and_fsynced_once(tmp_path, fsyncs):
    log = EventLog(tmp_path)
    log.append(submit(text="最早的一条"))
    fsyncs.clear()

    def refuse(state: State) -> dict:
        raise WorkflowError("not_found")

    seen = []
    results = in_one_group(
        log,
        [
            submit(text="一"),
            lambda state: [submit(text="二")(state), action("2026-000001", "noted", note="备注")(state)],
            refuse,
            lambda state: seen.append(sorted(log.state().submissions)) or None,
            submit(text="三"),
        ],
    )
    assert [kind for kind, _ in results] == ["ok", "ok", "error", "ok", "ok"]
    assert isinstance(results[2][1], WorkflowError)  # only that call failed
    assert [[event["ref"] for event in stored] for _, stored in [results[0], results[1], results[4]]] == [
        ["2026-000002"],
        ["2026-000003", "2026-000001"],
        ["2026-000004"],
    ]
    assert results[3] == ("ok", [])
    assert seen == [["2026-000001", "2026-000002", "2026-000003"]]  # each decide sees the group's earlier events
    assert len(fsyncs) == 1  # one fsync for the whole group
    stored = [event for kind, events in results if kind == "ok" for event in events]
    assert list(read_events(log.path))[1:] == stored  # in group order, as returned
    fresh = EventLog(tmp_path).state()
    assert sorted(fresh.submissions) == sorted(log.state().submissions) and fresh.events == log.state().events == 5


def test_an_append_not_durable_is_stored_without_an_fsync_and_a_durable_one_flushes_it(tmp_path, fsyncs):
    log = EventLog(tmp_path)
    log.append(submit(text="最早的一条"))
    fsyncs.clear()
    first = log.append(submit(text="第一条"), durable=False)
    assert fsyncs == []  # written (a dying process keeps it), not flushed
    assert [event["ref"] for event in read_events(log.path)][-1] == first[0]["ref"]
    assert first[0]["ref"] in EventLog(tmp_path).state().submissions  # every reader sees it at once
    log.append(submit(text="第二条"))
    assert len(fsyncs) == 1
    lazy = in_one_group(log, [submit(text="三"), submit(text="四")], [False, False])
    assert len(fsyncs) == 1  # a group of calls not durable: no fsync
    mixed = in_one_group(log, [submit(text="五"), submit(text="六")], [False, True])
    assert len(fsyncs) == 2  # one durable call in the group: the group's one fsync
    assert [kind for kind, _ in lazy + mixed] == ["ok"] * 4
    assert len(EventLog(tmp_path).state().submissions) == 7


def test_threads_share_fsyncs_and_every_acknowledged_record_is_stored(tmp_path, fsyncs):
    log, acked, lock = EventLog(tmp_path), [], threading.Lock()

    def writer(worker: int) -> None:
        for n in range(50):
            (event,) = log.append(submit(text=f"第 {worker} 号线程的第 {n} 条留言"))
            with lock:
                acked.append((event["ref"], event["code"]))

    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    stored = {event["ref"]: event["code"] for event in read_events(log.path)}
    assert sorted(stored) == [f"2026-{n:06d}" for n in range(1, 401)]
    assert len(acked) == 400 and all(stored[ref] == code for ref, code in acked)
    assert len(fsyncs) <= 400  # never more than one fsync an append (fewer whenever threads overlapped)
    print(f"\n400 appends from 8 threads, {len(fsyncs)} fsyncs")


def test_a_failed_write_fails_the_whole_group_and_refolds_the_state(small_tmpfs):
    filler = small_tmpfs / "filler"
    filler.write_bytes(b"\0" * 96 * 1024)
    log = EventLog(small_tmpfs / "queue")
    (first,) = log.append(submit())
    # together far more than the ~150 KB left: the one write of the group fails, after two were folded ahead
    results = in_one_group(log, [submit(text="满" * 20_000) for _ in range(3)])
    assert [kind for kind, _ in results] == ["error"] * 3
    assert all(isinstance(error, QueueUnavailable) for _, error in results)
    assert log.writable and list(read_events(log.path)) == [first]
    assert sorted(log.state().submissions) == ["2026-000001"]  # the folded-ahead events are gone from the state
    # after a failed write the next group is committed one call at a time: the small ones get in, the big one not
    results = in_one_group(log, [submit(text="小"), submit(text="满" * 60_000), submit(text="也小")])
    assert [kind for kind, _ in results] == ["ok", "error", "ok"]
    assert [event["ref"] for event in list(read_events(log.path))] == ["2026-000001", "2026-000002", "2026-000003"]
    filler.unlink()
    results = in_one_group(log, [submit(text="满" * 20_000) for _ in range(3)])
    assert [kind for kind, _ in results] == ["ok"] * 3
    state = EventLog(small_tmpfs / "queue").state()
    assert sorted(state.submissions) == [f"2026-{n:06d}" for n in range(1, 7)] and state.skipped_lines == 0


def test_the_folded_state_is_frozen_out_of_the_garbage_collectors_way(tmp_path):
    before = gc.get_freeze_count()
    try:
        log = EventLog(tmp_path, fsync=False, freeze_gc_every=5)
        for _ in range(4):
            log.append(submit())
        assert gc.get_freeze_count() == before  # not yet: 4 events folded
        log.append(submit())
        after_append = gc.get_freeze_count()
        assert after_append > before
        reader = EventLog(tmp_path, freeze_gc_every=5)
        assert len(reader.state().submissions) == 5  # its first catch-up folds 5 events: frozen as well
        assert gc.get_freeze_count() > after_append
        frozen = gc.get_freeze_count()
        assert EventLog(tmp_path).append(submit())[0]["ref"] == "2026-000006"
        assert gc.get_freeze_count() == frozen  # off unless asked for
    finally:
        gc.unfreeze()


def test_the_folded_state_holds_no_reference_cycles(tmp_path):
    """What gc.freeze() relies on: a state dropped after a rewrite is freed by reference counting alone."""
    log = EventLog(tmp_path, fsync=False)
    for n in range(1, 4):
        ref = f"2026-{n:06d}"
        log.append(submit(text=f"第{n}条：小区门口路灯坏了三个月，晚上出行很不安全。"))
        log.append(action(ref, "assigned", to_kind="department", to="城管局", deadline="2026-12-05"))
        log.append(action(ref, "replied", answer="已修复路灯。"))
        log.append(action(ref, "closed", reason="已办结"))
        log.append(action(ref, "rated", rating="满意", comment="谢谢"))
        log.append(action(ref, "noted", note="回访"))
    gc.collect()
    gc.disable()
    try:
        state = EventLog(tmp_path).state()
        assert len(state.submissions) == 3 and state.submissions["2026-000003"].rating == "满意"
        del state
        assert gc.collect() == 0
    finally:
        gc.enable()


# --- SIGKILL at random moments ----------------------------------------------------------------------------------------


def _crash_writer(directory: Path, out_fd: int, seed: int) -> None:
    """In a forked child: append forever, printing each acknowledged ref and code to the pipe once append returned."""
    out = os.fdopen(out_fd, "w")
    rng, log = random.Random(seed), EventLog(directory)
    while True:
        # Some records are 90 KB, so that a kill can land in the middle of one write() and leave a torn tail.
        text = "路" * rng.choice([10, 10, 10, 10, 30_000])
        (event,) = log.append(submit(text=text))
        print(event["ref"], event["code"], file=out, flush=True)


def test_sigkill_at_random_moments(tmp_path):
    rng, acked, torn_tails = random.Random(20261128), [], 0
    for round_ in range(50):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_fd)
                _crash_writer(tmp_path, write_fd, round_)
            finally:
                os._exit(1)
        os.close(write_fd)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(pid, signal.SIGKILL)
        assert os.waitpid(pid, 0)[1] == signal.SIGKILL
        with os.fdopen(read_fd) as pipe:
            acked += [line.split() for line in pipe.read().splitlines()]
        data = (tmp_path / "events.jsonl").read_bytes()
        torn_tails += bool(data) and not data.endswith(b"\n")
        events = list(read_events(tmp_path / "events.jsonl"))  # never raises
        stored = {event["ref"]: event["code"] for event in events}
        assert all(stored.get(ref) == code for ref, code in acked), f"round {round_}: an acknowledged record is missing"

    log = EventLog(tmp_path)
    (last,) = log.append(submit(text="最后一条"))
    assert list(read_events(tmp_path / "events.jsonl"))[-1] == last
    state = EventLog(tmp_path).state()
    assert len(acked) > 50, "the writer hardly ever got to append: the test is too quick"
    assert {ref for ref, _ in acked} <= set(state.submissions)
    refs = sorted(state.submissions)
    assert refs == [f"2026-{n:06d}" for n in range(1, len(refs) + 1)]  # a killed writer leaves no gap
    assert state.skipped_lines <= torn_tails
    print(f"\n{len(acked)} acknowledged appends over 50 SIGKILLs, {torn_tails} torn tails fenced")


def _threaded_crash_writer(directory: Path, out_fd: int, seed: int) -> None:
    """In a forked child: 8 threads append forever through ONE EventLog (group commit), each printing what it got."""
    out, lock, log = os.fdopen(out_fd, "w"), threading.Lock(), EventLog(directory)

    def run(worker: int) -> None:
        rng = random.Random(seed * 8 + worker)
        while True:
            (event,) = log.append(submit(text="路" * rng.choice([10, 10, 10, 10, 30_000])))
            with lock:
                print(event["ref"], event["code"], file=out, flush=True)

    for worker in range(8):
        threading.Thread(target=run, args=(worker,), daemon=True).start()
    threading.Event().wait()


def test_sigkill_during_group_commits(tmp_path):
    rng, acked = random.Random(4), []
    for round_ in range(30):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_fd)
                _threaded_crash_writer(tmp_path, write_fd, round_)
            finally:
                os._exit(1)
        os.close(write_fd)
        time.sleep(rng.uniform(0.01, 0.08))
        os.kill(pid, signal.SIGKILL)
        assert os.waitpid(pid, 0)[1] == signal.SIGKILL
        with os.fdopen(read_fd) as pipe:
            acked += [line.split() for line in pipe.read().splitlines()]
        log = tmp_path / "events.jsonl"  # none yet if a loaded machine let the child start nothing before the kill
        stored = {event["ref"]: event["code"] for event in read_events(log)} if log.exists() else {}
        assert all(stored.get(ref) == code for ref, code in acked), f"round {round_}: an acknowledged record is missing"
    state = EventLog(tmp_path).state()
    assert len(acked) > 100, "the writers hardly ever got to append: the test is too quick"
    assert len({ref for ref, _ in acked}) == len(acked)
    refs = sorted(state.submissions)
    assert refs == [f"2026-{n:06d}" for n in range(1, len(refs) + 1)]
    print(f"\n{len(acked)} acknowledged appends from 8 threads over 30 SIGKILLs")


# --- torn tails -------------------------------------------------------------------------------------------------------


def _three_records(directory: Path) -> tuple[bytes, list[dict], list[int]]:
    log = EventLog(directory, fsync=False)
    records = [log.append(submit(text=f"第{n}条"))[0] for n in range(3)]
    data = log.path.read_bytes()
    ends = [index + 1 for index, byte in enumerate(data) if byte == ord("\n")]
    return data, records, ends


def test_reader_keeps_exactly_the_complete_records_at_every_cut(tmp_path):
    data, records, ends = _three_records(tmp_path / "source")
    path = tmp_path / "cut" / "events.jsonl"
    path.parent.mkdir()
    for cut in range(len(data) + 1):
        path.write_bytes(data[:cut])
        complete = sum(end <= cut for end in ends)
        assert list(read_events(path)) == records[:complete], cut
        state = EventLog(path.parent, fsync=False).state()
        assert sorted(state.submissions) == [record["ref"] for record in records[:complete]], cut
        assert state.skipped_lines == 0


def test_append_fences_a_torn_tail_at_every_cut_of_the_last_record(tmp_path):
    data, records, ends = _three_records(tmp_path / "source")
    path = tmp_path / "cut" / "events.jsonl"
    path.parent.mkdir()
    for cut in range(ends[1], ends[2] + 1):
        path.write_bytes(data[:cut])
        log = EventLog(path.parent, fsync=False)
        (new,) = log.append(submit(text="新的一条"))
        events = list(read_events(path))
        whole_but_newline = cut == ends[2] - 1  # a record that lacked only its "\n" is a record after the fence
        kept = records if cut in (ends[2], ends[2] - 1) else records[:2]
        assert events == [*kept, new], cut
        assert new["ref"] == f"2026-{len(kept) + 1:06d}"  # never the ref of a record that survived the fence
        state = EventLog(path.parent).state()
        assert state.skipped_lines == (ends[1] < cut < ends[2] - 1), cut
        assert len(state.submissions) == len(kept) + 1
        assert path.read_bytes().startswith(data[:cut]), "the torn bytes were kept, not truncated"
        assert not whole_but_newline or path.read_bytes().count(b"\n") == 4


# --- a full disk ------------------------------------------------------------------------------------------------------


def _mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    result = run("mount", *args)
    if result.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} is not permitted here: {result.stderr.strip()}")


def _umount(path: Path) -> None:
    if run("umount", str(path)).returncode != 0:
        run("umount", "-l", str(path))


@pytest.fixture
def small_tmpfs(tmp_path) -> Iterator[Path]:
    mountpoint = tmp_path / "tmpfs"
    mountpoint.mkdir()
    _mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mountpoint))
    try:
        yield mountpoint
    finally:
        _umount(mountpoint)


def test_disk_full_keeps_whole_lines_and_recovers(small_tmpfs):
    filler = small_tmpfs / "filler"
    filler.write_bytes(b"\0" * 96 * 1024)
    log = EventLog(small_tmpfs / "queue")
    acked, failures = [], 0
    for size in (6000, 10):  # 18 KB records (short writes), then small ones (often ENOSPC with nothing written)
        while True:
            try:
                acked += log.append(submit(text="满" * size))
            except QueueUnavailable:
                failures += 1
                break
        assert log.writable  # a full disk is not a failed fsync
        assert list(read_events(log.path)) == acked  # the file holds exactly what was acknowledged
        assert log.path.read_bytes().endswith(b"\n")
    assert failures == 2 and len(acked) > 5
    with pytest.raises(QueueUnavailable):
        log.append(submit(text="满" * 6000))
    assert list(read_events(log.path)) == acked

    filler.unlink()
    (event,) = log.append(submit(text="满" * 6000))
    assert list(read_events(log.path)) == [*acked, event]
    state = EventLog(small_tmpfs / "queue").state()
    assert len(state.submissions) == len(acked) + 1 and state.skipped_lines == 0


# --- a failing fsync: an ext4 on a loop device whose backing file lives on a full tmpfs -------------------------------


@pytest.fixture
def failing_disk(tmp_path) -> Iterator[tuple[Path, Path]]:
    """An ext4 file system whose device fails writes (ENOSPC/EIO at writeback) once `backing` is full."""
    for tool in ("mkfs.ext4", "losetup"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    backing, mountpoint = tmp_path / "backing", tmp_path / "ext4"
    backing.mkdir()
    mountpoint.mkdir()
    _mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(backing))
    loop = None
    try:
        image = backing / "disk.img"
        with open(image, "wb") as file:
            file.truncate(64 * 1024 * 1024)  # sparse: the tmpfs fills only as blocks are written
        if run("mkfs.ext4", "-q", "-F", "-O", "^has_journal", str(image)).returncode != 0:
            pytest.skip("mkfs.ext4 failed")
        result = run("losetup", "--find", "--show", str(image))
        if result.returncode != 0:
            pytest.skip(f"no loop device: {result.stderr.strip()}")
        loop = result.stdout.strip()
        _mount("-o", "errors=continue", loop, str(mountpoint))
        try:
            yield mountpoint, backing
        finally:
            _umount(mountpoint)
    finally:
        if loop:
            run("losetup", "-d", loop)
        _umount(backing)


def _fsync_until_it_succeeds(path: Path) -> int:
    """What the queue must never do: retry fsync until it passes (fsyncgate). Returns the number of attempts."""
    for attempt in range(1, 10):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            return attempt
        except OSError:
            continue
        finally:
            os.close(fd)
    return 10


def test_failed_fsync_stops_writes_until_restart(failing_disk):
    mountpoint, backing = failing_disk
    log = EventLog(mountpoint / "queue")
    (first,) = log.append(submit())
    with open(backing / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    # write() lands in the page cache and the device fails at writeback; the kernel may report that to this fsync or,
    # when the loop device completes late, to the next one
    for _ in range(20):
        try:
            log.append(submit(text="写" * 100_000))
        except QueueUnavailable as error:
            assert "fsync" in str(error)
            break
    else:
        pytest.fail("fsync never failed on a device without space")
    assert not log.writable and "fsync" in log.failure

    (backing / "filler").unlink()  # the device works again: a plain retry of fsync now "succeeds" ...
    assert _fsync_until_it_succeeds(log.path) <= 2
    size = log.path.stat().st_size
    with pytest.raises(QueueUnavailable, match="fsync"):
        log.append(submit())  # ... but this EventLog never retries, and writes nothing more
    assert log.path.stat().st_size == size
    assert log.state().submissions[first["ref"]].code == first["code"]  # reads still work

    restarted = EventLog(mountpoint / "queue")
    (event,) = restarted.append(submit(text="重启之后"))
    assert list(read_events(restarted.path))[-1] == event


def test_a_failed_fsync_fails_every_call_of_its_group(failing_disk):
    mountpoint, backing = failing_disk
    log = EventLog(mountpoint / "queue")
    (first,) = log.append(submit())
    with open(backing / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    outcomes = []
    for _ in range(20):
        results = in_one_group(log, [submit(text="写" * 40_000) for _ in range(4)])
        outcomes.append([kind for kind, _ in results])
        if any(kind == "error" for kind, _ in results):
            assert all(kind == "error" and "fsync" in str(error) for kind, error in results), outcomes
            break
    else:
        pytest.fail("fsync never failed on a device without space")
    assert all(kinds in (["ok"] * 4, ["error"] * 4) for kinds in outcomes), outcomes  # a group shares one fate
    assert not log.writable
    with pytest.raises(QueueUnavailable, match="fsync"):
        log.append(submit())
    (backing / "filler").unlink()
    restarted = EventLog(mountpoint / "queue")
    assert restarted.state().submissions[first["ref"]].code == first["code"]


# --- the line format --------------------------------------------------------------------------------------------------


def test_parse_line():
    assert parse_line(b'{"type":"noted","ref":"2026-000001"}') == {"type": "noted", "ref": "2026-000001"}
    for bad in (b"", b"{", b"null", b'"type"', b'{"type":null}', b"\xc3", b"[" * 50_000):
        assert parse_line(bad) is None
