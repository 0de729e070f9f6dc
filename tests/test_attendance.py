"""Records without double entry: deputies present at past events have them on record, and in their points, as the
matching kind of activity; the events' future dates, skipped dates and `other` events count for nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import overlay_case

from generator.attendance import attended, held_days
from generator.directory import Directory
from generator.event_model import Outcome, StationEvent
from generator.load import load_content
from generator.model import Deputy
from generator.pages import render_deputy

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def content_at(
    tmp_path: Path, today: dt.date, *, records: bool = True, past_only: bool = False, events: tuple[str, ...] = ()
):
    """tests/fixtures/good with the events (and the records and schemes) overlaid, loaded as of `today`;
    `past_only`: without the 述职 of 2026-11-20, whose outcome is written; `events`: more event files' YAML."""
    root = tmp_path / "content"
    overlay_case(root, FIXTURES / "good")
    overlay_case(root, FIXTURES / "events" / "good")
    if records:
        overlay_case(root, FIXTURES / "records" / "good")
    if past_only:
        (root / "events" / "qingshi-2026-11-shuzhi.yaml").unlink()
    for text in events:
        event_id = text.split("\n", 1)[0].removeprefix("id: ")
        (root / "events" / f"{event_id}.yaml").write_text(text, encoding="utf-8")
    content, problems = load_content(root, today)
    assert [p for p in problems if not p.warning] == []
    return content


def test_two_reception_days_earn_the_reception_points_without_a_records_line(tmp_path: Path) -> None:
    """chen-moyin has no records/ folder; the weekly reception day (from 2026-09-02) has happened twice by the 10th."""
    content = content_at(tmp_path, dt.date(2026, 9, 10), past_only=True)
    year = content.records["chen-moyin"][2026]
    assert [(a.date, a.kind, a.station, a.title, a.event) for a in year.activities] == [
        (dt.date(2026, 9, 2), "reception", "qingshi-zhan", "代表接待日", "qingshi-jiedairi"),
        (dt.date(2026, 9, 9), "reception", "qingshi-zhan", "代表接待日", "qingshi-jiedairi"),
    ]
    directory = Directory(content, dt.date(2026, 9, 10))
    points = directory.points["chen-moyin"][2026]
    line = points.line("reception")
    assert (line.count, line.each, line.subtotal, points.total) == (2, 2, 4, 4)  # 2 points each, cap 5
    assert [e.activity.event for e in line.entries] == ["qingshi-jiedairi", "qingshi-jiedairi"]
    page = render_deputy(directory, content.deputies["chen-moyin"]).body
    assert "2 × 2 = 4（上限 5），其中 2 条据联络站活动" in page
    assert page.count('据联络站活动记录：<a href="../../event/qingshi-jiedairi/">接待日</a>') == 2


COURTYARD = """\
id: qingshi-2026-11-wuchang
kind: courtyard
topic: 屋场恳谈会：老旧小区加装电梯
station: qingshi-zhan
place:
  name: 青石社区议事厅
  address: 样例市晨溪区青石路 3 号
start: 2026-11-14 14:30
end: 2026-11-14 16:30
deputies:
  - zhao-shishan
outcome:
  received: 25
"""


def test_a_past_report_and_courtyard_meeting_earn_their_kinds_points(tmp_path: Path) -> None:
    """lin-xiaoyang spoke at the 述职 of 2026-11-20: a report to the voters, 4 points under the 2026 scheme
    (tests/fixtures/records/good/scoring.yaml); zhao-shishan, with no records/ folder and no other event yet, sat
    at a 屋场恳谈会 on the 14th: a reception, 2 points. Each entry of the breakdown names its event."""
    today = dt.date(2026, 11, 28)
    directory = Directory(content_at(tmp_path / "with", today, events=(COURTYARD,)), today)
    without = Directory(content_at(tmp_path / "without", today, past_only=True), today)
    lin = directory.points["lin-xiaoyang"][2026]
    report = lin.line("report")
    assert (report.label, report.count, report.each, report.subtotal) == ("向选民述职", 1, 4, 4)
    assert [(e.activity.event, e.activity.title, e.counted) for e in report.entries] == [
        ("qingshi-2026-11-shuzhi", "区人大代表向选民述职", 4)
    ]
    assert lin.total == without.points["lin-xiaoyang"][2026].total + 4
    zhao = directory.points["zhao-shishan"][2026]
    reception = zhao.line("reception")
    assert (reception.count, reception.each, reception.subtotal, zhao.total) == (1, 2, 2, 2)
    assert [(e.activity.event, e.activity.title) for e in reception.entries] == [
        ("qingshi-2026-11-wuchang", "屋场恳谈会：老旧小区加装电梯")
    ]
    assert "zhao-shishan" not in without.points
    lin_page = render_deputy(directory, directory.content.deputies["lin-xiaoyang"]).body
    assert "1 × 4 = 4（上限 8），其中 1 条据联络站活动" in lin_page
    assert '据联络站活动记录：<a href="../../event/qingshi-2026-11-shuzhi/">代表述职</a>' in lin_page
    zhao_page = render_deputy(directory, directory.content.deputies["zhao-shishan"]).body
    assert "1 × 2 = 2（上限 5），其中 1 条据联络站活动" in zhao_page and "屋场恳谈会：老旧小区加装电梯" in zhao_page
    line = "events/station-qingshi-zhan/#event-qingshi-2026-11-wuchang"  # a past one-off: its station's line
    assert f'据联络站活动记录：<a href="../../{line}">屋场恳谈会</a>' in zhao_page


