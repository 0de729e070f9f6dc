"""The form service's public figures as the generator reads them (generator/stats.py): the fixture file, ids unknown to
the content, and every kind of malformed file paired with its exact message."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from generator.load import load_content
from generator.model import Content
from generator.stats import StatsError, read_stats

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "stats" / "good.json"
TODAY = dt.date(2026, 11, 28)
TAIL = "（请用同一版本的 python -m forms_api stats --public 重新生成）"


@pytest.fixture(scope="module")
def content() -> Content:
    loaded, problems = load_content(FIXTURES / "good", TODAY)
    assert problems == []
    return loaded


def good_data() -> dict:
    return json.loads(GOOD.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "stats.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_the_fixture_file_reads_as_written(content: Content) -> None:
    stats, warnings = read_stats(GOOD, content)
    assert warnings == []
    assert (stats.format, stats.generated_on, stats.min_submissions) == (1, TODAY, 5)
    lin = stats.deputies["lin-xiaoyang"]
    assert (lin.received, lin.answered, lin.answered_in_time, lin.median_days_to_answer) == (12, 10, 9, 2.5)
    assert (lin.ratings, lin.satisfied, lin.basically_satisfied, lin.dissatisfied) == (6, 4, 1, 1)
    assert lin.evaluations["2025"].too_few and not lin.evaluations["2026"].too_few
    assert lin.evaluations["2026"].count == 7
    assert stats.deputies["zhou-liming"].too_few and stats.deputies["zhou-liming"].received is None
    assert stats.stations["qingshi-zhan"].shown and not stats.stations["yunshang-zhan"].shown


def test_ids_not_in_the_content_are_left_out_with_a_warning(tmp_path: Path, content: Content) -> None:
    data = good_data()
    data["deputies"]["gone-deputy"] = copy.deepcopy(data["deputies"]["lin-xiaoyang"])
    data["deputies"]["also-gone"] = {"too_few": True, "evaluations": {}}
    data["stations"]["gone-zhan"] = {"too_few": True}
    stats, warnings = read_stats(write(tmp_path, data), content, shown_as="var/public/stats.json")
    assert warnings == [
        "统计文件 var/public/stats.json 中有 2 位代表不在 content/ 中，其统计已忽略：also-gone、gone-deputy",
        "统计文件 var/public/stats.json 中有 1 个联络站不在 content/ 中，其统计已忽略：gone-zhan",
    ]
    assert sorted(stats.deputies) == ["lin-xiaoyang", "zhou-liming"]
    assert sorted(stats.stations) == ["qingshi-zhan", "yunshang-zhan"]


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path, content: Content) -> None:
    with pytest.raises(StatsError) as error:
        read_stats(tmp_path / "nope.json", content, shown_as="var/public/stats.json")
    assert str(error.value) == (
        "找不到统计文件 var/public/stats.json（先运行 python -m forms_api stats --public 生成，或不用 --stats）"
    )


def change(path: str, value: object):
    """A change to the good file: set the value at `path` ("deputies.lin-xiaoyang.received"), or delete it (...)."""

    def apply(data: dict) -> dict:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[key]
        if value is ...:
            del target[last]
        else:
            target[last] = value
        return data

    return apply


LIN = "deputies.lin-xiaoyang"
MALFORMED = [
    ("not-json", '{"format": 1,', "不是有效的 JSON（第 1 行第 14 列）"),
    ("a-list", [], "整个文件: 应为 JSON 对象（{…}），不能是 列表"),
    ("format-2", change("format", 2), "format: 2 不是允许的值"),
    ("no-deputies", change("deputies", ...), "deputies: 缺少这一项"),
    ("unknown-key", change("extra", 1), "extra: 不认识的项"),
    ("bad-date", change("generated_on", "28.11.2026"), 'generated_on: "28.11.2026" 不是 YYYY-MM-DD 格式的日期'),
    ("negative", change(f"{LIN}.received", -1), f"{LIN}.received: -1 太小"),
    ("text-count", change(f"{LIN}.answered", "10"), f'{LIN}.answered: 应为整数，不能是 "10"'),
    ("bool-count", change(f"{LIN}.ratings", True), f"{LIN}.ratings: 应为整数，不能是 true"),
    ("missing-count", change(f"{LIN}.answered_in_time", ...), f"{LIN}: 统计数字不全"),
    ("answered-over-received", change(f"{LIN}.answered", 13), f"{LIN}: 答复数多于收到数，或按期答复数多于答复数"),
    ("ratings-not-sum", change(f"{LIN}.ratings", 7), f"{LIN}: 总数与满意、基本满意、不满意之和不等"),
    (
        "median-without-answers",
        change(f"{LIN}.median_days_to_answer", None),
        f"{LIN}: 答复用时中位数与答复数不符（没有答复时为 null）",
    ),
    (
        "too-few-with-figures",
        change("deputies.zhou-liming.received", 3),
        "deputies.zhou-liming: 标为 too_few 的项不能有统计数字",
    ),
    ("bad-id", change("stations.Bad Id", {"too_few": True}), 'stations.Bad Id.[key]: "Bad Id" 不是有效的 id 或年份'),
    (
        "bad-year",
        change(f"{LIN}.evaluations.26", {"too_few": True}),
        f'{LIN}.evaluations.26.[key]: "26" 不是有效的 id 或年份',
    ),
    (
        "evaluation-sum",
        change(f"{LIN}.evaluations.2026.count", 8),
        f"{LIN}.evaluations.2026: 总数与满意、基本满意、不满意之和不等",
    ),
]


@pytest.mark.parametrize(("data", "detail"), [(d, m) for _, d, m in MALFORMED], ids=[n for n, _, _ in MALFORMED])
def test_a_malformed_file_is_an_error_naming_file_and_place(tmp_path: Path, content: Content, data, detail) -> None:
    if callable(data):
        data = data(good_data())
    with pytest.raises(StatsError) as error:
        read_stats(write(tmp_path, data), content, shown_as="var/public/stats.json")
    assert str(error.value) == f"统计文件 var/public/stats.json 格式不对：{detail}{TAIL}"


def test_many_errors_are_listed_up_to_five(tmp_path: Path, content: Content) -> None:
    data = good_data()
    for key in (
        "received",
        "answered",
        "answered_in_time",
        "ratings",
        "satisfied",
        "dissatisfied",
        "median_days_to_answer",
    ):
        data["deputies"]["lin-xiaoyang"][key] = "x"
    with pytest.raises(StatsError) as error:
        read_stats(write(tmp_path, data), content)
    assert str(error.value).count(f"{LIN}.") == 5
    assert str(error.value).endswith(f"；另有 2 处错误{TAIL}")
