"""Deputies' work on record and the message figures on the pages (pure: model in, pages out): the points a deputy's
page shows against a breakdown worked out by hand, what shows without records or statistics, the overviews per level
and area, and the ranking switch."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import overlay_case
from test_scoring import LIN_2026_TOTAL

from generator.directory import Directory
from generator.figures import Bar, BarChart, one_decimal, percent, summarise
from generator.load import load_content
from generator.model import Content
from generator.pages import render_deputy, render_pages
from generator.scoring import all_points
from generator.stats import read_stats

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
ROOT = HERE.parent
TODAY = dt.date(2026, 11, 28)


def load(root: Path) -> Content:
    content, problems = load_content(root, TODAY)
    assert [p for p in problems if not p.warning] == []
    return content


@pytest.fixture(scope="module")
def records_content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    root = tmp_path_factory.mktemp("records") / "content"
    shutil.copytree(FIXTURES / "good", root)
    overlay_case(root, FIXTURES / "records" / "good")
    return load(root)


@pytest.fixture(scope="module")
def plain_content() -> Content:
    return load(FIXTURES / "good")


@pytest.fixture(scope="module")
def demo_content() -> Content:
    return load(ROOT / "content")


def stats_for(content: Content, name: str = "good.json"):
    return read_stats(FIXTURES / "stats" / name, content)[0]


class Texts(HTMLParser):
    """The text of every element with one of the given classes (or tag names), in document order."""

    def __init__(self, wanted: set[str]) -> None:
        super().__init__()
        self.wanted, self.stack, self.found = wanted, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        hit = next(iter((classes | {tag}) & self.wanted), None)
        self.stack.append((tag, hit, len(self.found)))
        if hit:
            self.found.append([hit, ""])

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for _, hit, index in self.stack:
            if hit:
                self.found[index][1] += data


def texts(html: str, *wanted: str) -> list[tuple[str, str]]:
    parser = Texts(set(wanted))
    parser.feed(html)
    return [(kind, " ".join(text.split())) for kind, text in parser.found]


def section(html: str, heading_id: str) -> str:
    """From the heading with that id to the next heading of the same or a higher level."""
    start = re.search(rf'<h([23]) id="{heading_id}">', html)
    assert start, heading_id
    end = re.compile(rf"<h[2-{start[1]}] ").search(html, start.end())
    return html[start.start() : end.start() if end else len(html)]


# Worked out by hand from tests/fixtures/records/good (lin-xiaoyang/2026.yaml and scoring.yaml): reception 2 each,
# at most 5; suggestion 3; meeting 1, at most 10; inspection not in the scheme; other 1 or the entry's own, at most 6;
# absence -2, at most 3 off. Entries count in date order, so the last one over a cap gets what is left.
LIN_2026_TIMELINE = [
    ("1月8日", "参加会议", "+1 分"),
    ("1月14日", "进站接待选民", "+2 分"),
    ("1月20日", "代表建议", "+3 分"),
    ("1月21日", "代表建议", "+3 分"),
    ("3月4日", "进站接待选民", "+2 分"),
    ("4月10日", "视察调研", "不计分"),
    ("5月6日", "进站接待选民", "+1 分（已达全年上限，原为 +2 分）"),  # 2 + 2 + 1 = 5
    ("6月1日", "其他履职", "+4 分"),
    ("7月1日", "其他履职", "+1 分"),
    ("8月1日", "其他履职", "+1 分（已达全年上限，原为 +3 分）"),  # 4 + 1 + 1 = 6
    ("9月9日", "无故缺席", "-2 分"),
    ("10月10日", "无故缺席", "-1 分（已达全年上限，原为 -2 分）"),  # -2 - 1 = -3
]
LIN_2026_TABLE = [
    ["进站接待选民", "3 × 2 = 6（上限 5）", "+5"],
    ["代表建议", "2 × 3 = 6", "+6"],
    ["参加会议", "1 × 1 = 1（上限 10）", "+1"],
    ["视察调研", "1 条，不计分", "0"],
    ["其他履职", "3 条单独给分，共 8（上限 6）", "+6"],
    ["无故缺席", "2 × -2 = -4（最多扣 3）", "-3"],
    ["合计（加分 +18，扣分 -3）", "15"],
]


def table_rows(html: str) -> list[list[str]]:
    rows, row = [], None
    for kind, text in texts(html, "tr", "th", "td"):
        if kind == "tr":
            row = []
            rows.append(row)
        elif row is not None:
            row.append(text)
    return rows


def test_points_on_the_page_equal_the_hand_computed_breakdown(records_content: Content) -> None:
    directory = Directory(records_content, TODAY)
    page = render_deputy(directory, records_content.deputies["lin-xiaoyang"]).body
    timeline = texts(section(page, "record-2026"), "record-entry__head")
    heads = [text for _, text in timeline]
    assert heads == [" ".join(entry) for entry in LIN_2026_TIMELINE]
    counted = [int(re.match(r"[+-]?\d+", points)[0]) for *_, points in LIN_2026_TIMELINE if points != "不计分"]
    assert sum(counted) == LIN_2026_TOTAL == 15
    points = section(page, "points-2026")
    assert "全年积分：15 分" in texts(points, "points-total")[0][1]
    assert table_rows(points)[1:] == LIN_2026_TABLE  # the first row holds the column heads
    assert "按《样例区代表履职积分办法（2026 年）》计算" in points
    assert 'href="../../reports/lin-xiaoyang-2026.html"' in points
    earlier = texts(section(page, "record-earlier"), "li")
    assert earlier == [("li", "2025 年：履职记录 5 条，积分 5 分（加分 +5，扣分 0）。2025 年度履职情况")]


def test_the_table_of_contents_names_the_record_sections(records_content: Content) -> None:
    page = render_deputy(
        Directory(records_content, TODAY, stats=stats_for(records_content)), records_content.deputies["lin-xiaoyang"]
    )
    record = next(entry for entry in page.toc.children if entry.id == "record")
    assert record.title == "履职档案"
    assert [(e.id, e.title) for e in record.children] == [
        ("record-2026", "2026 年履职记录"),
        ("points-2026", "2026 年履职积分"),
        ("record-earlier", "往年履职"),
        ("responsiveness", "留言办理情况"),
        ("evaluations", "选民年度评议"),
    ]
    for entry in record.children:
        assert f'<h3 id="{entry.id}">{entry.title}</h3>' in page.body


def test_a_deputy_without_records_gets_one_line_when_others_have_some(records_content: Content) -> None:
    page = render_deputy(Directory(records_content, TODAY), records_content.deputies["chen-moyin"]).body
    assert section(page, "record") == '<h2 id="record">履职档案</h2>\n<p>暂无公开的履职记录。</p>\n'


def test_without_records_or_statistics_there_is_no_record_section(plain_content: Content) -> None:
    directory = Directory(plain_content, TODAY)
    for deputy in plain_content.deputies.values():
        page = render_deputy(directory, deputy)
        assert "record" not in [entry.id for entry in page.toc.children]
        assert "履职档案" not in page.body and "留言办理情况" not in page.body
    pages = render_pages(directory)
    assert not any("留言办理情况" in text or "履职积分 {" in text for text in pages.values())
    assert "暂无留言办理统计。" in pages["stats/index.md"]
    assert "暂无公开的履职记录。" in pages["records/index.md"]


def test_statistics_without_records_show_the_figures_only(plain_content: Content) -> None:
    directory = Directory(plain_content, TODAY, stats=stats_for(plain_content))
    page = render_deputy(directory, plain_content.deputies["lin-xiaoyang"]).body
    record = section(page, "record")
    assert "暂无公开的履职记录" not in record and "履职积分" not in record
    assert texts(section(page, "responsiveness"), "li") == [
        ("li", "收到留言：12 条"),
        ("li", "已答复：10 条（83%）"),  # 10 of 12
        ("li", "按期答复：9 条（占已答复的 90%）"),  # 9 of 10
        ("li", "答复用时中位数：2.5 天"),
        ("li", "对答复的评价：6 次，满意 4、基本满意 1、不满意 1"),
    ]
    assert texts(section(page, "evaluations"), "li") == [
        ("li", "2026 年：7 人次参评，满意 5、基本满意 1、不满意 1"),
        ("li", "2025 年：参评不足 5 人次，暂不公布"),
    ]


@pytest.mark.parametrize("deputy", ["zhou-liming", "chen-moyin"], ids=["too-few", "not-in-the-file"])
def test_fewer_than_five_messages_show_no_figures(plain_content: Content, deputy: str) -> None:
    directory = Directory(plain_content, TODAY, stats=stats_for(plain_content))
    page = render_deputy(directory, plain_content.deputies[deputy]).body
    assert "<p>留言不足 5 条，暂不公布统计（截至 2026年11月28日）。</p>" in section(page, "responsiveness")
    assert "收到留言" not in page
    assert "<p>暂无选民评议结果。</p>" in section(page, "evaluations")


def test_station_pages_show_their_figures(plain_content: Content) -> None:
    pages = render_pages(Directory(plain_content, TODAY, stats=stats_for(plain_content)))
    shown = pages["stations/qingshi-zhan/index.md"]
    assert "## 留言办理情况 { #responsiveness data-search-exclude }" in shown
    for line in ("收到留言：8 条", "已答复：8 条（100%）", "按期答复：6 条（占已答复的 75%）", "答复用时中位数：1 天"):
        assert f"<li>{line}</li>" in shown
    assert "<li>对答复的评价：3 次，满意 2、基本满意 0、不满意 1</li>" in shown
    assert "留言不足 5 条，暂不公布统计" in pages["stations/yunshang-zhan/index.md"]


def test_the_statistics_page_adds_up_the_published_figures(plain_content: Content) -> None:
    page = render_pages(Directory(plain_content, TODAY, stats=stats_for(plain_content)))["stats/index.md"]
    assert page.count('<svg aria-hidden="true"') == 4  # deputies, stations, ratings, the 2026 evaluations
    assert page.count("<table>") == 4  # each chart's figures as text
    assert '<tr><th scope="row">已答复</th><td>10 条（83%）</td></tr>' in page  # lin-xiaoyang only: zhou-liming too few
    assert "<figcaption>对答复的评价（9 次）</figcaption>" in page  # 6 to lin-xiaoyang, 3 to qingshi-zhan
    assert '<tr><th scope="row">满意</th><td>6 次（67%）</td></tr>' in page
    assert "1 位代表参评不足 5 人次，暂不公布。" in page  # 2025
    assert "| 不足 5 条，暂不公布 |" in page
    assert "deputies/" not in page  # no list of deputies


def test_overviews_per_level_and_area(demo_content: Content) -> None:
    directory = Directory(demo_content, TODAY)
    points = all_points(demo_content.records, demo_content.schemes)
    assert directory.scored_year == 2026
    city = directory.area_deputies["990102"]["city"]  # city deputies elected in the county
    totals = sorted(points[d.id][2026].total for d in city if 2026 in points.get(d.id, {}))
    assert len(totals) >= 2
    summary = dict(directory.area_points("990102"))["city"]
    assert (summary.deputies, summary.with_records, summary.total) == (len(city), len(totals), sum(totals))
    pages = render_pages(directory)
    average, median = one_decimal(sum(totals) / len(totals)), one_decimal(statistics.median(totals))
    assert len(totals) == 3  # two with records/ files, han-sumei by the reception days she attended (events/)
    line = f"- 市人大代表：在任 {len(city)} 位，3 位有 2026 年履职记录：总积分 {sum(totals)}，"
    assert line + f"平均 {average}，中位数 {median}" in pages["areas/990102/index.md"]
    assert "## 2026 年履职积分 { #points }" in pages["levels/city/index.md"]
    assert "2026 年各层级代表的平均积分" in pages["records/index.md"]


def ranking_table(page: str) -> list[str]:
    return re.findall(r"^\| \d+ \| \[([^\]]+)\]\(", page, re.M)


def test_ranking_is_a_switch(demo_content: Content) -> None:
    points = all_points(demo_content.records, demo_content.schemes)
    off = Directory(demo_content, TODAY, stats=stats_for(demo_content, "demo.json"))
    on = Directory(demo_content, TODAY, stats=off.stats, ranking=True)
    city = [d for d in off.area_deputies["990102"]["city"] if 2026 in points.get(d.id, {})]
    by_points = sorted(city, key=lambda d: (-points[d.id][2026].total, d.id))
    assert [d.id for d in by_points] != sorted(d.id for d in by_points), "the fixture should tell the two orders apart"

    pages_on = render_pages(on)
    area = pages_on["areas/990102/index.md"]
    assert "### 市人大代表积分排名 { #ranking-city }" in area
    assert ranking_table(area) == [d.name for d in by_points]
    ranked_pages = {src for src, text in pages_on.items() if "积分排名" in text}
    assert ranked_pages and all(src.startswith("areas/") for src in ranked_pages)

    pages_off = render_pages(off)
    deputy_pages = [render_deputy(off, d).body for d in demo_content.deputies.values()]
    for text in [*pages_off.values(), *deputy_pages]:
        assert "积分排名" not in text and "ranking-" not in text and not ranking_table(text)
    # the only difference the switch makes: the ranking at the end of the area page
    assert pages_off["areas/990102/index.md"] == area[: area.index("### 市人大代表积分排名")].rstrip("\n") + "\n"
    assert {src for src, text in pages_on.items() if text != pages_off[src]} == ranked_pages


def test_number_formats_and_summaries() -> None:
    assert [one_decimal(v) for v in (2.25, 2.0, 0.05, 21.5, 7)] == ["2.3", "2", "0.1", "21.5", "7"]
    assert [percent(*p) for p in ((9, 11), (1, 8), (0, 0), (5, 5), (1, 200))] == ["82%", "13%", "—", "100%", "1%"]
    assert summarise(4, [10, 20, 25]) == summarise(4, (v for v in [25, 10, 20]))
    summary = summarise(4, [10, 20, 25])
    assert (summary.deputies, summary.with_records, summary.total, summary.median) == (4, 3, 55, 20)
    assert summary.average == pytest.approx(55 / 3)
    assert summarise(2, []).average is None


def test_bars_are_in_proportion_and_fit_the_chart() -> None:
    chart = BarChart("c", "图", "项目", "数", (Bar("甲", 10, "10"), Bar("乙", 5, "5"), Bar("丙", 0, "0")))
    drawn = chart.drawn()
    assert [bar.width for bar in drawn] == [320, 160, 0]
    assert all(bar.width + 80 <= chart.width for bar in drawn)
    assert [bar.bar_y for bar in drawn] == [22, 66, 110] and chart.height == 3 * 44 + 4
    assert [bar.width for bar in BarChart("c", "图", "", "", (Bar("甲", 0, "0"),)).drawn()] == [0]
