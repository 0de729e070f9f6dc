"""Deputies' work on record (content/records/<deputy>/<year>.yaml) and the points schemes (content/scoring.yaml):
every mistake an editor can make there, paired with the exact line they will read."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from click.testing import CliRunner
from conftest import overlay_case

from generator.cli import main
from generator.load import load_content
from generator.model import Event, OtherActivity, ReceptionDay
from generator.schema import json_schemas

TODAY = dt.date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
R = "content/records"
BEFORE_TERM = (
    "日期 2022-05-10 不在代表的任期内（2023-01-16 起）（检查日期，或代表文件 memberships 中的 since 和 until）"
)
KINDS = (
    "reception（进站接待选民）、suggestion（代表建议）、motion（议案）、meeting（参加会议）、inspection（视察调研）、"
    "training（学习培训）、report（向选民述职）、other（其他履职）、absence（无故缺席）"
)
EMPTY_HINT = "第一行写 activities:，下面每条活动以“- ”开头"

ORDER = (
    "办理环节依次是 date（提交）、assigned（交办）、handling（办理中）、answered（答复）、rated（满意度），日期不能倒退"
)
BAD_CASES = {
    "unknown_deputy": [
        f'{R}/lin-xiaoyan/2026.yaml:1: 未知的代表 "lin-xiaoyan"（是不是 "lin-xiaoyang"？）',
        f'{R}/nobody/2026.yaml:1: 未知的代表 "nobody"（deputies/ 下没有 nobody.yaml；文件夹名应是代表的 id）',
    ],
    "unknown_kind": [
        f'{R}/zhou-liming/2026.yaml:6: activities[1].kind: "visit" 不是允许的值（可选：{KINDS}）',
        f"{R}/zhou-liming/2026.yaml:8: activities[2].kind: 缺少必填字段（请添加一行 kind: …，可选：{KINDS}）",
        f'{R}/zhou-liming/2026.yaml:10: activities[3]: 应该是“字段: 值”的映射，不能是文字 "参加代表小组活动"'
        "（每个字段一行，写成“字段: 值”）",
    ],
    "date_outside_year": [
        f"{R}/zhou-liming/2026.yaml:2: activities[0].date: 日期 2025-12-30 不在 2026 年内"
        "（2026.yaml 只记 2026 年的活动；这一条请移到 2025.yaml，或改正日期）",
        f'{R}/zhou-liming/2026.yaml:5: activities[1].date: "2026-02-30" 这一天不存在（2026 年 2 月没有 30 日，'
        "这个月只有 28 天）",
        f"{R}/zhou-liming/2026.yaml:8: activities[2].date: 日期 2027-01-05 不在 2026 年内"
        "（2026.yaml 只记 2026 年的活动；这一条请移到 2027.yaml，或改正日期）",
        f'{R}/zhou-liming/2026.yaml:10: activities[2].station: 未知的联络站 "nowhere"（stations/ 下没有 nowhere.yaml）',
    ],
    "points_over_cap": [
        f"{R}/lin-xiaoyang/2025.yaml:5: activities[0].points: 2025 年的积分办法不允许单独给分"
        "（删去 points，或在 scoring.yaml 中为 2025 年的 other 设置 max_per_entry）",
        f"{R}/lin-xiaoyang/2026.yaml:5: activities[0].points: 5 分超过每条上限 4 分"
        "（2026 年的积分办法规定 other 每条最多 4 分，见 content/scoring.yaml 第 8 行）",
    ],
    "unknown_station": [
        f'{R}/zhou-liming/2026.yaml:4: activities[0].station: 未知的联络站 "yunshang-zahn"（是不是 "yunshang-zhan"？）',
        f'{R}/zhou-liming/2026.yaml:7: activities[1].station: 未知的联络站 "nowhere"（stations/ 下没有 nowhere.yaml）',
        f"{R}/zhou-liming/2026.yaml:8: activities[2].station: 缺少必填字段（请添加一行 station: …）",
    ],
    "field_not_for_kind": [
        f"{R}/zhou-liming/2026.yaml:5: activities[0].station: meeting（参加会议）没有 station 这一项"
        "（可用的字段：date、kind、title、place、note）",
        f"{R}/zhou-liming/2026.yaml:9: activities[1].number: reception（进站接待选民）没有 number 这一项"
        "（可用的字段：date、kind、station、title、note）",
        f"{R}/zhou-liming/2026.yaml:13: activities[2].points: suggestion（代表建议）没有 points 这一项"
        "（可用的字段：date、kind、title、number、department、status、key、supervisor、deadline、stages、answer、"
        "satisfaction、note）",
        f'{R}/zhou-liming/2026.yaml:14: activities[2].status: "done" 不是允许的值'
        "（可选：submitted（已提交）、handling（办理中）、answered（已答复）、closed（已办结））",
        f"{R}/zhou-liming/2026.yaml:17: activities[3].titel: 字段名写错了，应为 title（把 titel 改成 title）",
    ],
    "bad_year_file_name": [
        f"{R}/notes.txt:1: records/ 下只放以代表 id 命名的文件夹（履职记录放在 records/<代表 id>/<年份>.yaml）",
        f"{R}/zhou-liming/2026.yml:1: 不是 .yaml 文件，不会被读取（改名为 2026.yaml）",
        f'{R}/zhou-liming/26.yaml:1: 文件名 "26" 不是年份（用四位年份作文件名，例如 2026.yaml）',
    ],
    "not_mapping": [
        f"{R}/zhou-liming/2025.yaml:1: 文件是空的（{EMPTY_HINT}）",
        f"{R}/zhou-liming/2026.yaml:1: 缺少 activities:（{EMPTY_HINT}）",
    ],
    "bad_scheme": [
        "content/scoring.yaml:4: [0].rules.recepton: 未知字段（是不是 reception？）",
        "content/scoring.yaml:5: [0].rules.suggestion.points: 每条 6 分，超过全年上限 5 分"
        "（把 points 改小，或把 cap 改大）",
        "content/scoring.yaml:6: [0].rules.visit: 未知字段"
        "（可用的字段：reception、suggestion、motion、meeting、inspection、training、report、other、absence）",
        "content/scoring.yaml:7: [0].rules.other.max_per_entry: 每条 4 分，超过全年上限 3 分"
        "（把 max_per_entry 改小，或把 cap 改大）",
        'content/scoring.yaml:8: [0].rules.absence.points: "2" 不是负数（扣分写负数，例如 -2）',
        "content/scoring.yaml:10: [1].years[1]: 2026 年已有积分办法（第 1 行已经写过这一年；每年只能有一个积分办法）",
        "content/scoring.yaml:14: [1].rules.other.points: 每条 3 分，超过单独给分的上限 2 分"
        "（把 points 改小，或把 max_per_entry 改大）",
    ],
    "year_without_scheme": [
        f"{R}/zhao-shishan/2022.yaml:2: activities[0].date: {BEFORE_TERM}",
        "content/scoring.yaml:2: 2022 年有 2 份履职记录，但没有这一年的积分办法"
        "（这些记录不计分；需要计分，就添加一个 years 含 2022 的积分办法）",
        "content/scoring.yaml:2: 2023 年有 1 份履职记录，但没有这一年的积分办法"
        "（这些记录不计分；需要计分，就添加一个 years 含 2023 的积分办法）",
    ],
    "suggestion_handling": [
        f"{R}/zhou-liming/2026.yaml:7: activities[0].stages.answered: 2026-02-20 早于前一环节交办的日期 2026-03-01"
        f"（{ORDER}）",
        f"{R}/zhou-liming/2026.yaml:11: activities[1].supervisor: 只有重点督办建议才写督办领导"
        "（加上 key: true，或删去 supervisor）",
        f"{R}/zhou-liming/2026.yaml:17: activities[2].answer: 写了答复或满意度，但没有答复日期"
        "（在 stages 中写 answered: 答复日期）",
        f'{R}/zhou-liming/2026.yaml:23: activities[3].satisfaction: "很满意" 不是允许的值'
        "（可选：satisfied（满意）、basically_satisfied（基本满意）、dissatisfied（不满意））",
        f"{R}/zhou-liming/2026.yaml:28: activities[4].stages.assigned: 2026-01-05 早于前一环节提交（date）的日期"
        f" 2026-02-11（{ORDER}）",
    ],
    "warnings": [
        f"{R}/zhou-liming/2026.yaml:5: activities[1].date: 日期 2026-12-05 还没有到"
        "（履职记录只记已经做过的事，检查日期）",
        f"{R}/zhou-liming/2026.yaml:8: activities[2]: 与第 2 行的记录完全相同"
        "（同一件事只记一次；确实是两次的，在 title 或 note 中写明区别）",
    ],
}
WARNING_CASES = {"year_without_scheme", "warnings"}


@pytest.fixture
def make_records(tmp_path: Path, beside_content: Path) -> Callable[..., Path]:
    """`make_records("unknown_kind", ...)`: tests/fixtures/good, then records/good, then those records/bad cases."""

    def make(*cases: str) -> Path:
        content = tmp_path / "content"
        shutil.copytree(FIXTURES / "good", content)
        overlay_case(content, FIXTURES / "records" / "good")
        for case in cases:
            overlay_case(content, FIXTURES / "records" / "bad" / case)
        return content

    return make


def test_every_bad_case_has_expected_lines() -> None:
    assert sorted(p.name for p in (FIXTURES / "records" / "bad").iterdir()) == sorted(BAD_CASES)


@pytest.mark.parametrize(("case", "expected"), BAD_CASES.items(), ids=list(BAD_CASES))
def test_bad_case_reports_exact_lines(make_records: Callable[..., Path], case: str, expected: list[str]) -> None:
    _, problems = load_content(make_records(case), TODAY)
    assert [str(p) for p in problems] == expected
    assert all(p.warning == (case in WARNING_CASES) for p in problems)


def test_good_records_load_without_problems(make_records: Callable[..., Path]) -> None:
    content, problems = load_content(make_records(), TODAY)
    assert problems == []
    assert {d: sorted(years) for d, years in content.records.items()} == {
        "lin-xiaoyang": [2025, 2026],
        "zhou-liming": [2026],
    }
    lin = content.records["lin-xiaoyang"][2026]
    assert (lin.deputy, lin.year, len(lin.activities)) == ("lin-xiaoyang", 2026, 12)
    dates = [a.date for a in lin.activities]
    assert dates == sorted(dates) and dates[0] == dt.date(2026, 1, 8)  # written out of order, kept in date order
    assert lin.activities[0] == Event(
        date=dt.date(2026, 1, 8), kind="meeting", title="出席晨溪区人民代表大会会议", place="区人民会堂"
    )
    assert lin.activities[1] == ReceptionDay(
        date=dt.date(2026, 1, 14), kind="reception", station="qingshi-zhan", note="接待群众 5 人次"
    )
    assert [a.points for a in lin.activities if isinstance(a, OtherActivity)] == [4, None, 3]
    assert sorted(content.schemes) == [2024, 2025, 2026]
    assert content.schemes[2024] is content.schemes[2025]
    assert content.schemes[2026].rules.reception.cap == 5


def test_records_and_scoring_are_optional(fixtures_dir: Path) -> None:
    content, problems = load_content(fixtures_dir / "good", TODAY)
    assert (problems, content.records, content.schemes) == ([], {}, {})


def test_records_without_a_scoring_file_are_not_scored_and_not_warned(make_records: Callable[..., Path]) -> None:
    root = make_records("year_without_scheme")
    (root / "scoring.yaml").unlink()
    content, problems = load_content(root, TODAY)
    assert ([str(p) for p in problems], content.schemes) == (
        [f"{R}/zhao-shishan/2022.yaml:2: activities[0].date: {BEFORE_TERM}"],
        {},
    )
    assert sorted(content.records["chen-moyin"]) == [2022, 2023]


def test_records_of_a_deputy_left_out_are_left_out(make_records: Callable[..., Path]) -> None:
    """A deputy with an error stays a known deputy (no second error for the records) but has no records in Content."""
    root = make_records()
    deputy = root / "deputies" / "zhou-liming.yaml"
    deputy.write_text(deputy.read_text(encoding="utf-8").replace("gender: male", "gender: other"), encoding="utf-8")
    content, problems = load_content(root, TODAY)
    assert [p.field for p in problems] == ["gender"]
    assert sorted(content.records) == ["lin-xiaoyang"]


def test_one_round_of_fixes_is_enough(make_records: Callable[..., Path]) -> None:
    """Entries beside a broken one still get their dates, stations and points checked."""
    root = make_records()
    (root / "records" / "zhou-liming" / "2026.yaml").write_text(
        "activities:\n"
        "  - date: 2026-02-11\n    kind: meeting\n    title: [x]\n"
        "  - date: 2025-02-11\n    kind: reception\n    station: nowhere\n"
        "  - date: 2026-03-11\n    kind: other\n    title: 走访\n    points: 9\n",
        encoding="utf-8",
    )
    _, problems = load_content(root, TODAY)
    assert [(p.line, p.field) for p in problems] == [
        (4, "activities[0].title"),
        (5, "activities[1].date"),
        (7, "activities[1].station"),
        (11, "activities[2].points"),
    ]


def test_validate_reports_record_errors_like_other_errors(make_records: Callable[..., Path]) -> None:
    result = CliRunner().invoke(
        main, ["validate", "--content", str(make_records("unknown_station")), "--today", "2026-11-28"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == BAD_CASES["unknown_station"]
    assert result.stdout.endswith("3 个错误，0 个警告。\n")


def test_validate_strict_fails_on_record_warnings(make_records: Callable[..., Path]) -> None:
    content = str(make_records("warnings"))
    assert CliRunner().invoke(main, ["validate", "--content", content, "--today", "2026-11-28"]).exit_code == 0
    strict = CliRunner().invoke(main, ["validate", "--strict", "--content", content, "--today", "2026-11-28"])
    assert strict.exit_code == 1


def test_demo_content_has_records_and_schemes() -> None:
    content, problems = load_content(ROOT / "content", TODAY)
    assert problems == []
    assert len(content.records) >= 6
    assert sorted(content.schemes) == [2025, 2026]
    assert all(set(years) <= set(content.schemes) for years in content.records.values())


# --- the JSON Schemas editors' YAML editors use for these files --------------------------------------------------


def editor_reads(path: Path) -> object:
    """The file as a YAML editor sees it: YAML 1.1 types, dates as text."""

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("tree", [ROOT / "content", FIXTURES / "records" / "good"], ids=["demo", "fixture"])
def test_valid_records_and_schemes_pass_the_schemas(tree: Path) -> None:
    schemas = json_schemas()
    records = jsonschema_rs.validator_for(schemas["records"])
    scoring = jsonschema_rs.validator_for(schemas["scoring"])
    files = sorted((tree / "records").glob("*/*.yaml"))
    assert len(files) >= 3
    for path in files:
        assert [e.message for e in records.iter_errors(editor_reads(path))] == [], path
    assert [e.message for e in scoring.iter_errors(editor_reads(tree / "scoring.yaml"))] == []


@pytest.mark.parametrize(
    "entry",
    [
        {"date": "2026-02-11", "kind": "meeting", "title": "开会", "station": "qingshi-zhan"},
        {"date": "2026-02-11", "kind": "visit", "title": "走访"},
        {"date": "2026-02-11", "kind": "reception"},
        {"date": "2026-02-11", "kind": "other", "title": "走访", "points": -1},
    ],
)
def test_mistakes_fail_the_records_schema(entry: dict) -> None:
    validator = jsonschema_rs.validator_for(json_schemas()["records"])
    assert not validator.is_valid({"activities": [entry]})
    assert validator.is_valid({"activities": [{"date": "2026-02-11", "kind": "reception", "station": "qingshi-zhan"}]})


def test_mistakes_fail_the_scoring_schema() -> None:
    validator = jsonschema_rs.validator_for(json_schemas()["scoring"])
    good = {
        "years": [2026],
        "title": "办法",
        "rules": {"absence": {"points": -2}, "other": {"points": 1, "max_per_entry": 3}},
    }
    assert validator.is_valid([good])
    assert not validator.is_valid([{**good, "rules": {"visit": {"points": 1}}}])
    assert not validator.is_valid([{**good, "rules": {"absence": {"points": 2}}}])
    assert not validator.is_valid([{**good, "rules": {"meeting": {"points": 1, "max_per_entry": 3}}}])


def test_records_folder_is_suggested_only_valid_ids(make_records: Callable[..., Path]) -> None:
    """A deputy file renamed to an invalid id is not offered as the folder's name."""
    root = make_records()
    (root / "deputies" / "zhou-liming.yaml").rename(root / "deputies" / "Zhou-Liming.yaml")
    _, problems = load_content(root, TODAY)
    unknown = [p for p in problems if p.message == '未知的代表 "zhou-liming"']
    assert unknown and all("Zhou-Liming" not in p.hint for p in unknown)


def test_records_outside_the_deputys_term_are_warned(make_records: Callable[..., Path]) -> None:
    root = make_records()
    deputy = root / "deputies" / "zhou-liming.yaml"
    text = deputy.read_text(encoding="utf-8")
    deputy.write_text(text.replace("since: 2022-01-15", "since: 2022-01-15\n    until: 2026-01-31"), encoding="utf-8")
    _, problems = load_content(root, TODAY)
    assert [str(p) for p in problems][:1] == [
        f"{R}/zhou-liming/2026.yaml:2: activities[0].date: 日期 2026-02-11 不在代表的任期内（2022-01-15 至 2026-01-31）"
        "（检查日期，或代表文件 memberships 中的 since 和 until）"
    ]
    assert all(p.warning for p in problems)
