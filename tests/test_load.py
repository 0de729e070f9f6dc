"""The loader: every mistake an editor can make, paired with the exact line they will read."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import overlay_case
from pydantic import ValidationError

from generator import messages as msg
from generator import model
from generator.load import field_path, load_content
from generator.schema import json_schemas
from generator.yamlnodes import parse

TODAY = dt.date(2026, 11, 28)
D, S = "content/deputies", "content/stations"
ADD = "每项单独一行，以“- ”开头"
ID_HINT = "只能用小写字母 a-z、数字 0-9 和连字符 -，连字符不能在开头或结尾，例如 zhang-san"

BAD_CASES = {
    "yaml_syntax": [
        f"{D}/zhou-liming.yaml:2: YAML 语法错误：这里不能出现冒号（冒号后要有空格；文字里含冒号时给整段文字加引号）",
    ],
    "duplicate_key": [
        f"{D}/chen-moyin.yaml:4: name: 字段重复（第 2 行已经写过 name，请删掉其中一个）",
    ],
    "explicit_tag": [
        f"{D}/zhou-liming.yaml:3: 不允许使用 YAML 标签 !!python/object/apply:os.system"
        "（删除 !!python/object/apply:os.system：所有值都按文字读取，类型由字段决定）",
        f"{D}/zhou-liming.yaml:6: 不允许使用 YAML 标签 !!str（删除 !!str：所有值都按文字读取，类型由字段决定）",
    ],
    "anchor_alias": [
        f"{S}/yunshang-zhan.yaml:2: 不允许使用 YAML 锚点 &name（请把内容直接写出来；本文件另有 1 处锚点或别名）",
    ],
    "alias_bomb": [
        f"{D}/zhou-liming.yaml:11: 不允许使用 YAML 锚点 &a（请把内容直接写出来；本文件另有 80 处锚点或别名）",
    ],
    "unknown_key": [
        f"{D}/zhou-liming.yaml:3: ocupation: 未知字段（是不是 occupation？）",
        f"{D}/zhou-liming.yaml:8: memberships[0].sinc: 字段名写错了，应为 since（把 sinc 改成 since）",
    ],
    "missing_field": [
        f"{D}/zhou-liming.yaml:4: memberships[0].congress: 缺少必填字段（请添加一行 congress: …，例如 congress: "
        "第十六届）",
        f"{S}/yunshang-zhan.yaml:1: name: 缺少必填字段（请添加一行 name: …）",
    ],
    "wrong_type": [
        f"{D}/zhou-liming.yaml:2: name: 应该是一段文字，不能是列表（写成 name: 文字，不用“- ”或“字段: 值”）",
        f'{D}/zhou-liming.yaml:9: stations: 应该是列表，不能是文字 "yunshang-zhan"（{ADD}）',
    ],
    "bad_choice": [
        f'{D}/zhou-liming.yaml:3: gender: "男" 不是允许的值（可选：male（男）、female（女））',
        f'{D}/zhou-liming.yaml:5: memberships[0].level: "市级" 不是允许的值（可选：national（全国人大代表）、'
        "provincial（省人大代表）、city（市人大代表）、county（县（区）人大代表）、township（乡镇人大代表））",
        f'{S}/yunshang-zhan.yaml:3: kind: "cloud" 不是允许的值'
        "（可选：fixed（固定站）、mobile（流动站）、online（云上站））",
    ],
    "id_not_file_name": [
        f'{D}/zhou-liming.yaml:1: id: "zhou-li-ming" 与文件名 zhou-liming.yaml 不一致'
        "（改为 id: zhou-liming，或把文件改名为 zhou-li-ming.yaml）",
    ],
    "bad_file_name": [
        f'{D}/Qian Duoduo.yaml:1: 文件名 "Qian Duoduo" 不能用作 id'
        "（只能用小写字母 a-z、数字 0-9 和连字符 -，连字符不能在开头或结尾，例如 zhang-san.yaml）",
    ],
    "duplicate_area": [
        'content/areas.yaml:31: [6].code: 地区代码 "990102002" 重复（第 21 行已经有这个代码）',
    ],
    "area_cycle": [
        "content/areas.yaml:9: [1].parent: 上级地区形成循环：990100 → 990102 → 990100（检查这些地区的 parent）",
        'content/areas.yaml:29: [5].parent: 未知的地区代码 "990102003"（是不是 "990102002"（白云镇）？）',
    ],
    "unknown_station": [
        f'{D}/chen-moyin.yaml:12: stations[0]: 未知的联络站 "qingshi-zahn"（是不是 "qingshi-zhan"？）',
        f'{D}/chen-moyin.yaml:13: stations[1]: 未知的联络站 "nowhere"（stations/ 下没有 nowhere.yaml）',
    ],
    "unknown_area": [
        f'{S}/qingshi-zhan.yaml:4: area: 未知的地区代码 "990102009"（是不是 "990102002"（白云镇）？）',
    ],
    "leading_zero": [  # YAML 1.1 would have read 010101 as the octal number 4161
        f'{D}/zhou-liming.yaml:8: memberships[0].area: 未知的地区代码 "010101"（请先在 areas.yaml 中添加这个地区）',
    ],
    "bad_date": [
        f'{D}/lin-xiaoyang.yaml:16: memberships[0].until: "2021-12-32" 这一天不存在（2021 年 12 月没有 32 日，'
        "这个月只有 31 天）",
        f'{D}/zhou-liming.yaml:9: memberships[0].since: "2022-13-01" 这一天不存在（没有 13 月，月份是 01 到 12）',
    ],
    "until_before_since": [
        f"{D}/lin-xiaoyang.yaml:16: memberships[0].until: 结束日期 2016-12-31 早于开始日期 2017-01-10"
        "（检查 since 和 until）",
    ],
    "missing_photo": [
        f'{D}/lin-xiaoyang.yaml:6: photo: 照片文件不存在："lin-xiaoyang.jpg"'
        "（把照片放到 content/photos/lin-xiaoyang.jpg，或删去 photo 这一行）",
    ],
    "deleted_photo": [
        f'{D}/lin-xiaoyang.yaml:6: photo: 照片文件不存在："lin-xiaoyang.png"'
        "（把照片放到 content/photos/lin-xiaoyang.png，或删去 photo 这一行）",
    ],
    "bad_phone": [
        f'{S}/qingshi-zhan.yaml:14: phone: "6120001" 不是有效的电话号码'
        "（例如 0571-88881234 或 13800000000；有分机的写成 0571-88881234转2）",
    ],
    "fixed_without_address": [
        f"{S}/qingshi-zhan.yaml:1: address: 固定站必须填写地址"
        "（添加 address，或把 kind 改为 mobile（流动站）、online（云上站））",
    ],
    "reversed_time": [
        f'{S}/qingshi-zhan.yaml:12: reception[0].time: 时段 "11:30-09:00" 的结束时间不晚于开始时间（先写开始，'
        "后写结束，例如 09:00-11:30）",
    ],
    "multiple_documents": [
        f"{S}/yunshang-zhan.yaml:6: 一个文件只能有一个 YAML 文档（删除多余的“---”行，或把后面的内容移到单独的文件）",
    ],
    "empty_file": [
        f"{D}/zhou-liming.yaml:1: 文件是空的（每个字段一行，写成“字段: 值”）",
    ],
    "not_yaml": [
        f"{D}/zhou-lm.yml:1: 不是 .yaml 文件，不会被读取（改名为 zhou-lm.yaml）",
        f"{S}/notes.txt:1: 不是 .yaml 文件，不会被读取（这个目录只放 .yaml 文件，请把它移走）",
    ],
    "misplaced_files": [  # its README.md and pages/img/ are where they belong
        "content/areas.yml:1: 不是 .yaml 文件，不会被读取（改名为 areas.yaml）",
        "content/chen-moyin-2.yaml:1: 这个文件不在内容文件夹里，不会被读取，网站上也不会有（看起来是代表文件：移到 "
        "content/deputies/chen-moyin-2.yaml）",
        "content/deputy/zhang-xiaomei.yaml:1: 文件夹 deputy/ 不是内容文件夹，这个文件不会被读取，网站上也不会有（"
        "看起来是代表文件：移到 content/deputies/zhang-xiaomei.yaml）",
        "content/event/qingshi-2026-12-qiaotou.yaml:1: 文件夹 event/ 不是内容文件夹，这个文件不会被读取，网站上也不会有"
        "（看起来是活动文件：移到 content/events/qingshi-2026-12-qiaotou.yaml）",
        "content/pages/qingshi-2026-11-shuzhi.yaml:1: pages/ 里的 YAML 文件不会被读取，只会原样发布到网站上（"
        "看起来是活动文件：移到 content/events/qingshi-2026-11-shuzhi.yaml）",
        "content/station/kongbai.yaml:1: 文件夹 station/ 不是内容文件夹，这个文件不会被读取，网站上也不会有（"
        "文件夹名是 stations/，不是 station/：把文件移到 content/stations/ 里）",
    ],
    "unknown_folders": [  # nothing there tells where it belongs: warnings
        "content/images/:1: 文件夹 images/ 不是内容文件夹，里面的文件不会被读取，也不会发布（网页用的图片放在 pages/ "
        "里，代表和联络站的照片放在 photos/ 里；不用的文件请移出 content/）",
        "content/notes/todo.yml:1: 文件夹 notes/ 不是内容文件夹，这个文件不会被读取，网站上也不会有（代表放在 deputies/"
        "，联络站放在 stations/，活动放在 events/，履职记录放在 records/<代表 id>/；不用的文件请移出 content/）",
    ],
    "warnings": [
        f"{D}/chen-moyin.yaml:11: stations: 在任代表没有关联任何联络站（在 stations 中填写所在联络站的 id）",
        f'{D}/zhou-liming-2.yaml:11: stations[2]: 联络站 "yunshang-zhan" 重复列出（删掉重复的一项）',
        f"{D}/zhou-liming.yaml:2: name: 与 {D}/zhou-liming-2.yaml 同名同地区（周例明，990100）"
        "（如果是同一个人，请合并为一个文件；如果是两个人，可以忽略这条提示）",
        f"{S}/kongbai-zhan.yaml:1: 没有在任代表关联到这个联络站（在代表文件的 stations 中加上 kongbai-zhan）",
    ],
}


def test_every_bad_case_has_expected_lines(fixtures_dir: Path) -> None:
    assert sorted(p.name for p in (fixtures_dir / "bad").iterdir()) == sorted(BAD_CASES)


@pytest.mark.parametrize(("case", "expected"), BAD_CASES.items(), ids=list(BAD_CASES))
def test_bad_case_reports_exact_lines(make_content: Callable[..., Path], case: str, expected: list[str]) -> None:
    _, problems = load_content(make_content(case), TODAY)
    assert [str(p) for p in problems] == expected
    assert all(p.warning == (case in ("warnings", "unknown_folders")) for p in problems)


def test_good_tree_loads_without_problems(fixtures_dir: Path) -> None:
    for today in (TODAY, None):
        content, problems = load_content(fixtures_dir / "good", today)
        assert problems == []
    assert sorted(content.areas) == ["990000", "990100", "990102", "990102001", "990102002", "990102002001"]
    assert sorted(content.stations) == ["qingshi-zhan", "yunshang-zhan"]
    assert sorted(content.deputies) == ["chen-moyin", "lin-xiaoyang", "zhao-shishan", "zhou-liming"]
    lin = content.deputies["lin-xiaoyang"]
    assert [m.until for m in lin.memberships] == [dt.date(2021, 12, 31), None]
    assert content.stations["qingshi-zhan"].phone == "0999-6120001"
    assert (content.photos_dir / lin.photo).is_file()


@pytest.mark.parametrize(
    ("here", "given", "shown"),
    [
        (".", "daibiao", ["daibiao/photos/nope.jpg", "daibiao/stations/notes.txt"]),
        ("work", "../daibiao", ["{tmp}/daibiao/photos/nope.jpg", "{tmp}/daibiao/stations/notes.txt"]),
        ("work", "{tmp}/daibiao", ["{tmp}/daibiao/photos/nope.jpg", "{tmp}/daibiao/stations/notes.txt"]),
        ("daibiao", ".", ["photos/nope.jpg", "stations/notes.txt"]),
        ("daibiao/stations", "..", ["{tmp}/daibiao/photos/nope.jpg", "notes.txt"]),
        (".", "link", ["link/photos/nope.jpg", "link/stations/notes.txt"]),
    ],
)
def test_paths_open_from_the_current_directory(
    tmp_path: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch, here: str, given: str, shown: list[str]
) -> None:
    """Every path an editor reads opens the file from where they run the command: relative when the file lies below
    the current directory, else absolute; never the content folder's name alone, which opens nothing elsewhere."""
    root = tmp_path / "daibiao"
    shutil.copytree(fixtures_dir / "good", root)
    (tmp_path / "work").mkdir()
    (tmp_path / "link").symlink_to(root)
    (root / "stations" / "notes.txt").write_text("x", encoding="utf-8")
    deputy = root / "deputies" / "zhou-liming.yaml"
    deputy.write_text(deputy.read_text(encoding="utf-8").replace("name:", "photo: nope.jpg\nname:"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / here)
    _, problems = load_content(Path(given.format(tmp=tmp_path)), TODAY)
    paths = [
        p.path if p.path.endswith("notes.txt") else p.hint.split("把照片放到 ")[1].split("，")[0] for p in problems
    ]
    assert paths == [s.format(tmp=tmp_path) for s in shown]


def test_problems_are_collected_across_files(make_content: Callable[..., Path]) -> None:
    content, problems = load_content(make_content("yaml_syntax", "duplicate_key", "bad_phone", "unknown_area"), TODAY)
    assert len(problems) >= 3
    assert {p.path for p in problems} == {f"{D}/zhou-liming.yaml", f"{D}/chen-moyin.yaml", f"{S}/qingshi-zhan.yaml"}


def test_content_keeps_only_sound_records_with_resolvable_references(make_content: Callable[..., Path]) -> None:
    content, _ = load_content(make_content("unknown_area"), TODAY)
    assert sorted(content.stations) == ["yunshang-zhan"]
    assert sorted(content.deputies) == ["zhou-liming"]  # the others serve at the broken station


def test_alias_bomb_is_rejected_and_never_expanded(fixtures_dir: Path, make_content: Callable[..., Path]) -> None:
    """An expanded bomb would take minutes and gigabytes; the aliases standing for nothing is what keeps it quick."""
    bomb = (fixtures_dir / "bad" / "alias_bomb" / "deputies" / "zhou-liming.yaml").read_bytes()
    doc = parse(bomb)
    content, problems = load_content(make_content("alias_bomb"), TODAY)
    assert doc.value["sources"][8] == [None] * 9  # aliases stand for nothing, they are not copies
    assert "zhou-liming" not in content.deputies
    assert len(problems) == 1


def test_scalars_stay_text() -> None:
    doc = parse(b"code: 010101\nflag: no\nwhen: 2023-01-01\nnothing: ~\nempty:\nquoted: 'null'\n")
    assert doc.value == {
        "code": "010101",
        "flag": "no",
        "when": "2023-01-01",
        "nothing": None,
        "empty": None,
        "quoted": "null",
    }
    assert doc.issues == []


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"a: 1\n\tb: 2\n", 2, "YAML 语法错误：不能用 Tab 缩进"),
        (b"name: \xff\n", 1, "文件不是 UTF-8 编码"),
        (b"a: 1\nb: \x07\n", 2, "含有不允许的字符 U+0007"),
        (b"[" * 50 + b"]" * 50, 1, "嵌套层数太多"),
        (b"a: 1\n? [x]\n: 2\n", 2, "字段名必须是文字"),
        (b"a: 1\n~: 2\n", 2, "字段名必须是文字"),
        (b"a: !!binary aGk=\n", 1, "不允许使用 YAML 标签 !!binary"),
        (b"a: 1\n<<: *base\n", 2, "不允许使用 YAML 别名 *base"),
    ],
)
def test_yaml_issues(data: bytes, line: int, message: str) -> None:
    issues = parse(data).issues
    assert [(i.line, i.message) for i in issues] == [(line, message)]


