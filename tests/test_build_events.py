"""Events on the built site (tests/fixtures/good with the events overlay, "today" fixed): the station page's next
events, the deputy and area pages' links, and the iCalendar feeds read back by a small line parser of our own, so
that the library that wrote them is not the one that checks them: their times, which events a deputy's and an area's
feed hold (against the fixture YAML read without the generator), a mobile stop's place."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner
from conftest import overlay_case

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
UTC = dt.UTC


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("events")
    content = base / "content"
    overlay_case(content, FIXTURES / "good")
    overlay_case(content, FIXTURES / "events" / "good")
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(base / "site")]
    args += ["--today", "2026-11-28", "--site-url", "https://daibiao.example.org/"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return base / "site"


def text_of(page: Path, start: str, end: str) -> str:
    """The visible text of a page between two heading ids."""
    raw = page.read_text(encoding="utf-8")
    part = raw[raw.index(f'id="{start}"') : raw.index(f'id="{end}"')]
    return html.unescape(re.sub(r"<[^>]+>", "", part))


def test_station_page_shows_its_next_events_first(site: Path) -> None:
    """2026-12-02 is a skipped Wednesday: after the mobile stop on the 5th comes the reception day on the 9th."""
    page = site / "stations" / "qingshi-zhan" / "index.html"
    raw = page.read_text(encoding="utf-8")
    assert raw.index('id="events"') < raw.index('id="info"')
    lines = [line.strip() for line in text_of(page, "events", "info").splitlines() if "（周" in line]
    assert lines[:3] == [
        "2026年12月5日（周六）14:30-17:00 · 流动站：流动联络站进桥头村 · 桥头村文化礼堂",
        "2026年12月9日（周三）09:00-11:30 · 接待日：代表接待日",
        "2026年12月16日（周三）09:00-11:30 · 接待日：代表接待日",
    ]
    assert 'href="../../feeds/station-qingshi-zhan.ics"' in raw
    assert 'href="../../events/station-qingshi-zhan/"' in raw


def test_deputy_and_area_pages_link_their_events_and_feeds(site: Path) -> None:
    deputy = (site / "deputies" / "lin-xiaoyang" / "index.html").read_text(encoding="utf-8")
    assert "近期活动" in deputy and 'href="../../feeds/deputy-lin-xiaoyang.ics"' in deputy
    assert "2026年12月9日（周三）09:00-11:30" in deputy
    without = (site / "deputies" / "chen-moyin" / "index.html").read_text(encoding="utf-8")
    assert "feeds/deputy-chen-moyin.ics" in without  # present at the weekly reception day
    area = (site / "areas" / "990102001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../feeds/area-990102001.ics"' in area
    assert (site / "feeds" / "deputy-zhao-shishan.ics").is_file()


def test_only_counties_and_townships_have_area_feeds(site: Path) -> None:
    """A city's or a province's feed would carry every event of the city: no phone's calendar wants 50,000 events."""
    feeds = sorted(feed.name for feed in (site / "feeds").iterdir() if feed.name.startswith("area-"))
    assert feeds == ["area-990102.ics", "area-990102001.ics"]
    city = (site / "areas" / "990100" / "index.html").read_text(encoding="utf-8")
    assert "本地区活动安排" in city and "feeds/" not in city
    month = (site / "events" / "2026-12-area-990100" / "index.html").read_text(encoding="utf-8")
    assert "feeds/" not in month
    township = (site / "events" / "2026-12-area-990102001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../feeds/area-990102001.ics"' in township


def unfolded(text: str) -> list[str]:
    """RFC 5545 content lines: CRLF-separated, a line starting with a space or tab continues the previous one."""
    assert "\r\n" in text
    lines: list[str] = []
    for line in text.split("\r\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def vevents(text: str) -> list[dict[str, str]]:
    """Each VEVENT as {name (with parameters): value}; EXDATE lines joined with commas."""
    found, current = [], None
    for line in unfolded(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = f"{current[name]},{value}" if name in current else value
    return found


def at(value: str, tzid: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo(tzid))


def test_station_feed_holds_the_right_times_in_beijing(site: Path) -> None:
    text = (site / "feeds" / "station-qingshi-zhan.ics").read_bytes().decode("utf-8")
    lines = unfolded(text)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and lines[-1] == "END:VCALENDAR"
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Asia/Shanghai" in lines
    events = {e["UID"]: e for e in vevents(text)}
    assert sorted(events) == [
        "qingshi-2026-11-shuzhi@daibiao.example.org",
        "qingshi-2026-12-qiaotou@daibiao.example.org",
        "qingshi-jiedairi@daibiao.example.org",
    ]
    stop = events["qingshi-2026-12-qiaotou@daibiao.example.org"]
    start = at(stop["DTSTART;TZID=Asia/Shanghai"], "Asia/Shanghai")
    end = at(stop["DTEND;TZID=Asia/Shanghai"], "Asia/Shanghai")
    assert start.astimezone(UTC) == dt.datetime(2026, 12, 5, 6, 30, tzinfo=UTC)  # 14:30 in Beijing
    assert end - start == dt.timedelta(hours=2, minutes=30)
    assert stop["SUMMARY"] == "流动站：流动联络站进桥头村"
    assert stop["URL"] == "https://daibiao.example.org/event/qingshi-2026-12-qiaotou/"
    weekly = events["qingshi-jiedairi@daibiao.example.org"]
    assert weekly["DTSTART;TZID=Asia/Shanghai"] == "20260902T090000"
    assert weekly["RRULE"] == "FREQ=WEEKLY;UNTIL=20270630T155959Z;BYDAY=WE"
    assert weekly["EXDATE;TZID=Asia/Shanghai"] == "20261202T090000"


def test_feed_offsets_say_beijing_is_eight_hours_ahead(site: Path) -> None:
    """The VTIMEZONE's part in force today (China has kept +0800 since 1991) is what a phone applies."""
    lines = unfolded((site / "feeds" / "area-990102.ics").read_bytes().decode("utf-8"))
    timezone = lines[lines.index("BEGIN:VTIMEZONE") : lines.index("END:VTIMEZONE")]
    standard = [i for i, line in enumerate(timezone) if line == "BEGIN:STANDARD"]
    last = timezone[standard[-1] :]
    assert "TZOFFSETTO:+0800" in last


def test_feeds_are_the_same_across_builds_and_uids_are_stable(site: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    overlay_case(content, FIXTURES / "good")
    overlay_case(content, FIXTURES / "events" / "good")
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(tmp_path / "site")]
    args += ["--today", "2026-11-28", "--site-url", "https://daibiao.example.org/"]
    assert CliRunner().invoke(main, args).exit_code == 0
    for feed in sorted((site / "feeds").iterdir()):
        assert (tmp_path / "site" / "feeds" / feed.name).read_bytes() == feed.read_bytes(), feed.name


def test_month_pages_are_filtered(site: Path) -> None:
    month = (site / "events" / "2026-12" / "index.html").read_text(encoding="utf-8")
    assert 'href="../2026-12-kind-mobile/"' in month and 'href="../2026-12-area-990102001/"' in month
    mobile = (site / "events" / "2026-12-kind-mobile" / "index.html").read_text(encoding="utf-8")
    assert "流动联络站进桥头村" in mobile and "代表接待日" not in mobile
    rule = (site / "event" / "qingshi-jiedairi" / "index.html").read_text(encoding="utf-8")
    assert "每周三 09:00-11:30" in rule and "不举行：2026年12月2日" in rule
    past = (site / "event" / "qingshi-2026-11-shuzhi" / "index.html").read_text(encoding="utf-8")
    assert "接待群众：38 人次" in past
    monthly = (site / "event" / "yunshang-2027-01-yuedu" / "index.html").read_text(encoding="utf-8")
    assert "每月第一个周三 07:00-08:00" in monthly


def test_past_dates_on_a_month_page_say_they_are_over(site: Path) -> None:
    """ "Today" is 2026-11-28: November's earlier dates are marked, December's none."""
    november = (site / "events" / "2026-11" / "index.html").read_text(encoding="utf-8")
    lines = re.findall(r"<li[^>]*>(\d\d:\d\d-\d\d:\d\d[^·]*) · ", november)
    assert len(lines) == 5 and all(line.endswith("（已结束）") for line in lines), lines  # Nov 4 to 25: all over
    assert "（已结束）" not in (site / "events" / "2026-12" / "index.html").read_text(encoding="utf-8")


def test_coming_events_have_a_printable_notice_linked_from_their_page(site: Path) -> None:
    """The weekly reception day's notice announces its next date (2026-12-02 is skipped); a past event has none."""
    page = (site / "event" / "qingshi-jiedairi" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../notices/qingshi-jiedairi.html"' in page and "打印活动预告（A4）" in page
    notice = (site / "notices" / "qingshi-jiedairi.html").read_text(encoding="utf-8")
    assert "2026年12月9日（周三）" in notice and "https://daibiao.example.org/stations/qingshi-zhan/#message" in notice
    past = (site / "event" / "qingshi-2026-11-shuzhi" / "index.html").read_text(encoding="utf-8")
    assert "notices/" not in past and not (site / "notices" / "qingshi-2026-11-shuzhi.html").exists()


def test_an_event_beyond_the_notice_horizon_has_no_notice_yet_but_its_page_says_when(site: Path) -> None:
    """The monthly online reception starts 2027-01-06, 39 days after "today": past the 30 days of notices, so none
    is made or linked, while the mobile stop in 7 days has one; the event's page lists its dates all the same."""
    assert (site / "notices" / "qingshi-2026-12-qiaotou.html").exists()
    assert not (site / "notices" / "yunshang-2027-01-yuedu.html").exists()
    page = site / "event" / "yunshang-2027-01-yuedu" / "index.html"
    raw = page.read_text(encoding="utf-8")
    assert "notices/" not in raw and "打印活动预告" not in raw
    dates = raw[raw.index('id="dates"') :]
    assert "<li>2027年1月6日（周三）07:00-08:00</li>" in dates and "<li>2027年2月3日（周三）07:00-08:00</li>" in dates


def test_feeds_stay_when_their_events_stop(site: Path, tmp_path: Path) -> None:
    """Built in 2029, when every fixture event is past the site's window: each feed a phone may have subscribed to
    is still there, a valid calendar with no event in it, rather than a 404 that some calendar apps drop silently."""
    content = tmp_path / "content"
    overlay_case(content, FIXTURES / "good")
    overlay_case(content, FIXTURES / "events" / "good")
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(tmp_path / "site")]
    args += ["--today", "2029-01-01", "--site-url", "https://daibiao.example.org/"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    later = sorted(feed.name for feed in (tmp_path / "site" / "feeds").iterdir())
    assert set(later) >= {feed.name for feed in (site / "feeds").iterdir()}
    assert "station-yunshang-zhan.ics" in later and "deputy-lin-xiaoyang.ics" in later
    lines = unfolded((tmp_path / "site" / "feeds" / "station-qingshi-zhan.ics").read_bytes().decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "BEGIN:VEVENT" not in lines


def test_station_page_keeps_its_past_events_each_once(site: Path) -> None:
    page = site / "stations" / "qingshi-zhan" / "index.html"
    lines = [line.strip() for line in text_of(page, "past-events", "qr").splitlines() if "（周" in line]
    assert lines == [
        "2026年11月25日（周三）09:00-11:30 · 接待日：代表接待日",
        "2026年11月20日（周五）19:00-21:00 · 代表述职：区人大代表向选民述职 · 接待群众 38 人次 · 收集意见建议 6 条",
    ]


def test_a_report_to_voters_links_the_yearly_report_and_the_evaluation_form(site: Path) -> None:
    """lin-xiaoyang has no records/ file here: the reception days and the 述职 attended make the 2026 report."""
    page = (site / "event" / "qingshi-2026-11-shuzhi" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../reports/lin-xiaoyang-2026.html">2026 年度履职情况（A4）</a>' in page
    assert 'href="../../deputies/lin-xiaoyang/#evaluation">对林小样进行年度评价</a>' in page
    assert (site / "reports" / "lin-xiaoyang-2026.html").is_file()


def test_the_build_asks_for_outcomes_as_mkdocs_yml_says(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`outcome_days` reaches the content checks of a build (a warning for a past event without its outcome), and a
    wrong value is refused with what it should be."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    content = tmp_path / "content"
    overlay_case(content, FIXTURES / "good")
    overlay_case(content, FIXTURES / "events" / "good")
    late = "id: qingshi-late\nkind: courtyard\ntopic: 恳谈会\nstation: qingshi-zhan\n"
    (content / "events" / "qingshi-late.yaml").write_text(
        late + "start: 2026-11-18 19:00\nend: 2026-11-18 21:00\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)  # the log's paths are shown from where the build runs
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(content / "pages"))
    plugin = config.plugins["mashang"]
    plugin.config.today, plugin.config.cache_dir = "2026-11-28", str(tmp_path / "cache")
    plugin.config.outcome_days = 6
    with caplog.at_level(logging.WARNING):
        plugin.on_config(config)
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert said == [
        "content/events/qingshi-late.yaml:6: end: 活动在 2026-11-18 结束，已经 10 天，还没有填写 outcome（"
        "mkdocs.yml 的 outcome_days 要求活动结束 6 天内填写）（在文件末尾加上 outcome：received（接待群众人次）、"
        "opinions（收集意见建议条数）、summary（简要情况）；活动没有举行的，删去 deputies（不计入履职档案），"
        "在 summary 中写明未举行及原因（已印发的预告二维码仍能打开））"
    ]
    plugin.config.outcome_days = -1
    with pytest.raises(PluginError) as raised:
        plugin.on_config(config)
    assert str(raised.value).startswith("mkdocs.yml: mashang 插件的 outcome_days 应是 0 或更大的天数")


@pytest.mark.parametrize("days", [-1, 185])
def test_notice_days_outside_the_calendar_is_refused(days: int) -> None:
    """The calendar reaches 184 days ahead: a horizon past it, or before today, is a mistake in mkdocs.yml."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    plugin = config.plugins["mashang"]
    assert plugin.config.notice_days == 30  # the default
    plugin.config.notice_days = days
    with pytest.raises(PluginError) as raised:
        plugin.on_config(config)
    assert str(raised.value) == (
        "mkdocs.yml: mashang 插件的 notice_days 应是 0 到 184 之间的天数（活动开始前多少天生成活动预告，默认 30）；"
        f"现在是：{days}"
    )


def fixture_events() -> dict[str, dict]:
    """The events of the fixture content as its YAML says them, read without the generator."""
    files = sorted((FIXTURES / "events" / "good" / "events").glob("*.yaml"))
    return {event["id"]: event for event in (yaml.safe_load(f.read_text(encoding="utf-8")) for f in files)}


def areas_of_station(station: str) -> set[str]:
    """A fixture station's area and every area above it, from the fixture YAML."""
    found = yaml.safe_load((FIXTURES / "good" / "stations" / f"{station}.yaml").read_text(encoding="utf-8"))
    parents = {a["code"]: a.get("parent") for a in yaml.safe_load((FIXTURES / "good" / "areas.yaml").read_bytes())}
    code, out = found["area"], set()
    while code:
        out.add(code)
        code = parents[code]
    return out


def beijing_starts(feed: Path) -> dict[str, str]:
    """A built feed's events: UID (without the host) -> DTSTART, which must carry TZID=Asia/Shanghai."""
    found = vevents(feed.read_bytes().decode("utf-8"))
    assert all("DTSTART;TZID=Asia/Shanghai" in e and "DTEND;TZID=Asia/Shanghai" in e for e in found), feed.name
    assert not any(key.startswith("DTSTART") and key != "DTSTART;TZID=Asia/Shanghai" for e in found for key in e)
    return {e["UID"].removesuffix("@daibiao.example.org"): e["DTSTART;TZID=Asia/Shanghai"] for e in found}


def yaml_start(event: dict) -> str:
    return dt.datetime.strptime(event["start"], "%Y-%m-%d %H:%M").strftime("%Y%m%dT%H%M%S")


def test_a_deputys_feed_holds_exactly_the_events_they_attend(site: Path) -> None:
    """lin-xiaoyang is at the weekly reception day and the 述职, not at the mobile stop nor the online reception."""
    events = fixture_events()
    mine = {event_id: yaml_start(e) for event_id, e in events.items() if "lin-xiaoyang" in e["deputies"]}
    assert mine == {"qingshi-2026-11-shuzhi": "20261120T190000", "qingshi-jiedairi": "20260902T090000"}
    assert beijing_starts(site / "feeds" / "deputy-lin-xiaoyang.ics") == mine
    stop = {event_id: yaml_start(e) for event_id, e in events.items() if "zhao-shishan" in e["deputies"]}
    assert (
        beijing_starts(site / "feeds" / "deputy-zhao-shishan.ics")
        == stop
        == {"qingshi-2026-12-qiaotou": "20261205T143000"}
    )


def test_a_townships_feed_holds_exactly_the_events_of_its_stations(site: Path) -> None:
    """青石街道 (990102001) has qingshi-zhan; the online station belongs to the county (990102), so its monthly
    reception is in the county's feed, not the township's."""
    events = fixture_events()
    ours = {event_id: yaml_start(e) for event_id, e in events.items() if "990102001" in areas_of_station(e["station"])}
    assert sorted(ours) == ["qingshi-2026-11-shuzhi", "qingshi-2026-12-qiaotou", "qingshi-jiedairi"]
    assert beijing_starts(site / "feeds" / "area-990102001.ics") == ours
    county = beijing_starts(site / "feeds" / "area-990102.ics")
    assert county == {event_id: yaml_start(e) for event_id, e in events.items()} and "yunshang-2027-01-yuedu" in county


def test_a_mobile_stop_is_placed_at_its_own_place_in_the_feed(site: Path) -> None:
    """The stop at 桥头村 carries its place's coordinates, not its station's; a station's event carries the station's,
    and the online station's none."""
    events = {e["UID"]: e for e in vevents((site / "feeds" / "area-990102.ics").read_bytes().decode("utf-8"))}
    stop = fixture_events()["qingshi-2026-12-qiaotou"]["place"]
    where = stop["location"]
    assert events["qingshi-2026-12-qiaotou@daibiao.example.org"]["GEO"] == f"{where['lat']};{where['lon']}"
    assert events["qingshi-2026-12-qiaotou@daibiao.example.org"]["LOCATION"] == f"{stop['name']}（{stop['address']}）"
    assert events["qingshi-jiedairi@daibiao.example.org"]["GEO"] == "30.2741;120.1551"  # qingshi-zhan
    assert "GEO" not in events["yunshang-2027-01-yuedu@daibiao.example.org"]
