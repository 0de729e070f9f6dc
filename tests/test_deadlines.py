"""What a citizen reads about when an answer comes is what the form service's rules do (generator/deadlines.py):
the office hands a case on (交办) within N working days of receiving it, and the answer is due N working days after
交办; the site's form, /thanks/, the how-to page and the service's receipt say it in one sentence."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import overlay_case

from forms_api.cases import NO_HOLIDAYS, TZ, State, is_working_day, make_event
from forms_api.cases.actions import assignment
from generator import deadlines
from generator import messages as m
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
RECEIVED = datetime(2026, 11, 27, 16, 0, tzinfo=TZ)  # a Friday: the count skips a weekend


def working_days(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    return sum(is_working_day(date.fromordinal(day)) for day in range(start.toordinal() + 1, end.toordinal() + 1))


def counted_by_the_rules(complex_case: bool) -> tuple[int, int]:
    """The working days the service's rules give a case received on RECEIVED: to 交办 (its 交办期限), and from 交办
    to the answer (the deadline an assignment on that last day sets)."""
    state = State()
    fields = {"code": "c" * 26, "target": "deputy:zhang-san", "category": "求助", "text": "路灯坏了三个月。"}
    fields |= {"phone": "13912345678", "anonymous": False, "complex": complex_case}
    assert state.apply(make_event("submitted", "2026-000001", "citizen", RECEIVED.isoformat(), **fields))
    sub = state.submissions["2026-000001"]
    assign_by = sub.assign_by()
    make = assignment(
        to_kind="hotline", name=None, deputy=None, complex_case=None, deadline=None, today=assign_by, cal=NO_HOLIDAYS
    )
    answer_by = make(sub)["deadline"]
    return working_days(RECEIVED.date(), assign_by), working_days(assign_by, answer_by)


def the_rule_s_sentence() -> str:
    (days, days_again), (complex_days, complex_again) = counted_by_the_rules(False), counted_by_the_rules(True)
    assert (days, complex_days) == (days_again, complex_again)  # the sentence says "交办 N, then N again"
    return m.DEADLINE_PROMISE.format(days=days, complex=complex_days)


def test_the_sentence_says_the_days_the_rules_count() -> None:
    sentence = deadlines.promise()
    assert sentence == the_rule_s_sentence()
    said = "留言一般在 5 个工作日内交办，交办后 5 个工作日内答复；情况复杂的，交办和答复各在 10 个工作日内。"
    assert sentence == said


def test_a_hand_written_page_gets_the_sentence_in_place_of_its_mark() -> None:
    page = f"留言会交给代表办理。{deadlines.PROMISE_MARK}紧急情况请拨打 110。"
    assert deadlines.fill_promise(page) == f"留言会交给代表办理。{the_rule_s_sentence()}紧急情况请拨打 110。"


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_other_numbers_in_the_one_place_change_every_page_that_says_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form on deputy and station pages, /thanks/ and a hand-written page's mark take the numbers from
    generator/deadlines.py: nothing on the site states them by hand."""
    monkeypatch.setattr(deadlines, "FIRST_ANSWER_DAYS", 7)
    monkeypatch.setattr(deadlines, "COMPLEX_DAYS", 15)
    content = tmp_path / "content"
    overlay_case(content, Path(__file__).parent / "fixtures" / "good")
    how_to = f"# 使用说明\n\n留言会交给代表办理。{deadlines.PROMISE_MARK}紧急情况请拨打 110。\n"
    (content / "pages" / "how-to.md").write_text(how_to, encoding="utf-8")
    out = tmp_path / "site"
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--today", "2026-11-28"])
    assert result.exit_code == 0, result.output
    said = "留言一般在 7 个工作日内交办，交办后 7 个工作日内答复；情况复杂的，交办和答复各在 15 个工作日内。"
    pages = {
        "deputy": out / "deputies" / "zhou-liming" / "index.html",
        "station": out / "stations" / "qingshi-zhan" / "index.html",
        "thanks": out / "thanks" / "index.html",
        "how-to": out / "how-to" / "index.html",
    }
    assert {name: said in page_text(path) for name, path in pages.items()} == dict.fromkeys(pages, True)
    everything = " ".join(page_text(path) for path in out.rglob("*.html"))
    assert re.findall(r"(?<!\d)(?:5|10) 个工作日", everything) == []
    assert deadlines.PROMISE_MARK not in everything