DEPUTY = 'id: zhang-xiaoyu\nname: 张晓雨\nmemberships:\n  - level: township\n    area: "990102001"\nstations:\n  - a\n'
COLON = ("这一行用了中文冒号“：”", "请改成英文冒号“:”加空格")
IDEOGRAPHIC = ("这一行有全角空格", "请删去它，改用英文（半角）空格")
NBSP = ("这一行有不换行空格（U+00A0，常见于从网页复制的文字）", "请删去它，改用普通空格")
TAB = ("不能用 Tab 缩进", "请用空格缩进")
INDENT = (
    "这一行比上一行缩进得多，但上一行的字段已经有值",
    "同一层的字段要对齐：用和上一行相同个数的空格缩进（每层 2 个空格）",
)

MISALIGNED_B = (
    "列表项“- b”和第 7 行的“- a”没有对齐",
    "同一列表的“- ”要上下对齐：这一行改用 2 个空格缩进（现在是 3 个）",
)
ITEM_IN_VALUE = (
    "要写列表：冒号后面不写值，下面每项一行，以“- ”开头；要写多行文字：冒号后写“|”，文字从下一行开始、多缩进两个空格"
)


@pytest.mark.parametrize(
    ("before", "after", "line", "detail", "hint"),
    [
        ("name: ", "name：", 2, *COLON),  # typed with a Chinese input method
        ("name: ", "name:\u3000", 2, *IDEOGRAPHIC),
        ("name: ", "name:\u00a0", 2, *NBSP),
        ("  - level", "\u00a0 - level", 4, *NBSP),
        ("  - level", "\t- level", 4, *TAB),  # libyaml's message does not name the tab
        ("  - level: township", "  -level: township", 4, "“-”后面缺少空格", "列表项写成“- 值”，“-”后要有空格"),
        ("  - a\n", "  - a\n  -xikou-zhan\n", 8, "“-”后面缺少空格", "列表项写成“- 值”，“-”后要有空格"),
        (
            "name: 张晓雨",
            "bio: |\n自幼在溪口长大\nname: 张晓雨",
            3,
            "“|”或“>”下面的文字没有缩进",
            "多行文字的每一行都要比字段名多缩进两个空格",
        ),
        (
            "stations:\n  - a",
            "stations: - a",
            6,
            "“- ”列表项不能写在字段的同一行",
            "把每个“- ”项另起一行，比字段多缩进两个空格",
        ),
        ("name: 张晓雨", "name: !张", 2, "“!”开头的值会被当作 YAML 标签", "给这个值加引号"),
        ("name: 张晓雨", "name: |张晓雨", 2, "“|”或“>”后面不能紧跟文字", "把文字写在下一行，比字段多缩进两个空格"),
        ("name: 张晓雨", "name: '张晓雨", 2, "引号没有成对", "检查这个值的引号是否成对"),
        (
            "name: 张晓雨",
            "name: 张晓雨\n...\nx",
            4,
            "文件在“...”或“---”之后还有内容",
            "一个文件只写一份内容，删去“...”或“---”行",
        ),
        ("name: 张晓雨", "name: 公司：工程师\n  x: 1", 3, *INDENT),  # a field under one that has its value
        ("name: 张晓雨", " name: 张晓雨", 2, *INDENT),  # one space too many
        ("  - a\n", "  - a\n   - b\n", 8, *MISALIGNED_B),  # no syntax error: read as the one item "a - b"
        ("  - a\n", "  - a\n - b\n", 8, *MISALIGNED_B[:1], MISALIGNED_B[1].replace("现在是 3", "现在是 1")),
        (
            '    area: "990102001"\n',
            '    area: "990102001"\n   - level: city\n',
            6,
            "列表项“- level: city”和第 4 行的“- level: township”没有对齐",
            MISALIGNED_B[1],
        ),
        ("stations:\n  - a", "stations: a\n  - b", 7, "“- b”被读成了第 6 行的值的一部分", ITEM_IN_VALUE),
        ("name: 张晓雨", "name: 张晓雨\n  - 溪口人", 3, "“- 溪口人”被读成了第 2 行的值的一部分", ITEM_IN_VALUE),
        (
            "name: 张晓雨",
            "name: 公司: 工程师",
            2,
            "这里不能出现冒号",
            "冒号后要有空格；文字里含冒号时给整段文字加引号",
        ),
    ],
)
@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_syntax_errors_name_the_line_and_the_culprit(
    parser: str, before: str, after: str, line: int, detail: str, hint: str
) -> None:
    """Characters typed by mistake (a full-width colon or space, a NBSP, a tab, a dash without a space) are named."""
    assert before in DEPUTY
    issues = parse(DEPUTY.replace(before, after, 1).encode(), parser).issues
    assert [(i.line, i.message, i.hint) for i in issues] == [(line, "YAML 语法错误：" + detail, hint)]


