"""Suggestions tracked to their answer: deadlines (as written, else three months from 交办), on time or late or
overdue, the figures per department; the fixture suggestion's page shows every stage with its date, and the chart of
on-time shares draws each share on a 0-100% scale and says what its table says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import overlay_case

from generator.directory import Directory
from generator.figures import BAR_ROOM, percent
from generator.load import load_content
from generator.model import Proposal
from generator.pages import render_pages
from generator.suggestions import Suggestion, by_department, collect, department_slug, months_later

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 28)


def suggestion(**fields) -> Suggestion:
    data = {"date": "2026-01-20", "kind": "suggestion", "title": "建议"} | fields
    return Suggestion("d", 2026, 1, Proposal.model_validate(data))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("suggestions") / "content"
    overlay_case(root, FIXTURES / "good")
    overlay_case(root, FIXTURES / "records" / "good")
    content, problems = load_content(root, TODAY)
    assert [p for p in problems if not p.warning] == []
    return render_pages(Directory(content, TODAY))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [("2026-02-03", 3, "2026-05-03"), ("2026-11-30", 3, "2027-02-28"), ("2024-11-29", 3, "2025-02-28")],
)
def test_months_later(day: str, months: int, expected: str) -> None:
    assert months_later(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


def test_deadline_on_time_and_overdue() -> None:
    unassigned = suggestion()
    assert (unassigned.deadline, unassigned.on_time(), unassigned.overdue(TODAY)) == (None, None, False)
    default = suggestion(stages={"assigned": "2026-02-03", "answered": "2026-05-03"})
    assert (default.deadline, default.on_time()) == (dt.date(2026, 5, 3), True)  # the last day is in time
    late = suggestion(stages={"assigned": "2026-02-03", "answered": "2026-05-04"})
    assert late.on_time() is False
    written = suggestion(deadline="2026-06-30", stages={"assigned": "2026-02-03", "answered": "2026-06-30"})
    assert written.on_time() is True
    waiting = suggestion(stages={"assigned": "2026-02-03"})
    assert (waiting.on_time(), waiting.overdue(dt.date(2026, 5, 3)), waiting.overdue(dt.date(2026, 5, 4))) == (
        None,
        False,
        True,
    )
    assert waiting.proposal.current_status == "handling" and suggestion().proposal.current_status == "submitted"


def test_figures_per_department() -> None:
    found = [
        suggestion(department="甲局", stages={"assigned": "2026-02-03", "answered": "2026-03-01"}),
        suggestion(department="甲局", stages={"assigned": "2026-02-03", "answered": "2026-06-01"}),
        suggestion(department="甲局", stages={"assigned": "2026-02-03"}),
        suggestion(department="甲局"),
        suggestion(department="乙局", stages={"assigned": "2026-10-01"}),
        suggestion(),
    ]
    first, second = by_department(found, TODAY)
    assert (second.name, second.count, second.answered, second.in_time, second.late, second.overdue) == (
        "甲局",
        4,
        2,
        1,
        1,
        1,
    )
    assert second.due == 3
    assert (first.name, first.count, first.due) == ("乙局", 1, 0)  # not yet due


def test_collect_numbers_each_deputys_year_in_date_order(pages: dict[str, str]) -> None:
    found = [p for p in pages if p.startswith("suggestion/") and p.endswith(".md")]
    assert sorted(found) == [
        f"suggestion/lin-xiaoyang-{key}/index.md" for key in ("2025-1", "2025-2", "2025-3", "2026-1", "2026-2")
    ]
    assert collect({}) == []


def test_the_fixture_suggestion_shows_every_stage_with_its_date(pages: dict[str, str]) -> None:
    page = pages["suggestion/lin-xiaoyang-2026-1/index.md"]
    stages = re.findall(r'stage__name">([^<]+)</span>：<time datetime="([0-9-]+)">', page)
    assert stages == [
        ("提交", "2026-01-20"),
        ("交办", "2026-02-03"),
        ("办理中", "2026-02-10"),
        ("答复", "2026-05-20"),
        ("代表满意度", "2026-06-02"),
    ]
    department = f"- 承办单位：[区交通运输局](../../suggestions/department-{department_slug('区交通运输局')}/)\n"
    assert department in page
    listed = pages[f"suggestions/department-{department_slug('区交通运输局')}/index.md"]
    assert "关于青石路增设人行横道的建议" in listed and "关于社区菜市场改造的建议" not in listed
    assert "- 重点督办代表建议，督办领导：区人大常委会副主任 李明" in page
    assert "- 办理期限：2026年5月31日\n" in page and "，按期答复" in page
    assert "已在青石路与青石小学门口增设人行横道和信号灯。" in page and "林小样对答复：**满意**" in page
    waiting = pages["suggestion/lin-xiaoyang-2026-2/index.md"]
    assert "- 办理期限：2026年6月2日（交办之日起三个月）" in waiting and "，已超过办理期限" in waiting
    assert waiting.count("尚未") == 3


def test_the_department_chart_draws_each_share_as_its_table_says(pages: dict[str, str]) -> None:
    """Two departments at different shares (2 of 3, 1 of 2): each bar is its share of the full width, not its part
    of the largest share, and says the share of its table row, which the row's own counts give."""
    index = pages["suggestions/index.md"]
    bars = re.findall(
        r'chart__label">([^<]+)</text>\s*<rect x="0" y="[\d.]+" width="([\d.]+)"[^>]*/>\s*<text[^>]*>([^<]+)</text>',
        index,
    )
    row = r"^\| \[([^\]]+)\]\([^)]*\) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| ([^|]+) \|$"
    table = {
        name: (int(in_time), int(late), int(overdue), share.strip())
        for name, _, _, in_time, late, overdue, share in re.findall(row, index, re.M)
    }
    assert [label for label, *_ in bars] == ["区交通运输局", "区住房和城乡建设局"]
    for label, width, text in bars:
        in_time, late, overdue, share = table[label]  # the share of the three columns its explanation names
        assert text == share
        assert percent(in_time, in_time + late + overdue) == share
        assert float(width) == pytest.approx(in_time / (in_time + late + overdue) * BAR_ROOM, abs=0.05), label
    assert dict((label, text) for label, _, text in bars) == {"区交通运输局": "67%", "区住房和城乡建设局": "50%"}
    assert {name for name, (*_, share) in table.items() if share != "—"} == {label for label, *_ in bars}
    assert "- [已提交](status-submitted/index.md)：1 件" in index and "- [2026 年](2026/index.md)：2 件" in index


def test_without_records_the_index_says_so(tmp_path: Path) -> None:
    content, _ = load_content(FIXTURES / "good", TODAY)
    page = render_pages(Directory(content, TODAY))["suggestions/index.md"]
    assert "暂无公开的代表建议。" in page and not any(
        p.startswith("suggestion/") and p.endswith(".md") for p in render_pages(Directory(content, TODAY))
    )
