"""Events at stations (content/events/<id>.yaml): every mistake paired with its exact line; the dates rules yield."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import overlay_case

from generator import events
from generator.directory import Directory
from generator.event_model import StationEvent
from generator.event_pages import event_pages
from generator.load import load_content

TODAY = dt.date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
E = "content/events"

BAD_CASES = {
    "bad_kind": [
        f'{E}/qingshi-2026-12-qiaotou.yaml:2: kind: "屋场恳谈会" 不是允许的值（可选：reception（接待日）、mobile（'
        "流动站）、courtyard（屋场恳谈会）、report（代表述职）、inspection（视察调研）、other（其他活动））",
        f"{E}/qingshi-2026-12-qiaotou.yaml:3: topc: 字段名写错了，应为 topic（把 topc 改成 topic）",
    ],
    "bad_time": [
        f'{E}/qingshi-2026-12-qiaotou.yaml:5: start: "2026-12-05T14:30" 不是有效的时间（写成 2026-12-02 09:00，'
        "即年-月-日 时:分（北京时间））",
        f'{E}/qingshi-2026-12-qiaotou.yaml:6: end: "2026-12-05 25:00" 不是有效的时间（写成 2026-12-02 09:00，'
        "即年-月-日 时:分（北京时间））",
    ],
    "bad_weekday": [
        f'{E}/qingshi-jiedairi.yaml:9: repeat.days[0]: "周三" 不是允许的值（可选：mon（周一）、tue（周二）、wed（'
        "周三）、thu（周四）、fri（周五）、sat（周六）、sun（周日））",
    ],
    "deputy_outside_term": [  # rather than the warning that zhou-liming is not a deputy of qingshi-zhan
        f'{E}/qingshi-2026-11-19.yaml:9: deputies[1]: 代表 "zhou-liming" 在 2026-11-19 不在任（任期：2022-01-15 至 '
        "2025-03-15），不能列为参加代表（从 deputies 中删去该代表；日期写错的，改正 start 和 end）",
        f'{E}/yunshang-2025-jiedairi.yaml:14: deputies[0]: 代表 "zhou-liming" 在 2025-03-26 不在任（任期：2022-01-15 '
        "至 2025-03-15），不能列为参加代表（从 deputies 中删去该代表；任期内的那几次要计入的，把规则在 2025-03-26 前后"
        "拆成两个活动文件（改 repeat.until 和 start），只在任期内的那个列这位代表）",
        f'{E}/yunshang-2027-01-yuedu.yaml:13: deputies[0]: 代表 "zhou-liming" 在 2027-01-06 不在任（任期：2022-01-15 '
        "至 2025-03-15），不能列为参加代表（从 deputies 中删去该代表；任期内的那几次要计入的，把规则在 2027-01-06 前后"
        "拆成两个活动文件（改 repeat.until 和 start），只在任期内的那个列这位代表）",
    ],
    "deputy_other_area": [  # a township's deputy at a neighbouring township's station: a mistyped id, likely
        f'{E}/qingshi-2026-12-qiaotou.yaml:12: deputies[1]: 代表 "he-yunxi" 的选区在白云镇，不在联络站 "qingshi-zhan" '
        "所在的青石街道，不能列为本站活动的参加代表（检查代表 id 是否写错；确是外地代表来参加的视察调研或其他外出活动，"
        "把 kind 写成 inspection 或 other）",
    ],
    "end_before_start": [
        f'{E}/qingshi-2026-12-qiaotou.yaml:6: end: 结束时间 "2026-12-05 11:00" 不晚于开始时间 "2026-12-05 14:30"（'
        "检查 start 和 end）",
    ],
    "event_twice": [  # a one-off the rule skips (qingshi-2026-12-02) is no error
        f"{E}/qingshi-2026-11-25.yaml:2: id: 2026-11-25 这一次已由定期活动 {E}/qingshi-jiedairi.yaml 排出：同一联络站、"
        '同一时间，都列了代表 "lin-xiaoyang"，网站上会出现两次，积分也会重复计算（在 '
        f"{E}/qingshi-jiedairi.yaml 第 11 行的 repeat.skip 中加上 2026-11-25，这一次以本文件为准；不是同一次活动的，"
        "改正 start 或 deputies）",
        f"{E}/qingshi-shuzhi-copy.yaml:1: id: 与 {E}/qingshi-2026-11-shuzhi.yaml（第 1 行）是同一个活动：同一联络站、"
        "同一开始时间，参加代表相同，网站上会出现两次，积分也会重复计算（复制来的文件请删去；确是另一个活动的，改正 "
        "start、station 或 deputies）",
    ],
    "long_times": [  # likely typos in `end`: warnings, the events stay
        f"{E}/qingshi-2026-12-qiaotou.yaml:9: end: 活动从 2026-12-05 14:30 到 2026-12-15 14:30，长达 10 天（检查 end "
        "的日期和时间；确是连续多天的活动（例如视察调研），可以忽略这条提示）",
        f"{E}/qingshi-jiedairi.yaml:6: end: 定期活动的每一次都从 09:00 开始，到第二天的 08:00 才结束（end 写第一次的"
        "结束时间，日期和 start 相同，例如 start: 2026-12-02 09:00、end: 2026-12-02 11:30）",
    ],
    "mobile_without_place": [
        f"{E}/qingshi-2026-12-qiaotou.yaml:1: place: 流动站活动必须写地点（添加 place，写明 name（"
        "地点名称）和 address（地址），可加 location（坐标））",
    ],
    "nth_weekly": [
        f"{E}/qingshi-jiedairi.yaml:10: repeat.nth: nth 只能用于 every: month，且不能是 0（例如 every: month、"
        "days: [sat]、nth: 1 表示每月第一个周六；每周的活动删去 nth）",
    ],
    "outcome_in_future": [
        f"{E}/qingshi-2026-12-qiaotou.yaml:7: outcome: 活动在 2026-12-05 举行，还没有到，不能写 outcome（"
        "活动举行之后再填写接待情况）",
    ],
    "outcome_of_rule": [
        f"{E}/qingshi-jiedairi.yaml:11: outcome: 定期活动不能写 outcome（某一次的接待情况请另写一个活动文件（"
        "不写 repeat），在那里写 outcome，并把那一天加到 repeat.skip）",
    ],
    "rule_never_happens": [
        f"{E}/qingshi-jiedairi.yaml:7: repeat: 按这个规则，活动一次也不会举行（检查 start、repeat 的 days、"
        "until 和 skip：第一次应在 start 当天或之后、until 之前）",
    ],
    "record_duplicates_event": [
        "content/records/lin-xiaoyang/2026.yaml:3: activities[0]: 2026-09-09 的“进站接待选民”已由活动 "
        f"{E}/qingshi-jiedairi.yaml（第 13 行的参加代表）计入履职档案，这一条重复（删去这一条：活动的参加代表自动计入"
        "履职档案和积分；代表没有到场的，从活动的 deputies 中删去该代表）",
        "content/records/lin-xiaoyang/2026.yaml:12: activities[3]: 2026-11-20 的“向选民述职”已由活动 "
        f"{E}/qingshi-2026-11-shuzhi.yaml（第 7 行的参加代表）计入履职档案，这一条重复（删去这一条：活动的参加代表"
        "自动计入履职档案和积分；代表没有到场的，从活动的 deputies 中删去该代表）",
    ],
    "unknown_deputy": [
        f'{E}/qingshi-2026-12-qiaotou.yaml:8: deputies[0]: 未知的代表 "zhao-shisan"（是不是 "zhao-shishan"？）',
        f'{E}/qingshi-2026-12-qiaotou.yaml:9: deputies[1]: 未知的代表 "wang-wu"（deputies/ 下没有 wang-wu.yaml）',
    ],
    "unknown_station": [
        f'{E}/qingshi-2026-12-qiaotou.yaml:4: station: 未知的联络站 "qingshi-zahn"（是不是 "qingshi-zhan"？）',
    ],
    "warnings": [
        f"{E}/qingshi-jiedairi.yaml:12: repeat.skip[0]: 2026-12-03 本来就不是活动日期，不用写在 skip 里（"
        "检查这个日期，或删去这一项）",
        f'{E}/qingshi-jiedairi.yaml:15: deputies[1]: 代表 "zhou-liming" 不是联络站 "qingshi-zhan" 的进站代表（'
        "在代表文件的 stations 中加上 qingshi-zhan；确是别站代表参加，可以忽略这条提示）",
        f'{E}/qingshi-jiedairi.yaml:16: deputies[2]: 代表 "chen-moyin" 重复列出（删掉重复的一项）',
    ],
}

WARNING_CASES = {"warnings", "long_times"}


@pytest.fixture
def make_events(tmp_path: Path, beside_content: Path) -> Callable[..., Path]:
    """`make_events("end_before_start", ...)`: tests/fixtures/good, then events/good, then those events/bad cases."""

    def make(*cases: str) -> Path:
        content = tmp_path / "content"
        overlay_case(content, FIXTURES / "good")
        overlay_case(content, FIXTURES / "events" / "good")
        for case in cases:
            overlay_case(content, FIXTURES / "events" / "bad" / case)
        return content

    return make


def test_every_bad_case_has_expected_lines() -> None:
    assert sorted(p.name for p in (FIXTURES / "events" / "bad").iterdir()) == sorted(BAD_CASES)


@pytest.mark.parametrize(("case", "expected"), BAD_CASES.items(), ids=list(BAD_CASES))
def test_bad_case_reports_exact_lines(make_events: Callable[..., Path], case: str, expected: list[str]) -> None:
    content, problems = load_content(make_events(case), TODAY)
    assert [str(p) for p in problems] == expected
    assert all(p.warning == (case in WARNING_CASES) for p in problems)
    if case not in WARNING_CASES | {"record_duplicates_event", "event_twice"}:  # the broken event is left out
        assert len(content.events) == 3
    if case == "event_twice":  # the copies are left out, the originals stay
        assert "qingshi-2026-11-shuzhi" in content.events and "qingshi-shuzhi-copy" not in content.events


def test_a_deputy_from_elsewhere_may_join_an_inspection(make_events: Callable[..., Path]) -> None:
    """A 视察调研 visits other places: a deputy of another area is only told apart as not of the station (a warning),
    and a deputy whose seat's area holds the station's (zhou-liming, the city's) is of its area."""
    content = make_events("deputy_other_area")
    event = content / "events" / "qingshi-2026-12-qiaotou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("kind: mobile", "kind: inspection"), encoding="utf-8")
    loaded, problems = load_content(content, TODAY)
    assert [(p.line, p.warning) for p in problems] == [(12, True)]
    assert "不是联络站" in str(problems[0]) and "qingshi-2026-12-qiaotou" in loaded.events


def test_a_past_event_without_its_outcome_is_a_warning_when_the_setting_asks(make_events: Callable[..., Path]) -> None:
    content = make_events()
    for name, day in [("late", "2026-11-18"), ("in-time", "2026-11-22"), ("coming", "2026-12-10")]:
        text = f"id: qingshi-{name}\nkind: courtyard\ntopic: 恳谈会\nstation: qingshi-zhan\n"
        text += f"start: {day} 19:00\nend: {day} 21:00\ndeputies: [lin-xiaoyang]\n"
        (content / "events" / f"qingshi-{name}.yaml").write_text(text, encoding="utf-8")
    _, problems = load_content(content, TODAY, outcome_days=6)
    assert [str(p) for p in problems] == [  # the rule and the 述职 with its outcome are no concern
        f"{E}/qingshi-late.yaml:6: end: 活动在 2026-11-18 结束，已经 10 天，还没有填写 outcome（mkdocs.yml 的 "
        "outcome_days 要求活动结束 6 天内填写）（在文件末尾加上 outcome：received（接待群众人次）、opinions（"
        "收集意见建议条数）、summary（简要情况）；活动没有举行的，删去 deputies（不计入履职档案），"
        "在 summary 中写明未举行及原因（已印发的预告二维码仍能打开））"
    ]
    assert problems[0].warning
    assert load_content(content, TODAY)[1] == []  # not asked for: no word


def test_good_events_load_without_problems(make_events: Callable[..., Path]) -> None:
    content, problems = load_content(make_events(), TODAY)
    assert problems == []
    assert sorted(content.events) == [
        "qingshi-2026-11-shuzhi",
        "qingshi-2026-12-qiaotou",
        "qingshi-jiedairi",
        "yunshang-2027-01-yuedu",
    ]


def test_events_are_optional(fixtures_dir: Path) -> None:
    content, problems = load_content(fixtures_dir / "good", TODAY)
    assert (problems, content.events) == ([], {})


def test_a_rule_yields_its_dates_inside_the_window_only(make_events: Callable[..., Path]) -> None:
    content, _ = load_content(make_events(), TODAY)
    calendar = events.make_calendar(content.events, {"qingshi-zhan": ["990102001"]}, TODAY)
    weekly = [o.start for o in calendar.by_station["qingshi-zhan"] if o.event.id == "qingshi-jiedairi"]
    assert weekly[0] == dt.datetime(2026, 9, 2, 9, 0)  # within the past year
    assert dt.datetime(2026, 12, 2, 9, 0) not in weekly  # skipped
    assert weekly[-1] == dt.datetime(2027, 5, 26, 9, 0)  # the window ends about six months ahead
    assert all(s.weekday() == 2 for s in weekly)
    [next_one] = calendar.upcoming(calendar.by_station["qingshi-zhan"], 1)
    assert (next_one.event.id, next_one.start) == ("qingshi-2026-12-qiaotou", dt.datetime(2026, 12, 5, 14, 30))
    monthly = [o.start for o in calendar.by_station["yunshang-zhan"]]
    assert monthly == [dt.datetime(2027, m, d, 7, 0) for m, d in ((1, 6), (2, 3), (3, 3), (4, 7))]


def test_the_window_bounds_a_long_rule() -> None:
    """A rule over a whole term expands only inside the window: a city's reception days stay tens of thousands."""
    content_events = {
        f"s{i}": StationEvent.model_validate(
            {
                "id": f"s{i}",
                "kind": "reception",
                "topic": "接待日",
                "station": f"s{i}",
                "start": "2022-01-05 09:00",
                "end": "2022-01-05 11:30",
                "repeat": {"every": "week", "days": ["wed", "sat"], "until": "2027-01-04"},
            }
        )
        for i in range(300)
    }
    calendar = events.make_calendar(content_events, {}, TODAY)
    assert len(calendar.occurrences) == 300 * 115  # Wednesdays and Saturdays from 2025-11-27 to 2027-01-04


def test_notices_reach_only_as_far_ahead_as_the_horizon() -> None:
    """A notice is printed days ahead: an event in 10 days gets one, one in 90 days not yet (a city's six months of
    notices were 17,000 documents a build); a rule's notice announces its next date inside the horizon."""

    def event(event_id: str, start: dt.datetime, **more: object) -> StationEvent:
        end = start + dt.timedelta(hours=2)
        fields = {"id": event_id, "kind": "reception", "topic": "接待日", "station": "s", **more}
        return StationEvent.model_validate(
            fields | {"start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%Y-%m-%d %H:%M}"}
        )

    at = dt.datetime.combine(TODAY, dt.time(9))
    found = {
        "soon": event("soon", at + dt.timedelta(days=10)),
        "later": event("later", at + dt.timedelta(days=90)),
        "past": event("past", at - dt.timedelta(days=10)),
        "edge": event("edge", at + dt.timedelta(days=30)),
        "rule": event(
            "rule", dt.datetime(2026, 11, 18, 9), repeat={"every": "week", "days": ["wed"], "until": "2027-06-30"}
        ),
    }
    calendar = events.make_calendar(found, {}, TODAY)
    noticed = calendar.next_of_each(30)
    assert sorted(noticed) == ["edge", "rule", "soon"]
    assert noticed["soon"].start == at + dt.timedelta(days=10)
    assert noticed["rule"].start == dt.datetime(2026, 12, 2, 9)  # the first Wednesday after today
    assert sorted(calendar.next_of_each(90)) == ["edge", "later", "rule", "soon"]
    assert events.NOTICE_DAYS == 30


def test_a_coming_event_gets_its_page_with_its_notice(make_events: Callable[..., Path]) -> None:
    """A coming one-off event is a line of its station's events page until its date comes within the notice horizon;
    the build that prints its notice gives it its page, at the URL its feeds and the line's old page held."""
    content, _ = load_content(make_events(), TODAY)
    stop = content.events["qingshi-2026-12-qiaotou"]  # a week after TODAY
    far = Directory(content, TODAY, notice_days=3)
    assert stop.id in far.on_station_page and stop.id not in far.notices
    assert far.event_link(stop) == "events/station-qingshi-zhan/#event-qingshi-2026-12-qiaotou"
    assert "event/qingshi-2026-12-qiaotou/" not in {spec.path for spec in event_pages(far)}
    near = Directory(content, TODAY, notice_days=30)
    assert stop.id not in near.on_station_page and stop.id in near.notices
    assert near.event_link(stop) == "event/qingshi-2026-12-qiaotou/"
    assert "event/qingshi-2026-12-qiaotou/" in {spec.path for spec in event_pages(near)}


def test_month_filters_offer_the_way_down_and_the_next_level_only(make_events: Callable[..., Path]) -> None:
    """The area filter of a month page is bounded by one area's children (a city has thousands of townships, and
    every filter is a link on every page of the month): the all-events page goes down to the smallest area holding
    every event and offers the areas just below; a township's page offers its way up and its own stations."""
    content, _ = load_content(make_events(), TODAY)
    specs = {spec.path: spec.context for spec in event_pages(Directory(content, TODAY))}
    whole = specs["events/2026-12/"]
    assert whole["areas"] == ["990000", "990100", "990102", "990102001"] and whole["stations"] == []
    township = specs["events/2026-12-area-990102001/"]
    assert township["areas"] == ["990000", "990100", "990102", "990102001"]
    assert township["stations"] == ["qingshi-zhan"]
    assert not any("-station-" in path for path in specs)  # a station's filter leads to its own page of events
    months = dict(specs["events/station-qingshi-zhan/"]["months"])
    assert [key for key in months] == [f"2026-{m:02d}" for m in range(9, 13)] + [f"2027-0{m}" for m in range(1, 6)]
    [(day, [stop])] = months["2026-12"][:1]
    assert (day, stop.event.id) == (dt.date(2026, 12, 5), "qingshi-2026-12-qiaotou")