@pytest.mark.parametrize(
    ("char", "name"), [("\u3000", "全角空格"), ("\u00a0", "不换行空格（U+00A0）"), ("\u200b", "零宽空格（U+200B）")]
)
def test_invisible_characters_in_values_are_named(make_content: Callable[..., Path], char: str, name: str) -> None:
    content = make_content()
    deputy = content / "deputies" / "zhou-liming.yaml"
    deputy.write_text(deputy.read_text(encoding="utf-8").replace("- yunshang-zhan", f"- yunshang-zhan{char}"), "utf-8")
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems if not p.warning] == [
        f'{D}/zhou-liming.yaml:11: stations[0]: "yunshang-zhan{char}" 含{name}，不是有效的 id'
        f"（删去{name}（看不见，可以删掉整个值重新输入）；{ID_HINT}）"
    ]


HIDDEN_HINT = "删去这个字符（看不见，常见于从网页或文档复制的文字；可以删掉整个值重新输入）"
CONTROLS = [0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F]
BIDI = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]


@pytest.mark.parametrize(
    ("code", "written"),
    [(c, "escaped") for c in CONTROLS + BIDI] + [(c, "as is") for c in BIDI],  # YAML refuses raw controls itself
)
def test_control_and_direction_characters_are_refused(
    make_content: Callable[..., Path], code: int, written: str
) -> None:
    """As the form service refuses them: a quoted escape gets any of them past YAML's reader."""
    what = "含改变文字方向的字符" if code in BIDI else "含看不见的控制字符"
    value = f'"周\\u{code:04x}例明"' if written == "escaped" else f"周{chr(code)}例明"
    content = make_content()
    _edit(content / "deputies" / "zhou-liming.yaml", "name: 周例明", f"name: {value}")
    loaded, problems = load_content(content, TODAY)
    assert [str(p) for p in problems if not p.warning] == [
        f"{D}/zhou-liming.yaml:2: name: {what} U+{code:04X}（{HIDDEN_HINT}）"
    ]
    assert "zhou-liming" not in loaded.deputies


