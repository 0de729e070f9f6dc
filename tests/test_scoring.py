"""Points for work on record: the fixture records' points, computed by hand from the numbers in
tests/fixtures/records/good/scoring.yaml and written out line by line, so any change in the rules or the arithmetic
shows up as a failing line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import overlay_case
from pydantic import TypeAdapter

from generator.load import load_content
from generator.model import Activity, Content, DeputyYear
from generator.scheme_model import Scheme
from generator.scoring import Points, all_points, points_for, signed

TODAY = dt.date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACTIVITY = TypeAdapter(Activity)


# (kind, label, count, each, raw, cap, subtotal, [(date, worth, counted) of each entry, in date order])
LIN_2026 = [
    # 2 points each, at most 5: the third reception only gets the 1 point left under the cap
    ("reception", "进站接待选民", 3, 2, 6, 5, 5, [("2026-01-14", 2, 2), ("2026-03-04", 2, 2), ("2026-05-06", 2, 1)]),
    ("suggestion", "代表建议", 2, 3, 6, None, 6, [("2026-01-20", 3, 3), ("2026-01-21", 3, 3)]),
    ("meeting", "参加会议", 1, 1, 1, 10, 1, [("2026-01-08", 1, 1)]),
    # not in the 2026 scheme: counted, worth nothing
    ("inspection", "视察调研", 1, 0, 0, None, 0, [("2026-04-10", 0, 0)]),
    # own points 4 and 3, the default 1 for the entry without; 4 + 1 + 3 = 8, at most 6: the last gets 6 - 5 = 1
    ("other", "其他履职", 3, None, 8, 6, 6, [("2026-06-01", 4, 4), ("2026-07-01", 1, 1), ("2026-08-01", 3, 1)]),
    # -2 each, at most 3 off: the second absence takes off only 1
    ("absence", "无故缺席", 2, -2, -4, 3, -3, [("2026-09-09", -2, -2), ("2026-10-10", -2, -1)]),
]
LIN_2026_TOTAL = 5 + 6 + 1 + 0 + 6 - 3  # 15
LIN_2025 = [  # the 2024-2025 scheme: reception 1, suggestion 2 at most 4, no training
    ("reception", "进站接待选民", 1, 1, 1, None, 1, [("2025-03-05", 1, 1)]),
    ("suggestion", "代表建议", 3, 2, 6, 4, 4, [("2025-02-01", 2, 2), ("2025-02-01", 2, 2), ("2025-02-02", 2, 0)]),
    ("training", "学习培训", 1, 0, 0, None, 0, [("2025-06-01", 0, 0)]),
]
ZHOU_2026 = [("reception", "进站接待选民", 1, 2, 2, 5, 2, [("2026-02-11", 2, 2)])]


def breakdown(points: Points) -> list[tuple]:
    return [
        (
            line.kind,
            line.label,
            line.count,
            line.each,
            line.raw,
            line.cap,
            line.subtotal,
            [(e.activity.date.isoformat(), e.worth, e.counted) for e in line.entries],
        )
        for line in points.lines
    ]


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", root)
    overlay_case(root, FIXTURES / "records" / "good")
    return root


def loaded(root: Path) -> Content:
    content, problems = load_content(root, TODAY)
    assert problems == []
    return content


def test_points_match_the_hand_computed_breakdown(content_root: Path) -> None:
    content = loaded(content_root)
    points = all_points(content.records, content.schemes)
    assert {deputy: sorted(years) for deputy, years in points.items()} == {
        "lin-xiaoyang": [2025, 2026],
        "zhou-liming": [2026],
    }
    lin = points["lin-xiaoyang"][2026]
    assert breakdown(lin) == LIN_2026
    assert (lin.total, lin.gained, lin.deducted) == (LIN_2026_TOTAL, 18, -3) == (15, 18, -3)
    assert [line.capped for line in lin.lines] == [True, False, False, False, True, True]
    assert [line.deduction for line in lin.lines] == [False] * 5 + [True]
    assert lin.line("inspection").rule is None and lin.line("motion") is None
    assert lin.scheme is content.schemes[2026] and lin.scored
    assert breakdown(points["lin-xiaoyang"][2025]) == LIN_2025
    assert points["lin-xiaoyang"][2025].total == 1 + 4 + 0 == 5
    assert breakdown(points["zhou-liming"][2026]) == ZHOU_2026
    assert points["zhou-liming"][2026].total == 2


def test_each_entry_sits_beside_its_activity(content_root: Path) -> None:
    """`Points.entries` follows the year's activities, so a page can show each entry's contribution next to it."""
    content = loaded(content_root)
    record = content.records["lin-xiaoyang"][2026]
    points = points_for(record, content.schemes[2026])
    assert [e.activity for e in points.entries] == list(record.activities)
    assert [(e.worth, e.counted, e.capped) for e in points.entries] == [
        (1, 1, False),  # 01-08 meeting
        (2, 2, False),  # 01-14 reception
        (3, 3, False),  # 01-20 suggestion
        (3, 3, False),  # 01-21 suggestion
        (2, 2, False),  # 03-04 reception
        (0, 0, False),  # 04-10 inspection, not in the scheme
        (2, 1, True),  # 05-06 reception, over the cap
        (4, 4, False),  # 06-01 other, own points
        (1, 1, False),  # 07-01 other, default points
        (3, 1, True),  # 08-01 other, own points, over the cap
        (-2, -2, False),  # 09-09 absence
        (-2, -1, True),  # 10-10 absence, over the cap
    ]
    assert sum(e.counted for e in points.entries) == points.total == 15


def test_a_scheme_change_changes_the_points_of_its_years_only(content_root: Path) -> None:
    scoring = content_root / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace("reception: {points: 2, cap: 5}", "reception: {points: 3, cap: 12}"), "utf-8")
    content = loaded(content_root)
    points = all_points(content.records, content.schemes)
    lin = points["lin-xiaoyang"][2026]
    assert breakdown(lin)[0] == (
        "reception",
        "进站接待选民",
        3,
        3,
        9,
        12,
        9,
        [("2026-01-14", 3, 3), ("2026-03-04", 3, 3), ("2026-05-06", 3, 3)],
    )
    assert breakdown(lin)[1:] == LIN_2026[1:]
    assert lin.total == 9 + 6 + 1 + 0 + 6 - 3 == 19
    assert breakdown(points["lin-xiaoyang"][2025]) == LIN_2025  # a past year keeps its own rules
    assert points["zhou-liming"][2026].total == 3


def test_moving_a_year_to_another_scheme_rescores_it(content_root: Path) -> None:
    scoring = content_root / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace("years: [2024, 2025]", "years: [2024]").replace("[2026]", "[2025, 2026]"), "utf-8")
    content = loaded(content_root)
    lin_2025 = points_for(content.records["lin-xiaoyang"][2025], content.schemes[2025])
    # now reception 2 at most 5, suggestion 3 without a cap, no training
    assert [(line.kind, line.raw, line.subtotal) for line in lin_2025.lines] == [
        ("reception", 2, 2),
        ("suggestion", 9, 9),
        ("training", 0, 0),
    ]
    assert lin_2025.total == 11


def test_a_year_without_a_scheme_gets_no_points(content_root: Path) -> None:
    record = loaded(content_root).records["lin-xiaoyang"][2026]
    points = points_for(record, None)
    assert not points.scored and points.scheme is None
    assert (points.total, points.gained, points.deducted) == (0, 0, 0)
    assert [(line.kind, line.count, line.rule, line.each, line.subtotal) for line in points.lines] == [
        ("reception", 3, None, 0, 0),
        ("suggestion", 2, None, 0, 0),
        ("meeting", 1, None, 0, 0),
        ("inspection", 1, None, 0, 0),
        ("other", 3, None, 0, 0),
        ("absence", 2, None, 0, 0),
    ]
    later = all_points({"lin-xiaoyang": {2030: record}}, {2026: Scheme.model_validate(SCHEME)})
    assert (later["lin-xiaoyang"][2030].scored, later["lin-xiaoyang"][2030].total) == (False, 0)


SCHEME = {
    "years": ["2026"],
    "title": "办法",
    "rules": {"meeting": {"points": "2", "cap": "4"}, "absence": {"points": "-5"}},
}


def test_caps_without_disk() -> None:
    """Pure: a cap met exactly is not "capped"; entries of one day count in the order written; no cap, no limit."""
    scheme = Scheme.model_validate(SCHEME)
    record = DeputyYear(
        "x",
        2026,
        tuple(
            ACTIVITY.validate_python({"date": day, "kind": kind, "title": title})
            for kind, day, title in [
                ("meeting", "2026-03-01", "甲"),
                ("meeting", "2026-02-01", "乙"),
                ("meeting", "2026-02-01", "丙"),
                ("absence", "2026-04-01", "丁"),
                ("absence", "2026-05-01", "戊"),
            ]
        ),
    )
    points = points_for(record, scheme)
    meeting, absence = points.lines
    assert [(e.activity.title, e.counted) for e in meeting.entries] == [("乙", 2), ("丙", 2), ("甲", 0)]
    assert (meeting.raw, meeting.subtotal, meeting.capped) == (6, 4, True)
    assert (absence.raw, absence.cap, absence.subtotal, absence.capped) == (-10, None, -10, False)
    assert points.total == -6
    two = DeputyYear("x", 2026, record.activities[1:3])
    assert points_for(two, scheme).lines[0].capped is False  # 2 + 2 = 4: exactly the cap


@pytest.mark.parametrize(("points", "text"), [(2, "+2"), (-3, "-3"), (0, "0")])
def test_signed(points: int, text: str) -> None:
    assert signed(points) == text
