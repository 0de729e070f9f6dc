"""The public figures (`python -m forms_api stats --public`): from a fixture queue with fixed dates to the numbers
worked out by hand below, the rule of fewer than 5, and a file that holds nothing personal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from forms_api import cases
from forms_api.cases import TZ, check, make_evaluation, make_event, new_code
from forms_api.settings import PROJECT_ROOT, resolve_path
from forms_api.staff import public_stats
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-30"
KEY = bytes(range(32))  # a fixed key: the voters are real keyed hashes, only reproducible
HOLIDAYS = "holidays:\n  - 2026-11-09\n  - 2026-11-10\n  - 2026-11-11\n"  # Monday to Wednesday off

# Personal data in the fixture queue: none of it may reach the public file.
NAMES = ("欧阳独一", "司马无二", "诸葛唯三")
PHONES = ("13987654321", "13612345098", "13755501234", "15811112222", "18600009999")
TEXTS = ("独一无二的留言内容甲：楼道灯坏了", "独一无二的留言内容乙：垃圾清运", "独一无二的留言内容丙：路面塌陷")
COMMENTS = ("独特的评价意见壹号", "独特的评价意见贰号", "独特的答复评价意见叁号")
ANSWER = "独特的答复内容：已转交住建局处理"
STAFF = "独特的办事员名字"


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> str:
    return datetime(year, month, day, hour, minute, tzinfo=TZ).isoformat()


class Queue:
    """Appends events the way the API and the staff tools do: checked under the lock, one per append."""

    def __init__(self, directory: Path) -> None:
        self.log = EventLog(directory, fsync=False)
        self.count = 0
        self.phones = iter(PHONES * 20)
        self.comments = iter(COMMENTS[:2] * 20)

    def add(self, kind: str, ref: str, when: str, by: str = STAFF, **fields: Any) -> None:
        def decide(state):
            check(state.submissions.get(ref), kind)
            return make_event(kind, ref, by, when, **fields)

        self.log.append(decide)

    def submit(self, target: str, when: str, *, complex: bool = False) -> str:
        self.count += 1
        ref = f"2026-{self.count:06d}"
        text, name = TEXTS[self.count % len(TEXTS)], NAMES[self.count % len(NAMES)]
        fields = {"target": target, "category": "求助", "text": f"{text}，联系 {next(self.phones)}", "name": name}
        fields |= {"phone": next(self.phones), "anonymous": False, "complex": complex}
        self.add("submitted", ref, when, "citizen", code=new_code(), **fields)
        return ref

    def reply(self, ref: str, when: str) -> None:
        """An answer as a log from before answering needed an assignment has it (most of these cases were never
        assigned, so their deadline is the default one the holidays move): the state rules but that one checked."""

        def decide(state):
            sub = state.submissions.get(ref)
            if sub is not None and sub.assignee_kind is None:
                sub = replace(sub, assignee_kind="department")  # a copy: the state is not changed
            check(sub, "replied")
            return make_event("replied", ref, STAFF, when, answer=ANSWER)

        self.log.append(decide)

    def rate(self, ref: str, when: str, rating: str) -> None:
        self.add("rated", ref, when, "citizen", rating=rating, comment=COMMENTS[2])

    def evaluate(self, deputy: str, year: int, when: str, rating: str, phone: str) -> None:
        target = f"deputy:{deputy}"
        voter = cases.voter(KEY, phone, target, year)
        comment = next(self.comments)
        self.log.append(lambda state: make_evaluation(target, year, rating, voter, when, comment=comment))


def fill(directory: Path) -> None:
    """The fixture queue. Dates are CST; 2026-11-02 is a Monday. Worked out by hand:

    deputy zhang-san, 6 messages (the default deadline is 5 working days, 10 for a complex case):
      A  Mon 11-02 09:00, replied Wed 11-04 09:00: 2.0 days; due Mon 11-09: in time.          rated 满意
      B  Mon 11-02 09:00, assigned with deadline 11-03, replied Thu 11-05 21:00: 3.5 days; late. rated 不满意
         (reopens), replied again 11-10, rated 基本满意: two ratings.
      C  Fri 11-06 09:00, replied Sun 11-15 09:00: 9.0 days; due Fri 11-13, or with the holidays 11-09..11-11 Wed
         11-18: late without the calendar, in time with it.                                     rated 满意
      D  Tue 11-10 09:00, complex, replied Tue 11-24 15:00: 14.25 days; due 11-24 (11-25 with the holidays): in time.
      E  Fri 11-20, not answered.   F  Fri 11-27, closed without an answer.
      received 6, answered 4, in time 3 with the holidays (A, C, D) and 2 without (A, D);
      median of 2.0, 3.5, 9.0, 14.25 = 6.25 -> 6.3 (half up; Python's round() would give 6.2);
      ratings 4: 满意 2 (A, C), 基本满意 1, 不满意 1 (B).
      evaluations: 2026: 5 (满意 3, 基本满意 1, 不满意 1); 2025: 4 -> too few.
    station qingshi-zhan, 5 messages:
      S1 Mon 11-02 09:00 -> Tue 11-03 09:00: 1.0, in time, rated 满意.  S2 Mon 11-02 09:00 -> Tue 11-03 21:00: 1.5.
      S3 Tue 11-03 09:00 -> Thu 11-12 09:00: 9.0; due Tue 11-10, with the holidays Fri 11-13.  S4, S5 not answered.
      received 5, answered 3, in time 3 with the holidays and 2 without, median 1.5, ratings 1 (满意).
    deputy li-si: exactly 4 messages, each answered the next day, one rated 满意 -> too few.
    deputy wang-wu: no message, 6 evaluations in 2026 (满意 2, 基本满意 2, 不满意 2) -> too few, with evaluations.
    A message to a malformed target (written by hand, with a phone number in it) -> left out.
    """
    queue = Queue(directory)
    a = queue.submit("deputy:zhang-san", at(11, 2))
    queue.reply(a, at(11, 4))
    queue.rate(a, at(11, 4, 12), "满意")
    b = queue.submit("deputy:zhang-san", at(11, 2))
    queue.add("assigned", b, at(11, 2, 10), to_kind="department", to="县住建局", deadline="2026-11-03")
    queue.reply(b, at(11, 5, 21))
    queue.rate(b, at(11, 6), "不满意")
    queue.reply(b, at(11, 10, 10))
    queue.rate(b, at(11, 11), "基本满意")
    c = queue.submit("deputy:zhang-san", at(11, 6))
    queue.reply(c, at(11, 15))
    queue.rate(c, at(11, 16), "满意")
    d = queue.submit("deputy:zhang-san", at(11, 10), complex=True)
    queue.reply(d, at(11, 24, 15))
    queue.submit("deputy:zhang-san", at(11, 20))
    f = queue.submit("deputy:zhang-san", at(11, 27))
    queue.add("closed", f, at(11, 28), reason="重复留言")

    s1 = queue.submit("station:qingshi-zhan", at(11, 2))
    queue.reply(s1, at(11, 3))
    queue.rate(s1, at(11, 3, 12), "满意")
    queue.reply(queue.submit("station:qingshi-zhan", at(11, 2)), at(11, 3, 21))
    queue.reply(queue.submit("station:qingshi-zhan", at(11, 3)), at(11, 12))
    queue.submit("station:qingshi-zhan", at(11, 4))
    queue.submit("station:qingshi-zhan", at(11, 5))

    for n in range(4):
        ref = queue.submit("deputy:li-si", at(11, 16))
        queue.reply(ref, at(11, 17))
        if n == 0:
            queue.rate(ref, at(11, 18), "满意")

    for n, rating in enumerate(["满意", "满意", "满意", "基本满意", "不满意"]):
        queue.evaluate("zhang-san", 2026, at(3, 1 + n), rating, PHONES[n])
    for n, rating in enumerate(["满意", "不满意", "不满意", "基本满意"]):
        queue.evaluate("zhang-san", 2025, at(6, 1 + n, year=2025), rating, PHONES[n])
    for n, rating in enumerate(["满意", "基本满意", "不满意", "满意", "基本满意", "不满意"]):
        queue.evaluate("wang-wu", 2026, at(5, 1 + n), rating, f"1390000000{n}")

    bad = {"type": "submitted", "ref": "2026-000099", "by": "citizen", "at": at(11, 2), "code": new_code()}
    bad |= {"target": f"deputy:{NAMES[0]} {PHONES[0]}", "category": "求助", "text": TEXTS[0], "phone": PHONES[0]}
    bad |= {"name": None, "anonymous": False, "complex": False}
    with open(directory / "events.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(bad, ensure_ascii=False) + "\n")


ZHANG_SAN = {
    "received": 6,
    "answered": 4,
    "answered_in_time": 3,
    "median_days_to_answer": 6.3,
    "ratings": 4,
    "satisfied": 2,
    "basically_satisfied": 1,
    "dissatisfied": 1,
    "evaluations": {
        "2025": {"too_few": True},
        "2026": {"count": 5, "satisfied": 3, "basically_satisfied": 1, "dissatisfied": 1},
    },
}
QINGSHI = {
    "received": 5,
    "answered": 3,
    "answered_in_time": 3,
    "median_days_to_answer": 1.5,
    "ratings": 1,
    "satisfied": 1,
    "basically_satisfied": 0,
    "dissatisfied": 0,
}
EXPECTED = {
    "format": 1,
    "generated_on": TODAY,
    "min_submissions": 5,
    "deputies": {
        "li-si": {"too_few": True, "evaluations": {}},
        "wang-wu": {
            "too_few": True,
            "evaluations": {"2026": {"count": 6, "satisfied": 2, "basically_satisfied": 2, "dissatisfied": 2}},
        },
        "zhang-san": ZHANG_SAN,
    },
    "stations": {"qingshi-zhan": QINGSHI},
}


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    directory = tmp_path / "queue"
    fill(directory)
    return directory


@pytest.fixture
def holidays(tmp_path: Path) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(HOLIDAYS, encoding="utf-8")
    return path


def stats(queue: Path, out: Path, *args: str):
    env = {"FORMS_QUEUE_DIR": None, "FORMS_HOLIDAYS": None}
    return CliRunner().invoke(
        main, ["--queue", str(queue), "stats", "--public", "--out", str(out), "--today", TODAY, *args], env=env
    )


def test_figures_match_the_hand_computed_ones(queue: Path, holidays: Path, tmp_path: Path) -> None:
    out = tmp_path / "public" / "stats.json"
    result = stats(queue, out, "--holidays", str(holidays))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"已写入公开统计 {out}：3 位代表、1 个联络站；"
        "其中 2 个（代表或联络站）留言不足 5 条，不公布其数字。不含个人信息。\n"
    )
    assert json.loads(out.read_text(encoding="ascii")) == EXPECTED
    assert list(json.loads(out.read_text())["deputies"]) == ["li-si", "wang-wu", "zhang-san"]  # sorted ids
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()  # public figures: readable by the web server
    assert not list(out.parent.glob(".*.tmp"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_without_the_holidays_two_answers_come_late(queue: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats.json"
    assert stats(queue, out).exit_code == 0
    figures = json.loads(out.read_text())
    assert figures["deputies"]["zhang-san"] == ZHANG_SAN | {"answered_in_time": 2}  # C is late by the plain week
    assert figures["stations"]["qingshi-zhan"] == QINGSHI | {"answered_in_time": 2}  # and so is S3


def test_exactly_four_messages_show_no_figures_and_the_threshold_is_configurable(
    queue: Path, holidays: Path, tmp_path: Path
) -> None:
    out = tmp_path / "stats.json"
    assert stats(queue, out, "--holidays", str(holidays)).exit_code == 0
    assert json.loads(out.read_text())["deputies"]["li-si"] == {"too_few": True, "evaluations": {}}

    result = stats(queue, out, "--holidays", str(holidays), "--min-submissions", "4")
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert figures["min_submissions"] == 4
    assert figures["deputies"]["li-si"] == {
        "received": 4,
        "answered": 4,
        "answered_in_time": 4,
        "median_days_to_answer": 1.0,
        "ratings": 1,
        "satisfied": 1,
        "basically_satisfied": 0,
        "dissatisfied": 0,
        "evaluations": {},
    }
    assert figures["deputies"]["zhang-san"]["evaluations"]["2025"] == {
        "count": 4,
        "satisfied": 1,
        "basically_satisfied": 1,
        "dissatisfied": 2,
    }


def test_out_and_min_need_public(queue: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--queue", str(queue), "stats", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "--out 和 --min-submissions 只能与 --public 一起使用。" in result.output
    assert not (tmp_path / "x.json").exists()


def test_missing_queue_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "stats.json"
    result = stats(tmp_path / "nowhere", out)
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：找不到留言队列")
    assert not out.exists() and not (tmp_path / "nowhere").exists()


def test_default_path_is_in_the_project_var_folder() -> None:
    assert resolve_path(public_stats.DEFAULT_PATH) == PROJECT_ROOT / "var" / "public" / "stats.json"
    help_text = CliRunner().invoke(main, ["stats", "--help"]).output
    assert "var/public/stats.json" in help_text and "--public" in help_text


def test_read_only_queue_is_read_without_its_lock(queue: Path, tmp_path: Path) -> None:
    """The rebuild unit sees the queue on a read-only mount: reading must not open anything for writing."""
    (queue / "events.lock").unlink()
    os.chmod(queue, 0o500)
    try:
        out = tmp_path / "stats.json"
        assert stats(queue, out).exit_code == 0
        assert not (queue / "events.lock").exists()
    finally:
        os.chmod(queue, 0o700)


def test_median_rounds_half_up() -> None:
    assert public_stats.median_days([]) is None
    assert public_stats.median_days([2.25]) == 2.3
    assert public_stats.median_days([1.0, 2.0, 3.0, 4.0]) == 2.5
    assert public_stats.median_days([0.04]) == 0.0


# --- nothing personal -------------------------------------------------------------------------------------------------
ID = re.compile(r"^[a-z0-9-]{1,64}$")
COUNTS = {"received", "answered", "answered_in_time", "ratings", "satisfied", "basically_satisfied", "dissatisfied"}


def check_figures(figures: dict, *, deputy: bool) -> None:
    keys = set(figures)
    if figures.get("too_few") is True:
        assert keys == ({"too_few", "evaluations"} if deputy else {"too_few"})
    else:
        assert keys == COUNTS | {"median_days_to_answer"} | ({"evaluations"} if deputy else set())
        for key in COUNTS:
            assert type(figures[key]) is int and figures[key] >= 0, key
        median = figures["median_days_to_answer"]
        assert median is None or (type(median) is float and median >= 0)
    if deputy:
        for year, counts in figures["evaluations"].items():
            assert re.fullmatch(r"\d{4}", year)
            if counts.get("too_few") is True:
                assert counts == {"too_few": True}
            else:
                assert set(counts) == {"count", "satisfied", "basically_satisfied", "dissatisfied"}
                assert all(type(value) is int and value >= 0 for value in counts.values())


def test_the_file_holds_nothing_personal(queue: Path, holidays: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMS_")}
    command = [sys.executable, "-m", "forms_api", "--queue", str(queue), "stats", "--public", "--out", str(out)]
    command += ["--holidays", str(holidays)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"已写入公开统计 {out}：")

    data = out.read_bytes()
    text = data.decode("ascii")  # ids, numbers and dates only: nothing but ASCII
    log = (queue / "events.jsonl").read_text(encoding="utf-8")
    secrets = [*NAMES, *PHONES, *TEXTS, *COMMENTS, ANSWER, STAFF, "县住建局", "重复留言"]
    voters = re.findall(r"\"voter\": ?\"([0-9a-f]{64})\"", log)
    codes = re.findall(r"\"code\": ?\"([A-Za-z0-9_-]+)\"", log)
    assert len(voters) == 15 and len(codes) == 16
    for secret in [*secrets, *voters, *codes]:
        assert secret in log  # the fixture really holds it ...
        assert secret not in text  # ... and the public file does not
        assert secret.encode("unicode_escape").decode("ascii") not in text  # not even as \\uXXXX
    for phone in PHONES:
        assert phone[-8:] not in text

    figures = json.loads(data)
    assert set(figures) == {"format", "generated_on", "min_submissions", "deputies", "stations"}
    assert type(figures["format"]) is int and type(figures["min_submissions"]) is int
    assert date.fromisoformat(figures["generated_on"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", figures["generated_on"])
    for kind in ("deputies", "stations"):
        for ident, target in figures[kind].items():
            assert ID.match(ident), ident
            check_figures(target, deputy=kind == "deputies")