def test_misaligned_list_item_is_one_error(make_content: Callable[..., Path]) -> None:
    """YAML reads an item one space further in than the one above as that item's text ("a - b"): said at the item,
    with no error about the run-on value."""
    content = make_content()
    _edit(content / "deputies" / "zhou-liming.yaml", "  - yunshang-zhan\n", "  - yunshang-zhan\n   - qingshi-zhan\n")
    loaded, problems = load_content(content, TODAY)
    assert [str(p) for p in problems if not p.warning] == [
        f"{D}/zhou-liming.yaml:12: YAML 语法错误：列表项“- qingshi-zhan”和第 11 行的“- yunshang-zhan”没有对齐"
        "（同一列表的“- ”要上下对齐：这一行改用 2 个空格缩进（现在是 3 个））"
    ]
    assert "zhou-liming" not in loaded.deputies


def test_tabs_and_line_breaks_stay_text() -> None:
    assert parse(b'bio: "a\\tb\\nc"\nnote: |\n  d\te\n  f\n').issues == []


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("0731-82345678转2", True),  # an extension as Chinese offices write it
        ("0731-82345678-2", True),
        ("400-123-4567转8", True),
        ("0731-82345678转", False),
        ("13800000000转2", False),  # a mobile has no extension
    ],
)
def test_station_phone_extensions(make_content: Callable[..., Path], phone: str, ok: bool) -> None:
    content = make_content()
    _edit(content / "stations" / "qingshi-zhan.yaml", "phone: 0999-6120001", f"phone: {phone}")
    loaded, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == (
        []
        if ok
        else [
            f'{S}/qingshi-zhan.yaml:14: phone: "{phone}" 不是有效的电话号码'
            "（例如 0571-88881234 或 13800000000；有分机的写成 0571-88881234转2）"
        ]
    )
    assert (loaded.stations.get("qingshi-zhan") is not None) == ok


def test_long_values_are_shortened(make_content: Callable[..., Path]) -> None:
    content = make_content()
    station = content / "stations" / "yunshang-zhan.yaml"
    station.write_text(station.read_text(encoding="utf-8") + "phone: " + "1" * 60 + "\n", encoding="utf-8")
    _, problems = load_content(content, TODAY)
    assert [p.message for p in problems] == ['"' + "1" * 39 + '…" 不是有效的电话号码']


def test_field_path() -> None:
    assert field_path(("memberships", 0, "until")) == "memberships[0].until"
    assert field_path(("stations", 1)) == "stations[1]"
    assert field_path((3, "code")) == "[3].code"
    assert field_path(()) == ""


def test_schemas_are_json_with_the_model_fields() -> None:
    schemas = json.loads(json.dumps(json_schemas(), ensure_ascii=False))
    assert sorted(schemas) == ["areas", "deputy", "event", "records", "scoring", "station"]
    deputy, station, areas = schemas["deputy"], schemas["station"], schemas["areas"]
    assert set(deputy["properties"]) == set(model.Deputy.model_fields)
    assert deputy["required"] == ["id", "name", "memberships"]
    assert deputy["additionalProperties"] is False
    assert deputy["$defs"]["Membership"]["required"] == ["level", "congress", "area", "since"]
    assert station["required"] == ["id", "name", "kind", "area"]
    assert station["properties"]["kind"]["description"] == "可选：fixed（固定站）、mobile（流动站）、online（云上站）"
    assert areas["type"] == "array"
    assert areas["items"]["required"] == ["code", "name", "level"]
    assert all(s["$schema"].startswith("https://json-schema.org/") and s["title"] for s in schemas.values())


def test_schemas_accept_the_good_fixtures(fixtures_dir: Path) -> None:
    """A small check in place of a JSON Schema validator: known keys only, required keys present."""
    schemas = json_schemas()
    good = fixtures_dir / "good"

    def check(data: dict, schema: dict) -> None:
        assert set(data) <= set(schema["properties"]), set(data) - set(schema["properties"])
        assert set(schema["required"]) <= set(data)

    for item in yaml.safe_load((good / "areas.yaml").read_text(encoding="utf-8")):
        check(item, schemas["areas"]["items"])
    checked = 0
    for kind, folder, defs in (
        ("deputy", "deputies", {"memberships": "Membership"}),
        ("station", "stations", {"reception": "Reception"}),
    ):
        schema = schemas[kind]
        for file in sorted((good / folder).glob("*.yaml")):
            checked += 1
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
            check(data, schema)
            for key, name in defs.items():
                for item in data.get(key, []):
                    check(item, schema["$defs"][name])
    assert checked == 6