def test_attendance_joins_the_written_records_in_date_order(tmp_path: Path) -> None:
    """lin-xiaoyang's written 2026 records plus the reception days up to the 28th of November (the 2nd of December
    is skipped and still to come) and the 述职 of the 20th, as a report to the voters."""
    content = content_at(tmp_path, dt.date(2026, 11, 28))
    activities = content.records["lin-xiaoyang"][2026].activities
    from_events = [a for a in activities if hasattr(a, "event")]
    wednesdays = [dt.date(2026, 9, 2) + dt.timedelta(weeks=n) for n in range(13)]
    assert [a.date for a in from_events if a.kind == "reception"] == wednesdays
    assert [(a.date, a.title, a.place) for a in from_events if a.kind == "report"] == [
        (dt.date(2026, 11, 20), "区人大代表向选民述职", "青石街道人大代表联络站")
    ]
    assert [a.date for a in activities] == sorted(a.date for a in activities)
    assert len(activities) - len(from_events) == 12  # every written line is still there


def test_future_dates_skipped_dates_and_outcomes(tmp_path: Path) -> None:
    rule = StationEvent.model_validate(
        {
            "id": "x",
            "kind": "reception",
            "topic": "接待日",
            "station": "s",
            "start": "2026-09-02 09:00",
            "end": "2026-09-02 11:30",
            "repeat": {"every": "week", "days": ["wed"], "until": "2026-09-30", "skip": ["2026-09-16"]},
        }
    )
    assert held_days(rule, dt.date(2026, 9, 23)) == [dt.date(2026, 9, 2), dt.date(2026, 9, 9)]  # today not yet
    assert held_days(rule, dt.date(2027, 1, 1))[-1] == dt.date(2026, 9, 30)
    once = rule.model_copy(update={"repeat": None})
    assert held_days(once, dt.date(2026, 9, 2)) == []
    done = once.model_copy(update={"outcome": Outcome(received=3)})
    assert held_days(done, dt.date(2026, 9, 2)) == [dt.date(2026, 9, 2)]  # today, once its outcome is written


def test_events_of_kind_other_and_without_deputies_put_nothing_on_record(tmp_path: Path) -> None:
    content = content_at(tmp_path, dt.date(2027, 6, 1), records=False)
    kinds = {e.id: (e.kind, e.deputies) for e in content.events.values()}
    on_record = {a.event for years in content.records.values() for y in years.values() for a in y.activities}
    assert on_record == {i for i, (kind, deputies) in kinds.items() if kind != "other" and deputies}
    assert on_record != set(kinds)


def test_days_a_deputy_held_no_seat_put_nothing_on_record() -> None:
    """A former deputy still listed at a weekly reception day (an error when loading; should such an event be kept)
    gets the days up to the end of the term only, never points for the days after leaving office."""
    rule = StationEvent.model_validate(
        {
            "id": "x",
            "kind": "reception",
            "topic": "接待日",
            "station": "s",
            "start": "2025-03-05 09:00",
            "end": "2025-03-05 11:30",
            "repeat": {"every": "week", "days": ["wed"], "until": "2025-03-31"},
            "deputies": ["former", "current"],
        }
    )
    seat = {"level": "township", "congress": "第十九届", "area": "990102", "since": "2021-12-28"}
    deputies = {
        "former": Deputy.model_validate(
            {"id": "former", "name": "甲", "memberships": [seat | {"until": "2025-03-15"}]}
        ),
        "current": Deputy.model_validate({"id": "current", "name": "乙", "memberships": [seat]}),
    }
    found = attended([rule], deputies, {"s": "站"}, dt.date(2026, 1, 1))
    assert [a.date.day for a in found["former"][2025]] == [5, 12]
    assert [a.date.day for a in found["current"][2025]] == [5, 12, 19, 26]
