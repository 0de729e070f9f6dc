"""The editors' guides beside the content (content/README.md, deputies/, stations/, records/, events/): every field
of each file's JSON Schema is named in its guide, so a field added to the model cannot go undocumented; every example
error line in a guide's tables is what `validate` prints for that typo, so a changed message cannot leave the guide
telling editors something else; the guides are never read as content."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_content
from generator.messages import problem_line
from generator.schema import json_schemas

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
GUIDES = {  # schema -> its guide
    "deputy": CONTENT / "deputies" / "README.md",
    "station": CONTENT / "stations" / "README.md",
    "areas": CONTENT / "README.md",
    "records": CONTENT / "records" / "README.md",
    "scoring": CONTENT / "records" / "README.md",
    "event": CONTENT / "events" / "README.md",
}


def field_names(schema: Any) -> set[str]:
    """Every property named anywhere in a schema, its definitions included."""
    if isinstance(schema, list):
        return set().union(*map(field_names, schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    own = set(schema.get("properties", {}))
    return own | set().union(*(field_names(value) for value in schema.values()))


@pytest.mark.parametrize("name", sorted(GUIDES))
def test_every_field_is_in_its_guide(name: str) -> None:
    guide = GUIDES[name].read_text(encoding="utf-8")
    fields = field_names(json_schemas()[name])
    assert fields, name
    assert sorted(f for f in fields if f"{f}:" not in guide and f"`{f}`" not in guide) == []


def test_guides_are_not_read_as_content(fixtures_dir: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(fixtures_dir / "good", content)
    for guide in {*GUIDES.values()}:
        target = content / guide.relative_to(CONTENT)
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(guide, target)
    _, problems = load_content(content, dt.date(2026, 11, 28))
    assert [str(p) for p in problems] == []


# --- the guides' tables of typos: `| 写成 | `content/<file>:<line>: <what validate prints>` |` ------------------------
TODAY = dt.date(2026, 11, 28)
EXAMPLE_ROW = re.compile(r"^\| (?P<typo>.+?) \| `(?P<line>(?:警告：)?content/[^`]*)` \|$")  # a warning's line too
PRINTED_LINE = re.compile(r"(?:警告：)?content/\S+:\d+: .+")
EDITS = {  # a row's first cell -> (file under content/, text that occurs once in it, what the typo makes of it)
    # content/README.md (areas.yaml)
    '东溪乡也写成 `code: "990102001"`': ("areas.yaml", '- code: "990102002"', '- code: "990102001"'),
    '禾城镇的 `parent: "990103"`（没有这个地区）': (
        "areas.yaml",
        '  name: 禾城镇\n  level: township\n  parent: "990102"',
        '  name: 禾城镇\n  level: township\n  parent: "990103"',
    ),
    '`code: "99010"`（位数不对）': ("areas.yaml", '- code: "990100"\n', '- code: "99010"\n'),
    "`level: 县级`": ("areas.yaml", "  level: county\n", "  level: 县级\n"),
    '`- parent: "990100"`（前面多了“- ”）': ("areas.yaml", '  parent: "990100"', '- parent: "990100"'),
    '` - code: "990102001"`（多缩进了一个空格）': ("areas.yaml", '\n- code: "990102001"', '\n - code: "990102001"'),
    # deputies/README.md (wang-xiulan.yaml)
    "`until: 2025-06-30` 写在最外层，没有缩进": (
        "deputies/wang-xiulan.yaml",
        "    since: 2022-01-08\n",
        "    since: 2022-01-08\nuntil: 2025-06-30\n",
    ),
    "`  - until: 2025-06-30`（前面多了“- ”）": (
        "deputies/wang-xiulan.yaml",
        "    since: 2022-01-08\n",
        "    since: 2022-01-08\n  - until: 2025-06-30\n",
    ),
    "`sinse: 2022-01-08`": ("deputies/wang-xiulan.yaml", "    since:", "    sinse:"),
    "`stations` 的第二项多缩进了一个空格": (
        "deputies/wang-xiulan.yaml",
        "  - hecheng-yunshang-zhan",
        "   - hecheng-yunshang-zhan",
    ),
    "`name：王秀兰`（中文冒号）": ("deputies/wang-xiulan.yaml", "name: 王秀兰", "name：王秀兰"),
    "`gender: 女`": ("deputies/wang-xiulan.yaml", "gender: female", "gender: 女"),
    "`- hecheng-zahn`（联络站 id 拼错）": ("deputies/wang-xiulan.yaml", "  - hecheng-zhan\n", "  - hecheng-zahn\n"),
    "`since: 2022-1-8`": ("deputies/wang-xiulan.yaml", "since: 2022-01-08", "since: 2022-1-8"),
    "`since: 2022-02-30`（没有这一天）": ("deputies/wang-xiulan.yaml", "since: 2022-01-08", "since: 2022-02-30"),
    # stations/README.md (hecheng-zhan.yaml)
    "固定站删去了 `address`": ("stations/hecheng-zhan.yaml", "address: 青禾县禾城镇禾丰路18号便民服务中心二楼\n", ""),
    "`adress: ...`（字段名拼错）": ("stations/hecheng-zhan.yaml", "\naddress:", "\nadress:"),
    "`phone: 6120001`（没写区号）": ("stations/hecheng-zhan.yaml", "phone: 0999-6120001", "phone: 6120001"),
    "`time: 11:30-09:00`": ("stations/hecheng-zhan.yaml", "time: 09:00-11:30", "time: 11:30-09:00"),
    "`kind: cloud`": ("stations/hecheng-zhan.yaml", "kind: fixed", "kind: cloud"),
    '`area: "990102009"`（地区表里没有）': ("stations/hecheng-zhan.yaml", 'area: "990102001"', 'area: "990102009"'),
    "`reception` 的第二项多缩进了一个空格": (
        "stations/hecheng-zhan.yaml",
        "  - day: 每月第一个周六",
        "   - day: 每月第一个周六",
    ),
}


def example_rows() -> list[Any]:
    """Every example row of every guide's tables, as a pytest param named after its guide and line."""
    rows = []
    for guide in sorted({*GUIDES.values()}):
        for number, text in enumerate(guide.read_text(encoding="utf-8").splitlines(), start=1):
            if match := EXAMPLE_ROW.match(text):
                name = f"{guide.relative_to(CONTENT).as_posix()}:{number}"
                rows.append(pytest.param(match["typo"], match["line"], id=name))
    return rows


@pytest.mark.parametrize(("typo", "expected"), example_rows())
def test_guide_example_is_what_validate_prints(typo: str, expected: str, tmp_path: Path, beside_content: Path) -> None:
    """Make the row's typo in a copy of content/, run the checks `validate` runs beside it (where the guides' paths
    open the files, as from the project's folder): its line is among those printed."""
    assert PRINTED_LINE.fullmatch(expected), f"not a line validate prints (content/<file>:<line>: ...): {expected}"
    assert typo in EDITS, f"add the edit that makes the typo {typo!r} to EDITS in tests/test_guides.py"
    file, old, new = EDITS[typo]
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    target = content / file
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{file} no longer holds {old!r} exactly once: update EDITS[{typo!r}]"
    target.write_text(text.replace(old, new), encoding="utf-8")
    _, problems = load_content(content, TODAY)
    printed = [problem_line(p) for p in problems]
    assert expected in printed, "validate printed:\n" + "\n".join(printed)


def test_every_edit_has_its_row() -> None:
    """An edit whose row was reworded or removed would test nothing: the table and EDITS change together."""
    typos = {row.values[0] for row in example_rows()}
    assert sorted(set(EDITS) - typos) == []