def test_one_round_of_fixes_is_enough(make_content: Callable[..., Path]) -> None:
    """A file with model errors still gets its references checked: fixing the listed errors never reveals new ones."""
    content = make_content()
    deputy = content / "deputies" / "zhou-liming.yaml"
    deputy.write_text(
        "id: zhou-liming\nname: 周例明\ngender: other\nphoto: nope.jpg\nmemberships:\n"
        '  - level: city\n    congress: 第十七届\n    area: "990199"\n    since: 2023-02-30\n'
        "stations:\n  - nowhere\n  - yunshang-zhan\n",
        encoding="utf-8",
    )
    _, problems = load_content(content, TODAY)
    fields = sorted(p.field for p in problems if not p.warning)
    assert fields == ["gender", "memberships[0].area", "memberships[0].since", "photo", "stations[0]"]


E, R = "content/events", "content/records"
UNKNOWN_KEY_HIDES = {
    "deputy: a bad date under a misspelt key": (
        "deputies/zhou-liming.yaml",
        [("since: 2022-01-15", "sinse: 2022-13-15"), ("gender:", "gendr:")],
        [
            f"{D}/zhou-liming.yaml:3: gendr: 未知字段（是不是 gender？）",
            f"{D}/zhou-liming.yaml:9: memberships[0].sinse: 字段名写错了，应为 since（把 sinse 改成 since）",
            f'{D}/zhou-liming.yaml:9: memberships[0].sinse: "2022-13-15" 这一天不存在（没有 13 月，月份是 01 到 12）',
        ],
    ),
    "deputy: an unknown station under a misspelt key": (
        "deputies/zhou-liming.yaml",
        [("stations:", "stationz:"), ("- yunshang-zhan", "- yunshang")],
        [
            f"{D}/zhou-liming.yaml:10: stationz: 未知字段（是不是 stations？）",
            f'{D}/zhou-liming.yaml:11: stationz[0]: 未知的联络站 "yunshang"（是不是 "yunshang-zhan"？）',
            f'{E}/yunshang-2027-01-yuedu.yaml:13: deputies[0]: 代表 "zhou-liming" 不是联络站 "yunshang-zhan" 的进站代表'
            "（在代表文件的 stations 中加上 yunshang-zhan；确是别站代表参加，可以忽略这条提示）",
        ],
    ),
    "deputy: a bad date under a key at the wrong level": (
        "deputies/zhou-liming.yaml",
        [("    since: 2022-01-15\n", ""), ("stations:", "since: 2022-02-30\nstations:")],
        [
            f"{D}/zhou-liming.yaml:9: since: 写错了位置：它是 memberships[0]（第 6 行）的字段"
            "（把这一行移到 memberships[0]（第 6 行）里，和 level 上下对齐）",
            f'{D}/zhou-liming.yaml:9: since: "2022-02-30" 这一天不存在（2022 年 2 月没有 30 日，这个月只有 28 天）',
        ],
    ),
    "station: a fixed station without an address": (
        "stations/qingshi-zhan.yaml",
        [("address: 样例市晨溪区青石路 1 号\n", ""), ("hours:", "hourz:")],
        [
            f"{S}/qingshi-zhan.yaml:1: address: 固定站必须填写地址"
            "（添加 address，或把 kind 改为 mobile（流动站）、online（云上站））",
            f"{S}/qingshi-zhan.yaml:8: hourz: 未知字段（是不是 hours？）",
        ],
    ),
    "event: an end before the start": (
        "events/qingshi-jiedairi.yaml",
        [("topic:", "topik:"), ("end: 2026-09-02 11:30", "end: 2026-09-02 08:30")],
        [
            f"{E}/qingshi-jiedairi.yaml:3: topik: 字段名写错了，应为 topic（把 topik 改成 topic）",
            f'{E}/qingshi-jiedairi.yaml:6: end: 结束时间 "2026-09-02 08:30" 不晚于开始时间 "2026-09-02 09:00"'
            "（检查 start 和 end）",
        ],
    ),
    "event: a skipped date the rule never has": (
        "events/qingshi-jiedairi.yaml",
        [("topic:", "topik:"), ("- 2026-12-02", "- 2026-12-03")],
        [
            f"{E}/qingshi-jiedairi.yaml:3: topik: 字段名写错了，应为 topic（把 topik 改成 topic）",
            f"{E}/qingshi-jiedairi.yaml:12: repeat.skip[0]: 2026-12-03 本来就不是活动日期，不用写在 skip 里"
            "（检查这个日期，或删去这一项）",
        ],
    ),
    "record: a stage dated before the one it follows": (
        "records/lin-xiaoyang/2026.yaml",
        [("number: 第0012号", "numbr: 第0012号"), ("assigned: 2026-02-03", "assigned: 2026-01-03")],
        [
            f"{R}/lin-xiaoyang/2026.yaml:17: activities[3].numbr: 未知字段（是不是 number？）",
            f"{R}/lin-xiaoyang/2026.yaml:24: activities[3].stages.assigned: 2026-01-03 早于前一环节提交（date）的日期 "
            "2026-01-20（办理环节依次是 date（提交）、assigned（交办）、handling（办理中）、answered（答复）、"
            "rated（满意度），日期不能倒退）",
        ],
    ),
}


def problems_after(content: Path, fixtures_dir: Path, file: str, edits: list[tuple[str, str]]) -> list[str]:
    """The problems of `content` with events/good and records/good laid over it, once `edits` are made to `file`."""
    overlay_case(content, fixtures_dir / "events" / "good")
    overlay_case(content, fixtures_dir / "records" / "good")
    text = (content / file).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    (content / file).write_text(text, encoding="utf-8")
    return [str(p) for p in load_content(content, TODAY)[1]]


@pytest.mark.parametrize(("file", "edits", "expected"), UNKNOWN_KEY_HIDES.values(), ids=list(UNKNOWN_KEY_HIDES))
def test_an_unknown_key_hides_no_other_error(
    make_content: Callable[..., Path], fixtures_dir: Path, file: str, edits: list[tuple[str, str]], expected: list[str]
) -> None:
    """The record is checked again with its unknown keys read as the fields they stand for (or where they belong), so
    that fixing the listed errors never reveals new ones: a bad value under a misspelt key, a check of the record as a
    whole (which pydantic runs only once every field passed), the checks that span files."""
    assert problems_after(make_content(), fixtures_dir, file, edits) == expected


