"""The feeds' VEVENTs are written by feeds.py, not by `icalendar` (a millisecond a VEVENT was most of a city's build):
each must be byte for byte what `icalendar` writes for the same event, escapes and folded lines included, and read
back to the same values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from conftest import overlay_case

from generator import messages, urls
from generator.directory import Directory
from generator.event_model import StationEvent
from generator.events import BEIJING, first_start
from generator.feeds import Feeds, vevent
from generator.load import load_content

TODAY = dt.date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_URL = "https://daibiao.example.org/"
TRICKY = "村道硬化, 饮水安全; 还有\\反斜杠：" + "一条很长的主题" * 12
"""A topic with every character TEXT escapes, long enough to be folded several times, an escape at a fold."""


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Directory:
    content_dir = tmp_path_factory.mktemp("feeds") / "content"
    overlay_case(content_dir, FIXTURES / "good")
    overlay_case(content_dir, FIXTURES / "events" / "good")
    content, problems = load_content(content_dir, TODAY)
    assert problems == []
    event = content.events["qingshi-2026-12-qiaotou"]
    content.events["qingshi-2026-12-qiaotou"] = event.model_copy(update={"topic": TRICKY})
    return Directory(content, TODAY)


def by_icalendar(directory: Directory, event: StationEvent) -> str:
    """The VEVENT as `icalendar` writes it (the way feeds.py made them before)."""
    station = directory.content.stations[event.station]
    start = first_start(event) or event.start
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.id}@{urlsplit(SITE_URL).hostname}")
    vevent.add("dtstamp", dt.datetime.combine(directory.today, dt.time(), tzinfo=dt.UTC))
    vevent.add("dtstart", start.replace(tzinfo=BEIJING))
    vevent.add("dtend", (start + (event.end - event.start)).replace(tzinfo=BEIJING))
    vevent.add("summary", f"{messages.EVENT_KIND_LABELS[event.kind]}：{event.topic}")
    place = event.place
    vevent.add("location", f"{place.name}（{place.address}）" if place else station.address or station.name)
    where = place.location if place and place.location else station.location
    if where:
        vevent.add("geo", (where.lat, where.lon))
    vevent.add("url", urls.absolute(SITE_URL, urls.event_page(event.id)))
    names = [directory.content.deputies[d].name for d in event.deputies]
    vevent.add("description", station.name + ("；" + "、".join(names) if names else ""))
    if event.repeat is not None:
        r = event.repeat
        until = dt.datetime.combine(r.until, dt.time(23, 59, 59), tzinfo=BEIJING).astimezone(dt.UTC)
        rule: dict = {"freq": "WEEKLY" if r.every == "week" else "MONTHLY", "until": until}
        days = [("MO", "TU", "WE", "TH", "FR", "SA", "SU")[("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(d)]
                for d in r.days]  # fmt: skip
        rule["byday"] = [f"{r.nth}{day}" for day in days] if r.nth is not None else days
        if r.interval != 1:
            rule["interval"] = r.interval
        vevent.add("rrule", rule)
        for day in r.skip:
            vevent.add("exdate", dt.datetime.combine(day, start.time()).replace(tzinfo=BEIJING))
    return vevent.to_ical().decode("utf-8")


def test_every_vevent_is_what_icalendar_writes(directory: Directory) -> None:
    assert len(directory.content.events) == 4
    for event in directory.content.events.values():
        assert vevent(directory, event, SITE_URL) == by_icalendar(directory, event), event.id
    stop = directory.content.events["qingshi-2026-12-qiaotou"]
    for pad in range(1, 40):  # the escapes fall at every place of a folded line, at its end too
        event = stop.model_copy(update={"topic": "x" * pad + TRICKY})
        assert vevent(directory, event, SITE_URL) == by_icalendar(directory, event), pad


def test_a_feed_reads_back_with_icalendar(directory: Directory) -> None:
    text = Feeds(directory, SITE_URL).render("station", "qingshi-zhan")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    found = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    stop = found["qingshi-2026-12-qiaotou@daibiao.example.org"]
    assert str(stop["summary"]) == f"流动站：{TRICKY}"
    assert stop.decoded("dtstart") == dt.datetime(2026, 12, 5, 14, 30, tzinfo=BEIJING)
    weekly = found["qingshi-jiedairi@daibiao.example.org"]
    assert weekly["rrule"]["byday"] == ["WE"] and weekly.decoded("exdate").dts[0].dt.date() == dt.date(2026, 12, 2)
    assert [c.name for c in calendar.subcomponents][:1] == ["VTIMEZONE"]
