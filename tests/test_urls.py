"""urls.py's map links and hours.py's timetables: what a station page offers to get there and to know when to go."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from generator import urls
from generator.hours import timetable, timetable_json


def _query(url: str) -> dict[str, str]:
    parts = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in parts.values()), parts
    return {k: v[0] for k, v in parts.items()}


def test_map_links_put_latitude_and_longitude_where_each_service_wants_them() -> None:
    links = dict(urls.map_links(29.4123, 110.5271, "禾城镇人大代表联络站", "禾丰路18号"))
    assert list(links) == ["手机地图应用", "高德地图", "百度地图", "腾讯地图"]
    geo = links["手机地图应用"]
    assert geo.startswith("geo:29.4123,110.5271?q=29.4123,110.5271(")  # RFC 5870: latitude first
    assert urlsplit(links["高德地图"])[:3] == ("https", "uri.amap.com", "/marker")
    assert _query(links["高德地图"]) == {
        "position": "110.5271,29.4123",  # 高德: longitude first
        "name": "禾城镇人大代表联络站",
        "src": urls.MAP_SOURCE,
        "coordinate": "wgs84",
        "callnative": "1",
    }
    assert urlsplit(links["百度地图"])[:3] == ("https", "api.map.baidu.com", "/marker")
    assert _query(links["百度地图"]) == {
        "location": "29.4123,110.5271",  # 百度: latitude first
        "title": "禾城镇人大代表联络站",
        "content": "禾丰路18号",
        "output": "html",
        "coord_type": "wgs84",
        "src": f"webapp.{urls.MAP_SOURCE}.site",
    }
    assert _query(links["腾讯地图"]) == {
        "marker": "coord:29.4123,110.5271;title:禾城镇人大代表联络站;addr:禾丰路18号",
        "coord_type": "1",  # GPS
        "referer": urls.MAP_SOURCE,
    }


def test_map_links_encode_what_content_could_smuggle_in() -> None:
    name = '站&src=evil#"<x>;title:y|z'
    for label, url in urls.map_links(-1.5, 2.25, name, None):
        assert not set(url) & set(' "<>#|'), (label, url)
        if label == "高德地图":
            assert _query(url)["name"] == name and _query(url)["src"] == urls.MAP_SOURCE
        if label == "百度地图":
            assert _query(url)["content"] == name  # no address: the name again
        if label == "腾讯地图":  # its own separators in a name become full-width
            safe = '站&src=evil#"<x>；title：y｜z'
            assert _query(url)["marker"] == f"coord:-1.5,2.25;title:{safe};addr:{safe}"


def test_map_links_round_coordinates_to_six_places() -> None:
    geo = dict(urls.map_links(29.123456789, 110.0, "x"))["手机地图应用"]
    assert geo.startswith("geo:29.123457,110?")


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("工作日 8:30-12:00，14:30-17:30", [([1, 2, 3, 4, 5], [(510, 720), (870, 1050)])]),
        ("周一至周六 9:00-18:00", [([1, 2, 3, 4, 5, 6], [(540, 1080)])]),
        ("每天 9:00-17:00", [([0, 1, 2, 3, 4, 5, 6], [(540, 1020)])]),
        ("周五至周一 9:00-10:00", [([5, 6, 0, 1], [(540, 600)])]),
        ("工作日 9:00-12:00；周日 14:00～17:00", [([1, 2, 3, 4, 5], [(540, 720)]), ([0], [(840, 1020)])]),
        ("每月两次，工作日午休时段", None),
        ("全天受理留言，工作日处理", None),
        ("工作日 9:00-25:00", None),
        ("工作日 17:00-9:00", None),
        ("工作日 9:00-12:00，另行通知", None),
        ("", None),
        (None, None),
    ],
)
def test_timetable_reads_plain_hours_and_nothing_else(hours: str | None, expected: object) -> None:
    assert timetable(hours) == expected


def test_timetable_json_is_what_station_js_reads() -> None:
    assert timetable_json("工作日 8:30-12:00，14:30-17:30") == "[[[1,2,3,4,5],[[510,720],[870,1050]]]]"
    assert timetable_json("按接待安排") is None