BAD_VALUE_HIDES = {
    "station: a fixed station without an address": (
        "stations/qingshi-zhan.yaml",
        [("address: 样例市晨溪区青石路 1 号\n", ""), ("phone: 0999-6120001", "phone: 6120001")],
        [
            f"{S}/qingshi-zhan.yaml:1: address: 固定站必须填写地址"
            "（添加 address，或把 kind 改为 mobile（流动站）、online（云上站））",
            f'{S}/qingshi-zhan.yaml:13: phone: "6120001" 不是有效的电话号码'
            "（例如 0571-88881234 或 13800000000；有分机的写成 0571-88881234转2）",
        ],
    ),
    "deputy: a seat that ends before it starts": (
        "deputies/zhou-liming.yaml",
        [('area: "990100"', 'area: "99"'), ("since: 2022-01-15", "since: 2022-01-15\n    until: 2021-01-15")],
        [
            f'{D}/zhou-liming.yaml:8: memberships[0].area: "99" 不是有效的地区代码'
            "（应为 6 位（县级及以上）、9 位（乡镇）或 12 位（村）数字，例如 990102）",
            f"{D}/zhou-liming.yaml:10: memberships[0].until: 结束日期 2021-01-15 早于开始日期 2022-01-15"
            "（检查 since 和 until）",
        ],
    ),
    "event: an end before the start": (
        "events/qingshi-jiedairi.yaml",
        [("days: [wed]", "days: [周三]"), ("end: 2026-09-02 11:30", "end: 2026-09-02 08:30")],
        [
            f'{E}/qingshi-jiedairi.yaml:6: end: 结束时间 "2026-09-02 08:30" 不晚于开始时间 "2026-09-02 09:00"'
            "（检查 start 和 end）",
            f'{E}/qingshi-jiedairi.yaml:9: repeat.days[0]: "周三" 不是允许的值（可选：mon（周一）、tue（周二）、'
            "wed（周三）、thu（周四）、fri（周五）、sat（周六）、sun（周日））",
        ],
    ),
    "record: a stage dated before the one it follows": (
        "records/lin-xiaoyang/2026.yaml",
        [("number: 第0012号", "number: [12]"), ("assigned: 2026-02-03", "assigned: 2026-01-03")],
        [
            f"{R}/lin-xiaoyang/2026.yaml:17: activities[3].number: 应该是一段文字，不能是列表"
            "（写成 number: 文字，不用“- ”或“字段: 值”）",
            f"{R}/lin-xiaoyang/2026.yaml:24: activities[3].stages.assigned: 2026-01-03 早于前一环节提交（date）的日期 "
            "2026-01-20（办理环节依次是 date（提交）、assigned（交办）、handling（办理中）、answered（答复）、"
            "rated（满意度），日期不能倒退）",
        ],
    ),
    "no check that reads a field that failed: a mobile stop's place": (
        "events/qingshi-2026-12-qiaotou.yaml",
        [("  name: 桥头村文化礼堂\n", ""), ("topic: 流动联络站进桥头村", "topic: [流动联络站]")],
        [
            f"{E}/qingshi-2026-12-qiaotou.yaml:3: topic: 应该是一段文字，不能是列表"
            "（写成 topic: 文字，不用“- ”或“字段: 值”）",
            f"{E}/qingshi-2026-12-qiaotou.yaml:5: place.name: 缺少必填字段（请添加一行 name: …）",
        ],
    ),
    "no check that reads a field that failed: the date of an answer": (
        "records/lin-xiaoyang/2026.yaml",
        [("answered: 2026-05-20", "answered: 2026-05-32")],
        [
            f'{R}/lin-xiaoyang/2026.yaml:26: activities[3].stages.answered: "2026-05-32" 这一天不存在'
            "（2026 年 5 月没有 32 日，这个月只有 31 天）",
        ],
    ),
}


@pytest.mark.parametrize(("file", "edits", "expected"), BAD_VALUE_HIDES.values(), ids=list(BAD_VALUE_HIDES))
def test_a_bad_value_hides_no_check_of_the_record_as_a_whole(
    make_content: Callable[..., Path], fixtures_dir: Path, file: str, edits: list[tuple[str, str]], expected: list[str]
) -> None:
    """pydantic checks a record as a whole only once every field passed: the checks run on the fields that passed, and
    a check that reads a field that failed is left out (it would speak of a value it cannot see)."""
    assert problems_after(make_content(), fixtures_dir, file, edits) == expected


def test_libyaml_and_python_parsers_agree(fixtures_dir: Path) -> None:
    """The fast C parser is used when PyYAML has it; the pure-Python one must read every fixture the same way."""
    from generator import yamlnodes

    assert yamlnodes.DEFAULT_PARSER == "libyaml"  # PyPI's PyYAML wheels carry libyaml: the fast path is the one tested
    files = [p for p in fixtures_dir.rglob("*") if p.suffix in (".yaml", ".yml")]
    assert len(files) > 30
    extra = [b"a: 1\n\tb: 2\n", b"a: 1\n~: 2\n", b"a: [\n", b"x: &a [1]\ny: *a\n", b"k: !!str 1\n", b"a: b: c\n"]
    for data in [p.read_bytes() for p in files] + extra:
        assert yamlnodes.parse(data, "python") == yamlnodes.parse(data, "libyaml"), data[:200]


def test_invisible_characters_around_keys_are_named(make_content: Callable[..., Path]) -> None:
    content = make_content()
    deputy = content / "deputies" / "zhou-liming.yaml"
    deputy.write_text(deputy.read_text(encoding="utf-8").replace("gender:", "\u00a0gender:"), encoding="utf-8")
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [
        f"{D}/zhou-liming.yaml:3: \u00a0gender: 字段名前后有不换行空格（U+00A0）"
        "（删去不换行空格（U+00A0）（看不见，可以删掉这一行的缩进和字段名重新输入））"
    ]


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


SINCE = "    since: 2022-01-15\n"
AREA = '    area: "990100"\n'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # a term's end written as an item of its own
            SINCE,
            SINCE + "  - until: 2025-06-30\n",
            "10: memberships[1]: until 前面多了“- ”，成了 memberships 中单独的一项"
            "（删去 until 前面的“- ”，让它和上一项的 level 上下对齐）",
        ),
        (  # ... or not indented at all
            SINCE,
            SINCE + "until: 2025-06-30\n",
            "10: until: 写错了位置：它是 memberships 中每一项的字段"
            "（把这一行移到 memberships 中它所属的那一项里，和 level 上下对齐）",
        ),
        (  # a term's area (unquoted) put under the deputy: not "area missing" plus "area unknown"
            AREA,
            "",
            "9: area: 写错了位置：它是 memberships[0]（第 6 行）的字段"
            "（把这一行移到 memberships[0]（第 6 行）里，和 level 上下对齐）",
        ),
        (
            SINCE,
            SINCE.replace("since", "sinse"),
            "9: memberships[0].sinse: 字段名写错了，应为 since（把 sinse 改成 since）",
        ),
        (AREA, "    地区: 990100\n", "8: memberships[0].地区: 字段名写错了，应为 area（把 地区 改成 area）"),
        (AREA, "    area:\n", "8: memberships[0].area: 必填字段不能为空（填写内容，例如 area: 990102）"),
    ],
    ids=["until_item", "until_top", "area_top", "misspelt", "chinese_key", "empty"],
)
def test_missing_field_said_as_the_slip(make_content: Callable[..., Path], old: str, new: str, expected: str) -> None:
    """A required field missing because its key is misspelt, at another level or split off by a "- ": one line at the
    key, saying what to change, instead of "缺少必填字段" next to "未知字段"."""
    content = make_content()
    deputy = content / "deputies" / "zhou-liming.yaml"
    _edit(deputy, old, new)
    if new == "":  # moved, unquoted, under the deputy
        _edit(deputy, "stations:", "area: 990100\nstations:")
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [f"{D}/zhou-liming.yaml:{expected}"]


def test_area_split_off_by_a_stray_dash(make_content: Callable[..., Path]) -> None:
    """areas.yaml is read an item at a time: the item above is what a split-off field belongs to."""
    content = make_content()
    _edit(content / "areas.yaml", '  parent: "990000"', '- parent: "990000"')
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [
        "content/areas.yaml:9: [2]: parent 前面多了“- ”，成了单独的一项"
        "（删去 parent 前面的“- ”，让它和上一项的 code 上下对齐）"
    ]


def test_unreadable_areas_file_gives_no_unknown_areas(make_content: Callable[..., Path]) -> None:
    """Every code named elsewhere would be unknown: one error, in areas.yaml, and the build fails on it."""
    content = make_content()
    _edit(content / "areas.yaml", '- code: "990100"', ' - code: "990100"')
    loaded, problems = load_content(content, TODAY)
    assert [(p.path, p.line) for p in problems] == [("content/areas.yaml", 6)]
    assert loaded.deputies == {} and loaded.stations == {}


@pytest.mark.parametrize("how", ["missing", "not_a_list"])
def test_a_missing_or_misshapen_areas_file_is_one_error(make_content: Callable[..., Path], how: str) -> None:
    """As an unreadable one: no second error at each area code the deputy and station files use."""
    content = make_content()
    if how == "missing":
        (content / "areas.yaml").unlink()
    else:
        (content / "areas.yaml").write_text('code: "990100"\nname: 示例区\n', encoding="utf-8")
    _, problems = load_content(content, TODAY)
    assert [p.path for p in problems] == ["content/areas.yaml"], [str(p) for p in problems]


def test_areas_are_suggested_only_when_sound(make_content: Callable[..., Path]) -> None:
    """A bad area code is one error, not a suggestion of itself in every file that names the area."""
    content = make_content()
    _edit(content / "areas.yaml", 'code: "990102"', 'code: "0990102"')
    _, problems = load_content(content, TODAY)
    assert not [p for p in problems if "0990102" in p.hint]
    assert [p for p in problems if p.message == '未知的地区代码 "990102"']


def test_missing_id_hint_uses_the_file_name(make_content: Callable[..., Path]) -> None:
    content = make_content()
    _edit(content / "deputies" / "zhou-liming.yaml", "id: zhou-liming\n", "")
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [
        f"{D}/zhou-liming.yaml:1: id: 缺少必填字段（请添加一行 id: zhou-liming（与文件名相同））"
    ]


@pytest.mark.parametrize(
    ("photo", "hint"),
    [
        ("photos/lin-xiaoyang.png", "photo 只写 photos/ 下的文件名：photo: lin-xiaoyang.png"),
        (
            "photos/lin-xiao.png",
            "photo 只写 photos/ 下的文件名：写成 photo: lin-xiao.png，并把照片放到 content/photos/lin-xiao.png",
        ),
    ],
)
def test_photo_with_the_folder_in_its_path(make_content: Callable[..., Path], photo: str, hint: str) -> None:
    content = make_content()
    _edit(content / "deputies" / "lin-xiaoyang.yaml", "photo: lin-xiaoyang.png", f"photo: {photo}")
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [f'{D}/lin-xiaoyang.yaml:6: photo: 照片文件不存在："{photo}"（{hint}）']


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "文件内容是 JPG 图片：把文件的扩展名改为 .jpg，photo 也跟着改"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "文件内容是 WEBP 图片：把文件的扩展名改为 .webp，photo 也跟着改"),
        (b"<html>not found</html>", "文件已损坏或不是图片：请重新导出为 JPG、PNG 或 WebP"),
        (b"", "文件已损坏或不是图片：请重新导出为 JPG、PNG 或 WebP"),
    ],
)
def test_photo_must_be_an_image_of_its_extension(make_content: Callable[..., Path], data: bytes, hint: str) -> None:
    content = make_content()
    (content / "photos" / "lin-xiaoyang.png").write_bytes(data)
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [
        f'{D}/lin-xiaoyang.yaml:6: photo: 照片文件 "lin-xiaoyang.png" 不是 PNG 图片（{hint}）'
    ]


LINKED = "把链接换成真正的文件或文件夹（复制到 content/ 里），内容目录以外的文件不会被发布"
SECRET = "outside-secret-value"


def _link_deputy(content: Path, outside: Path) -> str:
    deputy = content / "deputies" / "zhou-liming.yaml"
    (outside / "zhou-liming.yaml").write_text(deputy.read_text(encoding="utf-8") + f"bio: {SECRET}\n", "utf-8")
    deputy.unlink()
    deputy.symlink_to(outside / "zhou-liming.yaml")
    return f"{D}/zhou-liming.yaml:1: 是符号链接（快捷方式），不会被读取（{LINKED}）"


def _link_records(content: Path, outside: Path) -> str:
    (outside / "records").mkdir()
    (outside / "records" / "2026.yaml").write_text(f"activities:\n  - kind: {SECRET}\n", "utf-8")
    (content / "records").mkdir()
    (content / "records" / "zhou-liming").symlink_to(outside / "records", target_is_directory=True)
    return f"content/records/zhou-liming:1: 是指向别处的文件夹链接（符号链接），里面的内容不会被读取（{LINKED}）"


def _link_deputies_folder(content: Path, outside: Path) -> str:
    shutil.move(content / "deputies", outside / "deputies")
    (outside / "deputies" / "notes.txt").write_text(SECRET, "utf-8")
    (content / "deputies").symlink_to(outside / "deputies", target_is_directory=True)
    return f"{D}:1: 是指向别处的文件夹链接（符号链接），里面的内容不会被读取（{LINKED}）"


def _link_photo(content: Path, outside: Path) -> str:
    photo = content / "photos" / "lin-xiaoyang.png"
    shutil.move(photo, outside / "photo.png")
    photo.symlink_to(outside / "photo.png")
    return f"content/photos/lin-xiaoyang.png:1: 是符号链接（快捷方式），不会被读取（{LINKED}）"


def _link_page(content: Path, outside: Path) -> str:
    (outside / "secret.md").write_text(SECRET, "utf-8")
    (content / "pages" / "about.md").symlink_to(outside / "secret.md")
    return f"content/pages/about.md:1: 是符号链接（快捷方式），不会被读取（{LINKED}）"


def _link_pages_folder(content: Path, outside: Path) -> str:
    (outside / "more").mkdir()
    (outside / "more" / "index.md").write_text(SECRET, "utf-8")
    (content / "pages" / "more").symlink_to(outside / "more", target_is_directory=True)
    return f"content/pages/more:1: 是指向别处的文件夹链接（符号链接），里面的内容不会被读取（{LINKED}）"


def _link_dangling(content: Path, outside: Path) -> str:
    (content / "stations" / "kongbai-zhan.yaml").symlink_to(outside / "nowhere.yaml")
    return f"{S}/kongbai-zhan.yaml:1: 是符号链接（快捷方式），不会被读取（{LINKED}）"


@pytest.mark.parametrize(
    "link",
    [_link_deputy, _link_records, _link_deputies_folder, _link_photo, _link_page, _link_pages_folder, _link_dangling],
)
def test_symbolic_links_are_refused_never_followed(
    make_content: Callable[..., Path], tmp_path: Path, link: Callable[[Path, Path], str]
) -> None:
    """A link in content/ would publish (or quote in an error) a file from anywhere on the machine. Made here, never
    committed: git keeps links, and a checkout may carry one."""
    content = make_content()
    outside = tmp_path / "outside"
    outside.mkdir()
    expected = link(content, outside)
    loaded, problems = load_content(content, TODAY)
    assert str(problems[0]) == expected and sum(str(p) == expected for p in problems) == 1
    assert not any(SECRET in str(p) for p in problems)
    assert not any(SECRET in (d.bio or "") for d in loaded.deputies.values())
    if link is _link_photo:
        assert "lin-xiaoyang" not in loaded.deputies  # its photo would be published


def test_upper_case_yaml_suffix_is_named(make_content: Callable[..., Path]) -> None:
    content = make_content()
    (content / "stations" / "kongbai-zhan.YAML").write_text("id: kongbai-zhan\n", encoding="utf-8")
    _, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [
        f"{S}/kongbai-zhan.YAML:1: 不是 .yaml 文件，不会被读取（改名为 kongbai-zhan.yaml）"
    ]


def test_membership_from_a_future_date_is_not_current(make_content: Callable[..., Path]) -> None:
    content = make_content()
    _edit(content / "deputies" / "zhou-liming.yaml", "since: 2022-01-15", "since: 2027-01-01")
    loaded, problems = load_content(content, TODAY)
    assert [str(p) for p in problems] == [
        f"{D}/zhou-liming.yaml:9: memberships[0].since: 开始日期 2027-01-01 还没有到"
        "（任期开始前不算在任代表，网站上不会列出；检查日期）",
    ]
    assert problems[0].warning
    assert loaded.deputies["zhou-liming"].current_memberships(TODAY) == []
    assert loaded.deputies["zhou-liming"].current_memberships(dt.date(2027, 1, 1))


def test_unreadable_deputy_file_gives_no_station_warnings(make_content: Callable[..., Path]) -> None:
    """The stations a deputy file names cannot be known when it cannot be parsed: no warnings that may be wrong."""
    content = make_content()
    for name in ("zhou-liming", "zhao-shishan"):
        _edit(content / "deputies" / f"{name}.yaml", "name: ", "name：")
    _, problems = load_content(content, TODAY)
    assert [(p.path, p.line, p.message) for p in problems] == [
        (f"{D}/zhao-shishan.yaml", 2, "YAML 语法错误：这一行用了中文冒号“：”"),
        (f"{D}/zhou-liming.yaml", 2, "YAML 语法错误：这一行用了中文冒号“：”"),
    ]


@pytest.mark.parametrize(
    ("kind", "value", "ctx", "name", "allowed", "expected"),
    [
        (
            "literal_error",
            "thu，fri",
            {},
            "days",
            ("mon", "thu", "fri"),
            ('"thu，fri" 里有中文逗号“，”', "几项要分开写时，用英文逗号“,”隔开，或每项单独一行、以“- ”开头"),
        ),
        (
            "string_pattern_mismatch",
            "zhang-xiaomei、ma-yulan",
            {"pattern": msg.model.ID_PATTERN},
            "deputies",
            (),
            (
                '"zhang-xiaomei、ma-yulan" 里有中文逗号“、”',
                "几项要分开写时，用英文逗号“,”隔开，或每项单独一行、以“- ”开头",
            ),
        ),
        (
            "string_pattern_mismatch",
            "zhang-xiaomei.JPG",
            {"pattern": msg.model.PHOTO_PATTERN},
            "photo",
            (),
            (
                '"zhang-xiaomei.JPG" 不是有效的照片文件名',
                "扩展名要用小写：把文件改名为 zhang-xiaomei.jpg，photo 也写成 zhang-xiaomei.jpg",
            ),
        ),
    ],
)
def test_values_typed_the_chinese_way_are_named(kind, value, ctx, name, allowed, expected) -> None:
    """A full-width comma (or 、) between items, a camera's upper-case .JPG: said as what they are."""
    assert msg.describe(kind, value, ctx, name, allowed) == expected


def _date_fields() -> list[tuple[type, str, bool, bool]]:
    """(model, field, a list of dates, a date with a time) for every date field of every content model."""
    from generator import event_model, scheme_model  # noqa: F401  (their models join Record's subclasses)
    from generator.load.fields import bare

    found, models = [], list(model.Record.__subclasses__())
    while models:
        record = models.pop()
        models += record.__subclasses__()
        for name, info in record.model_fields.items():
            annotation = bare(info.annotation)
            many = getattr(annotation, "__origin__", None) is list
            inner = bare(annotation.__args__[0]) if many else annotation
            if inner in (dt.date, dt.datetime):
                found.append((record, name, many, inner is dt.datetime))
    return sorted(found, key=lambda f: (f[0].__name__, f[1]))


def test_every_date_field_is_found() -> None:
    names = {f"{record.__name__}.{name}" for record, name, _, _ in _date_fields()}
    assert {"Membership.since", "Repeat.skip", "Stages.rated", "Proposal.deadline", "StationEvent.start"} <= names


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2022-02-30", "2022 年 2 月没有 30 日，这个月只有 28 天"),
        ("2023-04-31", "2023 年 4 月没有 31 日，这个月只有 30 天"),
        ("2022-13-01", "没有 13 月，月份是 01 到 12"),
        ("2022-01-00", "2022 年 1 月没有 0 日，这个月只有 31 天"),
    ],
)
@pytest.mark.parametrize(
    ("record", "name", "many", "with_time"), _date_fields(), ids=lambda f: getattr(f, "__name__", f)
)
def test_a_date_not_in_the_calendar_is_said_so(record, name, many, with_time, day: str, why: str) -> None:
    """Written as it should be (YYYY-MM-DD), a day that does not exist gets no hint about the format."""
    value = f"{day} 09:00" if with_time else day
    try:
        record.model_validate({name: [value] if many else value})
    except ValidationError as error:
        detail = next(d for d in error.errors() if d["loc"][0] == name)
    assert msg.describe(detail["type"], detail["input"], detail.get("ctx", {}), name) == (
        f'"{value}" 这一天不存在',
        why,
    )


def test_a_date_written_otherwise_gets_the_format() -> None:
    assert msg.describe("date_format", "2022-2-30", {}, "since") == ('"2022-2-30" 不是有效的日期', msg.DATE_HINT)
    assert msg.describe("datetime_format", "2026-02-30 25:00", {}, "start")[1] == msg.DATETIME_HINT
